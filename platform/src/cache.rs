//! A key-value cache with expiry: in-process by default, Redis when configured.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use redis::AsyncCommands as _;

use crate::{PortError, RedisHandle};

/// Entries kept in process before expired ones are swept on write.
const MEMORY_SWEEP_THRESHOLD: usize = 10_000;

/// The cache port.
#[derive(Clone, Debug)]
pub enum Cache {
    /// One process's memory: the embedded default.
    Memory(Arc<MemoryCache>),
    /// Shared by every instance.
    Redis(RedisHandle),
}

/// The in-process cache's storage.
#[derive(Debug, Default)]
pub struct MemoryCache {
    entries: Mutex<HashMap<String, (String, Instant)>>,
}

impl Cache {
    /// An empty in-process cache.
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// A cache in Redis; keys are prefixed with `cache:`.
    pub fn redis(handle: RedisHandle) -> Self {
        Self::Redis(handle)
    }

    /// The value under `key`, if present and not expired.
    pub async fn get(&self, key: &str) -> Result<Option<String>, PortError> {
        match self {
            Self::Memory(memory) => {
                let mut entries = memory.entries.lock().unwrap_or_else(PoisonError::into_inner);
                match entries.get(key) {
                    Some((value, expires)) if *expires > Instant::now() => Ok(Some(value.clone())),
                    Some(_) => {
                        entries.remove(key);
                        Ok(None)
                    }
                    None => Ok(None),
                }
            }
            Self::Redis(handle) => {
                let mut conn = handle.connection().await?;
                Ok(conn.get(handle.key(&format!("cache:{key}"))).await?)
            }
        }
    }

    /// Stores `value` under `key` for `ttl`.
    pub async fn set(&self, key: &str, value: &str, ttl: Duration) -> Result<(), PortError> {
        match self {
            Self::Memory(memory) => {
                let now = Instant::now();
                let mut entries = memory.entries.lock().unwrap_or_else(PoisonError::into_inner);
                if entries.len() >= MEMORY_SWEEP_THRESHOLD {
                    entries.retain(|_, (_, expires)| *expires > now);
                }
                entries.insert(key.to_owned(), (value.to_owned(), now + ttl));
                Ok(())
            }
            Self::Redis(handle) => {
                let mut conn = handle.connection().await?;
                let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                let () = conn.pset_ex(handle.key(&format!("cache:{key}")), value, millis).await?;
                Ok(())
            }
        }
    }

    /// Removes `key`.
    pub async fn delete(&self, key: &str) -> Result<(), PortError> {
        match self {
            Self::Memory(memory) => {
                memory.entries.lock().unwrap_or_else(PoisonError::into_inner).remove(key);
                Ok(())
            }
            Self::Redis(handle) => {
                let mut conn = handle.connection().await?;
                let _: i64 = conn.del(handle.key(&format!("cache:{key}"))).await?;
                Ok(())
            }
        }
    }
}
