//! Publish/subscribe fan-out: tokio broadcast channels in process by default, Redis pub/sub when
//! configured so that subscribers on every instance receive every message.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use futures::{StreamExt as _, stream::BoxStream};
use redis::AsyncCommands as _;
use tokio::sync::broadcast;

use crate::{PortError, RedisHandle};

/// Messages buffered per in-process channel before a slow subscriber starts missing some.
const MEMORY_CHANNEL_CAPACITY: usize = 1024;

/// The pub/sub port.
#[derive(Clone, Debug)]
pub enum PubSub {
    /// In-process channels: the embedded default.
    Memory(Arc<Mutex<HashMap<String, broadcast::Sender<String>>>>),
    /// Redis channels shared by every instance.
    Redis(RedisHandle),
}

impl PubSub {
    /// In-process fan-out.
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// Fan-out through Redis.
    pub fn redis(handle: RedisHandle) -> Self {
        Self::Redis(handle)
    }

    /// Sends `message` to every current subscriber of `channel`.
    pub async fn publish(&self, channel: &str, message: &str) -> Result<(), PortError> {
        match self {
            Self::Memory(channels) => {
                let channels = channels.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(sender) = channels.get(channel) {
                    // No receivers is not an error: nobody is listening right now.
                    let _ = sender.send(message.to_owned());
                }
                Ok(())
            }
            Self::Redis(handle) => {
                let mut conn = handle.connection().await?;
                let _: i64 = conn.publish(handle.key(&format!("ps:{channel}")), message).await?;
                Ok(())
            }
        }
    }

    /// Messages published to `channel` from now on.
    pub async fn subscribe(&self, channel: &str) -> Result<BoxStream<'static, String>, PortError> {
        match self {
            Self::Memory(channels) => {
                let receiver = {
                    let mut channels = channels.lock().unwrap_or_else(PoisonError::into_inner);
                    channels.retain(|_, sender| sender.receiver_count() > 0);
                    channels
                        .entry(channel.to_owned())
                        .or_insert_with(|| broadcast::channel(MEMORY_CHANNEL_CAPACITY).0)
                        .subscribe()
                };
                Ok(futures::stream::unfold(receiver, |mut receiver| async move {
                    loop {
                        match receiver.recv().await {
                            Ok(message) => return Some((message, receiver)),
                            Err(broadcast::error::RecvError::Lagged(missed)) => {
                                tracing::warn!(missed, "pub/sub subscriber lagged");
                            }
                            Err(broadcast::error::RecvError::Closed) => return None,
                        }
                    }
                })
                .boxed())
            }
            Self::Redis(handle) => {
                let mut pubsub = handle.pubsub().await?;
                pubsub.subscribe(handle.key(&format!("ps:{channel}"))).await?;
                Ok(pubsub
                    .into_on_message()
                    .filter_map(|message| async move { message.get_payload::<String>().ok() })
                    .boxed())
            }
        }
    }
}
