//! Preference server functions. Public (no session needed): they only set a cookie.

use leptos::{prelude::*, server_fn::codec::PostUrl};

use super::model::{SetLocaleInput, SetThemeInput, SetTimeZoneInput, Theme};
use crate::{error::AppError, i18n::Locale};

/// `POST /api/preferences/locale` — stores the interface language in a cookie.
///
/// Form-encoded `locale=en|es`. Returns the stored locale. Errors: `VAL_REQUIRED_FIELD`,
/// `VAL_INVALID_FORMAT` (field `locale`).
#[server(prefix = "/api", endpoint = "preferences/locale", input = PostUrl)]
pub async fn set_locale(#[server(flatten)] input: SetLocaleInput) -> Result<Locale, AppError> {
    crate::validation::validate(&input)?;
    let locale: Locale = input.locale.parse().map_err(|_| {
        AppError::invalid_field("locale", crate::error::ErrorCode::ValInvalidFormat)
    })?;
    crate::request::set_preference_cookie(crate::i18n::LOCALE_COOKIE, locale.as_str());
    // A signed-in user's choice is also their profile's language (mail, other devices).
    if let Some(auth) = crate::auth::server::AuthContext::current() {
        let platform = crate::state::AppState::get()?.platform;
        crate::auth::server::service::set_locale(&platform, &auth.user.id, locale.as_str()).await?;
    }
    Ok(locale)
}

/// `POST /api/preferences/time-zone` — stores the signed-in person's time zone, which pages
/// show times in (the browser reports it).
///
/// Form-encoded `time_zone=Europe/Madrid` (an IANA name). Returns the stored name. Errors:
/// `AUTH_UNAUTHENTICATED`, `VAL_REQUIRED_FIELD`, `VAL_TOO_LONG`, `VAL_INVALID_FORMAT` (field
/// `time_zone`: not a zone of the IANA database).
#[server(prefix = "/api", endpoint = "preferences/time-zone", input = PostUrl)]
pub async fn set_time_zone(#[server(flatten)] input: SetTimeZoneInput) -> Result<String, AppError> {
    let auth = crate::auth::server::AuthContext::require()?;
    crate::validation::validate(&input)?;
    let zone: chrono_tz::Tz = input.time_zone.trim().parse().map_err(|_| {
        AppError::invalid_field("time_zone", crate::error::ErrorCode::ValInvalidFormat)
    })?;
    let platform = crate::state::AppState::get()?.platform;
    crate::auth::server::service::set_time_zone(&platform, &auth.user.id, zone.name()).await?;
    Ok(zone.name().to_owned())
}

/// `POST /api/preferences/theme` — stores the colour theme in a cookie.
///
/// Form-encoded `theme=system|light|dark`. Returns the stored theme. Errors:
/// `VAL_REQUIRED_FIELD`, `VAL_INVALID_FORMAT` (field `theme`).
#[server(prefix = "/api", endpoint = "preferences/theme", input = PostUrl)]
pub async fn set_theme(#[server(flatten)] input: SetThemeInput) -> Result<Theme, AppError> {
    crate::validation::validate(&input)?;
    let theme: Theme = input.theme.parse().map_err(|()| {
        AppError::invalid_field("theme", crate::error::ErrorCode::ValInvalidFormat)
    })?;
    crate::request::set_preference_cookie(super::model::THEME_COOKIE, theme.as_str());
    Ok(theme)
}
