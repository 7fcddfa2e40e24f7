//! The widget kit every page builds with: cards, error panels, the not-found page, table
//! headers, tabs and toasts. It depends on the core (errors, i18n) only — never on a feature — so any
//! feature may use it; the form widgets are in [`crate::forms`].

mod card;
mod details;
mod error_view;
mod loaded;
mod not_found;
mod table;
mod tabs;
mod toast;

pub use card::AuthCard;
pub use details::{AUDIT_COLUMNS, describe};
pub use error_view::ErrorView;
pub use loaded::Loaded;
pub use not_found::NotFound;
pub use table::TableHead;
pub use tabs::Tabs;
pub use toast::{ToastHost, Toasts, use_toasts};
