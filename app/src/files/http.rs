//! `GET /files/{key}`: a stored picture (an avatar or a logo). The key is the capability — it
//! carries 128 random bits and is only ever shown to those who may see the picture — and names
//! exactly one immutable file, so the answer is cached for good. Attachments are never served
//! here (they go through their organization-checked download).
//!
//! On local disk the bytes are streamed with this app's own type and headers (`nosniff`, a
//! `sandbox` policy); on S3 the answer is a redirect to a short-lived signed URL of the bucket,
//! which stored the picture with its type.

use std::time::Duration;

use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use platform::storage::{IMMUTABLE, KeyKind, StorageBackend, StorageKey};

use crate::{AppError, api_error::error_response, state::AppState};

/// How long a signed S3 address is valid, and how long the redirect to it may be cached.
const SIGNED_FOR: Duration = Duration::from_secs(3600);
const REDIRECT_CACHE: &str = "private, max-age=3000";

/// `GET /files/{key}` (and `HEAD`).
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/files/{*key}", get(serve))]
}

async fn serve(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let platform = &state.platform;
    let not_found = || error_response(AppError::not_found("file"), &headers, &platform.config);
    let Some(key) = StorageKey::parse(&key) else { return not_found() };
    let format = match key.kind() {
        KeyKind::Avatar(format) | KeyKind::Logo(format) => format,
        KeyKind::Attachment => return not_found(),
    };
    // The key's random part names the bytes for good: it is their entity tag.
    let etag = format!("\"{}\"", key.as_str().rsplit('/').next().unwrap_or_default());
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"-\""));
    let storage = &platform.storage;
    if storage.backend() == StorageBackend::S3 {
        // Only a file that exists gets an address.
        match storage.size(&key).await {
            Ok(Some(_)) => {}
            Ok(None) => return not_found(),
            Err(error) => {
                let error = AppError::internal(format!("looking up {key}: {error}"));
                return error_response(error, &headers, &platform.config);
            }
        }
    }
    match storage.signed_url(&key, SIGNED_FOR).await {
        Ok(Some(url)) => {
            let Ok(location) = HeaderValue::from_str(&url) else { return not_found() };
            return (
                StatusCode::TEMPORARY_REDIRECT,
                [
                    (header::LOCATION, location),
                    (header::CACHE_CONTROL, HeaderValue::from_static(REDIRECT_CACHE)),
                ],
            )
                .into_response();
        }
        Ok(None) => {}
        Err(error) => {
            let error = AppError::internal(format!("signing the address of {key}: {error}"));
            return error_response(error, &headers, &platform.config);
        }
    }
    let cached = headers.get(header::IF_NONE_MATCH).is_some_and(|tags| {
        tags.as_bytes().split(|b| *b == b',').any(|tag| tag.trim_ascii() == etag.as_bytes())
    });
    let file = match storage.get(&key).await {
        Ok(Some(file)) => file,
        Ok(None) => return not_found(),
        Err(error) => {
            let error = AppError::internal(format!("reading {key}: {error}"));
            return error_response(error, &headers, &platform.config);
        }
    };
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox")),
    ];
    if cached {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(format.content_type())),
            (header::CONTENT_LENGTH, HeaderValue::from(file.size)),
        ],
        Body::from_stream(file.body),
    )
        .into_response()
}
