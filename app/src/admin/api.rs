//! Platform administration server functions: `/api/admin/*`. All need an administrator
//! (`ADMIN_EMAILS`, confirmed address, not impersonating); anyone else gets 403
//! `AUTH_FORBIDDEN` (`details.permission = "platform:admin"`), except for stopping an
//! impersonation, which belongs to the impersonation session.

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{AdminEvent, BanInput, OrgPage, SearchInput, UserInput, UserPage};
use crate::error::AppError;

/// `GET /api/admin/users?q=…&page=…` — accounts, newest first, 25 a page; `q` matches part of
/// the address or name.
#[server(prefix = "/api", endpoint = "admin/users", input = GetUrl)]
pub async fn admin_users(#[server(flatten)] input: SearchInput) -> Result<UserPage, AppError> {
    super::service::users(input).await
}

/// `GET /api/admin/orgs?q=…&page=…` — organizations with member counts and plan.
#[server(prefix = "/api", endpoint = "admin/orgs", input = GetUrl)]
pub async fn admin_orgs(#[server(flatten)] input: SearchInput) -> Result<OrgPage, AppError> {
    super::service::orgs(input).await
}

/// `POST /api/admin/users/ban` — `user_id`, `reason`, `days` (empty: until lifted). Ends every
/// session of the account. Errors: `VAL_*`, `BIZ_NOT_FOUND`, `BIZ_INVALID_STATE`
/// (`reason: admin_account`).
#[server(prefix = "/api", endpoint = "admin/users/ban", input = PostUrl)]
pub async fn ban_user(#[server(flatten)] input: BanInput) -> Result<(), AppError> {
    super::service::ban(input).await
}

/// `POST /api/admin/users/unban` — `user_id`.
#[server(prefix = "/api", endpoint = "admin/users/unban", input = PostUrl)]
pub async fn unban_user(#[server(flatten)] input: UserInput) -> Result<(), AppError> {
    super::service::unban(input).await
}

/// `POST /api/admin/users/revoke-sessions` — `user_id`; answers how many sessions ended.
#[server(prefix = "/api", endpoint = "admin/users/revoke-sessions", input = PostUrl)]
pub async fn revoke_user_sessions(#[server(flatten)] input: UserInput) -> Result<u64, AppError> {
    super::service::revoke_sessions(input).await
}

/// `POST /api/admin/impersonate` — `user_id`: this browser acts as the account for at most an
/// hour, under a banner. Errors: `BIZ_NOT_FOUND`, `BIZ_INVALID_STATE` (`admin_account`).
#[server(prefix = "/api", endpoint = "admin/impersonate", input = PostUrl)]
pub async fn impersonate_user(#[server(flatten)] input: UserInput) -> Result<(), AppError> {
    super::service::impersonate(input).await
}

/// `POST /api/admin/impersonate/stop` — back to the administrator's own account. Errors:
/// `AUTH_UNAUTHENTICATED`, `BIZ_INVALID_STATE` (`reason: not_impersonating`).
#[server(prefix = "/api", endpoint = "admin/impersonate/stop", input = PostUrl)]
pub async fn stop_impersonating() -> Result<(), AppError> {
    super::service::stop_impersonating().await
}

/// `GET /api/admin/events` — the latest 50 entries of the administrators' log.
#[server(prefix = "/api", endpoint = "admin/events", input = GetUrl)]
pub async fn admin_events() -> Result<Vec<AdminEvent>, AppError> {
    super::service::events().await
}
