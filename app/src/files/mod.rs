//! Files people upload: avatars, organization logos and todo attachments, kept by the
//! platform's storage port (local disk or S3).

#[cfg(feature = "ssr")]
pub mod http;
