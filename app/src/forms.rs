//! Form building blocks shared by every page: errors from the action or (without JavaScript)
//! from the URL, labelled fields with their errors, the alert and the pending submit button.

use leptos::{
    prelude::*,
    server_fn::{ServerFn, error::ServerFnUrlError},
};
use leptos_router::hooks::use_query_map;

use crate::{
    error::AppError,
    i18n::{I18n, has_key, use_i18n},
    ui::format_bytes,
};

/// The error to show for a form of server function `S`: the last result of its action, or —
/// after a plain form post without JavaScript — the error the server put in the URL.
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let posted = posted_error(S::PATH);
    Signal::derive(move || {
        if action.version().get() > 0 {
            return action.value().get().and_then(Result::err);
        }
        posted.get()
    })
}

/// The error the server put in the URL after a plain form post to `path` refused without
/// JavaScript (a server function's path, or an upload's).
pub fn posted_error(path: &'static str) -> Signal<Option<AppError>> {
    let query = use_query_map();
    Signal::derive(move || {
        query.with(|q| {
            if q.get_str("__path")? != path {
                return None;
            }
            q.get_str("__err").map(ServerFnUrlError::<AppError>::decode_err)
        })
    })
}

/// The query parameter in which a refused plain form post (without JavaScript) comes back with
/// what was typed, form-encoded, secrets left out (the server's `form_values` layer adds it).
pub const KEPT_VALUES_PARAM: &str = "__form";

/// What was typed into field `name` of a plain form the server refused, if it came back.
pub fn kept_value(name: &str) -> Option<String> {
    let query = use_query_map();
    query.with_untracked(|q| {
        let kept = q.get_str(KEPT_VALUES_PARAM)?;
        form_urlencoded::parse(kept.as_bytes())
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.into_owned())
    })
}

/// The sentence for an error: a specific reason when there is one, a pointer to the fields when
/// they carry the detail, the code's message otherwise.
pub fn error_message(i18n: I18n, error: &AppError) -> String {
    if let Some(reason) = error.details.get("reason").and_then(|r| r.as_str()) {
        let key = format!("reason-{}", reason.replace('_', "-"));
        if has_key(i18n.locale.get(), &key) {
            return i18n.t(&key);
        }
    }
    if let Some(max) = error.details.get("maxBytes").and_then(serde_json::Value::as_i64) {
        return i18n.t_args("upload-too-large", &[("max", format_bytes(max).into())]);
    }
    if let Some(seconds) = error.details.get("retryAfter").and_then(serde_json::Value::as_u64) {
        return i18n.t_args("error-rate-limit-retry", &[("seconds", seconds.into())]);
    }
    if error.fields.is_empty() {
        i18n.t(&error.code.message_key())
    } else {
        i18n.t("form-has-errors")
    }
}

/// The form-level alert.
#[component]
pub fn FormAlert(error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|error| {
            let message = error_message(i18n, &error);
            view! {
                <p class="form-alert" role="alert" data-code=error.code.as_str()>
                    {message}
                </p>
            }
        })
    }
}

/// A labelled input with its field errors.
#[component]
pub fn Field(
    /// The form field name.
    name: &'static str,
    /// Translation key of the label.
    label: &'static str,
    /// The form's error.
    error: Signal<Option<AppError>>,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete` value.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// Initial value.
    #[prop(into, default = String::new())]
    value: String,
    /// Translation key of a hint below the input.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// Extra attributes: `minlength`/`maxlength`.
    #[prop(optional)]
    minlength: Option<usize>,
    /// Longest value.
    #[prop(optional)]
    maxlength: Option<usize>,
    /// `inputmode`.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// The field may be left empty.
    #[prop(optional)]
    optional: bool,
    /// The input's id, where two forms on one page have a field of the same name (default
    /// `field-{name}`).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Refused without JavaScript: the page comes back with what was typed (never a password).
    let value = error
        .get_untracked()
        .filter(|_| kind != "password")
        .and_then(|_| kept_value(name))
        .unwrap_or(value);
    let id = id.map_or_else(|| format!("field-{name}"), ToOwned::to_owned);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let codes = move || error.get().map(|e| e.field(name).to_vec()).unwrap_or_default();
    let invalid = move || !codes().is_empty();
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if invalid() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                required=!optional
                minlength=minlength
                maxlength=maxlength
                inputmode=inputmode
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=described_by
            />
            {hint.map(|key| view! { <p class="field-hint" id=hint_id.clone()>{move || i18n.t(key)}</p> })}
            <Show when=invalid>
                <p class="field-error" id=error_id.clone()>
                    {move || {
                        codes()
                            .into_iter()
                            .map(|code| i18n.t(&code.message_key()))
                            .collect::<Vec<_>>()
                            .join(" ")
                    }}
                </p>
            </Show>
        </div>
    }
}

/// A submit button that shows the action is running: the form's primary action, or with
/// `danger` the confirmation of a destructive one.
#[component]
pub fn Submit(
    label: &'static str,
    pending: Memo<bool>,
    /// The button confirms something that cannot be undone.
    #[prop(optional)]
    danger: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let class = if danger { "btn btn-danger" } else { "btn btn-primary" };
    view! {
        <button type="submit" class=class disabled=move || pending.get() aria-busy=move || pending.get().then_some("true")>
            {move || if pending.get() { i18n.t("form-working") } else { i18n.t(label) }}
        </button>
    }
}

/// The query parameter `name` of the page URL.
pub fn query_param(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get(name)))
}
