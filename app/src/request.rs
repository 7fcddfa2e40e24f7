//! Reading the current HTTP request and shaping its response, from inside server functions and
//! server-side rendering.

use http::{HeaderMap, HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::i18n::{LOCALE_COOKIE, Locale};

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

/// Whether a request came from a page of another site: `Sec-Fetch-Site` says so (unless
/// `Origin` is trusted), or `Origin` is neither this host, `PUBLIC_URL`, nor a trusted origin.
/// Requests with neither header do not come from a browser and pass.
pub fn is_cross_site(headers: &HeaderMap, config: &platform::Config) -> bool {
    cross_site(headers, config.public_url.as_deref(), &config.trusted_origins)
}

fn cross_site(headers: &HeaderMap, public_url: Option<&str>, trusted_origins: &[String]) -> bool {
    use platform::config::origin_of;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let trusted = |origin: &str| {
        let Some(origin) = origin_of(origin) else { return false };
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
        }) || public_url.and_then(origin_of).as_deref() == Some(origin.as_str())
            || trusted_origins.contains(&origin)
    };
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => false,
        Some(_) => !origin.is_some_and(trusted),
        None => origin.is_some_and(|o| !trusted(o)),
    }
}

#[cfg(test)]
mod cross_site_tests {
    use http::{HeaderMap, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    fn is_cross_site(headers: &HeaderMap, trusted: &[&str]) -> bool {
        let trusted: Vec<String> = trusted.iter().map(|s| (*s).to_owned()).collect();
        super::cross_site(headers, None, &trusted)
    }

    #[test]
    fn same_origin_and_non_browser_requests_pass() {
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")]), &[]));
        assert!(!is_cross_site(&headers(&[]), &[]));
        assert!(!is_cross_site(
            &headers(&[("host", "app.example:3000"), ("origin", "http://app.example:3000")]),
            &[]
        ));
    }

    #[test]
    fn other_sites_are_refused_unless_trusted() {
        let trusted = ["https://admin.example"];
        let evil = headers(&[
            ("host", "app.example"),
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(is_cross_site(&evil, &trusted));
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "null")]), &trusted));
        assert!(is_cross_site(
            &headers(&[("host", "app.example"), ("sec-fetch-site", "same-site")]),
            &trusted
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("host", "app.example"),
                ("origin", "https://admin.example"),
                ("sec-fetch-site", "cross-site"),
            ]),
            &trusted
        ));
    }
}
