//! Translations: one fluent file per locale (`app/locales/<tag>/main.ftl`).
//!
//! Views call [`I18n::t`] (reactive on the current locale); server code calls [`t`] with the
//! request's locale. The server formats with fluent; the browser with the same files compiled
//! into tables at build time ([`compiled`]), so its bundle carries no fluent runtime. A missing
//! key renders the key itself (and logs a warning on the server) — the page never breaks — and
//! the coverage tests fail on it.

pub mod compiled;
mod locale;
#[cfg(feature = "ssr")]
mod server;
pub mod time;

use std::borrow::Cow;

use leptos::prelude::*;

pub use locale::{Locale, LocaleParseError};

/// Cookie holding the chosen interface language.
pub const LOCALE_COOKIE: &str = "lang";
#[cfg(feature = "ssr")]
pub use server::source;

/// A value for a placeholder of a message: text, or a whole number (which also picks plural
/// variants).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg<'a> {
    /// Text, inserted as it is.
    Text(Cow<'a, str>),
    /// A whole number, written in digits.
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Self::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg<'_> {
    fn from(text: String) -> Self {
        Self::Text(Cow::Owned(text))
    }
}

macro_rules! number_arg {
    ($($ty:ty),*) => {$(
        impl From<$ty> for Arg<'_> {
            fn from(number: $ty) -> Self {
                Self::Number(i64::try_from(number).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_arg!(i32, i64, u8, u16, u32, u64, usize);

/// Whether `locale` has a message for `key`.
pub fn has_key(locale: Locale, key: &str) -> bool {
    #[cfg(feature = "ssr")]
    return server::has_key(locale, key);
    #[cfg(not(feature = "ssr"))]
    return compiled::has_key(locale, key);
}

/// The message `key` in `locale`.
pub fn t(locale: Locale, key: &str) -> String {
    t_args(locale, key, &[])
}

/// The message `key` in `locale`, with named arguments.
pub fn t_args(locale: Locale, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    #[cfg(feature = "ssr")]
    let text = server::format(locale, key, args);
    #[cfg(not(feature = "ssr"))]
    let text = compiled::format(locale, key, args);
    text.unwrap_or_else(|| key.to_owned())
}

/// The current locale, provided as context by the app shell.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    /// The locale the UI renders in.
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// The message `key` in the current locale (tracks the locale signal).
    pub fn t(self, key: &str) -> String {
        t(self.locale.get(), key)
    }

    /// The message `key` with arguments in the current locale (tracks the locale signal).
    pub fn t_args(self, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        t_args(self.locale.get(), key, args)
    }
}

/// The [`I18n`] context of the current app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
