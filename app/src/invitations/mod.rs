//! Invitations: owners and admins invite people by email with a role; the mailed link lets its
//! recipient join (after signing in or up with that address) or decline.

pub mod api;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod model;
pub mod view;

#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
