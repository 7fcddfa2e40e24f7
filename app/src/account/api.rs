//! Account settings server functions: `/api/account/*`. All need a signed-in user
//! (`AUTH_UNAUTHENTICATED` otherwise) except confirming a new address, which the mailed link
//! authorises.

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{
    ChangeEmailInput, ChangePasswordInput, DeleteAccountInput, ProfileInput, RevokeSessionInput,
    SessionInfo,
};
use crate::{
    auth::model::{SessionUser, TokenInput},
    error::AppError,
};

/// `GET /api/account/sessions` — the caller's live sessions, most recent first.
#[server(prefix = "/api", endpoint = "account/sessions", input = GetUrl)]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    super::service::list_sessions().await
}

/// `POST /api/account/sessions/revoke` — `id`. Ends one of the caller's sessions. Errors:
/// `BIZ_NOT_FOUND` (not one of the caller's).
#[server(prefix = "/api", endpoint = "account/sessions/revoke", input = PostUrl)]
pub async fn revoke_session(#[server(flatten)] input: RevokeSessionInput) -> Result<(), AppError> {
    super::service::revoke_session(input).await
}

/// `POST /api/account/sessions/revoke-others` — ends every other session; returns how many.
#[server(prefix = "/api", endpoint = "account/sessions/revoke-others", input = PostUrl)]
pub async fn revoke_other_sessions() -> Result<usize, AppError> {
    super::service::revoke_other_sessions().await
}

/// `POST /api/account/profile` — `name`, `locale` (`en`, `es`). Errors: `VAL_*`.
#[server(prefix = "/api", endpoint = "account/profile", input = PostUrl)]
pub async fn update_profile(
    #[server(flatten)] input: ProfileInput,
) -> Result<SessionUser, AppError> {
    super::service::update_profile(input).await
}

/// `POST /api/account/password` — `current_password`, `new_password`. Ends every other session
/// and renews this one's token. Errors: `AUTH_INVALID_CREDENTIALS` (`current_password`),
/// `VAL_*`, `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "account/password", input = PostUrl)]
pub async fn change_password(
    #[server(flatten)] input: ChangePasswordInput,
) -> Result<(), AppError> {
    super::service::change_password(input).await
}

/// `POST /api/account/email` — `new_email`, `password`. Mails a confirmation link (24 h) to the
/// new address. Errors: `AUTH_INVALID_CREDENTIALS` (`password`), `BIZ_DUPLICATE_ENTRY` /
/// `BIZ_INVALID_STATE` (`new_email`), `VAL_*`, `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "account/email", input = PostUrl)]
pub async fn request_email_change(
    #[server(flatten)] input: ChangeEmailInput,
) -> Result<(), AppError> {
    super::service::request_email_change(input).await
}

/// `POST /api/account/email/confirm` — `token` from the confirmation mail. Errors:
/// `BIZ_INVALID_STATE` (`token`), `BIZ_DUPLICATE_ENTRY` (taken in the meantime).
#[server(prefix = "/api", endpoint = "account/email/confirm", input = PostUrl)]
pub async fn confirm_email_change(#[server(flatten)] input: TokenInput) -> Result<(), AppError> {
    super::service::confirm_email_change(input).await
}

/// `POST /api/account/delete` — `password`. Deletes the account, its sessions and tokens.
/// Errors: `AUTH_INVALID_CREDENTIALS` (`password`), `BIZ_INVALID_STATE` (`sole_owner`).
#[server(prefix = "/api", endpoint = "account/delete", input = PostUrl)]
pub async fn delete_account(#[server(flatten)] input: DeleteAccountInput) -> Result<(), AppError> {
    super::service::delete_account(input).await
}
