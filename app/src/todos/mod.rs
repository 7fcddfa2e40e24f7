//! Todos, the reference feature: organization-scoped CRUD with keyset pagination, soft delete
//! and undo, realtime events, and the pages.

pub mod api;
pub mod model;
pub mod view;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod input;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
