//! The one error type of the API layer, shared by the server and the browser.
//!
//! Server functions return `Result<T, AppError>`. On the wire an error is a JSON object a
//! non-Leptos client can read — `{ "code", "message", "fields", "details", "requestId" }` — sent
//! with the HTTP status of its code (the encoding: [`crate::api_error`]).

use std::{collections::BTreeMap, fmt};

use serde::{Deserialize, Serialize};

/// What kind of failure an [`AppError`] is. Stable: clients and translations key on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No valid session.
    AuthUnauthenticated,
    /// Signed in, but not allowed to do this.
    AuthForbidden,
    /// The session ended; sign in again.
    AuthSessionExpired,
    /// Wrong email or password.
    AuthInvalidCredentials,
    /// A required field is missing or empty.
    ValRequiredField,
    /// A field does not have the expected form.
    ValInvalidFormat,
    /// Not an email address.
    ValInvalidEmail,
    /// The password does not meet the rules.
    ValPasswordTooWeak,
    /// A field (or the request body) is too long.
    ValTooLong,
    /// The resource does not exist (or is not visible to the caller).
    BizNotFound,
    /// A resource with the same unique value exists.
    BizDuplicateEntry,
    /// A plan or quota limit was reached.
    BizLimitExceeded,
    /// The resource is not in a state that allows this.
    BizInvalidState,
    /// A payment did not go through.
    BizPaymentFailed,
    /// An unexpected failure on the server (details are in the server log).
    SysServerError,
    /// Too many requests; retry later.
    SysRateLimit,
    /// The server is misconfigured.
    SysConfigError,
    /// A backing service (database, Redis) is unavailable.
    SysServiceUnavailable,
    /// A service we call (the payment provider) failed; its answer is logged, not shown.
    SysProviderError,
    /// The browser could not reach the server.
    NetConnectionError,
    /// The server did not answer in time.
    NetTimeout,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: [Self; 21] = [
        Self::AuthUnauthenticated,
        Self::AuthForbidden,
        Self::AuthSessionExpired,
        Self::AuthInvalidCredentials,
        Self::ValRequiredField,
        Self::ValInvalidFormat,
        Self::ValInvalidEmail,
        Self::ValPasswordTooWeak,
        Self::ValTooLong,
        Self::BizNotFound,
        Self::BizDuplicateEntry,
        Self::BizLimitExceeded,
        Self::BizInvalidState,
        Self::BizPaymentFailed,
        Self::SysServerError,
        Self::SysRateLimit,
        Self::SysConfigError,
        Self::SysServiceUnavailable,
        Self::SysProviderError,
        Self::NetConnectionError,
        Self::NetTimeout,
    ];

    /// The wire name, e.g. `BIZ_NOT_FOUND`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthUnauthenticated => "AUTH_UNAUTHENTICATED",
            Self::AuthForbidden => "AUTH_FORBIDDEN",
            Self::AuthSessionExpired => "AUTH_SESSION_EXPIRED",
            Self::AuthInvalidCredentials => "AUTH_INVALID_CREDENTIALS",
            Self::ValRequiredField => "VAL_REQUIRED_FIELD",
            Self::ValInvalidFormat => "VAL_INVALID_FORMAT",
            Self::ValInvalidEmail => "VAL_INVALID_EMAIL",
            Self::ValPasswordTooWeak => "VAL_PASSWORD_TOO_WEAK",
            Self::ValTooLong => "VAL_TOO_LONG",
            Self::BizNotFound => "BIZ_NOT_FOUND",
            Self::BizDuplicateEntry => "BIZ_DUPLICATE_ENTRY",
            Self::BizLimitExceeded => "BIZ_LIMIT_EXCEEDED",
            Self::BizInvalidState => "BIZ_INVALID_STATE",
            Self::BizPaymentFailed => "BIZ_PAYMENT_FAILED",
            Self::SysServerError => "SYS_SERVER_ERROR",
            Self::SysRateLimit => "SYS_RATE_LIMIT",
            Self::SysConfigError => "SYS_CONFIG_ERROR",
            Self::SysServiceUnavailable => "SYS_SERVICE_UNAVAILABLE",
            Self::SysProviderError => "SYS_PROVIDER_ERROR",
            Self::NetConnectionError => "NET_CONNECTION_ERROR",
            Self::NetTimeout => "NET_TIMEOUT",
        }
    }

    /// The HTTP status an error with this code is sent with.
    pub fn status(self) -> u16 {
        match self {
            Self::AuthUnauthenticated | Self::AuthSessionExpired | Self::AuthInvalidCredentials => {
                401
            }
            Self::AuthForbidden | Self::BizLimitExceeded => 403,
            Self::ValRequiredField
            | Self::ValInvalidFormat
            | Self::ValInvalidEmail
            | Self::ValPasswordTooWeak
            | Self::ValTooLong => 400,
            Self::BizNotFound => 404,
            Self::BizDuplicateEntry | Self::BizInvalidState => 409,
            Self::BizPaymentFailed => 402,
            Self::SysRateLimit => 429,
            Self::SysServerError | Self::SysConfigError => 500,
            Self::NetConnectionError | Self::SysProviderError => 502,
            Self::SysServiceUnavailable => 503,
            Self::NetTimeout => 504,
        }
    }

    /// The translation key of this code's message, e.g. `error-biz-not-found`.
    pub fn message_key(self) -> String {
        format!("error-{}", self.as_str().to_ascii_lowercase().replace('_', "-"))
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure of a server function, as the caller sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code}: {message}")]
pub struct AppError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// A human-readable message in the caller's language (filled in by the server).
    #[serde(default)]
    pub message: String,
    /// Per-field validation failures: field name → codes.
    #[serde(default)]
    pub fields: BTreeMap<String, Vec<ErrorCode>>,
    /// Machine-readable context, e.g. the limit that was hit or the missing permission.
    #[serde(default)]
    pub details: BTreeMap<String, serde_json::Value>,
    /// The id of the request, to find it in the server log.
    #[serde(default)]
    pub request_id: Option<String>,
}

impl AppError {
    /// A new error with this code and no message yet (the server fills in the translation).
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            message: String::new(),
            fields: BTreeMap::new(),
            details: BTreeMap::new(),
            request_id: None,
        }
    }

    /// Adds a detail.
    #[must_use]
    pub fn with_detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// Adds a field error.
    #[must_use]
    pub fn with_field(mut self, field: &str, code: ErrorCode) -> Self {
        self.fields.entry(field.to_owned()).or_default().push(code);
        self
    }

    /// `resource` does not exist or is not visible to the caller (404).
    pub fn not_found(resource: &str) -> Self {
        Self::new(ErrorCode::BizNotFound).with_detail("resource", resource)
    }

    /// The caller may not do this (403); `permission` names what is missing.
    pub fn forbidden(permission: &str) -> Self {
        Self::new(ErrorCode::AuthForbidden).with_detail("permission", permission)
    }

    /// No valid session (401).
    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::AuthUnauthenticated)
    }

    /// A plan or quota limit was reached (403).
    pub fn limit_exceeded(limit: &str, max: u64) -> Self {
        Self::new(ErrorCode::BizLimitExceeded).with_detail("limit", limit).with_detail("max", max)
    }

    /// A single invalid field (400).
    pub fn invalid_field(field: &str, code: ErrorCode) -> Self {
        Self::new(code).with_field(field, code)
    }

    /// Too many requests (429); retry after `seconds`.
    pub fn rate_limited(seconds: u64) -> Self {
        Self::new(ErrorCode::SysRateLimit).with_detail("retryAfter", seconds)
    }

    /// A backing service is unavailable (503).
    pub fn service_unavailable(service: &str) -> Self {
        Self::new(ErrorCode::SysServiceUnavailable).with_detail("service", service)
    }

    /// The HTTP status this error is sent with: its code's, except a body or upload over its
    /// byte cap (`VAL_TOO_LONG` with `details.maxBytes`), which is 413.
    pub fn status(&self) -> u16 {
        if self.code == ErrorCode::ValTooLong && self.details.contains_key("maxBytes") {
            return 413;
        }
        self.code.status()
    }

    /// The codes recorded for `field`, if any.
    pub fn field(&self, field: &str) -> &[ErrorCode] {
        self.fields.get(field).map_or(&[], Vec::as_slice)
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use platform::DbError;

    use super::{AppError, ErrorCode};

    /// The one place database failures become user-facing errors.
    impl From<DbError> for AppError {
        fn from(error: DbError) -> Self {
            match error {
                DbError::NotFound => Self::new(ErrorCode::BizNotFound),
                DbError::UniqueViolation { constraint } => {
                    tracing::debug!(%constraint, "unique violation");
                    Self::new(ErrorCode::BizDuplicateEntry)
                }
                DbError::Unavailable(reason) => {
                    tracing::warn!(%reason, "database unavailable");
                    Self::service_unavailable("database")
                }
                DbError::Other(e) => Self::internal(e),
            }
        }
    }

    impl From<platform::PortError> for AppError {
        fn from(error: platform::PortError) -> Self {
            tracing::warn!(%error, "redis unavailable");
            Self::service_unavailable("redis")
        }
    }

    impl AppError {
        /// An unexpected failure: logged in full here (with the request id of the current
        /// span), sent to the client only as `SYS_SERVER_ERROR` and the request id.
        pub fn internal(error: impl std::fmt::Display + std::fmt::Debug) -> Self {
            tracing::error!(error = %error, debug = ?error, "internal error");
            Self::new(ErrorCode::SysServerError)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).expect("serialises");
            assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
        }
    }

    #[test]
    fn every_code_has_an_error_status() {
        for code in ErrorCode::ALL {
            assert!((400..600).contains(&code.status()), "{code}");
        }
        assert_eq!(ErrorCode::BizDuplicateEntry.status(), 409);
        assert_eq!(ErrorCode::SysServiceUnavailable.status(), 503);
    }

    #[test]
    fn json_shape_is_stable() {
        let error = AppError::invalid_field("title", ErrorCode::ValTooLong).with_detail("max", 500);
        let json = serde_json::to_value(&error).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "VAL_TOO_LONG",
                "message": "",
                "fields": { "title": ["VAL_TOO_LONG"] },
                "details": { "max": 500 },
                "requestId": null
            })
        );
        let back: AppError = serde_json::from_value(json).expect("deserialises");
        assert_eq!(back, error);
    }
}
