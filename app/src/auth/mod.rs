//! Accounts: sign-up, sign-in (password, magic link, email code), verification, password reset
//! and sessions.

pub mod api;
pub mod model;
pub mod view;

#[cfg(feature = "ssr")]
pub mod server;
