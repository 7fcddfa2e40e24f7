//! Billing: plans and their limits, subscriptions through a payment provider (the local one by
//! default), the provider's events, and the pages.

pub mod api;
pub mod model;
pub mod plans;
pub mod view;

#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod limits;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
