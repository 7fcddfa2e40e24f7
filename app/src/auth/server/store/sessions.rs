//! Sessions: what a signed-in browser's cookie stands for.

use chrono::NaiveDateTime;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::schema::{sessions, users},
};

use super::UserRow;

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

/// Deletes expired sessions; returns how many went.
pub async fn purge_expired_sessions(db: &Db) -> Result<usize, DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn).await?
    }))
}
