//! Fixed-window rate limiting: counters in process by default, in Redis when configured so that
//! every instance counts against the same limit.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use crate::{PortError, RedisHandle};

/// Counters kept in process before expired windows are swept.
const MEMORY_SWEEP_THRESHOLD: usize = 10_000;

/// At most `limit` hits per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Hits allowed in one window.
    pub limit: u32,
    /// Length of the window.
    pub window: Duration,
}

/// The outcome of one hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateDecision {
    /// Whether this hit is within the limit.
    pub allowed: bool,
    /// Hits left in the current window.
    pub remaining: u32,
    /// Time until the window resets.
    pub retry_after: Duration,
}

impl RateDecision {
    fn from_count(count: u64, limit: u32, retry_after: Duration) -> Self {
        let limit = u64::from(limit);
        Self {
            allowed: count <= limit,
            remaining: u32::try_from(limit.saturating_sub(count)).unwrap_or(u32::MAX),
            retry_after,
        }
    }
}

/// The rate-limiter port.
#[derive(Clone, Debug)]
pub enum RateLimiter {
    /// One process's counters: the embedded default.
    Memory(Arc<Mutex<HashMap<String, (Instant, u64)>>>),
    /// Counters shared by every instance.
    Redis(RedisHandle),
}

impl RateLimiter {
    /// In-process counters.
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// Counters in Redis under `rl:` keys.
    pub fn redis(handle: RedisHandle) -> Self {
        Self::Redis(handle)
    }

    /// Counts one hit against `key` and says whether it is within `rule`.
    pub async fn hit(&self, key: &str, rule: RateLimit) -> Result<RateDecision, PortError> {
        match self {
            Self::Memory(counters) => {
                let now = Instant::now();
                let mut counters = counters.lock().unwrap_or_else(PoisonError::into_inner);
                if counters.len() >= MEMORY_SWEEP_THRESHOLD {
                    counters.retain(|_, (start, _)| now.duration_since(*start) < rule.window);
                }
                let entry = counters.entry(key.to_owned()).or_insert((now, 0));
                if now.duration_since(entry.0) >= rule.window {
                    *entry = (now, 0);
                }
                entry.1 += 1;
                let retry_after = rule.window.saturating_sub(now.duration_since(entry.0));
                Ok(RateDecision::from_count(entry.1, rule.limit, retry_after))
            }
            Self::Redis(handle) => {
                let mut conn = handle.connection().await?;
                let window_ms = u64::try_from(rule.window.as_millis()).unwrap_or(u64::MAX).max(1);
                let redis_key = handle.key(&format!("rl:{key}"));
                // One round trip, atomically: count, start the window on the first hit, read
                // what is left of it.
                let (count, (), ttl): (u64, (), i64) = redis::pipe()
                    .atomic()
                    .incr(&redis_key, 1)
                    .cmd("PEXPIRE")
                    .arg(&redis_key)
                    .arg(window_ms)
                    .arg("NX")
                    .ignore()
                    .pttl(&redis_key)
                    .query_async(&mut conn)
                    .await
                    .map(|(count, ttl): (u64, i64)| (count, (), ttl))?;
                let retry_after = Duration::from_millis(u64::try_from(ttl).unwrap_or(window_ms));
                Ok(RateDecision::from_count(count, rule.limit, retry_after))
            }
        }
    }
}
