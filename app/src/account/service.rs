//! The account settings flows: every one needs a signed-in user, and the sensitive ones (password,
//! address, deletion) the password again.

use platform::{Platform, config::Secret, password::hash_password};
use tracing::field::Empty;

use super::model::{
    ChangeEmailInput, ChangePasswordInput, DeleteAccountInput, ProfileInput, RevokeSessionInput,
    SessionInfo, device_of,
};
use crate::{
    auth::{
        model::{SessionUser, TokenInput},
        server::{
            AuthContext,
            mail::Notice,
            service::{
                MailContext, TokenMail, confirm_password, notify, redirect_after, refresh_sessions,
                send_token_mail, sign_in_as, token_invalid,
            },
            session, store,
        },
    },
    error::{AppError, ErrorCode},
    i18n::LOCALE_COOKIE,
    request::set_preference_cookie,
    state::AppState,
    validation::{parse, validate},
};

fn display_time(time: chrono::NaiveDateTime) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The caller's sessions, the current one marked.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let auth = AuthContext::require()?;
    let platform = AppState::platform()?;
    let rows = store::list_sessions(&platform.db, &auth.user.id).await?;
    let mut sessions: Vec<SessionInfo> = rows
        .into_iter()
        .map(|row| {
            let (browser, os) = row.user_agent.as_deref().map(device_of).unwrap_or_default();
            SessionInfo {
                current: row.id == auth.session_id,
                id: row.id,
                browser: browser.map(str::to_owned),
                os: os.map(str::to_owned),
                user_agent: row.user_agent,
                ip: row.ip,
                created_at: display_time(row.created_at),
                last_seen_at: display_time(row.last_seen_at),
            }
        })
        .collect();
    // This device first, the others as the store orders them.
    sessions.sort_by_key(|session| !session.current);
    Ok(sessions)
}

/// Ends one of the caller's sessions (ending the current one signs out).
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn revoke_session(input: RevokeSessionInput) -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    validate(&input)?;
    let platform = AppState::platform()?;
    let hashes = store::delete_sessions(&platform.db, &auth.user.id, Some(&input.id), None).await?;
    if hashes.is_empty() {
        return Err(AppError::not_found("session"));
    }
    session::evict(&platform, &hashes).await;
    if input.id == auth.session_id {
        session::set_cookie(&session::clearing_cookie_value(platform.config.is_https()));
        redirect_after(None, "/");
    }
    tracing::info!(user_id = %auth.user.id, "session revoked");
    Ok(())
}

/// Ends every session of the caller except the current one. Returns how many ended.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn revoke_other_sessions() -> Result<usize, AppError> {
    let auth = AuthContext::require()?;
    let platform = AppState::platform()?;
    let ended = session::end_all(&platform, &auth.user.id, Some(&auth.session_id)).await?;
    tracing::info!(user_id = %auth.user.id, ended, "other sessions revoked");
    Ok(ended)
}

/// Sets the caller's name and language (the language also becomes this browser's).
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn update_profile(mut input: ProfileInput) -> Result<SessionUser, AppError> {
    let auth = AuthContext::require()?;
    input.name = input.name.trim().to_owned();
    input.locale = input.locale.trim().to_owned();
    validate(&input)?;
    let platform = AppState::platform()?;
    store::update_profile(&platform.db, &auth.user.id, &input.name, &input.locale).await?;
    refresh_sessions(&platform, &auth.user.id).await?;
    set_preference_cookie(LOCALE_COOKIE, &input.locale);
    let user = store::user_by_id(&platform.db, &auth.user.id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    Ok(user.to_session_user())
}

/// Changes the caller's password (the current one is required), ends every other session and
/// gives this one a new token.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn change_password(input: ChangePasswordInput) -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    validate(&input)?;
    let platform = AppState::platform()?;
    let user =
        confirm_password(&platform, &auth, &input.current_password, "current_password").await?;
    let hash =
        hash_password(Secret::new(input.new_password.clone())).await.map_err(AppError::internal)?;
    store::set_password_hash(&platform.db, &user.id, &hash).await?;
    session::end_all(&platform, &user.id, Some(&auth.session_id)).await?;
    // A privilege change: the session continues under a new token.
    sign_in_as(&platform, &user).await?;
    notify(&platform, &user, &user.email, &Notice::PasswordChanged);
    tracing::info!(user_id = %user.id, "password changed");
    Ok(())
}

/// Mails a confirmation link to a new address; the account moves there when it is followed.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn request_email_change(input: ChangeEmailInput) -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    let new_email = parse(&input)?;
    let platform = AppState::platform()?;
    let user = confirm_password(&platform, &auth, &input.password, "password").await?;
    if new_email.as_str() == user.email {
        return Err(AppError::invalid_field("new_email", ErrorCode::BizInvalidState));
    }
    if store::user_by_email(&platform.db, new_email.as_str()).await?.is_some() {
        return Err(AppError::new(ErrorCode::BizDuplicateEntry)
            .with_field("new_email", ErrorCode::BizDuplicateEntry));
    }
    let context = MailContext::of_request()?;
    send_token_mail(&platform, &context, &user, new_email.as_str(), TokenMail::CHANGE_EMAIL, None)
        .await?;
    tracing::info!(user_id = %user.id, "address change requested");
    Ok(())
}

/// Moves the account to the address a change link was sent to.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn confirm_email_change(input: TokenInput) -> Result<(), AppError> {
    validate(&input)?;
    let platform = AppState::platform()?;
    let (user_id, old_email) = store::change_email(&platform.db, &input.token)
        .await
        .map_err(|error| match error {
            platform::DbError::UniqueViolation { .. } => {
                AppError::new(ErrorCode::BizDuplicateEntry)
                    .with_field("token", ErrorCode::BizDuplicateEntry)
            }
            other => other.into(),
        })?
        .ok_or_else(token_invalid)?;
    refresh_sessions(&platform, &user_id).await?;
    if let Some(user) = store::user_by_id(&platform.db, &user_id).await? {
        let notice = Notice::EmailChanged { new_email: user.email.clone() };
        notify(&platform, &user, &old_email, &notice);
    }
    tracing::info!(%user_id, "address changed");
    redirect_after(None, "/account?email_changed=1");
    Ok(())
}

/// Deletes the caller's account after checking the password: profile, sessions and tokens.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn delete_account(input: DeleteAccountInput) -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    validate(&input)?;
    let platform = AppState::platform()?;
    let user = confirm_password(&platform, &auth, &input.password, "password").await?;
    ensure_not_sole_owner(&platform, &user.id).await?;
    // Organizations the account is the only member of go with it.
    crate::orgs::service::delete_where_only_member(&platform, &user.id).await?;
    let hashes = store::delete_user(&platform.db, &user.id).await?;
    session::evict(&platform, &hashes).await;
    // The picture and the files of the organizations that went (failures wait for the job).
    crate::files::service::remove_due(&platform, platform::clock::now_utc()).await?;
    session::set_cookie(&session::clearing_cookie_value(platform.config.is_https()));
    tracing::info!(user_id = %user.id, "account deleted");
    redirect_after(None, "/?account_deleted=1");
    Ok(())
}

/// Refuses to delete an account that is the only owner of an organization with other members
/// (`BIZ_INVALID_STATE`, `details.reason = "sole_owner"`, the organizations in
/// `details.organizations`): ownership must be handed over first.
async fn ensure_not_sole_owner(platform: &Platform, user_id: &str) -> Result<(), AppError> {
    let blocking = crate::orgs::service::solely_owned_with_others(platform, user_id).await?;
    if blocking.is_empty() {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::BizInvalidState)
            .with_detail("reason", "sole_owner")
            .with_detail("organizations", blocking))
    }
}
