//! Abuse limits of the account endpoints, counted by the shared rate limiter (in process, or in
//! Redis so that every instance counts together).

use std::time::Duration;

use platform::{Platform, RateLimit};

use crate::error::AppError;

/// Sign-in attempts per (address, email).
pub const SIGN_IN_PER_EMAIL: RateLimit = RateLimit { limit: 5, window: Duration::from_secs(60) };
/// Sign-in attempts per address.
pub const SIGN_IN_PER_IP: RateLimit = RateLimit { limit: 20, window: Duration::from_secs(60) };
/// Mail-sending requests (sign-up, reset, magic link, code) per email address.
pub const MAIL_PER_EMAIL: RateLimit = RateLimit { limit: 3, window: Duration::from_secs(600) };
/// Mail-sending requests of one kind per address.
pub const MAIL_PER_IP: RateLimit = RateLimit { limit: 10, window: Duration::from_secs(3600) };
/// Every API call per session (or per address without one): `API_RATE_LIMIT_PER_MINUTE`.
pub fn api_per_caller(platform: &Platform) -> RateLimit {
    RateLimit { limit: platform.config.api_rate_limit_per_minute, window: Duration::from_secs(60) }
}

/// Counts one hit on each `(key, rule)` and fails with `SYS_RATE_LIMIT` (429, `Retry-After`)
/// when any is over its limit. Every counter is hit, so an attacker cannot dodge one by
/// tripping another first.
pub async fn enforce(platform: &Platform, checks: &[(String, RateLimit)]) -> Result<(), AppError> {
    let mut retry_after: Option<Duration> = None;
    for (key, rule) in checks {
        let decision = platform.rate_limiter.hit(key, *rule).await?;
        if !decision.allowed {
            retry_after = Some(retry_after.unwrap_or_default().max(decision.retry_after));
        }
    }
    match retry_after {
        None => Ok(()),
        Some(wait) => {
            tracing::info!(keys = ?checks.iter().map(|c| &c.0).collect::<Vec<_>>(), "rate limited");
            Err(AppError::rate_limited(wait.as_secs().max(1)))
        }
    }
}

/// A short, non-reversible stand-in for an email address in counter keys (no addresses in
/// Redis).
pub fn email_key(email: &str) -> String {
    platform::token::hash_token(email)[..24].to_owned()
}
