//! Files' rows: what points at each stored key, what an organization's files cost, and the
//! removals due. Every write that stops pointing at a key records its removal in the same
//! transaction — a replacement here, a deleted row by the tables' delete triggers (so purges
//! and cascades need no code of their own) — and every upload records its key before the
//! first byte is stored, so no stored byte is ever unaccounted for: the maintenance job
//! ([`due_removals`]) takes out what is due.

use chrono::{Duration, NaiveDateTime};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError,
    db::schema::{file_removals, organizations, todo_attachments, todos, users},
    storage::StorageKey,
};

use crate::{
    audit::{AuditEntry, org_audit},
    billing::limits::{LimitReached, release_storage, reserve_storage},
    orgs::id::OrgId,
};

/// How long an upload may run: past it, its key is removed and its reservation released (an
/// upload that still finishes afterwards is refused and its file removed).
pub const UPLOAD_TIMEOUT: Duration = Duration::hours(1);

/// A file attached to a todo, as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable, diesel::Insertable)]
#[diesel(table_name = todo_attachments)]
pub struct AttachmentRow {
    /// Id.
    pub id: String,
    /// Its organization.
    pub organization_id: String,
    /// Its todo.
    pub todo_id: String,
    /// Where the bytes are.
    pub storage_key: String,
    /// The uploader's file name (metadata only).
    pub file_name: String,
    /// The declared type.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// Who uploaded it (`None` once they deleted their account).
    pub uploaded_by: Option<String>,
    /// When.
    pub created_at: NaiveDateTime,
}

/// A removal to record: `key` out of storage, `release` bytes of `org` once it is done.
#[derive(Clone, Debug, diesel::Insertable)]
#[diesel(table_name = file_removals)]
pub struct NewRemoval {
    storage_key: String,
    organization_id: Option<String>,
    release_bytes: i64,
    due_at: NaiveDateTime,
}

impl NewRemoval {
    /// `key`, due at `at`, whose bytes are no longer counted.
    pub fn now(key: impl Into<String>, at: NaiveDateTime) -> Self {
        Self { storage_key: key.into(), organization_id: None, release_bytes: 0, due_at: at }
    }
}

/// Records `$removals` (a `Vec<NewRemoval>`) on `$conn`, inside the caller's transaction.
macro_rules! record_removals {
    ($conn:expr, $removals:expr) => {{
        let removals: Vec<$crate::files::store::NewRemoval> = $removals;
        if !removals.is_empty() {
            use platform::db::schema::file_removals;
            for removal in removals {
                diesel::insert_into(file_removals::table)
                    .values(removal)
                    .on_conflict_do_nothing()
                    .execute($conn)
                    .await?;
            }
        }
    }};
}

/// How an upload's record ended.
#[derive(Debug)]
pub enum Saved<T> {
    /// Saved; the value is what it replaced (keys now due for removal) or the new record.
    Done(T),
    /// The upload ran past [`UPLOAD_TIMEOUT`]: its keys are being removed, nothing was saved.
    Expired,
    /// What the file was for is gone (the todo was deleted meanwhile): nothing was saved.
    Gone,
}

/// Starts an upload of `keys`: records them for removal after [`UPLOAD_TIMEOUT`] (taken off
/// when the upload is saved) and, for an organization's file, reserves `reserve` bytes of its
/// storage (released with the first key's removal).
pub async fn begin_upload(
    db: &Db,
    org_id: Option<OrgId<'_>>,
    keys: &[&StorageKey],
    reserve: u64,
    now: NaiveDateTime,
) -> Result<Result<(), LimitReached>, DbError> {
    let due = now + UPLOAD_TIMEOUT;
    let removals: Vec<NewRemoval> = keys
        .iter()
        .enumerate()
        .map(|(index, key)| NewRemoval {
            storage_key: key.as_str().to_owned(),
            organization_id: org_id.map(|org| org.as_str().to_owned()),
            release_bytes: if index == 0 { i64::try_from(reserve).unwrap_or(i64::MAX) } else { 0 },
            due_at: due,
        })
        .collect();
    platform::transaction!(db, conn => {
        if let Some(org_id) = org_id
            && let Err(reached) = reserve_storage!(conn, org_id.as_str(), reserve, now)
        {
            return Ok(Err(reached));
        }
        record_removals!(conn, removals.clone());
        Ok(Ok(()))
    })
}

/// Makes `keys` (an upload that failed) due for removal at once; [`remove`] then takes them
/// out and releases what they reserved.
pub async fn abandon_upload(
    db: &Db,
    keys: &[&StorageKey],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let keys: Vec<&str> = keys.iter().map(|key| key.as_str()).collect();
    platform::with_conn!(db, conn => {
        diesel::update(file_removals::table.filter(file_removals::storage_key.eq_any(&keys)))
            .set(file_removals::due_at.eq(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Takes the upload records of `keys` off the removals: `false` when one was gone already
/// (the upload expired). Inside the caller's transaction; `release` the bytes reserved that
/// were not used.
macro_rules! claim_upload {
    ($conn:expr, $keys:expr) => {{
        let keys: Vec<String> = $keys;
        let claimed: Vec<(Option<String>, i64)> =
            diesel::delete(file_removals::table.filter(file_removals::storage_key.eq_any(&keys)))
                .returning((file_removals::organization_id, file_removals::release_bytes))
                .get_results($conn)
                .await?;
        (claimed.len() == keys.len(), claimed.iter().map(|(_, bytes)| *bytes).sum::<i64>())
    }};
}

/// Saves user `user_id`'s new picture (`large`, `small`, uploaded under [`begin_upload`]);
/// answers the keys it replaced, now due for removal.
pub async fn set_avatar(
    db: &Db,
    user_id: &str,
    new: Option<(&StorageKey, &StorageKey)>,
    now: NaiveDateTime,
) -> Result<Saved<Vec<String>>, DbError> {
    let new_large = new.map(|(large, _)| large.as_str().to_owned());
    let new_small = new.map(|(_, small)| small.as_str().to_owned());
    let new_keys: Vec<String> = new_large.iter().chain(&new_small).cloned().collect();
    platform::transaction!(db, conn => {
        let (claimed, _) = claim_upload!(conn, new_keys.clone());
        if !claimed {
            return Ok(Saved::Expired);
        }
        let old: Option<(Option<String>, Option<String>)> = users::table
            .find(user_id)
            .select((users::avatar_key, users::avatar_small_key))
            .first(conn)
            .await
            .optional()?;
        let Some((old_large, old_small)) = old else { return Ok(Saved::Gone) };
        diesel::update(users::table.find(user_id))
            .set((
                users::avatar_key.eq(&new_large),
                users::avatar_small_key.eq(&new_small),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        let old: Vec<String> = old_large.into_iter().chain(old_small).collect();
        record_removals!(conn, old.iter().map(|key| NewRemoval::now(key, now)).collect());
        Ok(Saved::Done(old))
    })
}

/// Saves organization `org_id`'s new logo (`large`, `small`, `bytes` together, reserved by
/// [`begin_upload`]) or removes it (`None`), recording `entry`; the old logo's bytes are
/// released and its keys, answered, are due for removal.
pub async fn set_logo(
    db: &Db,
    org_id: OrgId<'_>,
    new: Option<(&StorageKey, &StorageKey, u64)>,
    entry: &AuditEntry,
    now: NaiveDateTime,
) -> Result<Saved<Vec<String>>, DbError> {
    let new_large = new.map(|(large, _, _)| large.as_str().to_owned());
    let new_small = new.map(|(_, small, _)| small.as_str().to_owned());
    let new_keys: Vec<String> = new_large.iter().chain(&new_small).cloned().collect();
    let new_bytes = new.map_or(0, |(_, _, bytes)| i64::try_from(bytes).unwrap_or(i64::MAX));
    platform::transaction!(db, conn => {
        let (claimed, _) = claim_upload!(conn, new_keys.clone());
        if !claimed {
            return Ok(Saved::Expired);
        }
        let old: Option<(Option<String>, Option<String>, i64)> = organizations::table
            .find(org_id.as_str())
            .select((
                organizations::logo_key,
                organizations::logo_small_key,
                organizations::logo_bytes,
            ))
            .first(conn)
            .await
            .optional()?;
        let Some((old_large, old_small, old_bytes)) = old else { return Ok(Saved::Gone) };
        if new.is_none() && old_large.is_none() {
            return Ok(Saved::Done(Vec::new()));
        }
        diesel::update(organizations::table.find(org_id.as_str()))
            .set((
                organizations::logo_key.eq(&new_large),
                organizations::logo_small_key.eq(&new_small),
                organizations::logo_bytes.eq(new_bytes),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        release_storage!(conn, org_id.as_str(), old_bytes, now);
        org_audit!(conn, org_id.as_str(), entry)?;
        let old: Vec<String> = old_large.into_iter().chain(old_small).collect();
        record_removals!(conn, old.iter().map(|key| NewRemoval::now(key, now)).collect());
        Ok(Saved::Done(old))
    })
}

/// Saves attachment `row` (its key uploaded under [`begin_upload`], which reserved
/// `reserved` bytes) if its todo is still there: the bytes reserved beyond its size are
/// released.
pub async fn add_attachment(
    db: &Db,
    org_id: OrgId<'_>,
    row: AttachmentRow,
    reserved: u64,
    now: NaiveDateTime,
) -> Result<Saved<AttachmentRow>, DbError> {
    platform::transaction!(db, conn => {
        let (claimed, _) = claim_upload!(conn, vec![row.storage_key.clone()]);
        if !claimed {
            return Ok(Saved::Expired);
        }
        let live: i64 = todos::table
            .filter(todos::organization_id.eq(org_id.as_str()))
            .filter(todos::id.eq(&row.todo_id))
            .filter(todos::deleted_at.is_null())
            .count()
            .get_result(conn)
            .await?;
        if live == 0 {
            // Not saved: the file goes, with all it reserved.
            record_removals!(conn, vec![NewRemoval::now(&row.storage_key, now)]);
            release_storage!(conn, org_id.as_str(), reserved, now);
            return Ok(Saved::Gone);
        }
        let unused = reserved.saturating_sub(u64::try_from(row.size_bytes).unwrap_or(0));
        release_storage!(conn, org_id.as_str(), unused, now);
        diesel::insert_into(todo_attachments::table).values(&row).execute(conn).await?;
        Ok(Saved::Done(row))
    })
}

/// The attachments of live todo `todo_id`, oldest first (`None`: no such live todo).
pub async fn attachments(
    db: &Db,
    org_id: OrgId<'_>,
    todo_id: &str,
) -> Result<Option<Vec<AttachmentRow>>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        let live: i64 = todos::table
            .filter(todos::organization_id.eq(org_id.as_str()))
            .filter(todos::id.eq(todo_id))
            .filter(todos::deleted_at.is_null())
            .count()
            .get_result(conn)
            .await?;
        if live == 0 {
            None
        } else {
            Some(
                todo_attachments::table
                    .filter(todo_attachments::organization_id.eq(org_id.as_str()))
                    .filter(todo_attachments::todo_id.eq(todo_id))
                    .order((todo_attachments::created_at.asc(), todo_attachments::id.asc()))
                    .select(AttachmentRow::as_select())
                    .load(conn)
                    .await?,
            )
        }
    }))
}

/// Attachment `id` of organization `org_id`, if its todo is live.
pub async fn attachment(
    db: &Db,
    org_id: OrgId<'_>,
    id: &str,
) -> Result<Option<AttachmentRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        todo_attachments::table
            .inner_join(todos::table)
            .filter(todo_attachments::organization_id.eq(org_id.as_str()))
            .filter(todo_attachments::id.eq(id))
            .filter(todos::organization_id.eq(org_id.as_str()))
            .filter(todos::deleted_at.is_null())
            .select(AttachmentRow::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// Removes attachment `id` of a live todo of `org_id` (the table's delete trigger releases its
/// bytes and makes its key due for removal). Answers the removed record.
pub async fn delete_attachment(
    db: &Db,
    org_id: OrgId<'_>,
    id: &str,
) -> Result<Option<AttachmentRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        let live_todos = todos::table
            .filter(todos::organization_id.eq(org_id.as_str()))
            .filter(todos::deleted_at.is_null())
            .select(todos::id);
        diesel::delete(
            todo_attachments::table
                .filter(todo_attachments::organization_id.eq(org_id.as_str()))
                .filter(todo_attachments::id.eq(id))
                .filter(todo_attachments::todo_id.eq_any(live_todos)),
        )
        .returning(AttachmentRow::as_returning())
        .get_result(conn)
        .await
        .optional()?
    }))
}

/// Up to `limit` keys due for removal at `now`, oldest first.
pub async fn due_removals(db: &Db, now: NaiveDateTime, limit: i64) -> Result<Vec<String>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        file_removals::table
            .filter(file_removals::due_at.le(now))
            .order((file_removals::due_at.asc(), file_removals::storage_key.asc()))
            .select(file_removals::storage_key)
            .limit(limit)
            .load(conn)
            .await?
    }))
}

/// Key `key` is out of storage: its removal is done and the bytes it still held released.
pub async fn removed(db: &Db, key: &str, now: NaiveDateTime) -> Result<(), DbError> {
    platform::transaction!(db, conn => {
        let done: Option<(Option<String>, i64)> =
            diesel::delete(file_removals::table.find(key))
                .returning((file_removals::organization_id, file_removals::release_bytes))
                .get_result(conn)
                .await
                .optional()?;
        if let Some((Some(org_id), bytes)) = done {
            release_storage!(conn, org_id.as_str(), bytes, now);
        }
        Ok(())
    })
}

/// Removing `key` failed: counted, with the error, for the next run.
pub async fn removal_failed(db: &Db, key: &str, error: &str) -> Result<(), DbError> {
    platform::with_conn!(db, conn => {
        diesel::update(file_removals::table.find(key))
            .set((
                file_removals::attempts.eq(file_removals::attempts + 1),
                file_removals::last_error.eq(error),
            ))
            .execute(conn)
            .await?;
    });
    Ok(())
}
