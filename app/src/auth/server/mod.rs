//! The server side of accounts: request context, sessions, storage, mail and abuse limits.

pub mod context;
pub mod input;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod service;
pub mod session;
pub mod store;

pub use context::{AuthContext, ClientIp, RequestAuth};
