//! How an [`AppError`] leaves a server function: in the caller's language, with the request id,
//! and with its code's HTTP status (plain form posts keep their redirect back to the page).

use leptos::{prelude::*, server_fn::Bytes};
use leptos_axum::ResponseOptions;

use http::HeaderMap;

use crate::{
    error::AppError,
    i18n::{self, Locale},
    request,
};

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

/// The `Retry-After` header of a rate-limit error.
pub fn retry_after(error: &AppError) -> Option<http::HeaderValue> {
    if error.code != crate::ErrorCode::SysRateLimit {
        return None;
    }
    let seconds = error.details.get("retryAfter")?.as_u64()?;
    http::HeaderValue::from_str(&seconds.to_string()).ok()
}

/// Completes `error` from the current request and encodes it as the JSON body.
pub(crate) fn finish(error: &AppError) -> Bytes {
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
