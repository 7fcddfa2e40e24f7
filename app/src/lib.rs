//! The application: routes, views and server functions, compiled for the server (`ssr`) and for
//! the browser (`hydrate`). Server-only code sits behind `feature = "ssr"`.

pub mod account;
pub mod admin;
pub mod api_error;
pub mod auth;
pub mod billing;
pub mod error;
pub mod files;
pub mod forms;
pub mod home;
pub mod i18n;
pub mod invitations;
pub mod orgs;
pub mod preferences;
pub mod shell;
pub mod system;
pub mod todos;
pub mod ui;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod features;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod state;

pub use error::{AppError, ErrorCode};
pub use shell::{App, shell};
