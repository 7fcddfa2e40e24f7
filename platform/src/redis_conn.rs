//! The shared Redis connection of the scaled deployment.

use std::{sync::Arc, time::Duration};

use redis::{
    Client, RedisError,
    aio::{ConnectionManager, ConnectionManagerConfig},
};
use tokio::sync::OnceCell;

/// A lazily connected, automatically reconnecting Redis connection, cheap to clone.
#[derive(Clone)]
pub struct RedisHandle {
    client: Client,
    timeout: Duration,
    prefix: Arc<str>,
    manager: Arc<OnceCell<ConnectionManager>>,
}

impl std::fmt::Debug for RedisHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedisHandle")
    }
}

impl RedisHandle {
    /// Parses the URL; the connection opens on first use. Every key and channel is put under
    /// `prefix:`.
    pub fn open(url: &str, timeout: Duration, prefix: &str) -> Result<Self, anyhow::Error> {
        let client = Client::open(url)
            .map_err(|e| anyhow::anyhow!("REDIS_URL: not a valid Redis URL: {e}"))?;
        Ok(Self { client, timeout, prefix: prefix.into(), manager: Arc::new(OnceCell::new()) })
    }

    /// `name` inside this deployment's namespace.
    pub fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.prefix)
    }

    /// The multiplexed connection, opened on first call.
    pub async fn connection(&self) -> Result<ConnectionManager, RedisError> {
        self.manager
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    .set_number_of_retries(2);
                self.client.get_connection_manager_with_config(config)
            })
            .await
            .cloned()
    }

    /// A dedicated connection in subscriber mode.
    pub async fn pubsub(&self) -> Result<redis::aio::PubSub, RedisError> {
        self.client.get_async_pubsub().await
    }

    /// Checks that Redis answers `PING`.
    pub async fn ping(&self) -> Result<(), RedisError> {
        let mut conn = self.connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await.map(|_| ())
    }
}
