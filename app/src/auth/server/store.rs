//! Account storage: users, sessions and one-time tokens, one query text for both backends.

use chrono::NaiveDateTime;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError,
    clock::{new_id, now_utc},
    db::schema::{auth_tokens, sessions, users},
    token,
};

use crate::auth::model::SessionUser;

/// Marks the unused, unexpired token with hash `$hash` and purpose `$purpose` used, in one
/// statement (so it can succeed once), and evaluates to its `(user_id, email)` if there was
/// one. A macro so that it runs on either backend's connection, also inside a transaction.
macro_rules! redeem {
    ($conn:expr, $hash:expr, $purpose:expr, $now:expr) => {
        diesel::update(
            auth_tokens::table
                .filter(auth_tokens::token_hash.eq($hash))
                .filter(auth_tokens::purpose.eq($purpose.as_str()))
                .filter(auth_tokens::used_at.is_null())
                .filter(auth_tokens::expires_at.gt($now)),
        )
        .set(auth_tokens::used_at.eq($now))
        .returning((auth_tokens::user_id, auth_tokens::email))
        .get_result::<(String, String)>($conn)
        .await
        .optional()
    };
}

/// A user as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    /// Id.
    pub id: String,
    /// Normalised email.
    pub email: String,
    /// When the current address was confirmed.
    pub email_verified_at: Option<NaiveDateTime>,
    /// Argon2id PHC string, if the account has a password.
    pub password_hash: Option<String>,
    /// Display name.
    pub name: String,
    /// Preferred language.
    pub locale: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// When a platform administrator banned the account.
    pub banned_at: Option<NaiveDateTime>,
    /// Why (shown to administrators).
    pub ban_reason: Option<String>,
    /// Until when; `None` until lifted.
    pub banned_until: Option<NaiveDateTime>,
}

impl UserRow {
    /// The user as the browser may see it.
    pub fn to_session_user(&self) -> SessionUser {
        SessionUser {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            locale: self.locale.clone(),
            email_verified: self.email_verified_at.is_some(),
            is_admin: false,
            impersonated_by: None,
        }
    }

    /// Whether a ban is in force at `now`.
    pub fn is_banned(&self, now: NaiveDateTime) -> bool {
        self.banned_at.is_some() && self.banned_until.is_none_or(|until| until > now)
    }
}

/// A user to create.
#[derive(Debug, diesel::Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    /// Id.
    pub id: &'a str,
    /// Normalised email.
    pub email: &'a str,
    /// Argon2id PHC string.
    pub password_hash: Option<&'a str>,
    /// Display name.
    pub name: &'a str,
    /// Preferred language.
    pub locale: &'a str,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// The user with this normalised email.
pub async fn user_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        users::table
            .filter(users::email.eq(email))
            .select(UserRow::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The user with this id.
pub async fn user_by_id(db: &Db, id: &str) -> Result<Option<UserRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        users::table.find(id).select(UserRow::as_select()).first(conn).await.optional()?
    }))
}

/// Creates a user (`UniqueViolation` when the email is taken).
pub async fn insert_user(db: &Db, user: NewUser<'_>) -> Result<(), DbError> {
    platform::with_conn!(db, conn => {
        diesel::insert_into(users::table).values(&user).execute(conn).await?;
    });
    Ok(())
}

/// Replaces the password hash of a user.
pub async fn set_password_hash(db: &Db, user_id: &str, hash: &str) -> Result<(), DbError> {
    let now = now_utc();
    platform::with_conn!(db, conn => {
        diesel::update(users::table.find(user_id))
            .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Marks `email` confirmed for the user, if it is still the user's address. Returns whether
/// it was.
pub async fn mark_email_verified(db: &Db, user_id: &str, email: &str) -> Result<bool, DbError> {
    let now = now_utc();
    let changed = platform::with_conn!(db, conn => {
        diesel::update(
            users::table
                .filter(users::id.eq(user_id))
                .filter(users::email.eq(email))
                .filter(users::email_verified_at.is_null()),
        )
        .set((users::email_verified_at.eq(now), users::updated_at.eq(now)))
        .execute(conn)
        .await?
    });
    Ok(changed == 1)
}

/// What a one-time token is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms the address of a new account.
    VerifyEmail,
    /// Sets a new password.
    ResetPassword,
    /// Signs in from a link.
    MagicLink,
    /// Signs in with a six-digit code.
    EmailCode,
    /// Confirms a new address before it replaces the old one.
    ChangeEmail,
}

impl Purpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::MagicLink => "magic_link",
            Self::EmailCode => "email_code",
            Self::ChangeEmail => "change_email",
        }
    }
}

/// A one-time token to store.
#[derive(Debug, diesel::Insertable)]
#[diesel(table_name = auth_tokens)]
struct NewAuthToken<'a> {
    id: &'a str,
    user_id: &'a str,
    purpose: &'a str,
    token_hash: &'a str,
    email: &'a str,
    attempts: i32,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
}

/// Stores a new token for `purpose` — a six-digit code for [`Purpose::EmailCode`], a 256-bit
/// link token otherwise — after voiding the user's earlier unused ones of that purpose, and
/// returns the secret to send (it is not stored).
pub async fn issue_token(
    db: &Db,
    user_id: &str,
    email: &str,
    purpose: Purpose,
    ttl: chrono::Duration,
) -> Result<String, DbError> {
    let id = new_id();
    let (secret, hash) = if purpose == Purpose::EmailCode {
        let code = token::new_code();
        let hash = token::hash_code(&id, &code);
        (code, hash)
    } else {
        let secret = token::new_token();
        let hash = token::hash_token(&secret);
        (secret, hash)
    };
    let now = now_utc();
    let row = NewAuthToken {
        id: &id,
        user_id,
        purpose: purpose.as_str(),
        token_hash: &hash,
        email,
        attempts: 0,
        created_at: now,
        expires_at: now + ttl,
    };
    platform::transaction!(db, conn => {
        diesel::update(
            auth_tokens::table
                .filter(auth_tokens::user_id.eq(user_id))
                .filter(auth_tokens::purpose.eq(purpose.as_str()))
                .filter(auth_tokens::used_at.is_null()),
        )
        .set(auth_tokens::used_at.eq(now))
        .execute(conn)
        .await?;
        diesel::insert_into(auth_tokens::table).values(&row).execute(conn).await?;
        Ok(())
    })?;
    Ok(secret)
}

/// Redeems a link token: marks it used, in one statement so it can succeed only once, and
/// returns `(user_id, email)` — or `None` when it is unknown, used, expired or of another
/// purpose.
pub async fn redeem_link(
    db: &Db,
    purpose: Purpose,
    secret: &str,
) -> Result<Option<(String, String)>, DbError> {
    let hash = token::hash_token(secret.trim());
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        redeem!(conn, &hash, purpose, now)?
    }))
}

/// Most wrong guesses a code survives; the attempt after that voids it.
pub const CODE_MAX_ATTEMPTS: i32 = 5;

/// Checks a six-digit code of `user_id`. Each call first takes one attempt from the pending
/// code (atomically, so parallel guesses cannot exceed the allowance); a code out of attempts,
/// used or expired matches nothing. A match marks the code used.
pub async fn redeem_code(db: &Db, user_id: &str, code: &str) -> Result<bool, DbError> {
    let now = now_utc();
    let pending: Option<(String, String)> = platform::with_conn!(db, conn => {
        diesel::update(
            auth_tokens::table
                .filter(auth_tokens::user_id.eq(user_id))
                .filter(auth_tokens::purpose.eq(Purpose::EmailCode.as_str()))
                .filter(auth_tokens::used_at.is_null())
                .filter(auth_tokens::expires_at.gt(now))
                .filter(auth_tokens::attempts.lt(CODE_MAX_ATTEMPTS)),
        )
        .set(auth_tokens::attempts.eq(auth_tokens::attempts + 1))
        .returning((auth_tokens::id, auth_tokens::token_hash))
        .get_result(conn)
        .await
        .optional()?
    });
    let Some((id, stored)) = pending else { return Ok(false) };
    if !token::constant_time_eq(&token::hash_code(&id, code.trim()), &stored) {
        return Ok(false);
    }
    let used = platform::with_conn!(db, conn => {
        diesel::update(
            auth_tokens::table.filter(auth_tokens::id.eq(&id)).filter(auth_tokens::used_at.is_null()),
        )
        .set(auth_tokens::used_at.eq(now))
        .execute(conn)
        .await?
    });
    Ok(used == 1)
}

/// A session as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    /// Id (shown to the user, never the token).
    pub id: String,
    /// SHA-256 of the cookie token.
    pub token_hash: String,
    /// Owner.
    pub user_id: String,
    /// Browser, as it said.
    pub user_agent: Option<String>,
    /// Address at sign-in.
    pub ip: Option<String>,
    /// Signed in.
    pub created_at: NaiveDateTime,
    /// Last refresh of the expiry.
    pub last_seen_at: NaiveDateTime,
    /// Ends unless refreshed.
    pub expires_at: NaiveDateTime,
    /// The administrator acting as the user through this session, if any.
    pub impersonator_id: Option<String>,
}

/// A session to create.
#[derive(Debug, diesel::Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    /// Id.
    pub id: &'a str,
    /// SHA-256 of the cookie token.
    pub token_hash: &'a str,
    /// Owner.
    pub user_id: &'a str,
    /// Browser.
    pub user_agent: Option<&'a str>,
    /// Address.
    pub ip: Option<&'a str>,
    /// Now.
    pub created_at: NaiveDateTime,
    /// Now.
    pub last_seen_at: NaiveDateTime,
    /// Now + lifetime.
    pub expires_at: NaiveDateTime,
    /// The administrator acting as the user, for an impersonation session.
    pub impersonator_id: Option<&'a str>,
}

/// Creates a session.
pub async fn insert_session(db: &Db, session: NewSession<'_>) -> Result<(), DbError> {
    platform::with_conn!(db, conn => {
        diesel::insert_into(sessions::table).values(&session).execute(conn).await?;
    });
    Ok(())
}

/// The unexpired session with this token hash, and its user.
pub async fn session_by_hash(
    db: &Db,
    token_hash: &str,
) -> Result<Option<(SessionRow, UserRow)>, DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(now))
            .select((SessionRow::as_select(), UserRow::as_select()))
            .first(conn)
            .await
            .optional()?
    }))
}

/// Moves a session's expiry forward.
pub async fn touch_session(
    db: &Db,
    id: &str,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    platform::with_conn!(db, conn => {
        diesel::update(sessions::table.find(id))
            .set((sessions::last_seen_at.eq(last_seen_at), sessions::expires_at.eq(expires_at)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Deletes sessions of `user_id` — one (`only`), all but one (`except`), or all — and returns
/// the token hashes of the deleted ones (to evict them from the cache).
pub async fn delete_sessions(
    db: &Db,
    user_id: &str,
    only: Option<&str>,
    except: Option<&str>,
) -> Result<Vec<String>, DbError> {
    platform::transaction!(db, conn => {
        let mut query = sessions::table.filter(sessions::user_id.eq(user_id)).into_boxed();
        if let Some(id) = only {
            query = query.filter(sessions::id.eq(id));
        }
        if let Some(id) = except {
            query = query.filter(sessions::id.ne(id));
        }
        let doomed: Vec<(String, String)> =
            query.select((sessions::id, sessions::token_hash)).load(conn).await?;
        let ids: Vec<&String> = doomed.iter().map(|(id, _)| id).collect();
        diesel::delete(sessions::table.filter(sessions::id.eq_any(ids))).execute(conn).await?;
        Ok(doomed.into_iter().map(|(_, hash)| hash).collect())
    })
}

/// The token hashes of every session of `user_id` (to evict cached copies after the user
/// changes).
pub async fn session_hashes(db: &Db, user_id: &str) -> Result<Vec<String>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .select(sessions::token_hash)
            .load(conn)
            .await?
    }))
}

/// Redeems a password-reset link and stores the new password hash, both or neither. The
/// address the link was sent to counts as confirmed. Returns the user's id, or `None` when
/// the link is unknown, used or expired.
pub async fn reset_password(
    db: &Db,
    secret: &str,
    password_hash: &str,
) -> Result<Option<String>, DbError> {
    let hash = token::hash_token(secret.trim());
    let now = now_utc();
    platform::transaction!(db, conn => {
        let redeemed: Option<(String, String)> = redeem!(conn, &hash, Purpose::ResetPassword, now)?;
        let Some((user_id, email)) = redeemed else { return Ok(None) };
        diesel::update(users::table.find(&user_id))
            .set((users::password_hash.eq(password_hash), users::updated_at.eq(now)))
            .execute(conn)
            .await?;
        diesel::update(
            users::table
                .filter(users::id.eq(&user_id))
                .filter(users::email.eq(&email))
                .filter(users::email_verified_at.is_null()),
        )
        .set(users::email_verified_at.eq(now))
        .execute(conn)
        .await?;
        Ok(Some(user_id))
    })
}

/// Sets a user's display name and language.
pub async fn update_profile(
    db: &Db,
    user_id: &str,
    name: &str,
    locale: &str,
) -> Result<(), DbError> {
    let now = now_utc();
    platform::with_conn!(db, conn => {
        diesel::update(users::table.find(user_id))
            .set((users::name.eq(name), users::locale.eq(locale), users::updated_at.eq(now)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Sets a user's language.
pub async fn update_locale(db: &Db, user_id: &str, locale: &str) -> Result<(), DbError> {
    let now = now_utc();
    platform::with_conn!(db, conn => {
        diesel::update(users::table.find(user_id))
            .set((users::locale.eq(locale), users::updated_at.eq(now)))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// The live sessions of a user, most recently used first.
pub async fn list_sessions(db: &Db, user_id: &str) -> Result<Vec<SessionRow>, DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::expires_at.gt(now))
            .order((sessions::last_seen_at.desc(), sessions::created_at.desc()))
            .select(SessionRow::as_select())
            .load(conn)
            .await?
    }))
}

/// Redeems a change-of-address link and moves the account to the address it was sent to
/// (confirmed by following it), both or neither. `UniqueViolation` when the address was taken
/// in the meantime. Returns the user's id and former address, or `None` for an unknown, used or
/// expired link.
pub async fn change_email(db: &Db, secret: &str) -> Result<Option<(String, String)>, DbError> {
    let hash = token::hash_token(secret.trim());
    let now = now_utc();
    platform::transaction!(db, conn => {
        let redeemed: Option<(String, String)> = redeem!(conn, &hash, Purpose::ChangeEmail, now)?;
        let Some((user_id, email)) = redeemed else { return Ok(None) };
        let old_email: String =
            users::table.find(&user_id).select(users::email).first(conn).await?;
        diesel::update(users::table.find(&user_id))
            .set((
                users::email.eq(&email),
                users::email_verified_at.eq(Some(now)),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        // Links sent to the old address must not act on the new one.
        diesel::update(
            auth_tokens::table
                .filter(auth_tokens::user_id.eq(&user_id))
                .filter(auth_tokens::used_at.is_null()),
        )
        .set(auth_tokens::used_at.eq(now))
        .execute(conn)
        .await?;
        Ok(Some((user_id, old_email)))
    })
}

/// Deletes a user; sessions and tokens go with it (foreign keys cascade). Returns the token
/// hashes of the sessions that ended, to evict them from the cache.
pub async fn delete_user(db: &Db, user_id: &str) -> Result<Vec<String>, DbError> {
    platform::transaction!(db, conn => {
        let hashes: Vec<String> = sessions::table
            .filter(sessions::user_id.eq(user_id))
            .select(sessions::token_hash)
            .load(conn)
            .await?;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn).await?;
        diesel::delete(auth_tokens::table.filter(auth_tokens::user_id.eq(user_id)))
            .execute(conn)
            .await?;
        diesel::delete(users::table.find(user_id)).execute(conn).await?;
        Ok(hashes)
    })
}

/// Deletes expired sessions; returns how many went.
pub async fn purge_expired_sessions(db: &Db) -> Result<usize, DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn).await?
    }))
}

/// Deletes one-time tokens a day after they expired; returns how many went.
pub async fn purge_expired_tokens(db: &Db) -> Result<usize, DbError> {
    let cutoff = now_utc() - chrono::Duration::days(1);
    Ok(platform::with_conn!(db, conn => {
        diesel::delete(auth_tokens::table.filter(auth_tokens::expires_at.le(cutoff)))
            .execute(conn)
            .await?
    }))
}
