//! Visitor preferences kept in cookies: interface language and colour theme.

pub mod api;
pub mod model;
pub mod view;

pub use api::{SetLocale, SetTheme, set_locale, set_theme};
pub use model::{SetLocaleInput, SetThemeInput, Theme};
