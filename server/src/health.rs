//! `GET /api/health` (and `HEAD`): whether this instance and its services answer.

use std::time::Duration;

use app::state::AppState;
use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

/// The health report.
#[derive(Debug, Serialize)]
pub struct HealthReport {
    /// `healthy` or `unhealthy`.
    pub status: &'static str,
    /// When the check ran (RFC 3339, UTC).
    pub timestamp: String,
    /// The application version.
    pub version: &'static str,
    /// Each service's state.
    pub services: Services,
    /// Which service failed, when unhealthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The state of each backing service.
#[derive(Debug, Serialize)]
pub struct Services {
    /// `connected` or `unavailable`.
    pub database: &'static str,
    /// `connected`, `unavailable` or `not_configured`.
    pub redis: &'static str,
}

/// Checks the database and (when configured) Redis, each within the health timeout.
pub async fn health(State(state): State<AppState>) -> Response {
    let platform = &state.platform;
    let limit = platform.config.health_timeout;
    let redis_check = async {
        match &platform.redis {
            None => None,
            Some(redis) => {
                Some(within(limit, async { redis.ping().await.map_err(|e| e.to_string()) }).await)
            }
        }
    };
    let database_check =
        within(limit, async { platform.db.ping().await.map_err(|e| e.to_string()) });
    let (database, redis) = tokio::join!(database_check, redis_check);

    let mut failures = Vec::new();
    if let Err(reason) = &database {
        tracing::warn!(%reason, "health: database unavailable");
        failures.push("database unavailable");
    }
    if let Some(Err(reason)) = &redis {
        tracing::warn!(%reason, "health: redis unavailable");
        failures.push("redis unavailable");
    }
    let report = HealthReport {
        status: if failures.is_empty() { "healthy" } else { "unhealthy" },
        timestamp: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        version: env!("CARGO_PKG_VERSION"),
        services: Services {
            database: if database.is_ok() { "connected" } else { "unavailable" },
            redis: match redis {
                None => "not_configured",
                Some(Ok(())) => "connected",
                Some(Err(_)) => "unavailable",
            },
        },
        error: (!failures.is_empty()).then(|| failures.join(", ")),
    };
    let status = if failures.is_empty() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, [(header::CACHE_CONTROL, "no-store")], Json(report)).into_response()
}

async fn within(
    limit: Duration,
    check: impl Future<Output = Result<(), String>>,
) -> Result<(), String> {
    tokio::time::timeout(limit, check)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {limit:?}")))
}
