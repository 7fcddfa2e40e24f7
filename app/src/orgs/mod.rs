//! Organizations: the tenants. Membership, roles and the permission table; every scoped server
//! function goes through [`scope::OrgScope`], whose [`scope::OrgId`] every store
//! function of an organization's rows takes.

pub mod api;
pub mod model;
pub mod permissions;
pub mod view;

#[cfg(feature = "ssr")]
pub mod feed;
#[cfg(feature = "ssr")]
pub mod id;
#[cfg(feature = "ssr")]
pub mod lock;
#[cfg(feature = "ssr")]
pub mod scope;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
