//! One-time tokens (mailed links and codes), and the account changes they complete in the same
//! transaction (a new password, a new address).

use chrono::NaiveDateTime;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl};
use platform::{
    Db, DbError,
    clock::{new_id, now_utc},
    db::schema::{auth_tokens, users},
    token,
};

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

/// Deletes one-time tokens a day after they expired; returns how many went.
pub async fn purge_expired_tokens(db: &Db) -> Result<usize, DbError> {
    let cutoff = now_utc() - chrono::Duration::days(1);
    Ok(platform::with_conn!(db, conn => {
        diesel::delete(auth_tokens::table.filter(auth_tokens::expires_at.le(cutoff)))
            .execute(conn)
            .await?
    }))
}
