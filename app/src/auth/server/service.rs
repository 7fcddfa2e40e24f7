//! The account flows behind the server functions. Each validates its input, applies its abuse
//! limits before doing anything, and changes nothing when it fails.

use platform::{
    Platform,
    config::Secret,
    password::{hash_password, verify_password},
};
use tokio::sync::OnceCell;
use tracing::Instrument as _;
use tracing::field::Empty;

use super::{
    context::{AuthContext, client_ip},
    limits::{self, MAIL_PER_EMAIL, MAIL_PER_IP, SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP, email_key},
    mail::{MailKind, Notice, Payload, compose, compose_notice},
    session,
    store::{self, NewUser, Purpose, UserRow},
};
use crate::{
    auth::model::{
        CodeSignInInput, EmailInput, ResetPasswordInput, SessionUser, SignInInput, SignUpInput,
        TokenInput, percent_encode, safe_return_path,
    },
    error::{AppError, ErrorCode},
    i18n::Locale,
    state::AppState,
    validation::{parse, validate},
};

/// Lifetime of an email-verification link.
pub const VERIFY_TTL: chrono::Duration = chrono::Duration::hours(24);
/// Lifetime of a password-reset link.
pub const RESET_TTL: chrono::Duration = chrono::Duration::hours(1);
/// Lifetime of a magic link and of an email code.
pub const SIGN_IN_LINK_TTL: chrono::Duration = chrono::Duration::minutes(5);
/// Lifetime of a link confirming a new address.
pub const CHANGE_EMAIL_TTL: chrono::Duration = chrono::Duration::hours(24);

/// A kind of mailed one-time token: its message, its purpose and how long it lives.
#[derive(Clone, Copy, Debug)]
pub struct TokenMail {
    kind: MailKind,
    purpose: Purpose,
    ttl: chrono::Duration,
    path: &'static str,
}

impl TokenMail {
    /// The link that confirms a new account's address.
    pub const VERIFY: Self = Self {
        kind: MailKind::VerifyEmail,
        purpose: Purpose::VerifyEmail,
        ttl: VERIFY_TTL,
        path: "/verify-email",
    };
    /// The password-reset link.
    pub const RESET: Self = Self {
        kind: MailKind::ResetPassword,
        purpose: Purpose::ResetPassword,
        ttl: RESET_TTL,
        path: "/reset-password",
    };
    /// The magic sign-in link.
    pub const MAGIC_LINK: Self = Self {
        kind: MailKind::MagicLink,
        purpose: Purpose::MagicLink,
        ttl: SIGN_IN_LINK_TTL,
        path: "/magic-link",
    };
    /// The six-digit sign-in code.
    pub const CODE: Self = Self {
        kind: MailKind::EmailCode,
        purpose: Purpose::EmailCode,
        ttl: SIGN_IN_LINK_TTL,
        path: "",
    };
    /// The link that confirms a new address of an existing account.
    pub const CHANGE_EMAIL: Self = Self {
        kind: MailKind::ChangeEmail,
        purpose: Purpose::ChangeEmail,
        ttl: CHANGE_EMAIL_TTL,
        path: "/confirm-email",
    };
}

/// The address users reach the app at, for links in mail. Never taken from the request's
/// `Host` (a forged host would otherwise receive reset tokens).
pub fn public_url() -> Result<String, AppError> {
    let state = AppState::get()?;
    Ok(state
        .platform
        .config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", state.leptos_options.site_addr)))
}

fn ip_key() -> String {
    client_ip().map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

fn request_locale() -> Locale {
    crate::request::headers().map_or_else(crate::request::default_locale, |headers| {
        crate::request::locale(&headers, crate::request::default_locale())
    })
}

/// A mailed link that is unknown, used, expired or meant for another address.
pub(crate) fn token_invalid() -> AppError {
    AppError::new(ErrorCode::BizInvalidState)
        .with_field("token", ErrorCode::BizInvalidState)
        .with_detail("reason", "token_invalid")
}

/// The redirect of a flow that changes who is signed in: to `return_to` when it is a same-site
/// path, else `fallback`. Only plain form posts get it; the hydrated UI loads the new user
/// first and then navigates itself, so the next page never renders with the old one.
pub(crate) fn redirect_after(return_to: Option<&str>, fallback: &str) {
    if crate::request::headers().is_some_and(|headers| crate::request::is_form_post(&headers)) {
        let target = safe_return_path(return_to).unwrap_or_else(|| fallback.to_owned());
        leptos_axum::redirect(&target);
    }
}

async fn mail_limits(platform: &Platform, kind: &str, email: &str) -> Result<(), AppError> {
    limits::enforce(
        platform,
        &[
            (format!("{kind}:email:{}", email_key(email)), MAIL_PER_EMAIL),
            (format!("{kind}:ip:{}", ip_key()), MAIL_PER_IP),
        ],
    )
    .await
}

/// Tells `user` (at `address`) that something changed on the account.
pub(crate) fn notify(platform: &Platform, user: &UserRow, address: &str, notice: &Notice) {
    let locale = user.locale.parse().unwrap_or_default();
    send_in_background(platform, compose_notice(notice, locale, address, &user.name));
}

/// Sends a mail in the background: the response never waits on (or reveals anything through)
/// the mail transport.
pub(crate) fn send_in_background(platform: &Platform, mail: platform::mail::OutgoingMail) {
    let mailer = platform.mailer.clone();
    tokio::spawn(
        async move {
            if let Err(error) = mailer.send(mail).await {
                tracing::error!(%error, "mail not sent");
            }
        }
        .in_current_span(),
    );
}

/// Where a token mail goes and how it reads, fixed while the request is still at hand.
#[derive(Clone)]
pub(crate) struct MailContext {
    base_url: String,
    fallback_locale: Locale,
}

impl MailContext {
    pub(crate) fn of_request() -> Result<Self, AppError> {
        Ok(Self { base_url: public_url()?, fallback_locale: request_locale() })
    }

    /// The absolute URL of `path_and_query` on this app.
    pub(crate) fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base_url)
    }

    /// The language of a message to someone who prefers `locale` (if known).
    pub(crate) fn locale_for(&self, locale: Option<&str>) -> Locale {
        locale.and_then(|l| l.parse().ok()).unwrap_or(self.fallback_locale)
    }
}

pub(crate) async fn send_token_mail(
    platform: &Platform,
    context: &MailContext,
    user: &UserRow,
    address: &str,
    mail: TokenMail,
    return_to: Option<&str>,
) -> Result<(), AppError> {
    let secret =
        store::issue_token(&platform.db, &user.id, address, mail.purpose, mail.ttl).await?;
    let payload = if mail.purpose == Purpose::EmailCode {
        Payload::Code(secret)
    } else {
        let mut link = format!("{}{}?token={secret}", context.base_url, mail.path);
        if let Some(next) = safe_return_path(return_to) {
            link.push_str("&next=");
            link.push_str(&percent_encode(&next));
        }
        Payload::Link(link)
    };
    let locale = user.locale.parse().unwrap_or(context.fallback_locale);
    send_in_background(platform, compose(mail.kind, locale, address, &user.name, &payload));
    Ok(())
}

/// The answer to a banned account that proved who it is.
pub(crate) fn banned() -> AppError {
    AppError::new(ErrorCode::AuthForbidden).with_detail("reason", "banned")
}

/// Starts a session for `user` (refused while a ban is in force) and makes their language this
/// browser's. Every way of signing in ends here.
pub(crate) async fn sign_in_as(platform: &Platform, user: &UserRow) -> Result<(), AppError> {
    if user.is_banned(platform::clock::now_utc()) {
        tracing::info!(user_id = %user.id, "sign-in of a banned account refused");
        return Err(banned());
    }
    session::start(platform, &user.id).await?;
    if user.locale.parse::<Locale>().is_ok() {
        crate::request::set_preference_cookie(crate::i18n::LOCALE_COOKIE, &user.locale);
    }
    Ok(())
}

/// A hash to verify against when the account does not exist, so a wrong email costs the same
/// time as a wrong password.
async fn dummy_hash() -> Result<&'static str, AppError> {
    static DUMMY: OnceCell<String> = OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password(Secret::new(platform::token::new_token())))
        .await
        .map(String::as_str)
        .map_err(AppError::internal)
}

/// Creates an account, signs it in and mails a verification link.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn sign_up(mut input: SignUpInput) -> Result<SessionUser, AppError> {
    input.name = input.name.trim().to_owned();
    let email = parse(&input)?;
    let platform = AppState::platform()?;
    mail_limits(&platform, "sign-up", email.as_str()).await?;

    let hash =
        hash_password(Secret::new(input.password.clone())).await.map_err(AppError::internal)?;
    let id = platform::clock::new_id();
    let now = platform::clock::now_utc();
    let locale = request_locale();
    store::insert_user(
        &platform.db,
        NewUser {
            id: &id,
            email: email.as_str(),
            password_hash: Some(&hash),
            name: &input.name,
            locale: locale.as_str(),
            created_at: now,
            updated_at: now,
        },
    )
    .await
    .map_err(|error| match error {
        platform::DbError::UniqueViolation { .. } => AppError::new(ErrorCode::BizDuplicateEntry)
            .with_field("email", ErrorCode::BizDuplicateEntry),
        other => other.into(),
    })?;
    // The row just written, without reading it back.
    let user = UserRow {
        id,
        email: email.into(),
        email_verified_at: None,
        password_hash: Some(hash),
        name: input.name.clone(),
        locale: locale.as_str().to_owned(),
        created_at: now,
        updated_at: now,
        banned_at: None,
        ban_reason: None,
        banned_until: None,
        time_zone: None,
        avatar_key: None,
        avatar_small_key: None,
    };
    sign_in_as(&platform, &user).await?;
    let context = MailContext::of_request()?;
    send_token_mail(&platform, &context, &user, &user.email, TokenMail::VERIFY, None).await?;
    tracing::info!(user_id = %user.id, "account created");
    redirect_after(input.return_to.as_deref(), "/orgs");
    Ok(user.to_session_user())
}

/// Signs in with email and password.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn sign_in(input: SignInInput) -> Result<SessionUser, AppError> {
    let email = parse(&input)?;
    let platform = AppState::platform()?;
    let ip = ip_key();
    limits::enforce(
        &platform,
        &[
            (format!("sign-in:ip-email:{ip}:{}", email_key(email.as_str())), SIGN_IN_PER_EMAIL),
            (format!("sign-in:ip:{ip}"), SIGN_IN_PER_IP),
        ],
    )
    .await?;

    let user = store::user_by_email(&platform.db, email.as_str()).await?;
    let stored = match user.as_ref().and_then(|u| u.password_hash.clone()) {
        Some(hash) => hash,
        None => dummy_hash().await?.to_owned(),
    };
    let verification = verify_password(Secret::new(input.password.clone()), stored)
        .await
        .map_err(AppError::internal)?;
    let Some(user) = user.filter(|u| u.password_hash.is_some() && verification.matches) else {
        tracing::info!("sign-in refused");
        return Err(AppError::new(ErrorCode::AuthInvalidCredentials));
    };
    if verification.needs_rehash {
        match hash_password(Secret::new(input.password.clone())).await {
            Ok(hash) => store::set_password_hash(&platform.db, &user.id, &hash).await?,
            Err(error) => tracing::warn!(%error, "password rehash failed"),
        }
    }
    sign_in_as(&platform, &user).await?;
    tracing::info!(user_id = %user.id, "signed in");
    redirect_after(input.return_to.as_deref(), "/orgs");
    Ok(user.to_session_user())
}

/// Ends the caller's session (and clears the cookie in any case).
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn sign_out() -> Result<(), AppError> {
    let platform = AppState::platform()?;
    if let Some(auth) = AuthContext::current() {
        session::end(&platform, &auth.user.id, &auth.session_id).await?;
    }
    session::set_cookie(&session::clearing_cookie_value(platform.config.is_https()));
    redirect_after(None, "/");
    Ok(())
}

/// Confirms an address from the link mailed at sign-up.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn verify_email(input: TokenInput) -> Result<(), AppError> {
    validate(&input)?;
    let platform = AppState::platform()?;
    let (user_id, email) = store::redeem_link(&platform.db, Purpose::VerifyEmail, &input.token)
        .await?
        .ok_or_else(token_invalid)?;
    store::mark_email_verified(&platform.db, &user_id, &email).await?;
    refresh_sessions(&platform, &user_id).await?;
    tracing::info!(%user_id, "email verified");
    redirect_after(input.return_to.as_deref(), "/?verified=1");
    Ok(())
}

/// Mails a new verification link to the signed-in user.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn resend_verification() -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    let platform = AppState::platform()?;
    mail_limits(&platform, "verify", &auth.user.email).await?;
    let user = store::user_by_id(&platform.db, &auth.user.id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    if user.email_verified_at.is_some() {
        return Err(
            AppError::new(ErrorCode::BizInvalidState).with_detail("reason", "already_verified")
        );
    }
    let context = MailContext::of_request()?;
    send_token_mail(&platform, &context, &user, &user.email, TokenMail::VERIFY, None).await
}

/// Sets `user_id`'s language (mail, other devices) and refreshes their sessions' copy.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn set_locale(platform: &Platform, user_id: &str, locale: &str) -> Result<(), AppError> {
    store::update_locale(&platform.db, user_id, locale).await?;
    refresh_sessions(platform, user_id).await
}

/// Stores the time zone `user_id`'s browser reported.
pub async fn set_time_zone(
    platform: &Platform,
    user_id: &str,
    time_zone: &str,
) -> Result<(), AppError> {
    store::update_time_zone(&platform.db, user_id, time_zone).await?;
    refresh_sessions(platform, user_id).await
}

/// Cached sessions of `user_id` hold a copy of the user: drop them after the user changes.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn refresh_sessions(platform: &Platform, user_id: &str) -> Result<(), AppError> {
    let hashes = store::session_hashes(&platform.db, user_id).await?;
    session::evict(platform, &hashes).await;
    Ok(())
}

/// The account of a normalised address, for another feature (an invitation's recipient).
pub async fn account_by_email(
    platform: &Platform,
    email: &str,
) -> Result<Option<UserRow>, AppError> {
    Ok(store::user_by_email(&platform.db, email).await?)
}

/// The account `user_id`, for another feature (an administrator's target).
pub async fn account_by_id(
    platform: &Platform,
    user_id: &str,
) -> Result<Option<UserRow>, AppError> {
    Ok(store::user_by_id(&platform.db, user_id).await?)
}

/// Marks `email` confirmed for `user_id` while it is still that account's address — for a
/// feature that proved it by a link mailed there (an accepted invitation) — and refreshes the
/// account's sessions when that changed anything.
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn confirm_email(
    platform: &Platform,
    user_id: &str,
    email: &str,
) -> Result<(), AppError> {
    if store::mark_email_verified(&platform.db, user_id, email).await? {
        refresh_sessions(platform, user_id).await?;
    }
    Ok(())
}

/// Runs a request that mails an address only if it has an account. The answer and its timing
/// are the same either way: after the limits, the look-up and the mail happen in the
/// background.
async fn mail_if_account(
    input: EmailInput,
    kind: &'static str,
    mail: TokenMail,
) -> Result<String, AppError> {
    let email = parse(&input)?;
    let platform = AppState::platform()?;
    mail_limits(&platform, kind, email.as_str()).await?;
    let address = email.to_string();
    let context = MailContext::of_request()?;
    tokio::spawn(
        async move {
            let result = async {
                if let Some(user) = store::user_by_email(&platform.db, email.as_str()).await? {
                    let return_to = input.return_to.as_deref();
                    send_token_mail(&platform, &context, &user, &user.email, mail, return_to)
                        .await?;
                }
                Ok::<_, AppError>(())
            }
            .await;
            if let Err(error) = result {
                tracing::error!(?error, kind, "mail request failed");
            }
        }
        .in_current_span(),
    );
    Ok(address)
}

/// Mails a password-reset link if the address has an account.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn request_password_reset(input: EmailInput) -> Result<(), AppError> {
    mail_if_account(input, "reset", TokenMail::RESET).await?;
    leptos_axum::redirect("/check-email?for=reset");
    Ok(())
}

/// Sets a new password from a reset link, ends every session of the account and signs in.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn reset_password(input: ResetPasswordInput) -> Result<(), AppError> {
    validate(&input)?;
    let platform = AppState::platform()?;
    let hash =
        hash_password(Secret::new(input.password.clone())).await.map_err(AppError::internal)?;
    let user_id = store::reset_password(&platform.db, &input.token, &hash)
        .await?
        .ok_or_else(token_invalid)?;
    session::end_all(&platform, &user_id, None).await?;
    let user = store::user_by_id(&platform.db, &user_id).await?.ok_or_else(token_invalid)?;
    sign_in_as(&platform, &user).await?;
    notify(&platform, &user, &user.email, &Notice::PasswordChanged);
    tracing::info!(%user_id, "password reset");
    redirect_after(None, "/orgs");
    Ok(())
}

/// Mails a magic sign-in link if the address has an account.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn request_magic_link(input: EmailInput) -> Result<(), AppError> {
    mail_if_account(input, "magic-link", TokenMail::MAGIC_LINK).await?;
    leptos_axum::redirect("/check-email?for=magic-link");
    Ok(())
}

/// Signs in from a magic link.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn magic_link_sign_in(input: TokenInput) -> Result<SessionUser, AppError> {
    validate(&input)?;
    let platform = AppState::platform()?;
    let (user_id, email) = store::redeem_link(&platform.db, Purpose::MagicLink, &input.token)
        .await?
        .ok_or_else(token_invalid)?;
    // Following the link proved the address.
    store::mark_email_verified(&platform.db, &user_id, &email).await?;
    let user = store::user_by_id(&platform.db, &user_id).await?.ok_or_else(token_invalid)?;
    sign_in_as(&platform, &user).await?;
    tracing::info!(%user_id, "signed in with a magic link");
    redirect_after(input.return_to.as_deref(), "/orgs");
    Ok(user.to_session_user())
}

/// Mails a six-digit sign-in code if the address has an account.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn request_code(input: EmailInput) -> Result<(), AppError> {
    let return_to = input.return_to.clone();
    let email = mail_if_account(input, "code", TokenMail::CODE).await?;
    let mut target = format!("/sign-in/code?sent=1&email={}", percent_encode(&email));
    if let Some(next) = safe_return_path(return_to.as_deref()) {
        target.push_str("&next=");
        target.push_str(&percent_encode(&next));
    }
    leptos_axum::redirect(&target);
    Ok(())
}

/// Signs in with a code from the mail (at most five guesses per code).
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn code_sign_in(input: CodeSignInInput) -> Result<SessionUser, AppError> {
    let email = parse(&input)?;
    let platform = AppState::platform()?;
    let ip = ip_key();
    limits::enforce(
        &platform,
        &[
            (format!("sign-in:ip-email:{ip}:{}", email_key(email.as_str())), SIGN_IN_PER_EMAIL),
            (format!("sign-in:ip:{ip}"), SIGN_IN_PER_IP),
        ],
    )
    .await?;
    let invalid = || {
        AppError::new(ErrorCode::AuthInvalidCredentials)
            .with_field("code", ErrorCode::AuthInvalidCredentials)
    };
    let user = store::user_by_email(&platform.db, email.as_str()).await?.ok_or_else(invalid)?;
    if !store::redeem_code(&platform.db, &user.id, &input.code).await? {
        return Err(invalid());
    }
    store::mark_email_verified(&platform.db, &user.id, &user.email).await?;
    sign_in_as(&platform, &user).await?;
    tracing::info!(user_id = %user.id, "signed in with a code");
    redirect_after(input.return_to.as_deref(), "/orgs");
    let user = store::user_by_id(&platform.db, &user.id).await?.ok_or_else(invalid)?;
    Ok(user.to_session_user())
}

/// Re-authentication: checks the signed-in user's password before a sensitive change, counted
/// against the sign-in limit of the account. A wrong password is `AUTH_INVALID_CREDENTIALS` on
/// `field`.
pub(crate) async fn confirm_password(
    platform: &Platform,
    auth: &AuthContext,
    password: &str,
    field: &str,
) -> Result<UserRow, AppError> {
    limits::enforce(platform, &[(format!("reauth:{}", auth.user.id), SIGN_IN_PER_EMAIL)]).await?;
    let user = store::user_by_id(&platform.db, &auth.user.id)
        .await?
        .ok_or_else(AppError::unauthenticated)?;
    let stored = match &user.password_hash {
        Some(hash) => hash.clone(),
        None => dummy_hash().await?.to_owned(),
    };
    let verification = verify_password(Secret::new(password.to_owned()), stored)
        .await
        .map_err(AppError::internal)?;
    if user.password_hash.is_none() || !verification.matches {
        return Err(AppError::new(ErrorCode::AuthInvalidCredentials)
            .with_field(field, ErrorCode::AuthInvalidCredentials));
    }
    Ok(user)
}
