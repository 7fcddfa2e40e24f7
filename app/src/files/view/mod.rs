//! The files' parts of pages: the picture of a profile or an organization, and a todo's
//! attachments. Each upload is a plain multipart form that works without JavaScript (the server
//! sends the browser back to the page, a refusal in the address); hydrated, it uploads in the
//! background with a progress bar, takes a dropped file, previews a picture before it is sent,
//! and shows a refusal in the page's language.

mod attachments;
mod send;

pub use attachments::Attachments;
use leptos::{ev, form::ActionForm, html, prelude::*};

use super::{
    api::{DeleteAvatar, DeleteLogo},
    model::{AVATAR_FIELD, LOGO_FIELD, Picture},
};
use crate::{
    auth::view::use_current_user,
    billing::view::explain,
    error::AppError,
    forms::{FormAlert, form_error, posted_error},
    i18n::use_i18n,
    orgs::{
        model::OrgSummary,
        view::{OrgsChanged, use_active_org},
    },
    ui::{Avatar, AvatarSize},
};

/// What an upload form is doing: its progress (0–100) while sending, its last refusal.
#[derive(Clone, Copy)]
struct Sending {
    progress: RwSignal<Option<u32>>,
    error: RwSignal<Option<AppError>>,
}

impl Sending {
    fn new() -> Self {
        Self { progress: RwSignal::new(None), error: RwSignal::new(None) }
    }
}

/// The progress bar of an upload under way.
#[component]
fn UploadProgress(sending: Sending) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        sending.progress.get().map(|percent| {
            view! {
                <div class="upload-progress" data-testid="upload-progress">
                    <progress max="100" value=percent aria-label=move || i18n.t("upload-progress")>
                        {format!("{percent} %")}
                    </progress>
                    <span aria-hidden="true">{format!("{percent} %")}</span>
                </div>
            }
        })
    }
}

/// The refusal of an upload: the last one sent from this page, or — after a plain form post —
/// the one the server put in the address for `path`.
#[component]
fn UploadAlert(sending: Sending, path: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let posted = posted_error(path);
    move || {
        sending.error.get().or_else(|| posted.get()).map(|error| {
            view! {
                <p class="form-alert" role="alert" data-code=error.code.as_str()>
                    {explain(i18n, &error)}
                </p>
            }
        })
    }
}

/// A file chooser that also takes a dropped file (put in its input, then `on_file` runs, as
/// when one is chosen), with the upload's progress and, for plain forms, the submit button.
#[component]
fn FileChooser(
    input: NodeRef<html::Input>,
    on_file: Callback<()>,
    sending: Sending,
    /// The file field's name.
    field: &'static str,
    /// The types it offers (`accept`), if not any.
    #[prop(optional)]
    accept: Option<&'static str>,
    /// The chooser's label (translation key).
    label: &'static str,
    /// The hint below it (translation key).
    hint: &'static str,
    /// The submit button of plain forms (translation key).
    submit: &'static str,
    /// What the zone shows before the chooser (a picture).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let over = RwSignal::new(false);
    let on_drop = move |event: ev::DragEvent| {
        event.prevent_default();
        over.set(false);
        let files = event.data_transfer().and_then(|transfer| transfer.files());
        if let (Some(files), Some(input)) = (files, input.get_untracked())
            && files.length() > 0
        {
            input.set_files(Some(&files));
            on_file.run(());
        }
    };
    let id = format!("upload-{field}");
    view! {
        <div
            class="drop-zone"
            class:drop-over=move || over.get()
            on:dragover=move |event: ev::DragEvent| {
                event.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            {children.map(|children| children())}
            <label for=id.clone() class="btn btn-secondary upload-choose">{move || i18n.t(label)}</label>
            <input
                id=id
                class="upload-input"
                type="file"
                name=field
                accept=accept
                required
                node_ref=input
                on:change=move |_| on_file.run(())
            />
            <p class="field-hint">{move || i18n.t(hint)}</p>
        </div>
        <UploadProgress sending />
        // With JavaScript a chosen or dropped file is sent at once: the button is for plain forms.
        <button type="submit" class="btn btn-primary js-hidden" disabled=move || sending.progress.get().is_some()>
            {move || i18n.t(submit)}
        </button>
    }
    .into_any()
}

/// Sends `form` to its `action` in the background and hands the answer to `done`.
fn send_form<T>(
    form: NodeRef<html::Form>,
    sending: Sending,
    done: impl FnOnce(Result<T, AppError>) + 'static,
) where
    T: serde::de::DeserializeOwned + 'static,
{
    let Some(form) = form.get_untracked() else { return };
    if sending.progress.get_untracked().is_some() {
        return;
    }
    sending.error.set(None);
    sending.progress.set(Some(0));
    send::post(&form, sending.progress, move |result| {
        sending.progress.set(None);
        if let Err(error) = &result {
            sending.error.set(Some(error.clone()));
        }
        done(result);
    });
}

/// The picture chooser of a profile or an organization: the current picture (or initials),
/// a preview of the chosen file while it uploads, and the upload form.
#[component]
fn PictureForm(
    /// Where the form posts (`/api/avatars/upload`, `/api/orgs/logo`).
    action: &'static str,
    /// The file field's name.
    field: &'static str,
    /// The organization, for a logo.
    #[prop(optional)]
    org: Option<String>,
    /// The name the initials come from.
    name: String,
    /// The picture now.
    picture: Option<Picture>,
    /// An organization's logo.
    #[prop(optional)]
    logo: bool,
    /// Runs once a new picture is saved.
    on_saved: Callback<()>,
) -> impl IntoView {
    let sending = Sending::new();
    let form = NodeRef::<html::Form>::new();
    let input = NodeRef::<html::Input>::new();
    let preview = RwSignal::new(None::<Picture>);
    let submit = move || {
        // The chosen file is drawn at once, before it is sent.
        let local = input.get_untracked().and_then(|input| send::object_url(&input));
        preview.set(local.clone().map(|url| Picture { large: url.clone(), small: url }));
        send_form::<Picture>(form, sending, move |result| {
            if let Some(url) = local {
                send::revoke(&url);
            }
            preview.set(None);
            if result.is_ok() {
                if let Some(form) = form.get_untracked() {
                    form.reset();
                }
                on_saved.run(());
            }
        });
    };
    let on_file = Callback::new(move |()| submit());
    let shown = move || preview.get().or_else(|| picture.clone()).map(|picture| picture.large);
    view! {
        <form
            class="picture-form"
            method="post"
            action=action
            enctype="multipart/form-data"
            node_ref=form
            on:submit=move |event: ev::SubmitEvent| {
                event.prevent_default();
                submit();
            }
        >
            <UploadAlert sending path=action />
            // Before the file: the server reads the fields in order.
            {org.map(|org| view! { <input type="hidden" name="org" value=org /> })}
            <FileChooser
                input
                on_file
                sending
                field
                accept="image/jpeg,image/png,image/gif,image/webp"
                label="upload-picture-choose"
                hint="upload-picture-hint"
                submit="upload-picture-save"
            >
                {
                    let name = name.clone();
                    move || view! { <Avatar name=name.clone() src=shown() size=AvatarSize::Large logo /> }
                }
            </FileChooser>
        </form>
    }
    .into_any()
}

/// The profile's picture: upload, replace, remove.
#[component]
pub fn AvatarSettings() -> impl IntoView {
    let i18n = use_i18n();
    let current = use_current_user();
    let remove = ServerAction::<DeleteAvatar>::new();
    let error = form_error(remove);
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            current.refresh();
        }
    });
    let on_saved = Callback::new(move |()| current.refresh());
    move || {
        let user = current.get().unwrap_or_default();
        let has_picture = user.avatar.is_some();
        view! {
            <div class="picture-settings" data-testid="avatar-settings">
                <PictureForm action="/api/avatars/upload" field=AVATAR_FIELD name=user.name picture=user.avatar on_saved />
                {has_picture.then(|| view! {
                    <ActionForm action=remove>
                        <FormAlert error />
                        <button type="submit" class="btn btn-secondary">{move || i18n.t("upload-picture-remove")}</button>
                    </ActionForm>
                })}
            </div>
        }
        .into_any()
    }
}

/// An organization's logo: upload, replace, remove (`organization:update`).
#[component]
pub fn LogoSettings(org: OrgSummary) -> impl IntoView {
    let i18n = use_i18n();
    let active = use_active_org();
    let remove = ServerAction::<DeleteLogo>::new();
    let error = form_error(remove);
    // The frame and the switcher show the logo too.
    let orgs_changed = OrgsChanged::get();
    let changed = move || {
        active.reload.update(|n| *n += 1);
        if let Some(orgs_changed) = orgs_changed {
            orgs_changed.notify();
        }
    };
    Effect::new(move |_| {
        if matches!(remove.value().get(), Some(Ok(()))) {
            changed();
        }
    });
    let on_saved = Callback::new(move |()| changed());
    let has_logo = org.logo.is_some();
    view! {
        <section class="settings-block" aria-labelledby="org-logo-title">
            <h2 id="org-logo-title">{move || i18n.t("org-logo-title")}</h2>
            <div class="picture-settings" data-testid="logo-settings">
                <PictureForm action="/api/orgs/logo" field=LOGO_FIELD org=org.id.clone() name=org.name picture=org.logo logo=true on_saved />
                {has_logo.then(|| view! {
                    <ActionForm action=remove>
                        <FormAlert error />
                        <input type="hidden" name="org" value=org.id />
                        <button type="submit" class="btn btn-secondary">{move || i18n.t("upload-logo-remove")}</button>
                    </ActionForm>
                })}
            </div>
        </section>
    }
    .into_any()
}
