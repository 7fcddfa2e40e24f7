//! Account server functions: `/api/auth/*`. Every state-changing one is a POST (form-encoded,
//! so plain HTML forms work without JavaScript) and redirects on success; errors are
//! [`AppError`]s with a per-field map. The flows live in `server::service`.

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{
    CodeSignInInput, EmailInput, ResetPasswordInput, SessionUser, SignInInput, SignUpInput,
    TokenInput,
};
use crate::error::AppError;

/// `GET /api/auth/me` — the signed-in user, or `null`.
#[server(prefix = "/api", endpoint = "auth/me", input = GetUrl)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    Ok(super::server::AuthContext::current().map(|auth| auth.user))
}

/// `POST /api/auth/sign-up` — `name`, `email`, `password` (8–128 characters), optional
/// `return_to`. Creates the account, signs in, mails a verification link (valid 24 h).
/// Errors: `VAL_*` per field, `BIZ_DUPLICATE_ENTRY` (`email`), `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "auth/sign-up", input = PostUrl)]
pub async fn sign_up(#[server(flatten)] input: SignUpInput) -> Result<SessionUser, AppError> {
    super::server::service::sign_up(input).await
}

/// `POST /api/auth/sign-in` — `email`, `password`, optional `return_to`. Errors:
/// `AUTH_INVALID_CREDENTIALS` (the same for an unknown email), `VAL_*`, `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "auth/sign-in", input = PostUrl)]
pub async fn sign_in(#[server(flatten)] input: SignInInput) -> Result<SessionUser, AppError> {
    super::server::service::sign_in(input).await
}

/// `POST /api/auth/sign-out` — ends the caller's session.
#[server(prefix = "/api", endpoint = "auth/sign-out", input = PostUrl)]
pub async fn sign_out() -> Result<(), AppError> {
    super::server::service::sign_out().await
}

/// `POST /api/auth/verify-email` — `token` from the verification mail. Errors:
/// `BIZ_INVALID_STATE` (`token`: unknown, used or expired).
#[server(prefix = "/api", endpoint = "auth/verify-email", input = PostUrl)]
pub async fn verify_email(#[server(flatten)] input: TokenInput) -> Result<(), AppError> {
    super::server::service::verify_email(input).await
}

/// `POST /api/auth/verify-email/resend` — mails the signed-in user a new verification link.
/// Errors: `AUTH_UNAUTHENTICATED`, `BIZ_INVALID_STATE` (already verified), `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "auth/verify-email/resend", input = PostUrl)]
pub async fn resend_verification() -> Result<(), AppError> {
    super::server::service::resend_verification().await
}

/// `POST /api/auth/password/forgot` — `email`. Mails a reset link (valid 1 h) if the address
/// has an account; the answer is the same either way. Errors: `VAL_*`, `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "auth/password/forgot", input = PostUrl)]
pub async fn request_password_reset(#[server(flatten)] input: EmailInput) -> Result<(), AppError> {
    super::server::service::request_password_reset(input).await
}

/// `POST /api/auth/password/reset` — `token`, `password`. Sets the password, ends every
/// session of the account and signs in. Errors: `VAL_*`, `BIZ_INVALID_STATE` (`token`).
#[server(prefix = "/api", endpoint = "auth/password/reset", input = PostUrl)]
pub async fn reset_password(#[server(flatten)] input: ResetPasswordInput) -> Result<(), AppError> {
    super::server::service::reset_password(input).await
}

/// `POST /api/auth/magic-link` — `email`, optional `return_to`. Mails a sign-in link (valid
/// 5 min, single use) if the address has an account; the answer is the same either way.
#[server(prefix = "/api", endpoint = "auth/magic-link", input = PostUrl)]
pub async fn request_magic_link(#[server(flatten)] input: EmailInput) -> Result<(), AppError> {
    super::server::service::request_magic_link(input).await
}

/// `POST /api/auth/magic-link/sign-in` — `token` from the mail. Errors: `BIZ_INVALID_STATE`.
#[server(prefix = "/api", endpoint = "auth/magic-link/sign-in", input = PostUrl)]
pub async fn magic_link_sign_in(
    #[server(flatten)] input: TokenInput,
) -> Result<SessionUser, AppError> {
    super::server::service::magic_link_sign_in(input).await
}

/// `POST /api/auth/code` — `email`, optional `return_to`. Mails a six-digit code (valid 5 min,
/// five guesses) if the address has an account; the answer is the same either way.
#[server(prefix = "/api", endpoint = "auth/code", input = PostUrl)]
pub async fn request_code(#[server(flatten)] input: EmailInput) -> Result<(), AppError> {
    super::server::service::request_code(input).await
}

/// `POST /api/auth/code/sign-in` — `email`, `code`. Errors: `AUTH_INVALID_CREDENTIALS`
/// (wrong, used, expired or exhausted code; unknown email), `VAL_*`, `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "auth/code/sign-in", input = PostUrl)]
pub async fn code_sign_in(
    #[server(flatten)] input: CodeSignInInput,
) -> Result<SessionUser, AppError> {
    super::server::service::code_sign_in(input).await
}
