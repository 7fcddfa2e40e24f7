//! Publish/subscribe fan-out: tokio broadcast channels in process by default, Redis pub/sub when
//! configured so that subscribers on every instance receive every message.
//!
//! With Redis, an instance holds one Redis subscription per channel however many local
//! subscribers it has (a thousand open sockets of one organization cost one connection), and
//! drops it when the last local subscriber goes. If that connection breaks, every local stream
//! of the channel ends, so subscribers can reconnect and resynchronise.

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

/// The local fan-out of the Redis channels this instance subscribes to.
type Hub = Arc<tokio::sync::Mutex<HashMap<String, broadcast::Sender<String>>>>;

/// The pub/sub port.
#[derive(Clone, Debug)]
pub enum PubSub {
    /// In-process channels: the embedded default.
    Memory(Arc<Mutex<HashMap<String, broadcast::Sender<String>>>>),
    /// Redis channels shared by every instance, fanned out locally.
    Redis(RedisHandle, Hub),
}

/// The messages of a local channel as a stream (a subscriber that falls more than
/// [`MEMORY_CHANNEL_CAPACITY`] messages behind skips the oldest and is told in the log).
fn receiver_stream(receiver: broadcast::Receiver<String>) -> BoxStream<'static, String> {
    futures::stream::unfold(receiver, |mut receiver| async move {
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
    .boxed()
}

impl PubSub {
    /// In-process fan-out.
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// Fan-out through Redis.
    pub fn redis(handle: RedisHandle) -> Self {
        Self::Redis(handle, Hub::default())
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
            Self::Redis(handle, _) => {
                let mut conn = handle.connection().await?;
                let _: i64 = conn.publish(handle.key(&format!("ps:{channel}")), message).await?;
                Ok(())
            }
        }
    }

    /// Messages published to `channel` from now on (the subscription is live when this
    /// returns). The stream ends when the channel's source is lost.
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
                Ok(receiver_stream(receiver))
            }
            Self::Redis(handle, hub) => {
                // Held across the Redis round trip, so a second subscriber of a channel being
                // set up waits for it rather than joining before it is live.
                let mut channels = hub.lock().await;
                if let Some(sender) = channels.get(channel)
                    && sender.receiver_count() > 0
                {
                    return Ok(receiver_stream(sender.subscribe()));
                }
                let mut pubsub = handle.pubsub().await?;
                pubsub.subscribe(handle.key(&format!("ps:{channel}"))).await?;
                let (sender, receiver) = broadcast::channel(MEMORY_CHANNEL_CAPACITY);
                channels.insert(channel.to_owned(), sender.clone());
                drop(channels);
                tokio::spawn(forward(pubsub, sender, Arc::clone(hub), channel.to_owned()));
                Ok(receiver_stream(receiver))
            }
        }
    }
}

/// Copies one Redis subscription into its local channel until the last local subscriber is
/// gone or the connection breaks, then forgets the channel (unless a newer subscription has
/// taken its place).
async fn forward(
    pubsub: redis::aio::PubSub,
    sender: broadcast::Sender<String>,
    hub: Hub,
    channel: String,
) {
    let mut messages = pubsub.into_on_message();
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else {
                    tracing::warn!(%channel, "Redis subscription lost");
                    break;
                };
                if let Ok(payload) = message.get_payload::<String>() {
                    // No receivers left is caught by `closed` below.
                    let _ = sender.send(payload);
                }
            }
            () = sender.closed() => break,
        }
    }
    let mut channels = hub.lock().await;
    if channels.get(&channel).is_some_and(|current| current.same_channel(&sender)) {
        channels.remove(&channel);
    }
}
