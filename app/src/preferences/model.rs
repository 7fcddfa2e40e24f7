//! Preference types and inputs, shared by server and browser.

use std::{fmt, str::FromStr};

use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::{error::ErrorCode, i18n::Locale, validation::rule_error};

/// Cookie holding the chosen colour theme.
pub const THEME_COOKIE: &str = "theme";

/// The colour theme: follow the operating system, or force light or dark.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Every theme, in the order the picker lists them.
    pub const ALL: [Self; 3] = [Self::System, Self::Light, Self::Dark];

    /// The value used in cookies, forms and the `data-theme` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The translation key of this theme's label.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::System => "theme-system",
            Self::Light => "theme-light",
            Self::Dark => "theme-dark",
        }
    }
}

impl FromStr for Theme {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|theme| theme.as_str() == s.trim()).ok_or(())
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn one_of<T: FromStr>(value: &str) -> garde::Result {
    if value.trim().is_empty() {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if value.parse::<T>().is_err() {
        Err(rule_error(ErrorCode::ValInvalidFormat))
    } else {
        Ok(())
    }
}

/// Input of `POST /api/preferences/locale`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SetLocaleInput {
    /// A supported locale tag (`en`, `es`).
    #[garde(length(max = 16), custom(|v: &String, (): &()| one_of::<Locale>(v)))]
    pub locale: String,
}

/// Input of `POST /api/preferences/theme`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SetThemeInput {
    /// `system`, `light` or `dark`.
    #[garde(length(max = 16), custom(|v: &String, (): &()| one_of::<Theme>(v)))]
    pub theme: String,
}

/// The longest time-zone name accepted (the longest IANA name is 32 characters).
pub const TIME_ZONE_MAX_CHARS: usize = 64;

/// Input of `POST /api/preferences/time-zone`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SetTimeZoneInput {
    /// An IANA time zone: `Europe/Madrid`, `America/New_York`, `UTC`.
    #[garde(length(chars, min = 1, max = TIME_ZONE_MAX_CHARS))]
    pub time_zone: String,
}

/// The stored colour theme of a request.
#[cfg(feature = "ssr")]
pub fn stored_theme(headers: &http::HeaderMap) -> Theme {
    crate::request::cookie(headers, THEME_COOKIE)
        .and_then(|value| value.parse().ok())
        .unwrap_or_default()
}
