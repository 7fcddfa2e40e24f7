//! File storage: the same tests on local disk (a temporary folder) and, with
//! `TEST_S3_ENDPOINT`, on an S3-compatible server (a fresh bucket per test).

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use bytes::Bytes;
use futures::{StreamExt as _, TryStreamExt as _, stream};
use platform::{
    config::StorageConfig,
    storage::{self, ImageFormat, PutError, Storage, StorageBackend, StorageKey},
    testing::{test_bucket, test_s3_endpoint},
};
use tempfile::TempDir;

const MIB: usize = 1024 * 1024;

/// Each store under test (the folder is removed when the guard drops).
async fn stores() -> Vec<(Storage, Option<TempDir>)> {
    let dir = tempfile::tempdir().expect("temporary folder");
    let local = Storage::new(&StorageConfig::Local(dir.path().join("files"))).expect("local");
    let mut all = vec![(local, Some(dir))];
    match test_s3_endpoint() {
        Some(endpoint) => {
            let bucket = test_bucket(&endpoint).await;
            all.push((Storage::new(&StorageConfig::S3(bucket)).expect("s3"), None));
        }
        None => eprintln!("TEST_S3_ENDPOINT is not set: the S3 adapter is not tested"),
    }
    all
}

/// `total` bytes (a repeating pattern) in chunks of `chunk`, counting the chunks handed out.
fn body(
    total: usize,
    chunk: usize,
    pulled: Arc<AtomicUsize>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    let chunks = total.div_ceil(chunk);
    stream::iter(0..chunks).map(move |i| {
        pulled.fetch_add(1, Ordering::SeqCst);
        let len = chunk.min(total - i * chunk);
        Ok(Bytes::from((0..len).map(|j| pattern(i * chunk + j)).collect::<Vec<_>>()))
    })
}

/// The byte at `offset` of every test file (251 is prime: no part size lines up with it).
fn pattern(offset: usize) -> u8 {
    u8::try_from(offset % 251).expect("below 251")
}

async fn read_all(storage: &Storage, key: &StorageKey) -> Option<Vec<u8>> {
    let file = storage.get(key).await.expect("get")?;
    let bytes: Vec<Bytes> = file.body.try_collect().await.expect("read");
    let all = bytes.concat();
    assert_eq!(all.len() as u64, file.size);
    Some(all)
}

fn expected(total: usize) -> Vec<u8> {
    (0..total).map(pattern).collect()
}

#[tokio::test]
async fn small_and_large_files_are_stored_read_and_deleted() {
    for (storage, _dir) in stores().await {
        let backend = storage.backend();
        let org = format!("org-{}", uuid::Uuid::now_v7().simple());
        let logo = StorageKey::logo(&org, ImageFormat::Png).expect("key");
        let size = storage.put(&logo, body(70_000, 8_192, Arc::default()), 10 * MIB as u64).await;
        assert_eq!(size.expect("stored"), 70_000, "{backend:?}");
        assert_eq!(read_all(&storage, &logo).await, Some(expected(70_000)), "{backend:?}");

        // Over one part: a multipart upload, streamed.
        let file = StorageKey::attachment(&org, "todo-1").expect("key");
        let total = 12 * MIB + 123;
        let size = storage.put(&file, body(total, 64 * 1024, Arc::default()), 25 * MIB as u64);
        assert_eq!(size.await.expect("stored"), total as u64, "{backend:?}");
        assert_eq!(storage.size(&file).await.expect("head"), Some(total as u64));
        assert_eq!(read_all(&storage, &file).await, Some(expected(total)), "{backend:?}");
        assert_eq!(
            storage.organization_bytes(&org).await.expect("list"),
            70_000 + total as u64,
            "{backend:?}"
        );

        storage.delete(&file).await.expect("delete");
        assert_eq!(read_all(&storage, &file).await, None, "{backend:?}");
        assert_eq!(storage.size(&file).await.expect("head"), None);
        // Deleting what is gone is done.
        storage.delete(&file).await.expect("delete again");
        assert_eq!(storage.organization_bytes(&org).await.expect("list"), 70_000);
        // Another organization's bytes are not counted.
        assert_eq!(storage.organization_bytes("org-other").await.expect("list"), 0);
    }
}

#[tokio::test]
async fn an_upload_over_the_cap_stops_reading_and_leaves_nothing() {
    for (storage, _dir) in stores().await {
        let backend = storage.backend();
        let org = format!("org-{}", uuid::Uuid::now_v7().simple());
        for (total, cap) in [(3 * MIB, MIB), (20 * MIB, 8 * MIB)] {
            let key = StorageKey::attachment(&org, "todo-1").expect("key");
            let pulled = Arc::new(AtomicUsize::new(0));
            let chunk = 64 * 1024;
            let refused = storage.put(&key, body(total, chunk, pulled.clone()), cap as u64).await;
            assert!(
                matches!(refused, Err(PutError::TooLarge { max_bytes }) if max_bytes == cap as u64),
                "{backend:?}: {refused:?}"
            );
            // Reading stopped at the chunk that crossed the cap.
            assert_eq!(pulled.load(Ordering::SeqCst), cap / chunk + 1, "{backend:?}");
            assert_eq!(storage.size(&key).await.expect("head"), None, "{backend:?}");
        }
        assert_eq!(storage.organization_bytes(&org).await.expect("list"), 0, "{backend:?}");
    }
}

#[tokio::test]
async fn a_body_that_fails_midway_leaves_nothing() {
    for (storage, _dir) in stores().await {
        let backend = storage.backend();
        let org = format!("org-{}", uuid::Uuid::now_v7().simple());
        for before_failure in [10_000, 7 * MIB] {
            let key = StorageKey::attachment(&org, "todo-1").expect("key");
            let good = body(before_failure, 64 * 1024, Arc::default());
            let broken = good.chain(stream::once(async {
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "client went away"))
            }));
            let failed = storage.put(&key, broken, 25 * MIB as u64).await;
            assert!(
                matches!(&failed, Err(PutError::Body(reason)) if reason.contains("went away")),
                "{backend:?}: {failed:?}"
            );
            assert_eq!(storage.size(&key).await.expect("head"), None, "{backend:?}");
        }
        assert_eq!(storage.organization_bytes(&org).await.expect("list"), 0, "{backend:?}");
    }
}

#[tokio::test]
async fn a_key_is_written_once() {
    for (storage, _dir) in stores().await {
        let backend = storage.backend();
        let key = StorageKey::avatar("user-1", ImageFormat::Jpeg).expect("key");
        storage.put(&key, body(1_000, 1_000, Arc::default()), 10_000).await.expect("first");
        let again = storage.put(&key, body(2_000, 1_000, Arc::default()), 10_000).await;
        assert!(matches!(again, Err(PutError::Exists(_))), "{backend:?}: {again:?}");
        assert_eq!(storage.size(&key).await.expect("head"), Some(1_000), "{backend:?}");
    }
}

#[tokio::test]
async fn local_files_stay_inside_their_folder_and_s3_reads_are_signed() {
    for (storage, dir) in stores().await {
        let key = StorageKey::logo("org-1", ImageFormat::Png).expect("key");
        storage.put(&key, body(10, 10, Arc::default()), 100).await.expect("stored");
        match storage.backend() {
            StorageBackend::Local => {
                let root = dir.as_ref().expect("folder").path().join("files");
                assert!(root.join(key.as_str()).is_file());
                assert_eq!(
                    storage
                        .signed_url(&key, std::time::Duration::from_secs(60))
                        .await
                        .expect("url"),
                    None
                );
                // The only files are the one stored (no staging file is left).
                let count = walk(&root);
                assert_eq!(count, 1);
            }
            StorageBackend::S3 => {
                let url = storage
                    .signed_url(&key, std::time::Duration::from_secs(60))
                    .await
                    .expect("url")
                    .expect("signed");
                assert!(url.contains("X-Amz-Signature="), "{url}");
                let fetched = reqwest::get(&url).await.expect("S3 answers");
                assert_eq!(fetched.status(), 200, "{url}");
                // Served as what the key says it is, never as what the bytes might suggest.
                let header = |name: &str| {
                    fetched.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
                };
                assert_eq!(header("content-type").as_deref(), Some("image/png"));
                assert_eq!(header("cache-control").as_deref(), Some(storage::IMMUTABLE));
                assert_eq!(fetched.bytes().await.expect("body").len(), 10);
            }
        }
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .expect("folder")
        .map(|entry| {
            let path = entry.expect("entry").path();
            if path.is_dir() { walk(&path) } else { 1 }
        })
        .sum()
}
