//! `/api/ws/todos` over real sockets, on SQLite (in-process fan-out) and on PostgreSQL with
//! Redis (fan-out across instances): who may connect, and that every event of an
//! organization reaches every socket of that organization and none of another.

use crate::common;

use app::orgs::permissions::Role;

use std::time::Duration;

use axum::http::StatusCode;
use common::{TestApp, TestUser, block_on};
use futures::StreamExt as _;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Error as WsError, Message, client::IntoClientRequest as _},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The handshake request for `org` with the session `cookie` and a same-site `Origin`.
fn handshake(
    app: &TestApp,
    org: &str,
    cookie: Option<&str>,
    origin: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    feed_handshake(app, "todos", org, cookie, origin)
}

/// [`handshake`] of feed `/api/ws/{feed}`.
fn feed_handshake(
    app: &TestApp,
    feed: &str,
    org: &str,
    cookie: Option<&str>,
    origin: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut request = format!("ws://{}/api/ws/{feed}?org={org}", app.addr)
        .into_client_request()
        .expect("request");
    let headers = request.headers_mut();
    headers.insert("origin", origin.parse().expect("origin"));
    if let Some(cookie) = cookie {
        headers.insert("cookie", format!("session={cookie}").parse().expect("cookie"));
    }
    request
}

/// A socket for `org` that has received its `ready` frame.
async fn connect(app: &TestApp, org: &str, user: &TestUser) -> Socket {
    let origin = format!("http://{}", app.addr);
    let (mut socket, _) =
        connect_async(handshake(app, org, Some(&user.session), &origin)).await.expect("handshake");
    let ready = next_event(&mut socket).await.expect("a ready frame");
    assert_eq!(ready, serde_json::json!({"type": "ready"}));
    socket
}

/// The next JSON text frame, or `None` when none comes within a second.
async fn next_event(socket: &mut Socket) -> Option<serde_json::Value> {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(1), socket.next()).await.ok()??;
        match frame.expect("a frame") {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("JSON")),
            Message::Close(frame) => panic!("closed: {frame:?}"),
            _ => {}
        }
    }
}

/// The status and error code of a refused handshake.
async fn refused(app: &TestApp, org: &str, cookie: Option<&str>, origin: &str) -> (u16, String) {
    match connect_async(handshake(app, org, cookie, origin)).await {
        Ok(_) => panic!("the handshake for {org} was accepted"),
        Err(WsError::Http(response)) => {
            let body: serde_json::Value =
                serde_json::from_slice(response.body().as_deref().unwrap_or_default())
                    .expect("a JSON error");
            (response.status().as_u16(), body["code"].as_str().unwrap_or_default().to_owned())
        }
        Err(error) => panic!("unexpected handshake failure: {error}"),
    }
}

fn event(kind: &str, ids: &[&str], actor: &str) -> serde_json::Value {
    serde_json::json!({"type": kind, "ids": ids, "actor": actor})
}

#[test]
fn the_handshake_needs_a_same_site_member_with_read_access() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.user("owner@example.com").await;
            let org = app.org(&owner, "Realtime").await.id;
            let stranger = app.user("stranger@example.com").await;
            let same_site = format!("http://{}", app.addr);

            assert_eq!(
                refused(&app, &org, None, &same_site).await,
                (401, "AUTH_UNAUTHENTICATED".to_owned()),
                "{backend}"
            );
            assert_eq!(
                refused(&app, &org, Some(&owner.session), "https://evil.example").await,
                (403, "AUTH_FORBIDDEN".to_owned()),
                "{backend}: another site's page must not read the stream"
            );
            // Not a member: the same answer as for an organization that does not exist.
            assert_eq!(
                refused(&app, &org, Some(&stranger.session), &same_site).await,
                (404, "BIZ_NOT_FOUND".to_owned()),
                "{backend}"
            );
            let (status, code) = refused(&app, "", Some(&owner.session), &same_site).await;
            assert_eq!((status, code.starts_with("VAL_")), (400, true), "{backend}: {code}");

            // A plain GET (no upgrade) is a typed error too.
            let plain = app.get_by(&owner, &format!("/api/ws/todos?org={org}")).await;
            assert_eq!(plain.status, StatusCode::BAD_REQUEST, "{backend}");
            assert_eq!(plain.json()["details"]["reason"], "websocket_expected", "{backend}");

            // A viewer reads, so a viewer listens.
            let viewer = app.user("viewer@example.com").await;
            app.add_member(&org, &viewer.id, Role::Viewer).await;
            let mut socket = connect(&app, &org, &viewer).await;
            socket.close(None).await.expect("close");
        }
    });
}

#[test]
fn every_socket_of_the_organization_gets_each_event_and_no_other_organization_does() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.user("owner@example.com").await;
            let owner_id = owner.id.clone();
            let org_a = app.org(&owner, "Alpha").await.id;
            let member = app.user("member@example.com").await;
            app.add_member(&org_a, &member.id, Role::Member).await;
            let outsider = app.user("outsider@example.com").await;
            let org_b = app.org(&outsider, "Beta").await.id;

            let mut first = connect(&app, &org_a, &owner).await;
            let mut second = connect(&app, &org_a, &member).await;
            let mut other = connect(&app, &org_b, &outsider).await;

            let created = app
                .post_as(&owner, "/api/todos/create", &format!("org={org_a}&title=Ship+it"))
                .await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.text());
            let id = created.json()["id"].as_str().expect("id").to_owned();
            let expected = event("created", &[&id], &owner_id);
            assert_eq!(next_event(&mut first).await, Some(expected.clone()), "{backend}");
            assert_eq!(next_event(&mut second).await, Some(expected), "{backend}");

            let form = format!("org={org_a}&id={id}");
            let toggled = app.post_as(&owner, "/api/todos/toggle", &form).await;
            assert_eq!(toggled.status, StatusCode::OK, "{}", toggled.text());
            let deleted = app.post_as(&owner, "/api/todos/delete", &form).await;
            let token = deleted.json()["undo_token"].as_str().expect("token").to_owned();
            let undone =
                app.post_as(&owner, "/api/todos/undo", &format!("org={org_a}&token={token}")).await;
            assert_eq!(undone.status, StatusCode::OK, "{}", undone.text());
            for kind in ["updated", "deleted", "restored"] {
                let expected = event(kind, &[&id], &owner_id);
                assert_eq!(next_event(&mut first).await, Some(expected.clone()), "{backend}");
                assert_eq!(next_event(&mut second).await, Some(expected), "{backend}");
            }

            // Organization B's socket heard none of it, and hears its own.
            assert_eq!(
                next_event(&mut other).await,
                None,
                "{backend}: an event crossed organizations"
            );
            let theirs = app
                .post_as(&outsider, "/api/todos/create", &format!("org={org_b}&title=Theirs"))
                .await;
            let theirs = theirs.json()["id"].as_str().expect("id").to_owned();
            let outsider_id = outsider.id.clone();
            assert_eq!(
                next_event(&mut other).await,
                Some(event("created", &[&theirs], &outsider_id)),
                "{backend}"
            );
            assert_eq!(next_event(&mut first).await, None, "{backend}: B's event reached A");

            // A refused change publishes nothing.
            let viewer = app.user("viewer@example.com").await;
            app.add_member(&org_a, &viewer.id, Role::Viewer).await;
            let refused = app.post_as(&viewer, "/api/todos/toggle", &form).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{backend}");
            assert_eq!(next_event(&mut first).await, None, "{backend}");
        }
    });
}

#[test]
fn with_redis_a_change_on_one_instance_reaches_sockets_on_another() {
    block_on(async {
        for app in TestApp::each_backend().await {
            if app.state.platform.config.redis_url.is_none() {
                continue;
            }
            let other_instance = app.another_instance().await;
            let owner = app.user("owner@example.com").await;
            let owner_id = owner.id.clone();
            let org = app.org(&owner, "Scaled").await.id;
            let outsider = app.user("outsider@example.com").await;
            let org_b = app.org(&outsider, "Elsewhere").await.id;

            let mut here = connect(&app, &org, &owner).await;
            let mut there = connect(&other_instance, &org, &owner).await;
            let mut there_too = connect(&other_instance, &org, &owner).await;
            let mut foreign = connect(&other_instance, &org_b, &outsider).await;

            let created = other_instance
                .post_as(&owner, "/api/todos/create", &format!("org={org}&title=Across"))
                .await;
            let id = created.json()["id"].as_str().expect("id").to_owned();
            let expected = event("created", &[&id], &owner_id);
            assert_eq!(next_event(&mut here).await, Some(expected.clone()));
            assert_eq!(next_event(&mut there).await, Some(expected.clone()));
            assert_eq!(next_event(&mut there_too).await, Some(expected));

            let bulk = app
                .json_as(
                    &owner,
                    "/api/todos/bulk-complete",
                    &serde_json::json!({"org": org, "ids": [id]}),
                )
                .await;
            assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.text());
            let expected = event("updated", &[&id], &owner_id);
            assert_eq!(next_event(&mut there).await, Some(expected.clone()));
            assert_eq!(next_event(&mut here).await, Some(expected));
            assert_eq!(next_event(&mut foreign).await, None, "an event crossed organizations");
        }
    });
}

/// The close code the server ends `socket` with, waiting up to five seconds.
async fn close_code(socket: &mut Socket) -> Option<u16> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next()).await.ok()??;
        if let Ok(Message::Close(frame)) = frame {
            return frame.map(|frame| u16::from(frame.code));
        }
    }
}

#[test]
fn a_socket_closes_when_its_member_is_removed_or_its_session_ends() {
    block_on(async {
        let apps = TestApp::each_backend_with(|config| {
            config.realtime_recheck = Duration::from_secs(1);
        })
        .await;
        for app in apps {
            let backend = app.backend();
            let owner = app.user("owner@example.com").await;
            let org = app.org(&owner, "Rechecked").await.id;
            let member = app.user("member@example.com").await;
            let member_id = member.id.clone();
            app.add_member(&org, &member_id, Role::Member).await;

            let mut removed = connect(&app, &org, &member).await;
            let mut signed_out = connect(&app, &org, &owner).await;
            let removal = app
                .post_as(
                    &owner,
                    "/api/orgs/members/remove",
                    &format!("org={org}&user_id={member_id}"),
                )
                .await;
            assert_eq!(removal.status, StatusCode::OK, "{}", removal.text());
            assert_eq!(close_code(&mut removed).await, Some(4403), "{backend}: a removed member");

            let out = app.post_as(&owner, "/api/auth/sign-out", "").await;
            assert_eq!(out.status, StatusCode::OK, "{}", out.text());
            assert_eq!(
                close_code(&mut signed_out).await,
                Some(4401),
                "{backend}: a signed-out session"
            );
        }
    });
}

#[test]
fn the_billing_feed_tells_its_members_of_every_change_and_no_one_else() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let owner = app.user("owner@example.com").await;
            let org = app.org(&owner, "Paying Co").await;
            let viewer = app.user("viewer@example.com").await;
            app.join(&org, &viewer, Role::Viewer).await;
            let other_owner = app.user("other@example.com").await;
            let other = app.org(&other_owner, "Other Co").await;
            let origin = format!("http://{}", app.addr);

            // Anyone who may read the billing page: a viewer too. An outsider: as for reads.
            let request = feed_handshake(&app, "billing", &org.id, Some(&viewer.session), &origin);
            let (mut socket, _) = connect_async(request).await.expect("handshake");
            assert_eq!(next_event(&mut socket).await, Some(serde_json::json!({"type": "ready"})));
            let request =
                feed_handshake(&app, "billing", &org.id, Some(&other_owner.session), &origin);
            match connect_async(request).await {
                Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 404),
                other => panic!("an outsider's handshake: {other:?}"),
            }

            // Another organization's change says nothing here; this one's is told.
            app.subscribe(&other_owner, &other, "pro").await;
            assert_eq!(next_event(&mut socket).await, None, "{}", app.backend());
            app.subscribe(&owner, &org, "pro").await;
            assert_eq!(next_event(&mut socket).await, Some(serde_json::json!({"type": "changed"})));
            let cancel =
                app.post_as(&owner, "/api/billing/cancel", &format!("org={}", org.id)).await;
            assert_eq!(cancel.status, StatusCode::OK);
            // Drained: every change was told at least once.
            let mut told = 0;
            while let Some(event) = next_event(&mut socket).await {
                assert_eq!(event, serde_json::json!({"type": "changed"}));
                told += 1;
            }
            assert!(told >= 1, "{}", app.backend());
        }
    });
}
