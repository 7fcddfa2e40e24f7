//! What the HTTP layer learned about the caller, and [`AuthContext`], the only way server
//! functions learn who is calling.

use std::{net::IpAddr, sync::Arc};

use chrono::NaiveDateTime;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{auth::model::SessionUser, error::AppError};

/// A resolved session: what every request of a signed-in user needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentSession {
    /// The session's id.
    pub session_id: String,
    /// The signed-in user.
    pub user: SessionUser,
    /// Last time the expiry moved.
    pub last_seen_at: NaiveDateTime,
    /// When it ends unless used.
    pub expires_at: NaiveDateTime,
    /// The administrator acting as the user, for an impersonation session (which never
    /// slides past its hour).
    #[serde(default)]
    pub impersonator_id: Option<String>,
}

/// The session the HTTP layer resolved from the request's cookie (a request extension).
#[derive(Clone, Debug, Default)]
pub struct RequestAuth(pub Option<Arc<CurrentSession>>);

/// The caller's address as the HTTP layer determined it (a request extension).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub IpAddr);

/// A signed-in caller: the user and the session the request came with.
#[derive(Clone, Debug)]
pub struct AuthContext {
    /// The signed-in user.
    pub user: SessionUser,
    /// The id (not the token) of the caller's session.
    pub session_id: String,
    /// The administrator acting as the user, during impersonation.
    pub impersonator_id: Option<String>,
}

impl AuthContext {
    /// The signed-in caller, or `AUTH_UNAUTHENTICATED` (401).
    /// Records `user_id` on the current span (the service's `#[tracing::instrument]` span).
    pub fn require() -> Result<Self, AppError> {
        let auth = Self::current().ok_or_else(AppError::unauthenticated)?;
        tracing::Span::current().record("user_id", auth.user.id.as_str());
        Ok(auth)
    }

    /// The signed-in caller, if any.
    pub fn current() -> Option<Self> {
        let parts = use_context::<http::request::Parts>()?;
        Self::of_request(parts.extensions.get::<RequestAuth>()?)
    }

    /// The signed-in caller of a plain HTTP handler (outside server functions), from the
    /// extension the session layer set.
    pub fn of_request(auth: &RequestAuth) -> Option<Self> {
        let session = auth.0.clone()?;
        Some(Self {
            user: session.user.clone(),
            session_id: session.session_id.clone(),
            impersonator_id: session.impersonator_id.clone(),
        })
    }
}

/// The caller's address, when the HTTP layer recorded one.
pub fn client_ip() -> Option<IpAddr> {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientIp>().copied())
        .map(|ip| ip.0)
}

/// The caller's `User-Agent`, shortened for storage.
pub fn user_agent() -> Option<String> {
    let headers = crate::request::headers()?;
    let agent = headers.get(http::header::USER_AGENT)?.to_str().ok()?;
    Some(agent.chars().take(256).collect())
}
