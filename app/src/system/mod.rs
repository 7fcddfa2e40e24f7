//! What the server is running on, shown to visitors on the home page.

use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The running version and its backends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInfo {
    /// The application version.
    pub version: String,
    /// `sqlite` or `postgresql`.
    pub database: String,
    /// `in-process` or `redis`.
    pub cache: String,
}

/// `GET /api/system/status` — the version and backends, after checking the database answers.
///
/// Public. Errors: `SYS_SERVICE_UNAVAILABLE` (503) when the database does not answer.
#[server(prefix = "/api", endpoint = "system/status", input = GetUrl)]
pub async fn system_status() -> Result<SystemInfo, AppError> {
    let state = crate::state::AppState::get()?;
    state.platform.db.ping().await?;
    Ok(SystemInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: state.platform.db.backend_name().to_owned(),
        cache: if state.platform.redis.is_some() { "redis" } else { "in-process" }.to_owned(),
    })
}
