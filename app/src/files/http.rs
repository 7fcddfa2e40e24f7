//! The files' HTTP routes (uploads are multipart, so they are not server functions):
//!
//! - `POST /api/avatars/upload` (field `avatar`) and `DELETE /api/avatars`: the caller's
//!   picture. `POST /api/orgs/logo` (fields `org`, then `logo`) and `DELETE /api/orgs/logo?org=`
//!   (`organization:update`): the organization's logo, counted in its storage.
//! - `POST /api/todos/attachments` (fields `org`, `todo`, then `file`; `todos:update`) and
//!   `GET /api/todos/attachments/download?org=&id=` (`todos:read`), always a download.
//! - `GET /files/{key}`: a stored picture (an avatar or a logo). The key is the capability — it
//!   carries 128 random bits and is only ever shown to those who may see the picture — and
//!   names exactly one immutable file, so the answer is cached for good. Attachments are never
//!   served there. On local disk the bytes are streamed with this app's own type and headers
//!   (`nosniff`, a `sandbox` policy); on S3 the answer is a redirect to a short-lived signed
//!   URL of the bucket, which stored the picture with its type.
//!
//! Each upload's cap (`MAX_IMAGE_BYTES`, `MAX_ATTACHMENT_BYTES`) replaces the general body
//! limit on its path ([`UPLOAD_PATHS`]) and is enforced as the bytes arrive.

use std::{fmt::Write as _, time::Duration};

use axum::{
    Extension,
    body::Body,
    extract::{Path, Query, Request, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, delete, get, post},
};
use platform::storage::{IMMUTABLE, KeyKind, StorageBackend, StorageKey};

use super::{
    model::{AVATAR_FIELD, AttachmentInput, AttachmentsInput, FILE_FIELD, LOGO_FIELD, LogoInput},
    service,
    upload::{Upload, answer, check_length, content_length},
};
use crate::{
    AppError,
    api_error::error_response,
    auth::server::{AuthContext, RequestAuth},
    error::ErrorCode,
    orgs::{permissions::Permission, scope::OrgScope},
    state::AppState,
    validation::validate,
};

/// The upload paths: each reads its body under its own cap, not `MAX_BODY_BYTES`.
pub const UPLOAD_PATHS: [&str; 3] =
    ["/api/avatars/upload", "/api/orgs/logo", "/api/todos/attachments"];

/// How long a signed S3 address is valid, and how long the redirect to it may be cached.
const SIGNED_FOR: Duration = Duration::from_secs(3600);
const REDIRECT_CACHE: &str = "private, max-age=3000";

/// The uploads, the `DELETE`s, the download and `GET /files/{key}` (and `HEAD`).
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/api/avatars/upload", post(upload_avatar)),
        ("/api/avatars", delete(delete_avatar)),
        ("/api/orgs/logo", post(upload_logo).delete(delete_logo)),
        ("/api/todos/attachments", post(upload_attachment)),
        ("/api/todos/attachments/download", get(download)),
        ("/files/{*key}", get(serve)),
    ]
}

fn signed_in(auth: Option<Extension<RequestAuth>>) -> Result<AuthContext, AppError> {
    auth.and_then(|Extension(auth)| AuthContext::of_request(&auth))
        .ok_or_else(AppError::unauthenticated)
}

/// `POST /api/avatars/upload`.
async fn upload_avatar(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let platform = &state.platform;
    let max = platform.config.uploads.max_image_bytes;
    let mut upload = Upload::of(request);
    let result = async {
        let auth = signed_in(auth)?;
        check_length(&headers, AVATAR_FIELD, max)?;
        let file = upload.file(&headers, AVATAR_FIELD, max).await?;
        let picture = file.picture(AVATAR_FIELD, max).await?;
        service::replace_avatar(platform, &auth, picture).await
    }
    .await;
    if result.is_err() {
        upload.linger();
    }
    answer(result, &headers, &platform.config, "/api/avatars/upload")
}

/// `DELETE /api/avatars`.
async fn delete_avatar(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    headers: HeaderMap,
) -> Response {
    let platform = &state.platform;
    let result = async { service::remove_avatar(platform, &signed_in(auth)?).await }.await;
    answer(result, &headers, &platform.config, "/api/avatars")
}

/// `POST /api/orgs/logo`.
async fn upload_logo(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let platform = &state.platform;
    let max = platform.config.uploads.max_image_bytes;
    let mut upload = Upload::of(request);
    let result = async {
        let auth = signed_in(auth)?;
        check_length(&headers, LOGO_FIELD, max)?;
        let file = upload.file(&headers, LOGO_FIELD, max).await?;
        let input = LogoInput { org: upload.text("org") };
        validate(&input)?;
        let org =
            OrgScope::require(platform, &auth, &input.org, Permission::OrganizationUpdate).await?;
        let picture = file.picture(LOGO_FIELD, max).await?;
        service::replace_logo(platform, &org, picture).await
    }
    .await;
    if result.is_err() {
        upload.linger();
    }
    answer(result, &headers, &platform.config, "/api/orgs/logo")
}

/// `DELETE /api/orgs/logo?org=…`.
async fn delete_logo(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    headers: HeaderMap,
    input: Result<Query<LogoInput>, QueryRejection>,
) -> Response {
    let platform = &state.platform;
    let result = async {
        let auth = signed_in(auth)?;
        let Query(input) = input.map_err(|_| AppError::new(ErrorCode::ValInvalidFormat))?;
        validate(&input)?;
        let org =
            OrgScope::require(platform, &auth, &input.org, Permission::OrganizationUpdate).await?;
        service::remove_logo(platform, &org).await
    }
    .await;
    answer(result, &headers, &platform.config, "/api/orgs/logo")
}

/// `POST /api/todos/attachments`.
async fn upload_attachment(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    request: Request,
) -> Response {
    let headers = request.headers().clone();
    let platform = &state.platform;
    let max = platform.config.uploads.max_attachment_bytes;
    let mut upload = Upload::of(request);
    let result = async {
        let auth = signed_in(auth)?;
        check_length(&headers, FILE_FIELD, max)?;
        let file = upload.file(&headers, FILE_FIELD, max).await?;
        let input = AttachmentsInput { org: upload.text("org"), todo: upload.text("todo") };
        validate(&input)?;
        let org = OrgScope::require(platform, &auth, &input.org, Permission::TodosUpdate).await?;
        // What the file can be at most, reserved before its first byte is stored.
        let reserve = content_length(&headers).map_or(max, |length| length.min(max));
        let pending = service::begin_attachment(platform, &org, &input.todo, reserve).await?;
        let file_name = super::model::sanitize_file_name(file.file_name.as_deref().unwrap_or(""));
        let content_type = file
            .content_type
            .clone()
            .filter(|t| t.len() <= 255 && t.bytes().all(|b| b.is_ascii_graphic() || b == b' '))
            .unwrap_or_else(|| "application/octet-stream".to_owned());
        service::finish_attachment(
            platform,
            &org,
            pending,
            file.stream(),
            max,
            file_name,
            content_type,
        )
        .await
    }
    .await;
    if result.is_err() {
        upload.linger();
    }
    answer(result, &headers, &platform.config, "/api/todos/attachments")
}

/// `Content-Disposition` of a download: an ASCII `filename` for old clients and the exact
/// name as `filename*` (RFC 6266, RFC 8187).
fn disposition(file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .filter(|c| !matches!(c, '"' | '\\' | '%'))
        .collect();
    let mut encoded = String::new();
    for byte in file_name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

/// `GET /api/todos/attachments/download?org=…&id=…`.
async fn download(
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    headers: HeaderMap,
    input: Result<Query<AttachmentInput>, QueryRejection>,
) -> Response {
    let platform = &state.platform;
    let result = async {
        let auth = signed_in(auth)?;
        let Query(input) = input.map_err(|_| AppError::new(ErrorCode::ValInvalidFormat))?;
        validate(&input)?;
        let org = OrgScope::require(platform, &auth, &input.org, Permission::TodosRead).await?;
        let row = super::store::attachment(&platform.db, org.id(), &input.id)
            .await?
            .ok_or_else(|| AppError::not_found("attachment"))?;
        let key = StorageKey::parse(&row.storage_key)
            .ok_or_else(|| AppError::internal(format!("stored key {:?}", row.storage_key)))?;
        let file = platform
            .storage
            .get(&key)
            .await
            .map_err(|error| AppError::internal(format!("reading {key}: {error}")))?
            .ok_or_else(|| AppError::internal(format!("{key} is recorded but not stored")))?;
        Ok((row, file))
    }
    .await;
    let (row, file) = match result {
        Ok(found) => found,
        Err(error) => return error_response(error, &headers, &platform.config),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream")),
            (header::CONTENT_DISPOSITION, disposition(&row.file_name)),
            (header::CONTENT_LENGTH, HeaderValue::from(file.size)),
            (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            ),
        ],
        Body::from_stream(file.body),
    )
        .into_response()
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

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_download_keeps_its_name_in_both_forms() {
        assert_eq!(
            disposition("año 2026.pdf").to_str().ok(),
            Some("attachment; filename=\"a_o 2026.pdf\"; filename*=UTF-8''a%C3%B1o%202026.pdf")
        );
        assert_eq!(
            disposition("100%.txt").to_str().ok(),
            Some("attachment; filename=\"100.txt\"; filename*=UTF-8''100%25.txt")
        );
    }
}
