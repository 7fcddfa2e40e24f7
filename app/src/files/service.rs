//! The files' work: pictures checked and resized off the async threads, uploads stored and
//! recorded, attachments listed and removed, and removals carried out.

use std::sync::LazyLock;

use axum::body::Bytes;
use chrono::NaiveDateTime;
use futures::{Stream, stream};
use platform::{
    Platform,
    clock::{new_id, now_utc},
    images::{self, Processed, Refusal},
    storage::{ImageFormat, InvalidId, PutError, StorageKey},
};
use tokio::sync::Semaphore;
use tracing::field::Empty;

use super::{
    model::{Attachment, AttachmentInput, AttachmentsInput, LogoInput, Picture},
    store::{self, AttachmentRow, Saved},
};
use crate::{
    audit::AuditEntry,
    auth::server::AuthContext,
    error::{AppError, ErrorCode},
    orgs::{
        permissions::Permission,
        scope::{OrgId, OrgScope},
    },
    state::AppState,
};

crate::org_inputs!(AttachmentsInput, AttachmentInput, LogoInput);

/// The sides of a stored picture, largest first.
pub const SIDES: [u32; 2] = [256, 64];

/// Pictures decoded and resized at once: one per core, so uploads never take every thread
/// the server answers with.
static PICTURE_WORK: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

/// The typed refusal of a picture, on form field `field`.
fn refused(field: &str, refusal: Refusal) -> AppError {
    let reason = match refusal {
        Refusal::UnsupportedType => "unsupported_image_type",
        Refusal::TypeMismatch => "image_type_mismatch",
        Refusal::TooManyPixels => "image_too_large",
        Refusal::Unreadable => "image_unreadable",
    };
    AppError::invalid_field(field, ErrorCode::ValInvalidFormat).with_detail("reason", reason)
}

/// An upload that passed `max_bytes` (413 `VAL_TOO_LONG`, `details.maxBytes`).
pub fn too_large(field: &str, max_bytes: u64) -> AppError {
    AppError::invalid_field(field, ErrorCode::ValTooLong).with_detail("maxBytes", max_bytes)
}

/// Checks and resizes the picture uploaded in form field `field` (`bytes`, with the declared
/// type and file name), on the blocking pool, a bounded number at a time.
pub async fn process_picture(
    field: &'static str,
    bytes: Vec<u8>,
    declared_type: Option<String>,
    file_name: Option<String>,
) -> Result<Processed, AppError> {
    let _permit = PICTURE_WORK
        .acquire()
        .await
        .map_err(|_| AppError::internal("the picture queue is closed"))?;
    let processed = tokio::task::spawn_blocking(move || {
        images::process(&bytes, declared_type.as_deref(), file_name.as_deref(), &SIDES)
    })
    .await
    .map_err(|error| AppError::internal(format!("processing a picture: {error}")))?;
    processed.map_err(|refusal| refused(field, refusal))
}

fn one_chunk(bytes: Vec<u8>) -> impl Stream<Item = Result<Bytes, std::convert::Infallible>> {
    stream::once(async move { Ok(Bytes::from(bytes)) })
}

fn invalid_id(error: InvalidId) -> AppError {
    AppError::internal(error.to_string())
}

/// Stores both sizes of `picture` under keys `key_for` makes, reserving their bytes for
/// `org_id` (a logo); answers the keys and the bytes stored. Nothing is left behind on error.
async fn store_picture(
    platform: &Platform,
    org_id: Option<OrgId<'_>>,
    picture: Processed,
    key_for: impl Fn(ImageFormat) -> Result<StorageKey, InvalidId>,
) -> Result<(StorageKey, StorageKey, u64), AppError> {
    let large = key_for(picture.format).map_err(invalid_id)?;
    let small = key_for(picture.format).map_err(invalid_id)?;
    let bytes: u64 = picture.sizes.iter().map(|(_, data)| data.len() as u64).sum();
    let now = now_utc();
    store::begin_upload(&platform.db, org_id, &[&large, &small], bytes, now).await??;
    for ((_, data), key) in picture.sizes.into_iter().zip([&large, &small]) {
        if let Err(error) = platform.storage.put(key, one_chunk(data), u64::MAX).await {
            abandon(platform, &[&large, &small]).await;
            return Err(AppError::internal(format!("storing {key}: {error}")));
        }
    }
    Ok((large, small, bytes))
}

/// An upload that will not be saved: its keys removed now (or by the maintenance job), and
/// what it reserved released.
async fn abandon(platform: &Platform, keys: &[&StorageKey]) {
    match store::abandon_upload(&platform.db, keys, now_utc()).await {
        Ok(()) => {
            let keys: Vec<String> = keys.iter().map(|key| key.as_str().to_owned()).collect();
            remove(platform, &keys).await;
        }
        Err(error) => {
            tracing::warn!(%error, "recording an abandoned upload failed; it expires on its own");
        }
    }
}

/// Takes `keys` (recorded as due for removal) out of storage, releasing what they still held;
/// a failure is logged and left for the maintenance job. Answers how many were removed.
pub async fn remove(platform: &Platform, keys: &[String]) -> usize {
    let mut removed = 0;
    for key in keys {
        let now = now_utc();
        let deleted = match StorageKey::parse(key) {
            Some(parsed) => platform.storage.delete(&parsed).await.map_err(|e| e.to_string()),
            // Not a key this app makes: nothing of ours is stored there.
            None => Ok(()),
        };
        let recorded = match deleted {
            Ok(()) => {
                removed += 1;
                store::removed(&platform.db, key, now).await
            }
            Err(error) => {
                tracing::warn!(%key, %error, "removing a file failed; the maintenance job retries");
                store::removal_failed(&platform.db, key, &error).await
            }
        };
        if let Err(error) = recorded {
            tracing::warn!(%key, %error, "recording a file removal failed; it is retried");
        }
    }
    removed
}

/// The removals due at `now`, carried out (the maintenance job): how many files went.
pub async fn remove_due(
    platform: &Platform,
    now: NaiveDateTime,
) -> Result<usize, platform::DbError> {
    let mut total = 0;
    loop {
        let keys = store::due_removals(&platform.db, now, 500).await?;
        let removed = remove(platform, &keys).await;
        total += removed;
        // Stop at a batch with failures: they wait for the next run.
        if keys.len() < 500 || removed < keys.len() {
            return Ok(total);
        }
    }
}

fn saved<T>(saved: Saved<T>, gone: &'static str) -> Result<T, AppError> {
    match saved {
        Saved::Done(value) => Ok(value),
        Saved::Gone => Err(AppError::not_found(gone)),
        Saved::Expired => Err(AppError::new(ErrorCode::SysServiceUnavailable)
            .with_detail("service", "storage")
            .with_detail("reason", "upload_expired")),
    }
}

/// Sets `auth`'s picture to `picture` (checked and resized); the old one is removed.
#[tracing::instrument(skip_all, fields(user_id = %auth.user.id))]
pub async fn replace_avatar(
    platform: &Platform,
    auth: &AuthContext,
    picture: Processed,
) -> Result<Picture, AppError> {
    let user_id = auth.user.id.as_str();
    let (large, small, _) =
        store_picture(platform, None, picture, |format| StorageKey::avatar(user_id, format))
            .await?;
    let result = store::set_avatar(&platform.db, user_id, Some((&large, &small)), now_utc()).await;
    let old = match result.map_err(AppError::from).and_then(|done| saved(done, "user")) {
        Ok(old) => old,
        Err(error) => {
            abandon(platform, &[&large, &small]).await;
            return Err(error);
        }
    };
    remove(platform, &old).await;
    show_new_avatar(platform, user_id).await;
    tracing::info!("avatar changed");
    Ok(Picture { large: format!("/files/{large}"), small: format!("/files/{small}") })
}

/// Removes `auth`'s picture (done when there is none).
pub async fn remove_avatar(platform: &Platform, auth: &AuthContext) -> Result<(), AppError> {
    let old =
        saved(store::set_avatar(&platform.db, &auth.user.id, None, now_utc()).await?, "user")?;
    remove(platform, &old).await;
    show_new_avatar(platform, &auth.user.id).await;
    Ok(())
}

/// Drops `user_id`'s cached sessions so every page shows the new picture; the picture is saved
/// whatever happens here (a failure only delays it until the cache expires).
async fn show_new_avatar(platform: &Platform, user_id: &str) {
    if let Err(error) = crate::auth::server::service::refresh_sessions(platform, user_id).await {
        tracing::warn!(%error, "cached sessions not refreshed after an avatar change");
    }
}

/// Sets organization `org`'s logo to `picture`, counted in its storage; the old one is removed
/// and released.
#[tracing::instrument(skip_all, fields(org_id = %org.id(), user_id = %org.user_id()))]
pub async fn replace_logo(
    platform: &Platform,
    org: &OrgScope,
    picture: Processed,
) -> Result<Picture, AppError> {
    let org_id = org.id();
    let (large, small, bytes) = store_picture(platform, Some(org_id), picture, |format| {
        StorageKey::logo(org_id.as_str(), format)
    })
    .await?;
    let entry = AuditEntry::new("organization.logo_changed", org.user_id());
    let result =
        store::set_logo(&platform.db, org_id, Some((&large, &small, bytes)), &entry, now_utc())
            .await;
    let old = match result.map_err(AppError::from).and_then(|done| saved(done, "organization")) {
        Ok(old) => old,
        Err(error) => {
            abandon(platform, &[&large, &small]).await;
            return Err(error);
        }
    };
    remove(platform, &old).await;
    tracing::info!(bytes, "logo changed");
    Ok(Picture { large: format!("/files/{large}"), small: format!("/files/{small}") })
}

/// Removes organization `org`'s logo (done when there is none).
pub async fn remove_logo(platform: &Platform, org: &OrgScope) -> Result<(), AppError> {
    let entry = AuditEntry::new("organization.logo_removed", org.user_id());
    let done = store::set_logo(&platform.db, org.id(), None, &entry, now_utc()).await?;
    let old = saved(done, "organization")?;
    remove(platform, &old).await;
    Ok(())
}

/// The address an attachment downloads from.
fn download_url(org_id: &str, id: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("org", org_id)
        .append_pair("id", id)
        .finish();
    format!("/api/todos/attachments/download?{query}")
}

/// The API form of a stored attachment.
pub fn to_attachment(row: AttachmentRow) -> Attachment {
    Attachment {
        download_url: download_url(&row.organization_id, &row.id),
        created_at: row.created_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        size_bytes: u64::try_from(row.size_bytes).unwrap_or(0),
        id: row.id,
        todo_id: row.todo_id,
        file_name: row.file_name,
        content_type: row.content_type,
        uploaded_by: row.uploaded_by,
    }
}

/// An attachment on its way in: where it goes and what was reserved for it.
#[derive(Debug)]
pub struct PendingAttachment {
    key: StorageKey,
    todo_id: String,
    reserved: u64,
}

/// Opens an upload to live todo `todo_id` of `org`, reserving `reserve` bytes of its storage
/// (the upper bound of the file's size).
pub async fn begin_attachment(
    platform: &Platform,
    org: &OrgScope,
    todo_id: &str,
    reserve: u64,
) -> Result<PendingAttachment, AppError> {
    if store::attachments(&platform.db, org.id(), todo_id).await?.is_none() {
        return Err(AppError::not_found("todo"));
    }
    let key = StorageKey::attachment(org.id().as_str(), todo_id)
        .map_err(|_| AppError::not_found("todo"))?;
    store::begin_upload(&platform.db, Some(org.id()), &[&key], reserve, now_utc()).await??;
    Ok(PendingAttachment { key, todo_id: todo_id.to_owned(), reserved: reserve })
}

/// Streams `body` into the open upload (at most `max_bytes`) and saves the attachment; on
/// any failure nothing is kept and the reservation is released.
#[allow(clippy::too_many_arguments)]
pub async fn finish_attachment<E: std::fmt::Display>(
    platform: &Platform,
    org: &OrgScope,
    pending: PendingAttachment,
    body: impl Stream<Item = Result<Bytes, E>>,
    max_bytes: u64,
    file_name: String,
    content_type: String,
) -> Result<Attachment, AppError> {
    let PendingAttachment { key, todo_id, reserved } = pending;
    let size = match platform.storage.put(&key, body, max_bytes.min(reserved)).await {
        Ok(size) => size,
        Err(error) => {
            abandon(platform, &[&key]).await;
            return Err(match error {
                PutError::TooLarge { .. } => too_large(super::model::FILE_FIELD, max_bytes),
                PutError::Body(_) => {
                    AppError::invalid_field(super::model::FILE_FIELD, ErrorCode::ValInvalidFormat)
                }
                PutError::Exists(_) | PutError::Store(_) => {
                    AppError::internal(format!("storing {key}: {error}"))
                }
            });
        }
    };
    let row = AttachmentRow {
        id: new_id(),
        organization_id: org.id().as_str().to_owned(),
        todo_id,
        storage_key: key.as_str().to_owned(),
        file_name,
        content_type,
        size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
        uploaded_by: Some(org.user_id().to_owned()),
        created_at: now_utc(),
    };
    let result = store::add_attachment(&platform.db, org.id(), row, reserved, now_utc()).await;
    match result.map_err(AppError::from).and_then(|done| saved(done, "todo")) {
        Ok(row) => {
            tracing::info!(org_id = %org.id(), attachment_id = %row.id, size, "attachment added");
            Ok(to_attachment(row))
        }
        Err(error) => {
            abandon(platform, &[&key]).await;
            Err(error)
        }
    }
}

/// The attachments of a todo (`todos:read`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn list_attachments(input: AttachmentsInput) -> Result<Vec<Attachment>, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosRead).await?;
    let rows = store::attachments(&platform.db, org.id(), &input.todo)
        .await?
        .ok_or_else(|| AppError::not_found("todo"))?;
    Ok(rows.into_iter().map(to_attachment).collect())
}

/// Removes an attachment (`todos:update`); its bytes are released.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn delete_attachment(input: AttachmentInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosUpdate).await?;
    let row = store::delete_attachment(&platform.db, org.id(), &input.id)
        .await?
        .ok_or_else(|| AppError::not_found("attachment"))?;
    remove(&platform, &[row.storage_key]).await;
    tracing::info!(attachment_id = %row.id, "attachment deleted");
    Ok(())
}

/// `POST /api/avatars/delete`: the caller's picture removed.
pub async fn delete_avatar() -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    let platform = AppState::platform()?;
    remove_avatar(&platform, &auth).await
}

/// `POST /api/orgs/logo/delete`: the organization's logo removed (`organization:update`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn delete_logo(input: LogoInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::OrganizationUpdate).await?;
    remove_logo(&platform, &org).await
}
