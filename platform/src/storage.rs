//! File storage: local disk under `<DATA_DIR>/files/` (the embedded default) or an
//! S3-compatible bucket (`S3_BUCKET`), behind one port.
//!
//! Every file lives under a [`StorageKey`] the server makes: the user's file name never reaches
//! a key, and a key read back from a URL is parsed against the same closed grammar, so no path
//! can leave its folder. Writes are streamed with a size cap checked as the bytes arrive, and
//! are create-only: small files are one conditional put that never replaces an object, larger
//! ones a multipart upload under a key with 128 fresh random bits.

use std::{fmt, fmt::Write as _, path::Path, pin::pin, sync::Arc, time::Duration};

use bytes::Bytes;
use futures::{Stream, StreamExt, stream::BoxStream};
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt as _, PutMode, PutMultipartOptions,
    PutOptions, PutPayload, WriteMultipart,
    aws::{AmazonS3, AmazonS3Builder},
    local::LocalFileSystem,
    path::Path as ObjectPath,
    signer::Signer,
};
use password_hash::rand_core::{OsRng, RngCore as _};

use crate::config::StorageConfig;

/// How a stored picture may be cached: for good, as its key never names other bytes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Files up to this size are written in one request; larger ones in parts of this size.
const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts of one upload in flight at once (memory held: about this many parts).
const PARTS_IN_FLIGHT: usize = 2;

/// The format of a stored image (avatars and logos are re-encoded to one of these).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// Photographs.
    Jpeg,
    /// Images with transparency.
    Png,
}

impl ImageFormat {
    /// The key's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }

    /// The `Content-Type` the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    fn from_extension(extension: &str) -> Option<Self> {
        match extension {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }
}

/// What a key stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyKind {
    /// A user's picture: `avatars/{user}/{random}.{jpg|png}`.
    Avatar(ImageFormat),
    /// An organization's logo: `orgs/{org}/logo/{random}.{jpg|png}`.
    Logo(ImageFormat),
    /// A file attached to a todo: `orgs/{org}/attachments/{todo}/{random}`.
    Attachment,
}

/// An id given to a key constructor is not an id (ids are 1–64 letters, digits or `-`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a storage id: {0:?}")]
pub struct InvalidId(pub String);

/// Where one file lives. Made only by the constructors below (fresh random part each time) or
/// by [`StorageKey::parse`], which accepts exactly the strings they make.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StorageKey {
    key: String,
    kind: KeyKind,
}

fn is_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_random(part: &str) -> bool {
    part.len() == 32 && part.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn checked(id: &str) -> Result<&str, InvalidId> {
    if is_id(id) { Ok(id) } else { Err(InvalidId(id.to_owned())) }
}

/// 128 random bits, lowercase hex.
fn random_part() -> String {
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().fold(String::with_capacity(32), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    })
}

impl StorageKey {
    /// A new key for a picture of user `user_id`.
    pub fn avatar(user_id: &str, format: ImageFormat) -> Result<Self, InvalidId> {
        let key = format!("avatars/{}/{}.{}", checked(user_id)?, random_part(), format.extension());
        Ok(Self { key, kind: KeyKind::Avatar(format) })
    }

    /// A new key for a logo of organization `org_id`.
    pub fn logo(org_id: &str, format: ImageFormat) -> Result<Self, InvalidId> {
        let key =
            format!("orgs/{}/logo/{}.{}", checked(org_id)?, random_part(), format.extension());
        Ok(Self { key, kind: KeyKind::Logo(format) })
    }

    /// A new key for a file attached to todo `todo_id` of organization `org_id`.
    pub fn attachment(org_id: &str, todo_id: &str) -> Result<Self, InvalidId> {
        let key = format!("orgs/{}/attachments/{}/{}", checked(org_id)?, checked(todo_id)?, {
            random_part()
        });
        Ok(Self { key, kind: KeyKind::Attachment })
    }

    /// The key `text` names, if it is exactly one the constructors make (anything else —
    /// another folder, `..`, an encoded or doubled separator, another extension — is `None`).
    pub fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('/').collect();
        let image = |file: &str| {
            let (random, extension) = file.split_once('.')?;
            is_random(random).then_some(())?;
            ImageFormat::from_extension(extension)
        };
        let kind = match parts.as_slice() {
            ["avatars", user, file] if is_id(user) => KeyKind::Avatar(image(file)?),
            ["orgs", org, "logo", file] if is_id(org) => KeyKind::Logo(image(file)?),
            ["orgs", org, "attachments", todo, random]
                if is_id(org) && is_id(todo) && is_random(random) =>
            {
                KeyKind::Attachment
            }
            _ => return None,
        };
        Some(Self { key: text.to_owned(), kind })
    }

    /// The key as stored (and as it appears in `/files/{key}`).
    pub fn as_str(&self) -> &str {
        &self.key
    }

    /// What the key stores.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The organization whose storage the file counts against (logos and attachments).
    pub fn organization(&self) -> Option<&str> {
        self.key.strip_prefix("orgs/").and_then(|rest| rest.split('/').next())
    }

    fn path(&self) -> ObjectPath {
        // The grammar above has no empty, `.` or `..` segment and no character that needs
        // encoding, so the key is the object's path as is.
        ObjectPath::from(self.key.as_str())
    }
}

impl fmt::Display for StorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key)
    }
}

/// Why a write did not store its file (nothing is left behind in any case).
#[derive(Debug, thiserror::Error)]
pub enum PutError {
    /// The body passed `max_bytes`; reading stopped there.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge {
        /// The cap that was crossed.
        max_bytes: u64,
    },
    /// The body could not be read (the client went away, a malformed multipart body).
    #[error("reading the upload: {0}")]
    Body(String),
    /// An object already has this key (writes never replace one).
    #[error("an object already exists under {0}")]
    Exists(String),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] object_store::Error),
}

/// A stored file being read.
pub struct StoredFile {
    /// Its size in bytes.
    pub size: u64,
    /// Its bytes, as they arrive from the store.
    pub body: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

impl fmt::Debug for StoredFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredFile").field("size", &self.size).finish_non_exhaustive()
    }
}

/// The store behind the port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageBackend {
    /// A folder on local disk.
    Local,
    /// An S3-compatible bucket.
    S3,
}

/// The file storage port.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    s3: Option<Arc<AmazonS3>>,
    backend: StorageBackend,
}

impl fmt::Debug for Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

impl Storage {
    /// The store `config` names: a folder (created if missing) or a bucket (not contacted).
    pub fn new(config: &StorageConfig) -> Result<Self, anyhow::Error> {
        match config {
            StorageConfig::Local(dir) => Self::local(dir),
            StorageConfig::S3(s3) => {
                let mut builder = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(&s3.region)
                    .with_virtual_hosted_style_request(false);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                if let Some((id, secret)) = &s3.credentials {
                    builder =
                        builder.with_access_key_id(id).with_secret_access_key(secret.expose());
                }
                let store = Arc::new(
                    builder
                        .build()
                        .map_err(|e| anyhow::anyhow!("S3_BUCKET: cannot use the bucket: {e}"))?,
                );
                Ok(Self { store: store.clone(), s3: Some(store), backend: StorageBackend::S3 })
            }
        }
    }

    /// Files in the folder `dir` (created if missing).
    pub fn local(dir: &Path) -> Result<Self, anyhow::Error> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("DATA_DIR: cannot create {}: {e}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| anyhow::anyhow!("DATA_DIR: cannot use {}: {e}", dir.display()))?;
        Ok(Self { store: Arc::new(store), s3: None, backend: StorageBackend::Local })
    }

    /// Local disk or S3.
    pub fn backend(&self) -> StorageBackend {
        self.backend
    }

    /// For the start-up log line.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            StorageBackend::Local => "local",
            StorageBackend::S3 => "s3",
        }
    }

    /// What S3 answers a signed URL of `key` with (the local store serves nothing itself): a
    /// picture as its own type, cached for good (keys never change); anything else as a
    /// download.
    fn attributes(&self, key: &StorageKey) -> Attributes {
        let mut attributes = Attributes::new();
        if self.backend != StorageBackend::S3 {
            return attributes;
        }
        match key.kind() {
            KeyKind::Avatar(format) | KeyKind::Logo(format) => {
                attributes.insert(Attribute::ContentType, format.content_type().into());
                attributes.insert(Attribute::CacheControl, IMMUTABLE.into());
            }
            KeyKind::Attachment => {
                attributes.insert(Attribute::ContentType, "application/octet-stream".into());
                attributes.insert(Attribute::ContentDisposition, "attachment".into());
                attributes.insert(Attribute::CacheControl, "private, no-store".into());
            }
        }
        attributes
    }

    /// Stores `body` under `key`, reading it as it arrives and stopping as soon as it passes
    /// `max_bytes`; answers the size stored. On any error nothing is left under `key`.
    pub async fn put<E: fmt::Display>(
        &self,
        key: &StorageKey,
        body: impl Stream<Item = Result<Bytes, E>>,
        max_bytes: u64,
    ) -> Result<u64, PutError> {
        let mut body = pin!(body);
        let mut size: u64 = 0;
        let mut next = async |size: &mut u64| -> Result<Option<Bytes>, PutError> {
            match body.next().await {
                None => Ok(None),
                Some(Err(error)) => Err(PutError::Body(error.to_string())),
                Some(Ok(chunk)) => {
                    *size += chunk.len() as u64;
                    if *size > max_bytes {
                        Err(PutError::TooLarge { max_bytes })
                    } else {
                        Ok(Some(chunk))
                    }
                }
            }
        };
        // Up to one part: a single conditional put, which never replaces an object.
        let mut first = Vec::new();
        let mut buffered = 0;
        while buffered < PART_BYTES {
            let Some(chunk) = next(&mut size).await? else {
                let payload: PutPayload = first.into_iter().collect();
                let options = PutOptions {
                    mode: PutMode::Create,
                    attributes: self.attributes(key),
                    ..PutOptions::default()
                };
                return match self.store.put_opts(&key.path(), payload, options).await {
                    Ok(_) => Ok(size),
                    Err(object_store::Error::AlreadyExists { path, .. }) => {
                        Err(PutError::Exists(path))
                    }
                    Err(error) => Err(error.into()),
                };
            };
            buffered += chunk.len();
            first.push(chunk);
        }
        // Larger: a multipart upload, a few parts in flight at a time.
        let options =
            PutMultipartOptions { attributes: self.attributes(key), ..Default::default() };
        let upload = self.store.put_multipart_opts(&key.path(), options).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        for chunk in first {
            writer.put(chunk);
        }
        loop {
            let chunk = match next(&mut size).await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => {
                    if let Err(abort) = writer.abort().await {
                        tracing::warn!(key = %key, error = %abort, "aborting an upload failed");
                    }
                    return Err(error);
                }
            };
            if let Err(error) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(key = %key, error = %abort, "aborting an upload failed");
                }
                return Err(error.into());
            }
            writer.put(chunk);
        }
        writer.finish().await?;
        Ok(size)
    }

    /// The file under `key`, or `None` when there is none.
    pub async fn get(&self, key: &StorageKey) -> Result<Option<StoredFile>, object_store::Error> {
        match self.store.get(&key.path()).await {
            Ok(found) => Ok(Some(StoredFile { size: found.meta.size, body: found.into_stream() })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The size of the file under `key`, or `None` when there is none.
    pub async fn size(&self, key: &StorageKey) -> Result<Option<u64>, object_store::Error> {
        match self.store.head(&key.path()).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Removes the file under `key` (done when there was none).
    pub async fn delete(&self, key: &StorageKey) -> Result<(), object_store::Error> {
        match self.store.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// The bytes stored for organization `org_id` (its logos and attachments), counted in the
    /// store itself: what its usage must equal.
    pub async fn organization_bytes(&self, org_id: &str) -> Result<u64, object_store::Error> {
        if !is_id(org_id) {
            return Ok(0);
        }
        let prefix = ObjectPath::from(format!("orgs/{org_id}"));
        let mut listing = self.store.list(Some(&prefix));
        let mut total = 0;
        while let Some(meta) = listing.next().await {
            total += meta?.size;
        }
        Ok(total)
    }

    /// On S3, a URL that reads the file under `key` for `valid_for`; `None` on local disk.
    pub async fn signed_url(
        &self,
        key: &StorageKey,
        valid_for: Duration,
    ) -> Result<Option<String>, object_store::Error> {
        let Some(s3) = &self.s3 else { return Ok(None) };
        let url = s3.signed_url(http::Method::GET, &key.path(), valid_for).await?;
        Ok(Some(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_made_by_the_server_and_parse_back() {
        let avatar = StorageKey::avatar("0192-user", ImageFormat::Png).expect("id");
        assert!(avatar.as_str().starts_with("avatars/0192-user/"), "{avatar}");
        assert_eq!(avatar.as_str().rsplit_once('.').map(|(_, ext)| ext), Some("png"));
        assert_eq!(StorageKey::parse(avatar.as_str()), Some(avatar.clone()));
        let logo = StorageKey::logo("org-1", ImageFormat::Jpeg).expect("id");
        assert_eq!(StorageKey::parse(logo.as_str()).map(|k| k.kind()), Some(logo.kind()));
        assert_eq!(logo.organization(), Some("org-1"));
        let file = StorageKey::attachment("org-1", "todo-9").expect("ids");
        assert_eq!(StorageKey::parse(file.as_str()).map(|k| k.kind()), Some(KeyKind::Attachment));
        assert_eq!(avatar.organization(), None);
        // Two keys for the same owner never meet.
        assert_ne!(StorageKey::attachment("org-1", "todo-9").expect("ids"), file);
    }

    #[test]
    fn no_id_or_key_can_leave_its_folder() {
        for id in ["", "..", ".", "a/b", "../etc", "a\\b", "a%2f", "é", "a b", &"x".repeat(65)] {
            assert!(StorageKey::avatar(id, ImageFormat::Png).is_err(), "{id:?}");
            assert!(StorageKey::attachment("org", id).is_err(), "{id:?}");
        }
        let random = "0123456789abcdef0123456789abcdef";
        for key in [
            String::new(),
            "../etc/passwd".into(),
            "/etc/passwd".into(),
            format!("avatars/u/../{random}.png"),
            format!("avatars/../../{random}.png"),
            format!("avatars/u//{random}.png"),
            format!("avatars/u/{random}.svg"),
            format!("avatars/u/{random}.png.html"),
            format!("avatars/u/{random}"),
            format!("avatars/%2e%2e/{random}.png"),
            format!("avatars/u/{}.png", random.to_uppercase()),
            format!("avatars\\u\\{random}.png"),
            format!("orgs/o/attachments/t/{random}/x"),
            format!("orgs/o/attachments/../{random}"),
            format!("orgs/o/logo/{random}"),
            format!("files/orgs/o/logo/{random}.png"),
            format!("orgs/o/attachments/t/{random}.exe"),
        ] {
            assert_eq!(StorageKey::parse(&key), None, "{key:?}");
        }
        assert!(StorageKey::parse(&format!("orgs/o/attachments/t/{random}")).is_some());
    }
}
