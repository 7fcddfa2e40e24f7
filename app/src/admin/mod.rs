//! Platform administration (`/admin`): accounts (search, ban, end sessions, impersonate) and
//! organizations, for the addresses in `ADMIN_EMAILS`.

pub mod api;
pub mod model;
pub mod view;

#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
