//! Uploads: avatars, logos and todo attachments through their multipart routes, each refusal
//! typed and leaving nothing stored, the organization's usage always equal to the bytes it has
//! in storage.

use std::io::Cursor;

use app::orgs::permissions::Role;
use axum::{
    body::{Body, Bytes},
    http::{Request, StatusCode, header},
};
use image::{ImageFormat as Encoded, Rgb, RgbImage, Rgba, RgbaImage};
use platform::storage::StorageKey;

use crate::common::{TestApp, TestOrg, TestResponse, TestUser, assert_error, block_on};

/// One part of a multipart body.
pub enum Part<'a> {
    Text(&'a str, &'a str),
    File { field: &'a str, name: &'a str, content_type: &'a str, bytes: &'a [u8] },
}

const BOUNDARY: &str = "----upload-test-boundary-7MA4YWxkTrZu0gW";

pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File { field, name, content_type, bytes } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                         Content-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A multipart POST of `body` (made by [`multipart`]) with the session `cookie` when given.
pub fn upload_request(uri: &str, cookie: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header(header::ACCEPT, "application/json");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("session={cookie}"));
    }
    request.body(Body::from(body)).expect("request")
}

impl TestApp {
    async fn upload(&self, user: &TestUser, uri: &str, parts: &[Part<'_>]) -> TestResponse {
        self.send(upload_request(uri, Some(&user.session), multipart(parts))).await
    }

    async fn avatar(&self, user: &TestUser, bytes: &[u8]) -> TestResponse {
        let part = Part::File { field: "avatar", name: "me.png", content_type: "image/png", bytes };
        self.upload(user, "/api/avatars/upload", &[part]).await
    }

    async fn logo(&self, user: &TestUser, org: &TestOrg, bytes: &[u8]) -> TestResponse {
        let file = Part::File { field: "logo", name: "logo.png", content_type: "image/png", bytes };
        self.upload(user, "/api/orgs/logo", &[Part::Text("org", &org.id), file]).await
    }

    async fn attach(
        &self,
        user: &TestUser,
        org: &TestOrg,
        todo: &str,
        name: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let file = Part::File { field: "file", name, content_type: "text/plain", bytes };
        let parts = [Part::Text("org", &org.id), Part::Text("todo", todo), file];
        self.upload(user, "/api/todos/attachments", &parts).await
    }

    async fn todo(&self, user: &TestUser, org: &TestOrg, title: &str) -> String {
        let created =
            self.post_as(user, "/api/todos/create", &format!("org={}&title={title}", org.id)).await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.text());
        created.json()["id"].as_str().expect("a todo id").to_owned()
    }

    /// `org`'s storage as `GET /api/billing/usage` reports it.
    async fn storage_used(&self, owner: &TestUser, org: &TestOrg) -> i64 {
        let usage = self.get_by(owner, &format!("/api/billing/usage?org={}", org.id)).await;
        assert_eq!(usage.status, StatusCode::OK, "{}", usage.text());
        usage.json()["storage"]["used"].as_i64().expect("storage used")
    }

    /// What `org` really has in storage.
    async fn stored_bytes(&self, org: &TestOrg) -> i64 {
        let bytes = self.state.platform.storage.organization_bytes(&org.id).await.expect("listed");
        i64::try_from(bytes).expect("small")
    }

    /// Whether `/files/…` address `url` names a stored file.
    async fn is_stored(&self, url: &str) -> bool {
        let key = StorageKey::parse(url.trim_start_matches("/files/")).expect("one of our keys");
        self.state.platform.storage.size(&key).await.expect("store answers").is_some()
    }
}

fn encoded(image: &image::DynamicImage, format: Encoded) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).expect("encoded");
    out.into_inner()
}

fn extension(url: &str) -> &str {
    url.rsplit_once('.').map_or("", |(_, ext)| ext)
}

/// An opaque photo-like picture, `width` × `height`.
pub fn photo(width: u32, height: u32) -> Vec<u8> {
    let image =
        RgbImage::from_fn(width, height, |x, y| Rgb([x.to_le_bytes()[0], y.to_le_bytes()[0], 90]));
    encoded(&image.into(), Encoded::Png)
}

/// A picture with transparent pixels.
fn transparent(side: u32) -> Vec<u8> {
    let image = RgbaImage::from_fn(side, side, |x, _| Rgba([200, 10, 10, x.to_le_bytes()[0]]));
    encoded(&image.into(), Encoded::Png)
}

#[test]
fn an_avatar_is_resized_to_two_sizes_and_replacing_it_removes_the_old_one() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let user = app.user("pic@example.com").await;
            let first = app.avatar(&user, &photo(640, 480)).await;
            assert_eq!(first.status, StatusCode::OK, "{}", first.text());
            let first = first.json();
            let large = first["large"].as_str().expect("large").to_owned();
            let small = first["small"].as_str().expect("small").to_owned();
            assert!(large.starts_with(&format!("/files/avatars/{}/", user.id)), "{large}");
            assert_eq!(extension(&large), "jpg", "an opaque picture is a JPEG");
            let served = app.get(&large).await;
            assert_eq!(served.status, StatusCode::OK);
            assert_eq!(served.header("content-type"), Some("image/jpeg"));
            let decoded = image::load_from_memory(&served.body).expect("a picture");
            assert_eq!((decoded.width(), decoded.height()), (256, 256));
            let decoded = image::load_from_memory(&app.get(&small).await.body).expect("picture");
            assert_eq!((decoded.width(), decoded.height()), (64, 64));
            // Shown at once wherever the person is (the cached session is refreshed).
            assert_eq!(app.get_by(&user, "/api/auth/me").await.json()["avatar"], first);
            let org = app.org(&user, "Pictures").await;
            let members = app.get_by(&user, &format!("/api/orgs/members?org={}", org.id)).await;
            assert_eq!(members.json()[0]["avatar"], first);

            let second = app.avatar(&user, &transparent(300)).await;
            assert_eq!(second.status, StatusCode::OK, "{}", second.text());
            let second_large = second.json()["large"].as_str().expect("large").to_owned();
            assert_eq!(extension(&second_large), "png", "transparency keeps PNG");
            assert!(!app.is_stored(&large).await, "the replaced picture is removed");
            assert!(!app.is_stored(&small).await);
            assert!(app.is_stored(&second_large).await);
            assert_eq!(app.get(&large).await.status, StatusCode::NOT_FOUND);

            let request = Request::delete("/api/avatars")
                .header(header::COOKIE, format!("session={}", user.session))
                .body(Body::empty())
                .expect("request");
            let removed = app.send(request).await;
            assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
            assert!(!app.is_stored(&second_large).await, "a removed picture is gone");
            assert!(app.get_by(&user, "/api/auth/me").await.json()["avatar"].is_null());
        }
    });
}

/// A PNG whose header says 20,000 × 20,000 pixels, a few KB long: refused from the header.
fn bomb() -> Vec<u8> {
    let row = RgbImage::from_pixel(20_000, 1, Rgb([0, 0, 0]));
    let mut bytes = encoded(&row.into(), Encoded::Png);
    bytes[20..24].copy_from_slice(&20_000_u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// The CRC-32 of PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn every_bad_picture_is_refused_with_its_reason_and_nothing_is_stored() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let user = app.user("bad@example.com").await;
            let png = photo(64, 64);
            let jpeg = encoded(&image::load_from_memory(&png).expect("png"), Encoded::Jpeg);
            let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
            let mut polyglot = b"GIF89a/*".to_vec();
            polyglot.extend_from_slice(b"*/=1;alert(1)//<html><script>alert(1)</script>");
            let bomb = bomb();
            let cases: [(&str, &str, &[u8], &str); 7] = [
                ("notes.txt", "text/plain", b"just words", "unsupported_image_type"),
                ("x.svg", "image/svg+xml", svg, "unsupported_image_type"),
                ("photo.png", "image/png", &jpeg, "image_type_mismatch"),
                ("photo.jpg", "image/jpeg", &png, "image_type_mismatch"),
                ("cut.png", "image/png", &png[..png.len() / 2], "image_unreadable"),
                ("bomb.png", "image/png", &bomb, "image_too_large"),
                ("poly.gif", "image/gif", &polyglot, "image_too_large"),
            ];
            for (name, content_type, bytes, reason) in cases {
                let part = Part::File { field: "avatar", name, content_type, bytes };
                let refused = app.upload(&user, "/api/avatars/upload", &[part]).await;
                assert_error(&refused, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
                assert_eq!(refused.json()["details"]["reason"], reason, "{name}");
                assert_eq!(refused.json()["fields"]["avatar"][0], "VAL_INVALID_FORMAT", "{name}");
            }
            let missing = app.upload(&user, "/api/avatars/upload", &[Part::Text("a", "b")]).await;
            assert_error(&missing, StatusCode::BAD_REQUEST, "VAL_REQUIRED_FIELD");
            let not_multipart = app.post_as(&user, "/api/avatars/upload", "avatar=x").await;
            assert_error(&not_multipart, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            let anonymous =
                app.send(upload_request("/api/avatars/upload", None, multipart(&[]))).await;
            assert_error(&anonymous, StatusCode::UNAUTHORIZED, "AUTH_UNAUTHENTICATED");

            let mut cross_site = upload_request(
                "/api/avatars/upload",
                Some(&user.session),
                multipart(&[Part::File {
                    field: "avatar",
                    name: "a.png",
                    content_type: "image/png",
                    bytes: &png,
                }]),
            );
            cross_site.headers_mut().insert("sec-fetch-site", "cross-site".parse().expect("v"));
            let refused = app.send(cross_site).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");

            let avatars =
                std::fs::read_dir(app.state.platform.config.data_dir.join("files/avatars"));
            let stored = avatars.map_or(0, Iterator::count);
            assert_eq!(stored, 0, "no refused upload left a file");
            let removals = pending_removals(&app).await;
            assert_eq!(removals, 0, "and no upload record is left open");
        }
    });
}

async fn pending_removals(app: &TestApp) -> i64 {
    use diesel::QueryDsl as _;
    use platform::db::schema::file_removals;
    let db = &app.state.platform.db;
    let counted: Result<i64, platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            file_removals::table.count().get_result::<i64>(conn).await?
        }))
    }
    .await;
    counted.expect("counted")
}

#[test]
fn an_upload_over_its_cap_is_answered_413_before_the_body_is_sent() {
    block_on(async {
        let small_cap = |c: &mut platform::Config| {
            c.uploads.max_image_bytes = 64 * 1024;
            c.uploads.max_attachment_bytes = 64 * 1024;
        };
        for app in TestApp::each_backend_with(small_cap).await {
            let user = app.user("big@example.com").await;
            // Declared too long: refused from the header while the client has sent a few
            // bytes of its 10 MB (over a raw socket, which sends nothing more).
            let head = declared_upload(&app, &user.session, 10 * 1024 * 1024).await;
            assert!(head.starts_with("HTTP/1.1 413"), "{head}");
            assert!(head.contains("VAL_TOO_LONG"), "{head}");

            // Streamed without a length: cut off once the cap is crossed, while the client is
            // still sending (the stream below never ends on its own).
            let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
            let mut head = format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"avatar\"; \
                 filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .into_bytes();
            head.extend_from_slice(&photo(8, 8));
            let feeder = tokio::spawn(async move {
                sender.send(Ok(Bytes::from(head))).await.ok();
                // 800 KB: past the cap, and within what the server reads (and throws away)
                // after answering, so the connection is not reset under the answer.
                for _ in 0..100 {
                    if sender.send(Ok(Bytes::from(vec![7_u8; 8 * 1024]))).await.is_err() {
                        return true;
                    }
                }
                // Never closed by the client: only the server's answer ends this request.
                std::future::pending::<()>().await;
                false
            });
            let body = Body::from_stream(tokio_stream_of(receiver));
            let request = Request::post("/api/avatars/upload")
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
                .header(header::ACCEPT, "application/json")
                .header(header::COOKIE, format!("session={}", user.session))
                .body(body)
                .expect("request");
            let refused = app.send(request).await;
            assert_error(&refused, StatusCode::PAYLOAD_TOO_LARGE, "VAL_TOO_LONG");
            assert_eq!(refused.json()["details"]["maxBytes"], 64 * 1024);
            assert_eq!(refused.json()["fields"]["avatar"][0], "VAL_TOO_LONG");
            feeder.abort();

            // An attachment over its cap: 413, nothing kept, nothing counted.
            let owner = app.user("big-owner@example.com").await;
            let org = app.org(&owner, "Big").await;
            let todo = app.todo(&owner, &org, "Heavy").await;
            let big = vec![1_u8; 100 * 1024];
            let refused = app.attach(&owner, &org, &todo, "big.bin", &big).await;
            assert_error(&refused, StatusCode::PAYLOAD_TOO_LARGE, "VAL_TOO_LONG");
            assert_eq!(app.storage_used(&owner, &org).await, 0);
            assert_eq!(app.stored_bytes(&org).await, 0);
            assert_eq!(pending_removals(&app).await, 0);
        }
    });
}

/// Sends the head of a multipart upload declaring `length` bytes and the first few of them
/// over a raw socket, then reads the answer without sending more: its status line and body.
async fn declared_upload(app: &TestApp, session: &str, length: u64) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut socket = tokio::net::TcpStream::connect(app.addr).await.expect("connected");
    let head = format!(
        "POST /api/avatars/upload HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\
         Cookie: session={session}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {length}\r\n\r\n--{BOUNDARY}\r\n"
    );
    socket.write_all(head.as_bytes()).await.expect("sent");
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 4096];
    let read = async {
        loop {
            let n = socket.read(&mut buffer).await.expect("read");
            answer.extend_from_slice(&buffer[..n]);
            if n == 0 || String::from_utf8_lossy(&answer).contains("requestId") {
                break;
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .expect("answered before the body was sent");
    String::from_utf8_lossy(&answer).into_owned()
}

fn tokio_stream_of(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    futures::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

#[test]
fn a_logo_needs_organization_update_and_counts_in_the_organizations_storage() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let owner = app.user("logo-owner@example.com").await;
            let member = app.user("logo-member@example.com").await;
            let outsider = app.user("logo-outsider@example.com").await;
            let org = app.org(&owner, "Logos").await;
            app.join(&org, &member, Role::Member).await;
            let picture = photo(120, 300);

            let refused = app.logo(&member, &org, &picture).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let refused = app.logo(&outsider, &org, &picture).await;
            assert_error(&refused, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            assert_eq!(app.stored_bytes(&org).await, 0);

            let set = app.logo(&owner, &org, &picture).await;
            assert_eq!(set.status, StatusCode::OK, "{}", set.text());
            let large = set.json()["large"].as_str().expect("large").to_owned();
            assert!(large.starts_with(&format!("/files/orgs/{}/logo/", org.id)), "{large}");
            let stored = app.stored_bytes(&org).await;
            assert!(stored > 0);
            assert_eq!(app.storage_used(&owner, &org).await, stored);
            // Every member sees it where the organization is named.
            let logo = set.json();
            let found = app.get_by(&member, &format!("/api/orgs/by-slug?slug={}", org.slug)).await;
            assert_eq!(found.json()["logo"], logo);
            assert_eq!(app.get_by(&member, "/api/orgs").await.json()[0]["logo"], logo);

            let replaced = app.logo(&owner, &org, &transparent(90)).await;
            assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text());
            assert!(!app.is_stored(&large).await, "the old logo is removed");
            assert_eq!(app.storage_used(&owner, &org).await, app.stored_bytes(&org).await);

            let removed =
                app.post_as(&owner, "/api/orgs/logo/delete", &format!("org={}", org.id)).await;
            assert_eq!(removed.status, StatusCode::OK, "{}", removed.text());
            assert_eq!(app.stored_bytes(&org).await, 0);
            assert_eq!(app.storage_used(&owner, &org).await, 0);
            let found = app.get_by(&owner, &format!("/api/orgs/by-slug?slug={}", org.slug)).await;
            assert!(found.json()["logo"].is_null());
            let audit = app.get_by(&owner, &format!("/api/orgs/audit?org={}", org.id)).await;
            let actions = crate::common::audit_actions(&audit.json()).join(",");
            assert!(actions.contains("organization.logo_changed"), "{actions}");
            assert!(actions.contains("organization.logo_removed"), "{actions}");
        }
    });
}

#[test]
fn attachments_are_listed_downloaded_as_files_and_kept_inside_their_organization() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let owner = app.user("att-owner@example.com").await;
            let viewer = app.user("att-viewer@example.com").await;
            let stranger = app.user("att-stranger@example.com").await;
            let org = app.org(&owner, "Attach").await;
            let other = app.org(&stranger, "Elsewhere").await;
            app.join(&org, &viewer, Role::Viewer).await;
            let todo = app.todo(&owner, &org, "Report").await;
            let content = b"<html><script>alert(1)</script></html>";

            let added =
                app.attach(&owner, &org, &todo, "../../etc/r\u{e9}sum\u{e9}.html", content).await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.text());
            let added = added.json();
            assert_eq!(added["file_name"], "r\u{e9}sum\u{e9}.html");
            assert_eq!(added["size_bytes"], content.len());
            let id = added["id"].as_str().expect("an id").to_owned();

            let listed = app
                .get_by(&viewer, &format!("/api/todos/attachments?org={}&todo={todo}", org.id))
                .await;
            assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
            assert_eq!(listed.json().as_array().map(Vec::len), Some(1));

            let url = added["download_url"].as_str().expect("a download address").to_owned();
            let downloaded = app.get_by(&viewer, &url).await;
            assert_eq!(downloaded.status, StatusCode::OK, "{}", downloaded.text());
            assert_eq!(downloaded.body.as_ref(), content);
            assert_eq!(downloaded.header("content-type"), Some("application/octet-stream"));
            let disposition = downloaded.header("content-disposition").expect("a disposition");
            assert!(disposition.starts_with("attachment;"), "{disposition}");
            assert!(
                disposition.contains("filename*=UTF-8''r%C3%A9sum%C3%A9.html"),
                "{disposition}"
            );
            assert_eq!(downloaded.header("x-content-type-options"), Some("nosniff"));

            // Another organization's member: as if it did not exist.
            let theirs = app.get_by(&stranger, &url).await;
            assert_error(&theirs, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            let crossed = format!("/api/todos/attachments/download?org={}&id={id}", other.id);
            assert_error(
                &app.get_by(&stranger, &crossed).await,
                StatusCode::NOT_FOUND,
                "BIZ_NOT_FOUND",
            );
            let into_theirs = app.attach(&stranger, &other, &todo, "x.txt", b"x").await;
            assert_error(&into_theirs, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            // A viewer reads but does not attach or delete.
            let refused = app.attach(&viewer, &org, &todo, "v.txt", b"v").await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let form = format!("org={}&id={id}", org.id);
            let refused = app.post_as(&viewer, "/api/todos/attachments/delete", &form).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            // Traversal in the ids names nothing.
            for bad in ["../x", "..%2F..%2Fetc", "a/b"] {
                let refused = app.attach(&owner, &org, bad, "t.txt", b"t").await;
                assert!(
                    matches!(refused.status, StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST),
                    "{bad}: {}",
                    refused.text()
                );
            }
            assert_eq!(app.storage_used(&owner, &org).await, app.stored_bytes(&org).await);

            let deleted = app.post_as(&owner, "/api/todos/attachments/delete", &form).await;
            assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
            assert_error(&app.get_by(&owner, &url).await, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            assert_eq!(app.stored_bytes(&org).await, 0);
            assert_eq!(app.storage_used(&owner, &org).await, 0);
        }
    });
}

#[test]
fn attachments_go_with_their_todo_through_delete_undo_and_purge() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let owner = app.user("purge@example.com").await;
            let org = app.org(&owner, "Purge").await;
            let todo = app.todo(&owner, &org, "Doomed").await;
            let added = app.attach(&owner, &org, &todo, "a.txt", b"first file").await;
            assert_eq!(added.status, StatusCode::OK, "{}", added.text());
            let url = added.json()["download_url"].as_str().expect("url").to_owned();
            let list = format!("/api/todos/attachments?org={}&todo={todo}", org.id);

            let deleted = app
                .post_as(&owner, "/api/todos/delete", &format!("org={}&id={todo}", org.id))
                .await;
            assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
            assert_error(&app.get_by(&owner, &list).await, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            assert_error(&app.get_by(&owner, &url).await, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            // Still stored and counted while it can come back.
            assert_eq!(app.stored_bytes(&org).await, 10);
            assert_eq!(app.storage_used(&owner, &org).await, 10);

            let token = deleted.json()["undo_token"].as_str().expect("an undo token").to_owned();
            let undone = app
                .post_as(&owner, "/api/todos/undo", &format!("org={}&token={token}", org.id))
                .await;
            assert_eq!(undone.status, StatusCode::OK, "{}", undone.text());
            assert_eq!(app.get_by(&owner, &url).await.body.as_ref(), b"first file");

            let deleted = app
                .post_as(&owner, "/api/todos/delete", &format!("org={}&id={todo}", org.id))
                .await;
            assert_eq!(deleted.status, StatusCode::OK);
            let later = platform::clock::now_utc() + chrono::Duration::days(365);
            let purged = app::todos::store::purge_deleted(&app.state.platform.db, later).await;
            assert_eq!(purged.expect("purged"), 1);
            assert_eq!(app.storage_used(&owner, &org).await, 0, "released with the purge");
            let removed = app::files::jobs::removals(&app.state.platform).await.expect("ran");
            assert_eq!(removed, 1);
            assert_eq!(app.stored_bytes(&org).await, 0);
            assert_eq!(pending_removals(&app).await, 0);
        }
    });
}

#[test]
fn storage_past_the_plan_is_refused_and_concurrent_uploads_cannot_pass_it_together() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let owner = app.user("full@example.com").await;
            let org = app.org(&owner, "Full").await;
            let todo = app.todo(&owner, &org, "Files").await;
            let first = app.attach(&owner, &org, &todo, "a.txt", b"x").await;
            assert_eq!(first.status, StatusCode::OK, "{}", first.text());
            // The free plan holds 100 MB: pretend 100 MB less 3 KB are in use.
            let limit: i64 = 100_000_000;
            set_storage_used(&app, &org, limit - 3_000).await;
            let bytes = vec![5_u8; 1_000];
            let uploads = (0..5).map(|n| {
                let (app, owner, org, todo, bytes) = (&app, &owner, &org, &todo, &bytes);
                async move { app.attach(owner, org, todo, &format!("{n}.bin"), bytes).await }
            });
            let answers = futures::future::join_all(uploads).await;
            let accepted = answers.iter().filter(|a| a.status == StatusCode::OK).count();
            let refused: Vec<_> =
                answers.iter().filter(|a| a.status == StatusCode::FORBIDDEN).collect();
            assert_eq!(accepted + refused.len(), 5, "{answers:?}");
            assert!(
                (1..=2).contains(&accepted),
                "{} {accepted} accepted: {:?}",
                app.backend(),
                answers.iter().map(TestResponse::text).collect::<Vec<_>>()
            );
            for answer in refused {
                assert_error(answer, StatusCode::FORBIDDEN, "BIZ_LIMIT_EXCEEDED");
                assert_eq!(answer.json()["details"]["limit"], "storage");
                assert_eq!(answer.json()["details"]["max"], limit);
            }
            let used = app.storage_used(&owner, &org).await;
            assert!(used <= limit, "{used}");
            assert_eq!(used, limit - 3_000 + 1_000 * i64::try_from(accepted).expect("n"));
        }
    });
}

async fn set_storage_used(app: &TestApp, org: &TestOrg, bytes: i64) {
    use diesel::{ExpressionMethods as _, QueryDsl as _};
    use platform::db::schema::billing_accounts;
    let db = &app.state.platform.db;
    let set: Result<usize, platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            diesel::update(billing_accounts::table.find(&org.id))
                .set(billing_accounts::storage_bytes.eq(bytes))
                .execute(conn)
                .await?
        }))
    }
    .await;
    assert_eq!(set.expect("set"), 1);
}

#[test]
fn usage_equals_the_bytes_in_storage_after_a_random_sequence_of_changes() {
    block_on(async {
        // On local disk with each database, and on S3 when a server is configured.
        for app in crate::files::apps().await {
            let owner = app.user("random@example.com").await;
            let org = app.org(&owner, "Random").await;
            let mut todos: Vec<String> = Vec::new();
            let mut attachments: Vec<String> = Vec::new();
            // A small linear congruential generator: the same sequence on every run.
            let mut seed: u64 = 0x5eed_f11e;
            let mut next = move |n: u64| {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (seed >> 33) % n
            };
            for step in 0..40 {
                match next(7) {
                    0 | 1 => todos.push(app.todo(&owner, &org, &format!("t{step}")).await),
                    2 | 3 if !todos.is_empty() => {
                        let todo = &todos[usize::try_from(next(todos.len() as u64)).expect("i")];
                        let size = usize::try_from(1 + next(5_000)).expect("size");
                        let added = app.attach(&owner, &org, todo, "f.bin", &vec![1; size]).await;
                        if added.status == StatusCode::OK {
                            attachments.push(added.json()["id"].as_str().expect("id").to_owned());
                        }
                    }
                    4 if !attachments.is_empty() => {
                        let index = usize::try_from(next(attachments.len() as u64)).expect("i");
                        let id = attachments.swap_remove(index);
                        let form = format!("org={}&id={id}", org.id);
                        app.post_as(&owner, "/api/todos/attachments/delete", &form).await;
                    }
                    5 if !todos.is_empty() => {
                        let index = usize::try_from(next(todos.len() as u64)).expect("i");
                        let todo = todos.swap_remove(index);
                        let form = format!("org={}&id={todo}", org.id);
                        let deleted = app.post_as(&owner, "/api/todos/delete", &form).await;
                        let undo = deleted.json()["undo_token"].as_str().map(str::to_owned);
                        if next(2) == 0
                            && let Some(token) = undo
                        {
                            let form = format!("org={}&token={token}", org.id);
                            app.post_as(&owner, "/api/todos/undo", &form).await;
                            todos.push(todo);
                        }
                    }
                    _ => {
                        let logo = if next(2) == 0 {
                            photo(50 + step, 40)
                        } else {
                            transparent(30 + step)
                        };
                        app.logo(&owner, &org, &logo).await;
                    }
                }
                if step % 10 == 9 {
                    let later = platform::clock::now_utc() + chrono::Duration::days(365);
                    app::todos::store::purge_deleted(&app.state.platform.db, later)
                        .await
                        .expect("purged");
                    app::files::jobs::removals(&app.state.platform).await.expect("ran");
                }
                assert_eq!(
                    app.storage_used(&owner, &org).await,
                    app.stored_bytes(&org).await,
                    "after step {step}"
                );
            }
        }
    });
}

#[test]
fn deleting_an_organization_or_an_account_removes_its_files() {
    block_on(async {
        for app in crate::files::apps().await {
            let owner = app.user("leaving@example.com").await;
            let org = app.org(&owner, "Leaving").await;
            let todo = app.todo(&owner, &org, "Last").await;
            let attached = app.attach(&owner, &org, &todo, "a.txt", b"attached").await;
            assert_eq!(attached.status, StatusCode::OK, "{}", attached.text());
            let logo = app.logo(&owner, &org, &photo(40, 40)).await;
            assert_eq!(logo.status, StatusCode::OK, "{}", logo.text());
            let avatar = app.avatar(&owner, &photo(40, 40)).await;
            assert_eq!(avatar.status, StatusCode::OK, "{}", avatar.text());
            let picture = avatar.json()["small"].as_str().expect("small").to_owned();
            assert!(app.stored_bytes(&org).await > 0);

            let deleted = app.post_as(&owner, "/api/orgs/delete", &format!("org={}", org.id)).await;
            assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.text());
            assert_eq!(app.stored_bytes(&org).await, 0, "its logo and attachments are gone");
            assert!(app.is_stored(&picture).await, "the owner's picture stays");

            let form = format!("password={}", crate::common::encode(crate::common::PASSWORD));
            let gone = app.post_as(&owner, "/api/account/delete", &form).await;
            assert_eq!(gone.status, StatusCode::OK, "{}", gone.text());
            assert!(!app.is_stored(&picture).await, "the account's picture is gone");
            assert_eq!(pending_removals(&app).await, 0);
        }
    });
}
