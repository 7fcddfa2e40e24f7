//! Server-side sessions: a random 256-bit token in an `HttpOnly` cookie, only its hash in the
//! database, look-ups cached (in process, or in Redis so that a revocation reaches every
//! instance on its next request), and a 7-day expiry that slides at most once a day.

use std::time::Duration;

use http::{HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use platform::{Platform, clock::now_utc, token};

pub use super::context::CurrentSession;
use super::{
    context,
    store::{self, NewSession},
};
use crate::error::AppError;

/// How long a session lives without being used.
pub const SESSION_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// The expiry moves forward at most this often (one write a day per active session).
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long a resolved session stays in the cache. Revocations evict it at once; this only
/// bounds staleness if an eviction is lost.
const CACHE_TTL: Duration = Duration::from_secs(60);

/// The session cookie's name: `__Host-session` over https (bound to this exact host, Secure,
/// path /), `session` over plain http (development).
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-session" } else { "session" }
}

/// The outcome of resolving a cookie.
#[derive(Debug)]
pub struct Resolved {
    /// The session.
    pub session: CurrentSession,
    /// The expiry moved: the cookie should be sent again with a fresh `Max-Age`.
    pub refreshed: bool,
}

fn cache_key(token_hash: &str) -> String {
    format!("session:{token_hash}")
}

fn ttl() -> chrono::Duration {
    chrono::Duration::from_std(SESSION_TTL).unwrap_or(chrono::Duration::MAX)
}

/// Finds the live session of a cookie token, refreshing its expiry when due.
pub async fn resolve(
    platform: &Platform,
    cookie_token: &str,
) -> Result<Option<Resolved>, AppError> {
    look_up(platform, cookie_token, true).await
}

/// Whether the cookie token still names a live session, without counting the check as
/// activity: a connection left open (a WebSocket) re-checks with it and never keeps an idle
/// session alive.
pub async fn is_live(platform: &Platform, cookie_token: &str) -> Result<bool, AppError> {
    Ok(look_up(platform, cookie_token, false).await?.is_some())
}

async fn look_up(
    platform: &Platform,
    cookie_token: &str,
    refresh: bool,
) -> Result<Option<Resolved>, AppError> {
    // Tokens are 43 URL-safe characters; anything else is not worth a look-up.
    if cookie_token.len() != 43 {
        return Ok(None);
    }
    let hash = token::hash_token(cookie_token);
    let key = cache_key(&hash);
    let cached = match platform.cache.get(&key).await {
        Ok(value) => value.and_then(|json| serde_json::from_str::<CurrentSession>(&json).ok()),
        Err(error) => {
            tracing::warn!(%error, "session cache unavailable; reading the database");
            None
        }
    };
    let now = now_utc();
    let mut session = if let Some(session) = cached {
        session
    } else {
        {
            let Some((row, user)) = store::session_by_hash(&platform.db, &hash).await? else {
                return Ok(None);
            };
            // Bans end every session when they are set; this covers a ban that lapses into
            // force or a session written meanwhile.
            if user.is_banned(now) {
                return Ok(None);
            }
            let mut session_user = user.to_session_user();
            if let Some(admin_id) = &row.impersonator_id {
                let admin = store::user_by_id(&platform.db, admin_id).await?;
                session_user.impersonated_by = Some(admin.map_or_else(String::new, |a| a.email));
            } else {
                session_user.is_admin = session_user.email_verified
                    && platform.config.admin_emails.contains(&session_user.email);
            }
            let session = CurrentSession {
                session_id: row.id,
                user: session_user,
                last_seen_at: row.last_seen_at,
                expires_at: row.expires_at,
                impersonator_id: row.impersonator_id,
            };
            cache_put(platform, &key, &session).await;
            session
        }
    };
    if session.expires_at <= now {
        return Ok(None);
    }
    let due = chrono::Duration::from_std(REFRESH_INTERVAL).unwrap_or(chrono::Duration::MAX);
    let refreshed =
        refresh && session.impersonator_id.is_none() && now - session.last_seen_at >= due;
    if refreshed {
        session.last_seen_at = now;
        session.expires_at = now + ttl();
        store::touch_session(&platform.db, &session.session_id, now, session.expires_at).await?;
        cache_put(platform, &key, &session).await;
    }
    Ok(Some(Resolved { session, refreshed }))
}

async fn cache_put(platform: &Platform, key: &str, session: &CurrentSession) {
    let Ok(json) = serde_json::to_string(session) else { return };
    if let Err(error) = platform.cache.set(key, &json, CACHE_TTL).await {
        tracing::warn!(%error, "could not cache a session");
    }
}

/// Evicts cached look-ups of these token hashes.
pub async fn evict(platform: &Platform, token_hashes: &[String]) {
    for hash in token_hashes {
        if let Err(error) = platform.cache.delete(&cache_key(hash)).await {
            tracing::error!(%error, "could not evict a revoked session from the cache");
        }
    }
}

/// Starts a session for `user_id` and sets its cookie on the response. Any session the request
/// came with is ended first: a sign-in always gets a new token (no session fixation).
pub async fn start(platform: &Platform, user_id: &str) -> Result<String, AppError> {
    start_as(platform, user_id, None).await
}

/// How long an administrator's impersonation session lasts (it never slides).
pub const IMPERSONATION_TTL: Duration = Duration::from_secs(60 * 60);

/// [`start`], for an administrator (`impersonator_id`) acting as `user_id` when given: that
/// session ends after [`IMPERSONATION_TTL`].
pub async fn start_as(
    platform: &Platform,
    user_id: &str,
    impersonator_id: Option<&str>,
) -> Result<String, AppError> {
    if let Some(previous) = context::AuthContext::current() {
        end(platform, &previous.user.id, &previous.session_id).await?;
    }
    let secret = token::new_token();
    let hash = token::hash_token(&secret);
    let id = platform::clock::new_id();
    let now = now_utc();
    let ip = context::client_ip().map(|ip| ip.to_string());
    let agent = context::user_agent();
    let lifetime = if impersonator_id.is_some() { IMPERSONATION_TTL } else { SESSION_TTL };
    store::insert_session(
        &platform.db,
        NewSession {
            id: &id,
            token_hash: &hash,
            user_id,
            user_agent: agent.as_deref(),
            ip: ip.as_deref(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::MAX),
            impersonator_id,
        },
    )
    .await?;
    set_cookie(&cookie_value(&secret, platform.config.is_https(), lifetime));
    Ok(id)
}

/// Ends one session of `user_id`.
pub async fn end(platform: &Platform, user_id: &str, session_id: &str) -> Result<(), AppError> {
    let hashes = store::delete_sessions(&platform.db, user_id, Some(session_id), None).await?;
    evict(platform, &hashes).await;
    Ok(())
}

/// Ends every session of `user_id`, except `keep` when given. Returns how many ended.
pub async fn end_all(
    platform: &Platform,
    user_id: &str,
    keep: Option<&str>,
) -> Result<usize, AppError> {
    let hashes = store::delete_sessions(&platform.db, user_id, None, keep).await?;
    evict(platform, &hashes).await;
    Ok(hashes.len())
}

/// The `Set-Cookie` value carrying `token` for `max_age`.
pub fn cookie_value(token: &str, https: bool, max_age: Duration) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
        cookie_name(https),
        max_age.as_secs()
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clearing_cookie_value(https: bool) -> String {
    cookie_value("", https, Duration::ZERO)
}

/// Adds a `Set-Cookie` header to the current server function's response.
pub fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) =
        (use_context::<ResponseOptions>(), HeaderValue::from_str(value))
    {
        response.append_header(header::SET_COOKIE, value);
    }
}
