//! The layers between the network and every handler that concern the caller: where the request
//! comes from (CSRF), who sends it (session cookie → [`RequestAuth`]) and how often (the
//! general per-caller API limit).

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use app::{
    AppError, ErrorCode,
    api_error::error_response,
    auth::server::{
        ClientIp, RequestAuth,
        limits::{self, api_per_caller},
        session,
    },
    request::{self, is_cross_site},
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::Response,
};

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
        return error_response(error, request.headers(), &state.platform.config);
    }
    next.run(request).await
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
            Err(error) => return error_response(error, request.headers(), &state.platform.config),
        }
    }

    if is_api {
        let caller = match &auth.0 {
            Some(session) => format!("api:session:{}", session.session_id),
            None => format!("api:ip:{}", ip.map_or_else(|| "unknown".into(), |ip| ip.to_string())),
        };
        if let Err(error) = limits::enforce(platform, &[(caller, api_per_caller(platform))]).await {
            return error_response(error, request.headers(), &state.platform.config);
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
