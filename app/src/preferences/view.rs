//! Language and theme pickers. Each is a form that posts to its server function, so it works
//! without JavaScript; once hydrated, a change applies at once and the button hides.

use leptos::{form::ActionForm, prelude::*};

use super::{
    api::{SetLocale, SetTheme},
    model::{SetLocaleInput, SetThemeInput, Theme},
};
use crate::{
    auth::view::CurrentUserContext,
    i18n::{Locale, use_i18n},
};

/// The current colour theme, provided by the app shell.
#[derive(Clone, Copy, Debug)]
pub struct ThemeContext(pub RwSignal<Theme>);

/// Switches the interface to a person's stored language when they sign in (the server sets the
/// cookie in the same answer; this keeps the already loaded page from staying in the old
/// language until a reload). Not on the first run: the server rendered the page in the
/// language of the cookie, which hydration must keep.
pub fn follow_signed_in_locale(i18n: crate::i18n::I18n, current: CurrentUserContext) {
    let signed_in = Memo::new(move |_| current.get().map(|user| (user.id, user.locale)));
    Effect::new(move |previous: Option<()>| {
        let user = signed_in.get();
        if previous.is_some()
            && let Some(locale) = user.and_then(|(_, locale)| locale.parse::<Locale>().ok())
        {
            i18n.locale.set(locale);
        }
    });
}

/// Stores the browser's time zone in a signed-in person's profile when it differs from the
/// stored one, then reloads the person: the page's times move to the zone. Browser only; until
/// the zone is known, times are shown in UTC (with the exact time on hover either way).
pub fn report_time_zone(current: CurrentUserContext) {
    #[cfg(feature = "hydrate")]
    {
        let reported = StoredValue::new(None::<String>);
        Effect::new(move |_| {
            let Some(stored) = current.get().map(|user| user.time_zone) else { return };
            let Some(zone) = browser_time_zone() else { return };
            // Once per zone and page: a refused or failed report is not retried in a loop.
            if stored.as_deref() == Some(zone.as_str())
                || reported.get_value().as_deref() == Some(zone.as_str())
            {
                return;
            }
            reported.set_value(Some(zone.clone()));
            // After hydration: the request must not compete with the page's chunks, nor its
            // answer re-render the shell while hydration walks it.
            crate::ui::after_hydration(move || {
                leptos::task::spawn_local(async move {
                    let input = super::model::SetTimeZoneInput { time_zone: zone };
                    if super::api::set_time_zone(input).await.is_ok() {
                        current.refresh();
                    }
                });
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = current;
}

/// The browser's IANA time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`).
#[cfg(feature = "hydrate")]
fn browser_time_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into()).ok()?.as_string().filter(|z| !z.is_empty())
}

/// Picks the interface language.
#[component]
pub fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetLocale>::new();
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(locale) = event_target_value(&ev).parse::<Locale>() {
            i18n.locale.set(locale);
            action.dispatch(SetLocale { input: SetLocaleInput { locale: locale.as_str().into() } });
        }
    };
    view! {
        <ActionForm action attr:class="picker">
            <label for="locale-picker">{move || i18n.t("language-label")}</label>
            <select id="locale-picker" name="locale" on:change=on_change>
                {Locale::ALL
                    .into_iter()
                    .map(|locale| {
                        view! {
                            <option
                                value=locale.as_str()
                                lang=locale.as_str()
                                selected=move || i18n.locale.get() == locale
                            >
                                {locale.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="btn btn-secondary js-hidden">
                {move || i18n.t("preferences-apply")}
            </button>
        </ActionForm>
    }
}

/// Picks the colour theme.
#[component]
pub fn ThemePicker() -> impl IntoView {
    let i18n = use_i18n();
    let theme = expect_context::<ThemeContext>().0;
    let action = ServerAction::<SetTheme>::new();
    let on_change = move |ev: leptos::ev::Event| {
        if let Ok(choice) = event_target_value(&ev).parse::<Theme>() {
            theme.set(choice);
            action.dispatch(SetTheme { input: SetThemeInput { theme: choice.as_str().into() } });
        }
    };
    view! {
        <ActionForm action attr:class="picker">
            <label for="theme-picker">{move || i18n.t("theme-label")}</label>
            <select id="theme-picker" name="theme" on:change=on_change>
                {Theme::ALL
                    .into_iter()
                    .map(|choice| {
                        view! {
                            <option value=choice.as_str() selected=move || theme.get() == choice>
                                {move || i18n.t(choice.label_key())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="btn btn-secondary js-hidden">
                {move || i18n.t("preferences-apply")}
            </button>
        </ActionForm>
    }
}
