//! An organization's live feed: a WebSocket (`GET /api/ws/<feature>?org=…`) that pushes what a
//! feature publishes on the pub/sub channel `<prefix>:<organization id>` to every open client
//! of that organization — the todos' changes, the billing state's.
//!
//! The handshake is checked like any request: a browser's `Origin` must be this site (or a
//! trusted origin), the session cookie must name a live session, and the caller must be a
//! member with the feed's permission — the same rule as the feature's reads. Events come from
//! the platform's pub/sub: in-process channels with the embedded default, Redis channels when
//! `REDIS_URL` is set, so a change made on one instance reaches sockets open on every other.
//!
//! Frames from the server:
//! - `{"type":"ready"}` once the subscription is live: a (re)connected client re-reads what
//!   it shows, since events published while it was away are not replayed;
//! - then each published message as it is (the feature's own JSON).
//!
//! The server pings every [`PING_EVERY`] and re-checks the session and the membership every
//! `REALTIME_RECHECK_SECONDS` (30 s by default); it closes with code 4401 when the session ended and 4403 when the
//! membership or permission is gone (a client must not reconnect after either), and with
//! 1011 when the pub/sub connection was lost (a client reconnects and resynchronises).

use std::time::Duration;

use crate::{
    AppError, ErrorCode,
    api_error::error_response,
    auth::server::{AuthContext, RequestAuth, session},
    orgs::{model::OrgInput, permissions::Permission, scope::OrgScope},
    request::{self, is_cross_site},
    state::AppState,
};
use axum::{
    Extension,
    extract::{
        Query, State,
        rejection::QueryRejection,
        ws::{
            CloseFrame, Message, WebSocket, WebSocketUpgrade, rejection::WebSocketUpgradeRejection,
        },
    },
    http::{HeaderMap, header},
    response::Response,
    routing::{MethodRouter, get},
};
use futures::{StreamExt as _, stream::BoxStream};
use platform::Platform;
use tokio::time::{MissedTickBehavior, interval_at};
use tracing::field::Empty;

/// How often the server pings an open socket (keeps proxies from closing idle connections).
pub const PING_EVERY: Duration = Duration::from_secs(25);

/// Close code: the session ended (signed out, revoked, expired, banned).
pub const CLOSE_SIGNED_OUT: u16 = 4401;
/// Close code: the caller is no longer allowed to receive the feed.
pub const CLOSE_FORBIDDEN: u16 = 4403;
/// Close code: the server lost its event source; reconnect.
const CLOSE_UNAVAILABLE: u16 = 1011;

/// A feed: what it forwards and who may receive it.
#[derive(Clone, Copy, Debug)]
pub struct Feed {
    /// Its channels are `<prefix>:<organization id>`.
    pub prefix: &'static str,
    /// What a member needs to receive it (as for the feature's reads).
    pub permission: Permission,
}

impl Feed {
    /// The pub/sub channel of organization `org_id`.
    pub fn channel(self, org_id: &str) -> String {
        format!("{}:{org_id}", self.prefix)
    }

    /// The socket's route.
    pub fn route(self) -> MethodRouter<AppState> {
        get(
            move |state: State<AppState>,
                  auth: Option<Extension<RequestAuth>>,
                  headers: HeaderMap,
                  params: Result<Query<OrgInput>, QueryRejection>,
                  upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>| {
                handshake(self, state, auth, headers, params, upgrade)
            },
        )
    }
}

/// The organization whose feed `auth` may receive: the same rule as every read (membership,
/// then the feed's permission). Checked when the socket opens and again while it stays open,
/// so a removed member stops receiving.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn feed_org(
    platform: &Platform,
    auth: &AuthContext,
    input: &OrgInput,
    permission: Permission,
) -> Result<OrgScope, AppError> {
    OrgScope::check(platform, auth, input, permission).await
}

/// The handshake.
async fn handshake(
    feed: Feed,
    State(state): State<AppState>,
    auth: Option<Extension<RequestAuth>>,
    headers: HeaderMap,
    params: Result<Query<OrgInput>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let checked = async {
        // A browser always sends `Origin` with a WebSocket handshake, and cookies go along
        // whatever page opens it: without this check any site could read the stream.
        if is_cross_site(&headers, &state.platform.config) {
            tracing::warn!(origin = ?headers.get(header::ORIGIN), "cross-site WebSocket refused");
            return Err(
                AppError::new(ErrorCode::AuthForbidden).with_detail("reason", "cross_site_request")
            );
        }
        let Query(input) =
            params.map_err(|_| AppError::invalid_field("org", ErrorCode::ValRequiredField))?;
        let auth = auth
            .and_then(|Extension(auth)| AuthContext::of_request(&auth))
            .ok_or_else(AppError::unauthenticated)?;
        let org = feed_org(&state.platform, &auth, &input, feed.permission).await?;
        let upgrade = upgrade.map_err(|_| {
            AppError::new(ErrorCode::ValInvalidFormat).with_detail("reason", "websocket_expected")
        })?;
        // Subscribed before the upgrade: a failure is still an HTTP answer, and nothing
        // published after the `ready` frame can be missed.
        let events = state.platform.pubsub.subscribe(&feed.channel(org.id().as_str())).await?;
        Ok((upgrade, auth, input, events))
    }
    .await;
    let (upgrade, auth, input, events) = match checked {
        Ok(parts) => parts,
        Err(error) => return error_response(error, &headers, &state.platform.config),
    };
    let cookie = request::cookie(&headers, session::cookie_name(state.platform.config.is_https()))
        .map(str::to_owned)
        .unwrap_or_default();
    tracing::debug!(org_id = %input.org, user_id = %auth.user.id, feed = feed.prefix, "feed opened");
    upgrade
        .on_upgrade(move |socket| serve(socket, events, Watch { feed, state, auth, input, cookie }))
}

/// What the socket re-checks while open.
struct Watch {
    feed: Feed,
    state: AppState,
    auth: AuthContext,
    input: OrgInput,
    cookie: String,
}

impl Watch {
    /// The close code to end the socket with, if it may no longer stream.
    async fn verdict(&self) -> Option<u16> {
        let platform = &self.state.platform;
        match session::is_live(platform, &self.cookie).await {
            Ok(true) => {}
            Ok(false) => return Some(CLOSE_SIGNED_OUT),
            // Unknown is not "gone": try again at the next check.
            Err(_) => return None,
        }
        let refused = feed_org(platform, &self.auth, &self.input, self.feed.permission).await.err();
        refused
            .is_some_and(|error| {
                matches!(error.code, ErrorCode::BizNotFound | ErrorCode::AuthForbidden)
            })
            .then_some(CLOSE_FORBIDDEN)
    }
}

fn close(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
}

async fn serve(mut socket: WebSocket, mut events: BoxStream<'static, String>, watch: Watch) {
    if socket.send(Message::Text(r#"{"type":"ready"}"#.into())).await.is_err() {
        return;
    }
    let mut ping = interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let every = watch.state.platform.config.realtime_recheck;
    let mut recheck = interval_at(tokio::time::Instant::now() + every, every);
    recheck.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = events.next() => {
                let Some(event) = event else {
                    tracing::warn!(feed = watch.feed.prefix, "feed source ended; closing the socket");
                    let _ = socket.send(close(CLOSE_UNAVAILABLE, "events unavailable")).await;
                    return;
                };
                if socket.send(Message::Text(event.into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // The client says nothing the server needs; pongs and pings are handled by
                // the library. A close or a broken connection ends it.
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
            _ = recheck.tick() => {
                if let Some(code) = watch.verdict().await {
                    let reason = if code == CLOSE_SIGNED_OUT { "signed out" } else { "forbidden" };
                    let _ = socket.send(close(code, reason)).await;
                    return;
                }
            }
        }
    }
}
