//! Accounts: the users table.

use chrono::NaiveDateTime;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::schema::{auth_tokens, sessions, users},
};

use crate::{auth::model::SessionUser, files::model::Picture};

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
    /// The IANA time zone the person's browser reported.
    pub time_zone: Option<String>,
    /// The picture's 256-pixel storage key.
    pub avatar_key: Option<String>,
    /// The picture's 64-pixel storage key.
    pub avatar_small_key: Option<String>,
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
            time_zone: self.time_zone.clone(),
            avatar: self.avatar(),
        }
    }

    /// The picture's addresses, if there is one.
    pub fn avatar(&self) -> Option<Picture> {
        Picture::of(self.avatar_key.as_deref(), self.avatar_small_key.as_deref())
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

/// Sets a user's time zone (an IANA name, checked by the caller).
pub async fn update_time_zone(db: &Db, user_id: &str, time_zone: &str) -> Result<(), DbError> {
    let now = now_utc();
    platform::with_conn!(db, conn => {
        diesel::update(users::table.find(user_id))
            .set((users::time_zone.eq(time_zone), users::updated_at.eq(now)))
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
