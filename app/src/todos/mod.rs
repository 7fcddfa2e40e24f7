//! Todos, the reference feature: organization-scoped CRUD with keyset pagination, soft delete
//! and undo.

pub mod api;
pub mod model;

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
