//! The app shell: document, layout, navigation, preferences, error and not-found pages.

mod document;
mod error_view;
mod header;
pub mod lazy;
mod not_found;
mod routes;
mod table;
mod tabs;
mod toast;

pub use document::{App, mark_hydrated, shell};
pub use error_view::ErrorView;
pub use not_found::NotFound;
pub use table::TableHead;
pub use tabs::Tabs;
pub use toast::{ToastHost, Toasts, use_toasts};
