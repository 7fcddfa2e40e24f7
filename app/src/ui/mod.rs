//! The design system's components, which every page builds with: page header, tabs, menus,
//! data tables, times, sizes, empty states, banners, dialogs and confirmations, avatars, cards, error panels, the not-found page and
//! toasts. Buttons are classes (`btn btn-primary|secondary|quiet|danger`, see
//! `style/main.css`), so a plain `<button>`, a form's submit and a link look alike. The kit
//! depends on the core (errors, i18n) only — never on a feature — so any feature may use it;
//! the form widgets are in [`crate::forms`].

mod avatar;
mod banner;
mod bytes;
mod card;
mod details;
mod dialog;
mod empty_state;
mod error_view;
mod hydration;
mod live;
mod loaded;
mod menu;
mod not_found;
mod page_header;
mod table;
mod tabs;
mod time;
mod toast;
#[cfg(test)]
mod tokens;

pub use avatar::{Avatar, AvatarSize, initials};
pub use banner::{Banner, Tone};
pub use bytes::format_bytes;
pub use card::AuthCard;
pub use details::{AUDIT_COLUMNS, describe};
pub use dialog::{Confirm, Dialog};
pub use empty_state::EmptyState;
pub use error_view::ErrorView;
pub use hydration::{after_hydration, hydration_done};
pub use live::{LIVE_KEYS, Live, follow_feed};
pub use loaded::Loaded;
pub use menu::Menu;
pub use not_found::NotFound;
pub use page_header::PageHeader;
pub use table::{ActionsHeader, DataTable, TableHead};
pub use tabs::Tabs;
pub use time::Time;
pub use toast::{ToastHost, Toasts, use_toasts};
