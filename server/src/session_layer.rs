//! The layers between the network and every handler that concern the caller: where the request
//! comes from (CSRF), who sends it (session cookie → [`RequestAuth`]) and how often (the
//! general per-caller API limit).

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use app::{
    AppError, ErrorCode,
    auth::server::{
        ClientIp, RequestAuth,
        limits::{self, api_per_caller},
        session,
    },
    request,
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue, Method, header},
    middleware::Next,
    response::Response,
};
use platform::config::{Config, origin_of};

use crate::layers::error_response;

/// Refuses state-changing requests that a browser sent from another site: `Sec-Fetch-Site`
/// must say same-origin (or user-initiated), or `Origin` must be this host or a trusted
/// origin. Requests with neither header do not come from a browser and pass.
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe =
        matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE);
    if !safe && is_cross_site(request.headers(), &state.platform.config) {
        tracing::warn!(
            origin = ?request.headers().get(header::ORIGIN),
            fetch_site = ?request.headers().get("sec-fetch-site"),
            "cross-site request refused",
        );
        let error =
            AppError::new(ErrorCode::AuthForbidden).with_detail("reason", "cross_site_request");
        return error_response(error, request.headers(), &state);
    }
    next.run(request).await
}

/// Whether a state-changing request came from a page of another site.
pub fn is_cross_site(headers: &HeaderMap, config: &Config) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let trusted = |origin: &str| {
        let Some(origin) = origin_of(origin) else { return false };
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        host.is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host))
        }) || config.public_url.as_deref().and_then(origin_of).as_deref() == Some(origin.as_str())
            || config.trusted_origins.contains(&origin)
    };
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => false,
        Some(_) => !origin.is_some_and(trusted),
        None => origin.is_some_and(|o| !trusted(o)),
    }
}

/// Resolves the session cookie into a [`RequestAuth`] extension (and the caller's address into
/// [`ClientIp`]), refreshes or clears the cookie as needed, and applies the general API limit.
pub async fn session_layer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let platform = &state.platform;
    let https = platform.config.is_https();
    let ip = client_ip(&request, platform.config.trust_proxy_headers);
    if let Some(ip) = ip {
        request.extensions_mut().insert(ClientIp(ip));
    }
    let path = request.uri().path();
    let is_asset = path.starts_with("/pkg/") || path == "/favicon.svg";
    let is_api = path.starts_with("/api/") && path != "/api/health";

    let mut auth = RequestAuth::default();
    let mut cookie_update = None;
    if !is_asset
        && let Some(token) = request::cookie(request.headers(), session::cookie_name(https))
    {
        match session::resolve(platform, token).await {
            Ok(Some(resolved)) => {
                if resolved.refreshed {
                    cookie_update = Some(session::cookie_value(token, https, session::SESSION_TTL));
                }
                auth = RequestAuth(Some(Arc::new(resolved.session)));
            }
            // Expired, revoked or forged: the browser can forget it.
            Ok(None) => cookie_update = Some(session::clearing_cookie_value(https)),
            Err(error) => return error_response(error, request.headers(), &state),
        }
    }

    if is_api {
        let caller = match &auth.0 {
            Some(session) => format!("api:session:{}", session.session_id),
            None => format!("api:ip:{}", ip.map_or_else(|| "unknown".into(), |ip| ip.to_string())),
        };
        if let Err(error) = limits::enforce(platform, &[(caller, api_per_caller(platform))]).await {
            return error_response(error, request.headers(), &state);
        }
    }

    request.extensions_mut().insert(auth);
    let mut response = next.run(request).await;
    // A handler that set the session cookie itself (sign-in, sign-out) has the last word.
    let name = format!("{}=", session::cookie_name(https));
    let handler_set_it = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(name.as_bytes()));
    if let Some(cookie) = cookie_update
        && !handler_set_it
        && let Ok(value) = HeaderValue::from_str(&cookie)
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The caller's address: the peer of the connection, or — only when configured to trust a
/// proxy in front — the first address of `X-Forwarded-For`.
fn client_ip(request: &Request, trust_proxy: bool) -> Option<IpAddr> {
    if trust_proxy
        && let Some(forwarded) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(forwarded);
    }
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(trusted: &[&str]) -> Config {
        let mut config = platform::testing::test_config(
            platform::config::DatabaseConfig::Sqlite { path: "x.db".into() },
            "data".into(),
            None,
        );
        config.trusted_origins = trusted.iter().map(|s| (*s).to_owned()).collect();
        config
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header"));
        }
        map
    }

    #[test]
    fn same_origin_and_non_browser_requests_pass() {
        let config = config(&[]);
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")]), &config));
        assert!(!is_cross_site(&headers(&[]), &config));
        assert!(!is_cross_site(
            &headers(&[("host", "app.example:3000"), ("origin", "http://app.example:3000")]),
            &config
        ));
    }

    #[test]
    fn other_sites_are_refused_unless_trusted() {
        let config = config(&["https://admin.example"]);
        let evil = headers(&[
            ("host", "app.example"),
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(is_cross_site(&evil, &config));
        assert!(is_cross_site(&headers(&[("host", "app.example"), ("origin", "null")]), &config));
        assert!(is_cross_site(
            &headers(&[("host", "app.example"), ("sec-fetch-site", "same-site")]),
            &config
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("host", "app.example"),
                ("origin", "https://admin.example"),
                ("sec-fetch-site", "cross-site"),
            ]),
            &config
        ));
    }
}
