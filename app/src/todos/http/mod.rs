//! The todos' HTTP routes that are not server functions: the streamed export and the realtime
//! socket. The server mounts [`routes`]; both check the caller exactly as the server functions
//! do (session, [`OrgScope`](crate::orgs::scope::OrgScope), `todos:read`).

pub mod export;

use axum::routing::{MethodRouter, get};

use crate::state::AppState;

/// `GET /api/export/todos` and `GET /api/ws/todos`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![("/api/export/todos", get(export::todos)), ("/api/ws/todos", super::service::FEED.route())]
}
