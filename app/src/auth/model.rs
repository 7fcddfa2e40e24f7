//! Account types and inputs, shared by server and browser. No secret (hash, token) is ever part
//! of a type that leaves the server.

use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::{error::ErrorCode, files::model::Picture, validation::rule_error};

/// Shortest accepted password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest accepted password, in characters.
pub const PASSWORD_MAX_CHARS: usize = 128;
/// Longest accepted email address (RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest display name.
pub const NAME_MAX_CHARS: usize = 100;

/// The signed-in user, as the browser sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    /// User id.
    pub id: String,
    /// Normalised email address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Preferred interface language (`en`, `es`).
    pub locale: String,
    /// Whether the email address has been confirmed.
    pub email_verified: bool,
    /// A platform administrator (`ADMIN_EMAILS`, confirmed address, not impersonating).
    #[serde(default)]
    pub is_admin: bool,
    /// The address of the administrator acting as this user, during impersonation.
    #[serde(default)]
    pub impersonated_by: Option<String>,
    /// The IANA time zone the person's browser reported (`Europe/Madrid`); times are shown in
    /// it, and in UTC until it is known.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The person's picture, if they uploaded one.
    #[serde(default)]
    pub avatar: Option<Picture>,
}

/// Trims and lower-cases an email address: the one form stored and compared.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// An email address as the server keeps it: normalised ([`normalize_email`]), at most
/// [`EMAIL_MAX_CHARS`] bytes, and of the form of an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// `text` as an address: `VAL_REQUIRED_FIELD` when empty, `VAL_TOO_LONG`, or
    /// `VAL_INVALID_EMAIL` when it is not one.
    pub fn parse(text: &str) -> Result<Self, ErrorCode> {
        use garde::rules::email::{Email as _, InvalidEmail};
        let email = normalize_email(text);
        if email.len() > EMAIL_MAX_CHARS {
            return Err(ErrorCode::ValTooLong);
        }
        match email.validate_email() {
            Ok(()) => Ok(Self(email)),
            Err(InvalidEmail::Empty) => Err(ErrorCode::ValRequiredField),
            Err(_) => Err(ErrorCode::ValInvalidEmail),
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

/// A password rule: required, at least 8 and at most 128 characters.
pub fn password_rule(value: &str) -> garde::Result {
    let chars = value.chars().count();
    if chars == 0 {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if chars < PASSWORD_MIN_CHARS {
        Err(rule_error(ErrorCode::ValPasswordTooWeak))
    } else if chars > PASSWORD_MAX_CHARS {
        Err(rule_error(ErrorCode::ValTooLong))
    } else {
        Ok(())
    }
}

/// The same-site path to go to after signing in, if `value` is one (no open redirect): it must
/// be an absolute path on this site — not `//host`, not `/\host`, no scheme, no control chars.
pub fn safe_return_path(value: Option<&str>) -> Option<String> {
    let value = value?.trim();
    let safe = value.starts_with('/')
        && !value.starts_with("//")
        && !value.starts_with("/\\")
        && value.len() <= 2048
        && !value.chars().any(|c| c.is_control() || c == '\\');
    safe.then(|| value.to_owned())
}

#[allow(clippy::ref_option)] // garde hands custom rules a reference to the field
fn return_to_rule(value: &Option<String>) -> garde::Result {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(()),
        Some(path) if safe_return_path(Some(path)).is_some() => Ok(()),
        Some(_) => Err(rule_error(ErrorCode::ValInvalidFormat)),
    }
}

/// Percent-encodes a query-string value (unreserved characters and `/` kept).
pub fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn token_rule(value: &str) -> garde::Result {
    if value.trim().is_empty() {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if value.len() > 128 {
        Err(rule_error(ErrorCode::ValTooLong))
    } else {
        Ok(())
    }
}

fn code_rule(value: &str) -> garde::Result {
    let value = value.trim();
    if value.is_empty() {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if value.len() != 6 || !value.bytes().all(|b| b.is_ascii_digit()) {
        Err(rule_error(ErrorCode::ValInvalidFormat))
    } else {
        Ok(())
    }
}

/// Input of `POST /api/auth/sign-up`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SignUpInput {
    /// Display name.
    #[garde(length(chars, min = 1, max = NAME_MAX_CHARS))]
    pub name: String,
    /// Email address (normalised by the server).
    #[garde(skip)] // parsed at the edge (`auth::model::Email`)
    pub email: String,
    /// 8–128 characters.
    #[garde(custom(|v: &String, (): &()| password_rule(v)))]
    pub password: String,
    /// Same-site path to continue to.
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| return_to_rule(v)))]
    pub return_to: Option<String>,
}

/// Input of `POST /api/auth/sign-in`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SignInInput {
    /// Email address.
    #[garde(skip)] // parsed at the edge (`auth::model::Email`)
    pub email: String,
    /// The password (only its presence and length are checked before verification).
    #[garde(length(chars, min = 1, max = PASSWORD_MAX_CHARS))]
    pub password: String,
    /// Same-site path to continue to.
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| return_to_rule(v)))]
    pub return_to: Option<String>,
}

/// Input of the requests that send a mail to an address: password reset, magic link, code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct EmailInput {
    /// Email address.
    #[garde(skip)] // parsed at the edge (`auth::model::Email`)
    pub email: String,
    /// Same-site path to continue to after signing in (magic link, code).
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| return_to_rule(v)))]
    pub return_to: Option<String>,
}

/// Input of the endpoints that redeem a link from a mail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct TokenInput {
    /// The token from the link.
    #[garde(custom(|v: &String, (): &()| token_rule(v)))]
    pub token: String,
    /// Same-site path to continue to.
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| return_to_rule(v)))]
    pub return_to: Option<String>,
}

/// Input of `POST /api/auth/password/reset`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ResetPasswordInput {
    /// The token from the reset link.
    #[garde(custom(|v: &String, (): &()| token_rule(v)))]
    pub token: String,
    /// The new password, 8–128 characters.
    #[garde(custom(|v: &String, (): &()| password_rule(v)))]
    pub password: String,
}

/// Input of `POST /api/auth/code/sign-in`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct CodeSignInInput {
    /// Email address the code was sent to.
    #[garde(skip)] // parsed at the edge (`auth::model::Email`)
    pub email: String,
    /// The six digits from the mail.
    #[garde(custom(|v: &String, (): &()| code_rule(v)))]
    pub code: String,
    /// Same-site path to continue to.
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| return_to_rule(v)))]
    pub return_to: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::validate;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/todos?x=1")).as_deref(), Some("/todos?x=1"));
        for evil in
            ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:x", ""]
        {
            assert_eq!(safe_return_path(Some(evil)), None, "{evil}");
        }
        assert_eq!(safe_return_path(Some("/a\nb")), None);
    }

    #[test]
    fn passwords_must_have_8_to_128_characters() {
        let input = |password: &str| SignUpInput {
            name: "Ada".into(),
            email: "ada@example.com".into(),
            password: password.into(),
            return_to: None,
        };
        assert_eq!(validate(&input("correct horse")), Ok(()));
        assert_eq!(validate(&input("ñññññññ")).expect_err("7").code, ErrorCode::ValPasswordTooWeak);
        assert_eq!(validate(&input("ñññññññň")), Ok(()));
        assert_eq!(
            validate(&input(&"x".repeat(129))).expect_err("129").code,
            ErrorCode::ValTooLong
        );
        assert_eq!(validate(&input("")).expect_err("empty").code, ErrorCode::ValRequiredField);
    }

    #[test]
    fn codes_are_six_digits() {
        let input = |code: &str| CodeSignInInput {
            email: "a@example.com".into(),
            code: code.into(),
            return_to: None,
        };
        assert_eq!(validate(&input("012345")), Ok(()));
        assert_eq!(
            validate(&input("12345")).expect_err("short").field("code"),
            &[ErrorCode::ValInvalidFormat]
        );
        assert_eq!(
            validate(&input("abcdef")).expect_err("letters").code,
            ErrorCode::ValInvalidFormat
        );
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
        assert_eq!(
            Email::parse("  Ada@Example.COM ").map(String::from).as_deref(),
            Ok("ada@example.com")
        );
        assert_eq!(Email::parse(" "), Err(ErrorCode::ValRequiredField));
        assert_eq!(Email::parse("not-an-email"), Err(ErrorCode::ValInvalidEmail));
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(ErrorCode::ValTooLong));
    }
}
