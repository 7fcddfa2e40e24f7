//! Following an organization's live feed (`orgs::feed` on the server) from the browser:
//! reconnecting with jittered backoff, reading the page's data again after each event and each
//! reconnect, and stopping for good when the session ended or the membership is gone. On the
//! server, and without JavaScript, nothing happens: the page is complete without it.

use leptos::prelude::*;

/// The state of the live connection, as the page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // only the browser leaves `Idle`
pub enum Live {
    /// Not started (server rendering, no JavaScript).
    Idle,
    /// Opening for the first time.
    Connecting,
    /// Receiving changes.
    On,
    /// Lost; trying again.
    Reconnecting,
    /// Ended for good (signed out, or no longer a member).
    Stopped,
}

impl Live {
    /// For `data-live`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Connecting => "connecting",
            Self::On => "live",
            Self::Reconnecting => "reconnecting",
            Self::Stopped => "stopped",
        }
    }

    /// The translation key of what the page says (nothing while idle).
    pub fn label_key(self) -> Option<&'static str> {
        match self {
            Self::Idle => None,
            Self::Connecting | Self::Reconnecting => Some("live-connecting"),
            Self::On => Some("live-on"),
            Self::Stopped => Some("live-off"),
        }
    }
}

/// Every key [`Live::label_key`] can answer (for the translation tests).
pub const LIVE_KEYS: [&str; 3] = ["live-connecting", "live-on", "live-off"];

/// Follows the live feed at `path` (`/api/ws/todos?org=…`) for as long as the page is open,
/// bumping `refresh` when what the page shows should be read again: after each event (many
/// within 150 ms count once) and after each reconnect.
pub fn follow_feed(path: String, refresh: RwSignal<u32>) -> RwSignal<Live> {
    let status = RwSignal::new(Live::Idle);
    #[cfg(feature = "hydrate")]
    socket::follow(path, refresh, status);
    #[cfg(not(feature = "hydrate"))]
    let _ = (path, refresh);
    status
}

#[cfg(feature = "hydrate")]
mod socket {
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    use super::Live;

    /// Close codes after which reconnecting is pointless (see `orgs::feed`).
    const CLOSE_SIGNED_OUT: u16 = 4401;
    const CLOSE_FORBIDDEN: u16 = 4403;
    /// Events arriving within this window cause one re-read.
    const SETTLE: Duration = Duration::from_millis(150);

    #[derive(Default)]
    struct Connection {
        socket: Option<WebSocket>,
        /// The socket's handlers, alive as long as it is.
        handlers: Vec<Closure<dyn FnMut(JsValue)>>,
        attempts: u32,
        connected_once: bool,
        refresh_pending: bool,
        stopped: bool,
    }

    impl Connection {
        fn close(&mut self) {
            if let Some(socket) = self.socket.take() {
                socket.set_onmessage(None);
                socket.set_onclose(None);
                let _ = socket.close();
            }
            self.handlers.clear();
        }
    }

    #[derive(Clone, Copy)]
    struct Follow {
        connection: StoredValue<Connection, LocalStorage>,
        path: StoredValue<String>,
        refresh: RwSignal<u32>,
        status: RwSignal<Live>,
    }

    pub fn follow(path: String, refresh: RwSignal<u32>, status: RwSignal<Live>) {
        let follow = Follow {
            connection: StoredValue::new_local(Connection::default()),
            path: StoredValue::new(path),
            refresh,
            status,
        };
        // After hydration, so the status text matches the server's HTML first.
        Effect::new(move |_| untrack(|| open(follow)));
        on_cleanup(move || {
            follow.connection.try_update_value(|connection| {
                connection.stopped = true;
                connection.close();
            });
        });
    }

    /// 0.5 s, 1 s, 2 s, … up to 30 s, each with up to half of it taken off at random, so a
    /// restarted server is not met by every client at the same instant.
    fn backoff(attempts: u32) -> Duration {
        let base = 500_f64 * 2_f64.powi(i32::try_from(attempts.min(6)).unwrap_or(6));
        let jittered = base.min(30_000.0) * (0.5 + js_sys::Math::random() / 2.0);
        Duration::from_secs_f64(jittered / 1000.0)
    }

    fn url(path: &str) -> Option<String> {
        let location = window().location();
        let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
        Some(format!("{scheme}://{}{path}", location.host().ok()?))
    }

    fn open(follow: Follow) {
        let Some(stopped) = follow.connection.try_with_value(|c| c.stopped) else { return };
        if stopped {
            return;
        }
        let socket = follow
            .path
            .try_with_value(|path| url(path))
            .flatten()
            .and_then(|url| WebSocket::new(&url).ok());
        let Some(socket) = socket else {
            retry(follow);
            return;
        };
        let reconnecting = follow.connection.with_value(|c| c.connected_once);
        follow.status.set(if reconnecting { Live::Reconnecting } else { Live::Connecting });

        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let data =
                event.unchecked_into::<MessageEvent>().data().as_string().unwrap_or_default();
            let ready = data.contains(r#""type":"ready""#);
            let Some(first) = follow.connection.try_update_value(|c| {
                let first = !c.connected_once;
                c.connected_once = true;
                c.attempts = 0;
                first
            }) else {
                return;
            };
            follow.status.try_set(Live::On);
            // The first `ready` comes right after the page loaded what it shows; after a
            // reconnect, changes may have been missed meanwhile, so it is read again.
            if !(ready && first) {
                schedule_refresh(follow);
            }
        });
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let code = event.unchecked_into::<CloseEvent>().code();
            if code == CLOSE_SIGNED_OUT || code == CLOSE_FORBIDDEN {
                follow.connection.try_update_value(|c| c.stopped = true);
                follow.status.try_set(Live::Stopped);
                return;
            }
            retry(follow);
        });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        follow.connection.update_value(|c| {
            c.close();
            c.socket = Some(socket);
            c.handlers = vec![on_message, on_close];
        });
    }

    fn retry(follow: Follow) {
        let Some(attempts) = follow.connection.try_update_value(|c| {
            c.attempts += 1;
            c.attempts
        }) else {
            return;
        };
        follow.status.try_set(Live::Reconnecting);
        set_timeout(move || open(follow), backoff(attempts - 1));
    }

    fn schedule_refresh(follow: Follow) {
        let already =
            follow.connection.try_update_value(|c| std::mem::replace(&mut c.refresh_pending, true));
        if already != Some(false) {
            return;
        }
        set_timeout(
            move || {
                follow.connection.try_update_value(|c| c.refresh_pending = false);
                follow.refresh.try_update(|n| *n += 1);
            },
            SETTLE,
        );
    }
}
