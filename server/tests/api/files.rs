//! `GET /files/{key}`: a stored picture by its key, streamed from local disk with this app's
//! headers or redirected to a signed address on S3; nothing else is ever served there.

use std::convert::Infallible;

use axum::{
    body::{Body, Bytes},
    http::{Request, StatusCode, header},
};
use platform::{
    config::StorageConfig,
    storage::{IMMUTABLE, ImageFormat, StorageBackend, StorageKey},
    testing::{test_bucket, test_s3_endpoint},
};

use crate::common::{TestApp, block_on};

/// The app on each database with files on local disk, and one with files on S3 when
/// `TEST_S3_ENDPOINT` names a server.
pub(crate) async fn apps() -> Vec<TestApp> {
    let mut apps = TestApp::each_backend().await;
    match test_s3_endpoint() {
        Some(endpoint) => {
            let bucket = test_bucket(&endpoint).await;
            let mut on_s3 =
                TestApp::each_backend_with(|c| c.storage = StorageConfig::S3(bucket.clone())).await;
            apps.push(on_s3.swap_remove(0));
        }
        None => eprintln!("TEST_S3_ENDPOINT is not set: files on S3 are not tested"),
    }
    apps
}

async fn store(app: &TestApp, key: &StorageKey, bytes: &'static [u8]) {
    let body = futures::stream::iter([Ok::<_, Infallible>(Bytes::from_static(bytes))]);
    app.state.platform.storage.put(key, body, 1_000_000).await.expect("stored");
}

const PICTURE: &[u8] = b"\x89PNG\r\n\x1a\n<script>alert(1)</script>";

#[test]
fn a_stored_picture_is_served_by_its_key_with_our_headers() {
    block_on(async {
        for app in apps().await {
            let key = StorageKey::logo("org-files", ImageFormat::Png).expect("key");
            store(&app, &key, PICTURE).await;
            let served = app.get(&format!("/files/{key}")).await;
            match app.state.platform.storage.backend() {
                StorageBackend::Local => {
                    assert_eq!(served.status, StatusCode::OK, "{}", served.text());
                    assert_eq!(served.body.as_ref(), PICTURE);
                    assert_eq!(served.header("content-type"), Some("image/png"));
                    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
                    assert!(
                        served
                            .header("content-security-policy")
                            .is_some_and(|p| p.contains("sandbox")),
                        "{:?}",
                        served.header("content-security-policy")
                    );
                    assert_eq!(served.header("cache-control"), Some(IMMUTABLE));
                    let etag = served.header("etag").expect("an entity tag").to_owned();
                    let request = Request::get(format!("/files/{key}"))
                        .header(header::IF_NONE_MATCH, &etag)
                        .body(Body::empty())
                        .expect("request");
                    let again = app.send(request).await;
                    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
                    assert!(again.body.is_empty());
                }
                StorageBackend::S3 => {
                    assert_eq!(served.status, StatusCode::TEMPORARY_REDIRECT, "{}", served.text());
                    let location = served.header("location").expect("an address").to_owned();
                    assert!(location.contains("X-Amz-Signature="), "{location}");
                    let fetched = reqwest::get(&location).await.expect("S3 answers");
                    assert_eq!(
                        fetched.headers().get("content-type").and_then(|v| v.to_str().ok()),
                        Some("image/png")
                    );
                    assert_eq!(fetched.bytes().await.expect("body").as_ref(), PICTURE);
                }
            }
        }
    });
}

#[test]
fn attachments_missing_files_and_other_paths_are_not_found() {
    block_on(async {
        for app in apps().await {
            let attachment = StorageKey::attachment("org-files", "todo-1").expect("key");
            store(&app, &attachment, b"a private file").await;
            let missing = StorageKey::avatar("user-1", ImageFormat::Jpeg).expect("key");
            for path in [
                format!("/files/{attachment}"),
                format!("/files/{missing}"),
                "/files/avatars/../../Cargo.toml".to_owned(),
                "/files/..%2f..%2fCargo.toml".to_owned(),
                "/files/avatars/user-1/0123456789abcdef0123456789abcdef.svg".to_owned(),
                "/files/orgs/org-files/attachments".to_owned(),
            ] {
                let answer = app.get(&path).await;
                assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}: {}", answer.text());
                assert!(!answer.text().contains("private file"), "{path}");
            }
        }
    });
}
