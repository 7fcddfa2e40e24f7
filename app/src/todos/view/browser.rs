//! What the todos page does only in the browser: follow `/api/ws/todos` (reconnecting with
//! backoff and re-reading the list after each reconnect), keyboard shortcuts, and the export
//! streamed with progress. On the server, and without JavaScript, these are no-ops: the page
//! is complete without them.

use leptos::prelude::*;

use crate::{i18n::I18n, ui::Toasts};

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
            Self::Connecting | Self::Reconnecting => Some("todos-live-connecting"),
            Self::On => Some("todos-live-on"),
            Self::Stopped => Some("todos-live-off"),
        }
    }
}

/// Every key [`Live::label_key`] can answer (for the translation tests).
pub const LIVE_KEYS: [&str; 3] = ["todos-live-connecting", "todos-live-on", "todos-live-off"];

/// Follows the organization's todo events for as long as the page is open, bumping `refresh`
/// when the list should be read again.
pub fn follow(org_id: String, refresh: RwSignal<u32>) -> RwSignal<Live> {
    let status = RwSignal::new(Live::Idle);
    #[cfg(feature = "hydrate")]
    socket::follow(org_id, refresh, status);
    #[cfg(not(feature = "hydrate"))]
    let _ = (org_id, refresh);
    status
}

/// `n` focuses the quick-add title, `/` the search (unless typing in a field already).
pub fn shortcuts() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        let handle = window_event_listener(leptos::ev::keydown, |event| {
            if event.ctrl_key() || event.meta_key() || event.alt_key() {
                return;
            }
            let typing = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|element| {
                    matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                });
            let target = match event.key().as_str() {
                "n" if !typing => "todo-new-title",
                "/" if !typing => "todo-search",
                _ => return,
            };
            if let Some(element) = document()
                .get_element_by_id(target)
                .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
            {
                event.prevent_default();
                let _ = element.focus();
            }
        });
        on_cleanup(move || handle.remove());
    }
}

/// Whether the export can be streamed with progress here (a hydrated page).
pub fn can_stream() -> bool {
    cfg!(feature = "hydrate")
}

/// Downloads `url` (a CSV export), reporting rows received in `progress` (`None` when done).
pub fn download(url: String, progress: RwSignal<Option<u64>>, toasts: Toasts, i18n: I18n) {
    #[cfg(feature = "hydrate")]
    {
        progress.set(Some(0));
        leptos::task::spawn_local(async move {
            let result = export::fetch(&url, progress).await;
            progress.try_set(None);
            match result {
                Ok(rows) => toasts.info(i18n.t_args("todos-exported", &[("rows", rows.into())])),
                Err(error) => toasts.error(crate::forms::error_message(i18n, &error)),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, progress, toasts, i18n);
}

#[cfg(feature = "hydrate")]
mod socket {
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::{JsCast as _, JsValue, closure::Closure};
    use web_sys::{CloseEvent, MessageEvent, WebSocket};

    use super::Live;

    /// Close codes after which reconnecting is pointless (see `server::realtime`).
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
        org: StoredValue<String>,
        refresh: RwSignal<u32>,
        status: RwSignal<Live>,
    }

    pub fn follow(org_id: String, refresh: RwSignal<u32>, status: RwSignal<Live>) {
        let follow = Follow {
            connection: StoredValue::new_local(Connection::default()),
            org: StoredValue::new(org_id),
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

    fn url(org: &str) -> Option<String> {
        let location = window().location();
        let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
        Some(format!("{scheme}://{}/api/ws/todos?org={}", location.host().ok()?, org))
    }

    fn open(follow: Follow) {
        let Some(stopped) = follow.connection.try_with_value(|c| c.stopped) else { return };
        if stopped {
            return;
        }
        let socket = follow
            .org
            .try_with_value(|org| url(org))
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
            // The first `ready` comes right after the page loaded its list; after a
            // reconnect, changes may have been missed meanwhile, so the list is read again.
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

#[cfg(feature = "hydrate")]
mod export {
    use leptos::prelude::*;
    use wasm_bindgen::{JsCast as _, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Blob, BlobPropertyBag, HtmlAnchorElement, ReadableStreamDefaultReader, Response, Url,
    };

    use crate::error::{AppError, ErrorCode};

    fn lost(_: JsValue) -> AppError {
        AppError::new(ErrorCode::NetConnectionError)
    }

    /// Streams the export at `url` into a file download; answers the number of rows.
    pub async fn fetch(url: &str, progress: RwSignal<Option<u64>>) -> Result<u64, AppError> {
        let response: Response =
            JsFuture::from(window().fetch_with_str(url)).await.map_err(lost)?.unchecked_into();
        if !response.ok() {
            let text = JsFuture::from(response.text().map_err(lost)?).await.map_err(lost)?;
            let text = text.as_string().unwrap_or_default();
            return Err(serde_json::from_str(&text)
                .unwrap_or_else(|_| AppError::new(ErrorCode::SysServerError)));
        }
        let filename = response
            .headers()
            .get("content-disposition")
            .ok()
            .flatten()
            .and_then(|value| {
                value.split("filename=\"").nth(1).map(|rest| rest.trim_end_matches('"').to_owned())
            })
            .unwrap_or_else(|| "todos.csv".to_owned());
        let body = response.body().ok_or_else(|| AppError::new(ErrorCode::NetConnectionError))?;
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let parts = js_sys::Array::new();
        let (mut rows, mut quoted) = (0_u64, false);
        loop {
            let chunk = JsFuture::from(reader.read()).await.map_err(lost)?;
            let done = js_sys::Reflect::get(&chunk, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                break;
            }
            let bytes: js_sys::Uint8Array =
                js_sys::Reflect::get(&chunk, &"value".into()).map_err(lost)?.unchecked_into();
            // A record ends at a line break outside quotes (RFC 4180: a quote inside a field
            // is doubled, which toggles twice).
            for byte in bytes.to_vec() {
                match byte {
                    b'"' => quoted = !quoted,
                    b'\n' if !quoted => rows += 1,
                    _ => {}
                }
            }
            parts.push(&bytes);
            progress.try_set(Some(rows.saturating_sub(1)));
        }
        let options = BlobPropertyBag::new();
        options.set_type("text/csv;charset=utf-8");
        let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(lost)?;
        let href = Url::create_object_url_with_blob(&blob).map_err(lost)?;
        let link: HtmlAnchorElement =
            document().create_element("a").map_err(lost)?.unchecked_into();
        link.set_href(&href);
        link.set_download(&filename);
        link.click();
        set_timeout(
            move || {
                let _ = Url::revoke_object_url(&href);
            },
            std::time::Duration::from_secs(30),
        );
        // The first record is the header.
        Ok(rows.saturating_sub(1))
    }
}
