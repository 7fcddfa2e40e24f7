//! Reading the current HTTP request and shaping its response, from inside server functions and
//! server-side rendering.

use http::{HeaderMap, HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::{
    i18n::Locale,
    preferences::model::{LOCALE_COOKIE, THEME_COOKIE, Theme},
};

/// Preference cookies live a year.
const PREFERENCE_MAX_AGE_SECS: u32 = 365 * 24 * 60 * 60;

/// The request header carrying the request id (set or validated by the server's first layer).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The headers of the request being handled, if any.
pub fn headers() -> Option<HeaderMap> {
    use_context::<http::request::Parts>().map(|parts| parts.headers)
}

/// The value of cookie `name` in `headers`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// The locale for a request: the stored preference, else `Accept-Language`, else `default`.
pub fn locale(headers: &HeaderMap, default: Locale) -> Locale {
    cookie(headers, LOCALE_COOKIE)
        .and_then(|value| value.parse().ok())
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(Locale::negotiate)
        })
        .unwrap_or(default)
}

/// The configured default locale of this instance.
pub fn default_locale() -> Locale {
    use_context::<crate::state::AppState>()
        .and_then(|state| state.platform.config.default_locale.parse().ok())
        .unwrap_or_default()
}

/// The stored colour theme of a request.
pub fn theme(headers: &HeaderMap) -> Theme {
    cookie(headers, THEME_COOKIE).and_then(|value| value.parse().ok()).unwrap_or_default()
}

/// The id of the request being handled.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).map(ToOwned::to_owned)
}

/// Whether the request is a plain HTML form post (no JavaScript), which is answered with a
/// redirect back to the page rather than a status code.
pub fn is_form_post(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Sets a long-lived, first-party preference cookie on the response.
pub fn set_preference_cookie(name: &str, value: &str) {
    let cookie = format!(
        "{name}={value}; Path=/; Max-Age={PREFERENCE_MAX_AGE_SECS}; SameSite=Lax; HttpOnly"
    );
    if let (Some(response), Ok(cookie)) =
        (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie))
    {
        response.append_header(header::SET_COOKIE, cookie);
    }
}
