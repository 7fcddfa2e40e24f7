//! Cross-cutting HTTP layers: request ids, security headers, JSON errors for the API.

use app::{
    AppError, ErrorCode, api_error::error_response, request::REQUEST_ID_HEADER, state::AppState,
};
use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    middleware::Next,
    response::Response,
};
use platform::config::StorageConfig;

/// Longest request id accepted from a client.
const MAX_REQUEST_ID_LEN: usize = 128;

/// Gives every request an id — the client's `x-request-id` when it is safe to log, a new UUIDv7
/// otherwise — makes it visible to handlers and echoes it on the response.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let name = HeaderName::from_static(REQUEST_ID_HEADER);
    let id = request
        .headers()
        .get(&name)
        .filter(|value| is_safe_request_id(value.as_bytes()))
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&uuid::Uuid::now_v7().to_string())
                .unwrap_or_else(|_| HeaderValue::from_static("invalid"))
        });
    request.headers_mut().insert(name.clone(), id.clone());
    let mut response = next.run(request).await;
    response.headers_mut().insert(name, id);
    response
}

fn is_safe_request_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_LEN
        && id.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The nonce of one page's scripts: made before the page renders (the render reads it from the
/// request), and named in the page's Content-Security-Policy by [`page_csp`].
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// Gives every request a fresh script nonce, and every HTML answer a strict
/// Content-Security-Policy naming it: scripts only from this origin or carrying the nonce (the
/// hydration and resource scripts), wasm compilation allowed. Set here, on the response itself,
/// so no page can be served without it.
pub async fn page_csp(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        let options = &state.leptos_options;
        let reload = if matches!(options.env, leptos::config::Env::DEV) {
            format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port)
        } else {
            String::new()
        };
        // Pictures: this origin (`/files/…`, which redirects to the bucket on S3), the
        // browser's own copy of a picture being uploaded (`blob:`).
        let bucket = match &state.platform.config.storage {
            StorageConfig::S3(s3) => format!(" {}", s3.origin()),
            StorageConfig::Local(_) => String::new(),
        };
        let policy = format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data: blob:{bucket}; connect-src 'self'{reload}; \
             frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
        );
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// Headers every response carries unless the handler set its own (pages get theirs from
/// [`page_csp`]).
pub fn security_headers() -> [(HeaderName, HeaderValue); 6] {
    [
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
    ]
}

/// Answers API paths that match no route with a JSON `BIZ_NOT_FOUND`, not an HTML page.
pub async fn api_not_found(State(state): State<AppState>, request: Request) -> Response {
    error_response(AppError::not_found("endpoint"), request.headers(), &state.platform.config)
}

/// The general body limit, `MAX_BODY_BYTES`, on every request but an upload (its route reads
/// the body under its own cap, [`app::files::http::UPLOAD_PATHS`]): a declared length over it
/// is refused at once, a longer body stops being read when it passes it.
pub async fn body_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() == http::Method::POST
        && app::files::http::UPLOAD_PATHS.contains(&request.uri().path())
    {
        return next.run(request).await;
    }
    let max = state.platform.config.max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(max).unwrap_or(u64::MAX)) {
        let mut json = error_response(
            AppError::new(ErrorCode::ValTooLong).with_detail("maxBytes", max),
            request.headers(),
            &state.platform.config,
        );
        *json.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        return json;
    }
    next.run(request.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, max))))
        .await
}

/// Turns the body-limit layer's plain-text 413 into a JSON `VAL_TOO_LONG` error (status kept).
pub async fn json_payload_too_large(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE
        || response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    {
        return response;
    }
    let max = state.platform.config.max_body_bytes;
    let mut json = error_response(
        AppError::new(ErrorCode::ValTooLong).with_detail("maxBytes", max),
        &headers,
        &state.platform.config,
    );
    *json.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    json
}

#[cfg(test)]
mod tests {
    use super::is_safe_request_id;

    #[test]
    fn request_ids_must_be_short_and_plain() {
        assert!(is_safe_request_id(b"0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"));
        assert!(!is_safe_request_id(b""));
        assert!(!is_safe_request_id(b"evil\nlog line"));
        assert!(!is_safe_request_id(&[b'a'; 129]));
    }
}
