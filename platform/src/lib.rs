//! Server-only infrastructure shared by the application and the HTTP server.
//!
//! Every port has two adapters chosen by configuration: the embedded default (SQLite file,
//! in-process cache, pub/sub and rate-limit counters) and the scaled one (PostgreSQL and Redis),
//! so the same code runs as one binary or as many stateless instances.

pub mod cache;
pub mod clock;
pub mod config;
pub mod db;
pub mod images;
pub mod job;
pub mod lease;
pub mod mail;
pub mod password;
pub mod pubsub;
pub mod rate_limit;
pub mod redis_conn;
pub mod storage;
#[cfg(feature = "testing")]
pub mod testing;
pub mod token;

use std::sync::Arc;

pub use cache::Cache;
pub use config::{Config, ConfigError};
pub use db::{Db, DbError};
pub use pubsub::PubSub;
pub use rate_limit::{RateDecision, RateLimit, RateLimiter};
pub use redis_conn::RedisHandle;

/// Errors of the cache, pub/sub and rate-limit ports.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// Redis did not answer or refused the command.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
}

/// The connected infrastructure of one running instance.
#[derive(Clone)]
pub struct Platform {
    /// Typed configuration, loaded once at start-up.
    pub config: Arc<Config>,
    /// The database pool (PostgreSQL or SQLite).
    pub db: Db,
    /// Key-value cache with expiry.
    pub cache: Cache,
    /// Fixed-window rate limiter shared by all instances when Redis is configured.
    pub rate_limiter: RateLimiter,
    /// Publish/subscribe fan-out.
    pub pubsub: PubSub,
    /// The Redis connection, when `REDIS_URL` is set.
    pub redis: Option<RedisHandle>,
    /// Outgoing mail: SMTP, or files under `<DATA_DIR>/mail/`.
    pub mailer: mail::Mailer,
    /// Uploaded files: `<DATA_DIR>/files/`, or an S3-compatible bucket.
    pub storage: storage::Storage,
}

impl Platform {
    /// Builds pools and ports from the configuration without touching the network.
    ///
    /// Connections are opened lazily; call [`Platform::start`] to also create the data directory,
    /// run the migrations and check that Redis answers.
    pub fn new(config: Config) -> Result<Self, anyhow::Error> {
        let db = Db::new(&config.database, config.database_pool_size, config.database_timeout)?;
        let redis = config
            .redis_url
            .as_ref()
            .map(|url| RedisHandle::open(url.expose(), config.redis_timeout, &config.redis_prefix))
            .transpose()?;
        let (cache, rate_limiter, pubsub) = match &redis {
            Some(handle) => (
                Cache::redis(handle.clone()),
                RateLimiter::redis(handle.clone()),
                PubSub::redis(handle.clone()),
            ),
            None => (Cache::memory(), RateLimiter::memory(), PubSub::memory()),
        };
        let mailer = match &config.smtp_url {
            Some(url) => mail::Mailer::smtp(url.expose(), &config.mail_from)?,
            None => mail::Mailer::files(&config.data_dir.join("mail"), &config.mail_from)?,
        };
        let storage = storage::Storage::new(&config.storage)?;
        Ok(Self {
            config: Arc::new(config),
            db,
            cache,
            rate_limiter,
            pubsub,
            redis,
            mailer,
            storage,
        })
    }

    /// Builds the platform and prepares it for serving: data directory, migrations, Redis check.
    pub async fn start(config: Config) -> Result<Self, anyhow::Error> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            anyhow::anyhow!("DATA_DIR: cannot create {}: {e}", config.data_dir.display())
        })?;
        let platform = Self::new(config)?;
        platform.db.run_migrations().await?;
        if let Some(redis) = &platform.redis {
            redis
                .ping()
                .await
                .map_err(|e| anyhow::anyhow!("REDIS_URL: Redis does not answer: {e}"))?;
        }
        Ok(platform)
    }

    /// A short description of the backends in use, for the start-up log line.
    pub fn backends(&self) -> String {
        let cache = if self.redis.is_some() { "redis" } else { "in-process" };
        format!(
            "database={} cache/pubsub/rate-limit={cache} mail={} files={}",
            self.db.backend_name(),
            self.mailer.kind(),
            self.storage.kind()
        )
    }
}
