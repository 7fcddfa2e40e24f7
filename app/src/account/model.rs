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
    /// The browser named in it (`Chrome`, `Firefox`…), when recognised.
    pub browser: Option<String>,
    /// The operating system named in it (`Linux`, `iOS`…), when recognised.
    pub os: Option<String>,
    /// The address it signed in from.
    pub ip: Option<String>,
    /// Signed in (`YYYY-MM-DD HH:MM` UTC).
    pub created_at: String,
    /// Last activity, to the day (`YYYY-MM-DD HH:MM` UTC).
    pub last_seen_at: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// The browser and the operating system a `User-Agent` names, the way a person calls them
/// ("Chrome", "macOS"); `None` for what it does not recognise. The order of the checks matters:
/// Edge and Opera also say "Chrome", Chrome also says "Safari", iPads say "Mac OS X", Android
/// says "Linux".
pub fn device_of(user_agent: &str) -> (Option<&'static str>, Option<&'static str>) {
    const BROWSERS: [(&[&str], &str); 7] = [
        (&["Edg/", "EdgA/", "EdgiOS/"], "Edge"),
        (&["OPR/", "Opera"], "Opera"),
        (&["SamsungBrowser/"], "Samsung Internet"),
        (&["Firefox/", "FxiOS/"], "Firefox"),
        (&["Chrome/", "CriOS/"], "Chrome"),
        (&["Chromium/"], "Chromium"),
        (&["Version/"], "Safari"),
    ];
    const SYSTEMS: [(&[&str], &str); 6] = [
        (&["Windows"], "Windows"),
        (&["iPhone", "iPad", "iPod"], "iOS"),
        (&["Android"], "Android"),
        (&["CrOS"], "ChromeOS"),
        (&["Macintosh", "Mac OS X"], "macOS"),
        (&["Linux", "X11"], "Linux"),
    ];
    let find = |table: &[(&[&str], &'static str)]| {
        table
            .iter()
            .find(|(marks, _)| marks.iter().any(|mark| user_agent.contains(mark)))
            .map(|(_, name)| *name)
    };
    let browser =
        find(&BROWSERS).filter(|name| *name != "Safari" || user_agent.contains("Safari/"));
    (browser, find(&SYSTEMS))
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

#[cfg(test)]
mod tests {
    use super::device_of;

    #[test]
    fn user_agents_read_as_people_name_their_devices() {
        for (agent, expected) in [
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                (Some("Chrome"), Some("Linux")),
            ),
            (
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
                (Some("Chrome"), Some("Linux")),
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                (Some("Edge"), Some("Windows")),
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                (Some("Safari"), Some("macOS")),
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                (Some("Safari"), Some("iOS")),
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                (Some("Chrome"), Some("Android")),
            ),
            (
                "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                (Some("Firefox"), Some("Linux")),
            ),
            ("curl/8.5.0", (None, None)),
        ] {
            assert_eq!(device_of(agent), expected, "{agent}");
        }
    }
}
