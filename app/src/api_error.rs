//! How an [`AppError`] travels: decoded from a failed server-function call, and on the server
//! completed from the request (the message in the caller's language, the request id) and sent
//! with its code's HTTP status (plain form posts keep their redirect back to the page).

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
#[cfg(feature = "ssr")]
use leptos::{prelude::*, server_fn::Bytes};
#[cfg(feature = "ssr")]
use leptos_axum::ResponseOptions;

#[cfg(feature = "ssr")]
use http::HeaderMap;

use crate::error::{AppError, ErrorCode};
#[cfg(feature = "ssr")]
use crate::{
    i18n::{self, Locale},
    request,
};

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        let code = match &value {
            ServerFnErrorErr::Registration(_) => ErrorCode::BizNotFound,
            ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_) => ErrorCode::ValInvalidFormat,
            ServerFnErrorErr::MissingArg(_) => ErrorCode::ValRequiredField,
            ServerFnErrorErr::Request(_) => ErrorCode::NetConnectionError,
            ServerFnErrorErr::Response(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_) => ErrorCode::SysServerError,
        };
        #[cfg(feature = "ssr")]
        if code == ErrorCode::SysServerError {
            tracing::error!(error = %value, "server function failed");
        }
        match &value {
            ServerFnErrorErr::MissingArg(field) => Self::invalid_field(field, code),
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                match missing_field(message) {
                    Some(field) => Self::invalid_field(field, ErrorCode::ValRequiredField),
                    None => Self::new(code),
                }
            }
            _ => Self::new(code),
        }
    }

    #[cfg(feature = "ssr")]
    fn ser(&self) -> Bytes {
        finish(self)
    }
}

/// The field named by serde's "missing field `name`" message, if that is what `message` says.
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.split_once("missing field `")?.1;
    rest.split_once('`').map(|(field, _)| field)
}

#[cfg(feature = "ssr")]
/// Fills in what the caller needs from the request: the message in the caller's language and
/// the request id. Used for server-function errors and for the server's own JSON errors.
pub fn complete(mut error: AppError, headers: &HeaderMap, default_locale: Locale) -> AppError {
    if error.request_id.is_none() {
        error.request_id = request::request_id(headers);
    }
    if error.message.is_empty() {
        let locale = request::locale(headers, default_locale);
        error.message = i18n::t(locale, &error.code.message_key());
    }
    error
}

#[cfg(feature = "ssr")]
/// The `Retry-After` header of a rate-limit error.
pub fn retry_after(error: &AppError) -> Option<http::HeaderValue> {
    if error.code != ErrorCode::SysRateLimit {
        return None;
    }
    let seconds = error.details.get("retryAfter")?.as_u64()?;
    http::HeaderValue::from_str(&seconds.to_string()).ok()
}

#[cfg(feature = "ssr")]
/// Completes `error` from the current request and encodes it as the JSON body.
fn finish(error: &AppError) -> Bytes {
    let mut error = error.clone();
    if let Some(headers) = request::headers() {
        error = complete(error, &headers, request::default_locale());
        if !request::is_form_post(&headers)
            && let (Some(response), Ok(status)) =
                (use_context::<ResponseOptions>(), http::StatusCode::from_u16(error.status()))
        {
            response.set_status(status);
            if let Some(value) = retry_after(&error) {
                response.insert_header(http::header::RETRY_AFTER, value);
            }
        }
    }
    match serde_json::to_vec(&error) {
        Ok(json) => Bytes::from(json),
        Err(e) => {
            tracing::error!(%e, "cannot serialise an AppError");
            Bytes::from_static(br#"{"code":"SYS_SERVER_ERROR","message":"","fields":{},"details":{},"requestId":null}"#)
        }
    }
}

#[cfg(feature = "ssr")]
/// A JSON error response for `error`, completed from the request (message, request id).
pub fn error_response(
    error: AppError,
    request_headers: &HeaderMap,
    config: &platform::Config,
) -> axum::response::Response {
    let default_locale = config.default_locale.parse().unwrap_or_default();
    let error = complete(error, request_headers, default_locale);
    let status = http::StatusCode::from_u16(error.status())
        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let retry_after = retry_after(&error);
    let mut response = axum::response::IntoResponse::into_response((status, axum::Json(error)));
    if let Some(value) = retry_after {
        response.headers_mut().insert(http::header::RETRY_AFTER, value);
    }
    response
}
