//! Reading a multipart upload as it arrives: small text fields first (`org`, `todo`), then
//! one file, whose bytes are counted against its cap as they come (413 `VAL_TOO_LONG` the
//! moment it is crossed, nothing more read). And the answer: JSON for programs and scripts,
//! a redirect back to the page for a plain HTML form (no JavaScript), as server functions do.

use std::collections::BTreeMap;

use axum::{
    body::Body,
    extract::Request,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures::StreamExt as _;
use leptos::server_fn::error::ServerFnUrlError;
use serde::Serialize;

use super::service::too_large;
use crate::{
    api_error::error_response,
    error::{AppError, ErrorCode},
    request,
};

/// Room for a multipart body's boundaries, part headers and text fields beside the file.
pub const ENVELOPE_BYTES: u64 = 16 * 1024;
/// Longest text field.
const TEXT_MAX_BYTES: usize = 1024;
/// Most text fields before the file.
const TEXT_FIELDS_MAX: usize = 8;

/// The declared `Content-Length`, if any.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Refuses at once a body whose declared length cannot hold a file within `max_bytes`.
pub fn check_length(headers: &HeaderMap, field: &str, max_bytes: u64) -> Result<(), AppError> {
    match content_length(headers) {
        Some(length) if length > max_bytes + ENVELOPE_BYTES => Err(too_large(field, max_bytes)),
        _ => Ok(()),
    }
}

/// After a refusal, what is still read and thrown away (in the background) before the
/// connection closes: closing with unread bytes resets it, and a reset can destroy the answer
/// on its way to the client.
const LINGER_BYTES: u64 = 1024 * 1024;
const LINGER_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// A multipart body being read.
pub struct Upload {
    body: Option<Body>,
    multipart: Option<multer::Multipart<'static>>,
    /// The text fields read so far, by name.
    pub texts: BTreeMap<String, String>,
}

/// The file field of an upload, its bytes still to come.
pub struct FilePart {
    field: multer::Field<'static>,
    /// The name the browser sent (never used as a key).
    pub file_name: Option<String>,
    /// The declared type.
    pub content_type: Option<String>,
}

fn malformed() -> AppError {
    AppError::new(ErrorCode::ValInvalidFormat).with_detail("reason", "malformed_multipart")
}

impl Upload {
    /// The body of `request`, read as multipart when asked for a field (`VAL_INVALID_FORMAT`
    /// then when it is not multipart).
    pub fn of(request: Request) -> Self {
        Self { body: Some(request.into_body()), multipart: None, texts: BTreeMap::new() }
    }

    fn parts(&mut self, headers: &HeaderMap, max_bytes: u64) -> Result<(), AppError> {
        if self.multipart.is_none() {
            let boundary = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| multer::parse_boundary(v).ok())
                .ok_or_else(malformed)?;
            let body = self.body.take().ok_or_else(malformed)?;
            // A backstop only: the file's own cap is checked, and answered, as it is read; past
            // it, what [`Upload::linger`] reads after a refusal.
            let backstop = max_bytes.saturating_add(2 * ENVELOPE_BYTES + LINGER_BYTES);
            let limits = multer::Constraints::new()
                .size_limit(multer::SizeLimit::new().whole_stream(backstop));
            self.multipart = Some(multer::Multipart::with_constraints(
                body.into_data_stream(),
                boundary,
                limits,
            ));
        }
        Ok(())
    }

    /// Reads text fields up to file field `file_field`, which it answers (`VAL_REQUIRED_FIELD`
    /// on `file_field` when the body ends first). Other file fields are refused. The request's
    /// `headers` say its boundary; `max_bytes` is the file's cap.
    pub async fn file(
        &mut self,
        headers: &HeaderMap,
        file_field: &str,
        max_bytes: u64,
    ) -> Result<FilePart, AppError> {
        self.parts(headers, max_bytes)?;
        let Self { multipart: Some(multipart), texts, .. } = self else { return Err(malformed()) };
        loop {
            let field = multipart.next_field().await.map_err(|_| malformed())?;
            let Some(mut field) = field else {
                return Err(AppError::invalid_field(file_field, ErrorCode::ValRequiredField));
            };
            let name = field.name().unwrap_or_default().to_owned();
            if name == file_field {
                return Ok(FilePart {
                    file_name: field.file_name().map(str::to_owned),
                    content_type: field.content_type().map(ToString::to_string),
                    field,
                });
            }
            if field.file_name().is_some() || texts.len() >= TEXT_FIELDS_MAX {
                return Err(malformed());
            }
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| malformed())? {
                text.extend_from_slice(&chunk);
                if text.len() > TEXT_MAX_BYTES {
                    return Err(AppError::invalid_field(&name, ErrorCode::ValTooLong)
                        .with_detail("max", TEXT_MAX_BYTES));
                }
            }
            let text = String::from_utf8(text)
                .map_err(|_| AppError::invalid_field(&name, ErrorCode::ValInvalidFormat))?;
            texts.insert(name, text.trim().to_owned());
        }
    }

    /// Text field `name` (empty when it was not sent).
    pub fn text(&self, name: &str) -> String {
        self.texts.get(name).cloned().unwrap_or_default()
    }

    /// After a refusal: reads what the client is still sending, in the background, and throws
    /// it away (at most [`LINGER_BYTES`] for at most [`LINGER_TIME`]), so the answer is not
    /// lost to a reset connection. Nothing of it is kept or looked at.
    pub fn linger(self) {
        let Self { body, multipart, .. } = self;
        let stream = match (multipart, body) {
            (Some(mut multipart), _) => {
                let drained = async move {
                    while let Ok(Some(mut field)) = multipart.next_field().await {
                        while let Ok(Some(_)) = field.chunk().await {}
                    }
                };
                tokio::spawn(tokio::time::timeout(LINGER_TIME, drained));
                return;
            }
            (None, Some(body)) => body.into_data_stream(),
            (None, None) => return,
        };
        let drained = async move {
            let mut stream = std::pin::pin!(stream);
            let mut read = 0_u64;
            while let Some(Ok(chunk)) = stream.next().await {
                read += chunk.len() as u64;
                if read > LINGER_BYTES {
                    break;
                }
            }
        };
        tokio::spawn(tokio::time::timeout(LINGER_TIME, drained));
    }
}

impl FilePart {
    /// The whole file in memory (pictures: they are decoded whole anyway), stopping with
    /// 413 as soon as it passes `max_bytes`.
    async fn bytes(mut self, field: &str, max_bytes: u64) -> Result<Vec<u8>, AppError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = self.field.chunk().await.map_err(|_| malformed())? {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large(field, max_bytes));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// The picture uploaded in form field `field` (at most `max_bytes`), checked against its
    /// declared type and name, and resized ([`super::service::process_picture`]).
    pub async fn picture(
        self,
        field: &'static str,
        max_bytes: u64,
    ) -> Result<platform::images::Processed, AppError> {
        let (name, declared) = (self.file_name.clone(), self.content_type.clone());
        let bytes = self.bytes(field, max_bytes).await?;
        super::service::process_picture(field, bytes, declared, name).await
    }

    /// The file's bytes as they arrive.
    pub fn stream(
        self,
    ) -> impl futures::Stream<Item = Result<axum::body::Bytes, multer::Error>> + Send + 'static
    {
        self.field.map(|chunk| chunk)
    }
}

/// The answer to an upload or a file action at server path `path`: JSON (`200` with `value`,
/// or the error with its status), or — for a plain HTML form — a `303` back to the page it was
/// sent from, the error in the address as server functions put it.
pub fn answer<T: Serialize>(
    result: Result<T, AppError>,
    headers: &HeaderMap,
    config: &platform::Config,
    path: &str,
) -> Response {
    if request::is_form_post(headers) {
        return back_to_page(result.err(), headers, config, path);
    }
    match result {
        Ok(value) => axum::Json(value).into_response(),
        Err(error) => error_response(error, headers, config),
    }
}

fn back_to_page(
    error: Option<AppError>,
    headers: &HeaderMap,
    config: &platform::Config,
    path: &str,
) -> Response {
    let mut target = page_of(headers);
    if let Some(error) = error {
        let default_locale = config.default_locale.parse().unwrap_or_default();
        let error = crate::api_error::complete(error, headers, default_locale);
        let base = format!("http://localhost{target}");
        if let Ok(url) = ServerFnUrlError::new(path, error).to_url(&base) {
            target = match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            };
        }
    }
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The path and query of the page a form was sent from (`Referer`), without an earlier
/// error; never another site's address (`/` without one).
fn page_of(headers: &HeaderMap) -> String {
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok()).unwrap_or("/");
    let after_scheme = referer.split_once("://").map_or(referer, |(_, rest)| rest);
    let local = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    let local = local.split('#').next().unwrap_or("/");
    let (page, query) = local.split_once('?').unwrap_or((local, ""));
    if !page.starts_with('/') || page.starts_with("//") {
        return "/".to_owned();
    }
    let kept: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, _)| name != "__path" && name != "__err")
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        return page.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish();
    format!("{page}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_goes_back_to_its_own_page_only() {
        let page = |referer: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::REFERER, HeaderValue::from_str(referer).expect("header"));
            page_of(&headers)
        };
        assert_eq!(page("http://localhost:3000/account?x=1#top"), "/account?x=1");
        assert_eq!(page("https://evil.example//elsewhere.example/"), "/");
        assert_eq!(
            page("http://h/o/acme/settings?__path=%2Fapi&__err=e&a=b"),
            "/o/acme/settings?a=b"
        );
        assert_eq!(page("nonsense"), "/");
        assert_eq!(page_of(&HeaderMap::new()), "/");
    }
}
