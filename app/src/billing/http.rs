//! `POST /api/billing/webhook`: the payment provider's events. The signature is checked over
//! the raw body before anything is read (fail closed: no secret configured, no webhook); the
//! event is applied by [`events::process`]. Answers: 200 applied, replayed or ignored; 400 a bad
//! signature or body; 409 an event whose organization does not match its customer's; 5xx when
//! the write failed, so the provider sends it again.

use axum::{
    body::Bytes,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{MethodRouter, post},
};

use super::{events, provider::Provider};
use crate::{
    api_error::error_response,
    error::{AppError, ErrorCode},
    state::AppState,
};

/// The billing routes that are not server functions: the provider's webhook and the billing
/// pages' live feed.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/api/billing/webhook", post(webhook)), ("/api/ws/billing", events::FEED.route())]
}

async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let platform = &state.platform;
    let Some(secret) = &platform.config.billing.webhook_secret else {
        return error_response(AppError::not_found("webhook"), &headers, &platform.config);
    };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    let now = platform::clock::now_utc().and_utc().timestamp();
    if let Err(error) = events::verify(secret.expose(), signature, &body, now) {
        tracing::warn!(%error, "billing webhook refused");
        let refused = AppError::invalid_field("signature", ErrorCode::ValInvalidFormat);
        return error_response(refused, &headers, &platform.config);
    }
    let Some(event) = events::parse(&body) else {
        let refused = AppError::new(ErrorCode::ValInvalidFormat);
        return error_response(refused, &headers, &platform.config);
    };
    let started = std::time::Instant::now();
    match events::process(platform, &Provider::of(platform), &event).await {
        Ok(outcome) => {
            tracing::info!(
                event = %event.id,
                kind = %event.kind,
                ?outcome,
                micros = started.elapsed().as_micros(),
                "billing webhook handled"
            );
            axum::Json(serde_json::json!({ "received": true, "outcome": format!("{outcome:?}").to_lowercase() }))
                .into_response()
        }
        Err(error) => error_response(error, &headers, &platform.config),
    }
}
