//! Organizations: the tenants. Membership, roles and the permission table; every scoped server
//! function goes through `OrgContext::require(&auth, …)`.

pub mod api;
pub mod model;
pub mod permissions;
pub mod view;

#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
