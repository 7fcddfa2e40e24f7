//! The signed-in user's own account: profile, password, email address, sessions, deletion.

pub mod api;
pub mod model;
pub mod view;

#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "ssr")]
pub mod service;
