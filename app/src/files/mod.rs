//! Files people upload: avatars, organization logos and todo attachments, kept by the
//! platform's storage port (local disk or S3) and counted against the organization's plan.

pub mod api;
pub mod model;
pub mod view;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod upload;
