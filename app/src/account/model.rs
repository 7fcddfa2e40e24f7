//! Account settings types and inputs, shared by server and browser.

use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::{
    auth::model::{NAME_MAX_CHARS, PASSWORD_MAX_CHARS, password_rule},
    error::ErrorCode,
    i18n::Locale,
    validation::rule_error,
};

/// One of the user's sessions, as the sessions page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Session id (not the token).
    pub id: String,
    /// The browser's `User-Agent`, as sent at sign-in.
    pub user_agent: Option<String>,
    /// The address it signed in from.
    pub ip: Option<String>,
    /// Signed in (`YYYY-MM-DD HH:MM` UTC).
    pub created_at: String,
    /// Last activity, to the day (`YYYY-MM-DD HH:MM` UTC).
    pub last_seen_at: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

fn locale_rule(value: &str) -> garde::Result {
    if value.trim().is_empty() {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if value.parse::<Locale>().is_err() {
        Err(rule_error(ErrorCode::ValInvalidFormat))
    } else {
        Ok(())
    }
}

/// Input of `POST /api/account/profile`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ProfileInput {
    /// Display name.
    #[garde(length(chars, min = 1, max = NAME_MAX_CHARS))]
    pub name: String,
    /// Preferred language: `en` or `es`.
    #[garde(length(max = 16), custom(|v: &String, (): &()| locale_rule(v)))]
    pub locale: String,
}

/// Input of `POST /api/account/password`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ChangePasswordInput {
    /// The password in use now.
    #[garde(length(chars, min = 1, max = PASSWORD_MAX_CHARS))]
    pub current_password: String,
    /// The new password, 8–128 characters.
    #[garde(custom(|v: &String, (): &()| password_rule(v)))]
    pub new_password: String,
}

/// Input of `POST /api/account/email`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ChangeEmailInput {
    /// The new address (normalised by the server).
    #[garde(skip)] // parsed at the edge (`auth::model::Email`)
    pub new_email: String,
    /// The password, to confirm it is the owner asking.
    #[garde(length(chars, min = 1, max = PASSWORD_MAX_CHARS))]
    pub password: String,
}

/// Input of `POST /api/account/delete`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct DeleteAccountInput {
    /// The password, to confirm it is the owner asking.
    #[garde(length(chars, min = 1, max = PASSWORD_MAX_CHARS))]
    pub password: String,
}

/// Input of `POST /api/account/sessions/revoke`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct RevokeSessionInput {
    /// The session to end.
    #[garde(length(min = 1, max = 64))]
    pub id: String,
}
