//! Platform administration over HTTP, on SQLite and on PostgreSQL (+ Redis): who is an
//! administrator, the accounts and organizations tables, bans, ending sessions and
//! impersonation.

use crate::common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, assert_error, block_on, encode, session_cookie};
use diesel::{ExpressionMethods, QueryDsl};
use platform::db::schema::sessions;

const ADMIN: &str = "root@example.com";

async fn apps() -> Vec<TestApp> {
    TestApp::each_backend_with(|config| config.admin_emails = vec![ADMIN.to_owned()]).await
}

async fn sign_in(app: &TestApp, email: &str) -> common::TestResponse {
    let form = format!("email={}&password={}", encode(email), encode(PASSWORD));
    app.call("/api/auth/sign-in", &form, None).await
}

/// Whether `cookie` still belongs to a live session (`/api/auth/me` answers `null` otherwise).
async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    !app.get_as("/api/auth/me", Some(cookie)).await.json().is_null()
}

fn actions(events: &serde_json::Value) -> Vec<String> {
    events
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["action"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn only_confirmed_admin_addresses_administer() {
    block_on(async {
        for app in apps().await {
            let backend = app.backend();
            let user = app.user("alice@example.com").await;
            let denied = app.get_by(&user, "/api/admin/users").await;
            assert_error(&denied, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(denied.json()["details"]["permission"], "platform:admin");
            assert_error(
                &app.get_as("/api/admin/users", None).await,
                StatusCode::UNAUTHORIZED,
                "AUTH_UNAUTHENTICATED",
            );

            // The listed address counts only once confirmed.
            let admin = app.user(ADMIN).await;
            assert_eq!(app.get_by(&admin, "/api/auth/me").await.json()["is_admin"], false);
            assert_error(
                &app.get_by(&admin, "/api/admin/users").await,
                StatusCode::FORBIDDEN,
                "AUTH_FORBIDDEN",
            );
            app.verify(ADMIN).await;
            assert_eq!(
                app.get_by(&admin, "/api/auth/me").await.json()["is_admin"],
                true,
                "{backend}"
            );

            let page = app.get_by(&admin, "/api/admin/users").await;
            assert_eq!(page.status, StatusCode::OK, "{backend}: {}", page.text());
            assert_eq!(page.json()["total"], 2);
            let found = app.get_by(&admin, "/api/admin/users?q=ALI").await.json();
            assert_eq!(found["total"], 1, "{backend}");
            assert_eq!(found["users"][0]["email"], "alice@example.com");
            // Wildcards are literal.
            assert_eq!(
                app.get_by(&admin, "/api/admin/users?q=%25").await.json()["total"],
                0,
                "{backend}"
            );
            let empty = app.get_by(&admin, "/api/admin/users?page=2").await;
            assert_eq!(empty.json()["users"], serde_json::json!([]), "{}", empty.text());
            let bad = app.get_by(&admin, "/api/admin/users?page=0").await;
            assert_error(&bad, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");

            // Organizations with member counts and plan.
            let alice_co = app.org(&user, "Alice Co").await;
            let orgs = app.get_by(&admin, "/api/admin/orgs?q=alice-co").await.json();
            assert_eq!(orgs["total"], 1, "{backend}");
            assert_eq!(orgs["orgs"][0]["members"], 1);
            assert_eq!(orgs["orgs"][0]["plan"], "free");
            app.subscribe(&user, &alice_co, "pro").await;
            let orgs = app.get_by(&admin, "/api/admin/orgs?q=alice-co").await.json();
            assert_eq!(orgs["orgs"][0]["plan"], "pro");
            assert_eq!(
                app.get_by(&admin, "/api/admin/users?q=alice").await.json()["users"][0]["organizations"],
                1
            );
        }
    });
}

#[test]
fn a_ban_ends_sessions_and_refuses_sign_in_until_lifted() {
    block_on(async {
        for app in apps().await {
            let backend = app.backend();
            let admin = app.user(ADMIN).await;
            app.verify(ADMIN).await;
            let alice = app.user("alice@example.com").await;

            let no_reason = app
                .post_as(
                    &admin,
                    "/api/admin/users/ban",
                    &format!("user_id={}&reason=&days=", alice.id),
                )
                .await;
            assert_error(&no_reason, StatusCode::BAD_REQUEST, "VAL_REQUIRED_FIELD");
            let bad_days = app
                .post_as(
                    &admin,
                    "/api/admin/users/ban",
                    &format!("user_id={}&reason=Spam&days=forever", alice.id),
                )
                .await;
            assert_error(&bad_days, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            assert!(signed_in(&app, &alice.session).await, "{backend}: unchanged");
            let myself = app
                .post_as(
                    &admin,
                    "/api/admin/users/ban",
                    &format!("user_id={}&reason=Oops&days=", admin.id),
                )
                .await;
            assert_error(&myself, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(myself.json()["details"]["reason"], "admin_account");

            let banned = app
                .post_as(
                    &admin,
                    "/api/admin/users/ban",
                    &format!("user_id={}&reason=Spam&days=7", alice.id),
                )
                .await;
            assert_eq!(banned.status, StatusCode::OK, "{backend}: {}", banned.text());
            assert!(!signed_in(&app, &alice.session).await, "{backend}: sessions ended");
            let refused = sign_in(&app, "alice@example.com").await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(refused.json()["details"]["reason"], "banned");
            let listed = app.get_by(&admin, "/api/admin/users?q=alice").await.json();
            assert_eq!(listed["users"][0]["banned"]["reason"], "Spam", "{backend}");
            assert!(listed["users"][0]["banned"]["until"].is_string());

            let unbanned = app
                .post_as(&admin, "/api/admin/users/unban", &format!("user_id={}", alice.id))
                .await;
            assert_eq!(unbanned.status, StatusCode::OK, "{backend}: {}", unbanned.text());
            let again = sign_in(&app, "alice@example.com").await;
            assert_eq!(again.status, StatusCode::OK, "{backend}: {}", again.text());

            // Ending every session of an account.
            let alice_again = session_cookie(&again).expect("a session");
            let ended = app
                .post_as(
                    &admin,
                    "/api/admin/users/revoke-sessions",
                    &format!("user_id={}", alice.id),
                )
                .await;
            assert_eq!(ended.json(), 1, "{backend}");
            assert!(!signed_in(&app, &alice_again).await, "{backend}");

            let events = app.get_by(&admin, "/api/admin/events").await.json();
            assert_eq!(
                actions(&events),
                ["user.sessions_revoked", "user.unbanned", "user.banned"],
                "{backend}"
            );
            assert_eq!(events[2]["target"], "alice@example.com");
            assert_eq!(events[2]["actor"], ADMIN);
        }
    });
}

#[test]
fn impersonation_is_marked_short_and_recorded() {
    block_on(async {
        for app in apps().await {
            let backend = app.backend();
            let admin = app.user(ADMIN).await;
            app.verify(ADMIN).await;
            let bob = app.user("bob@example.com").await;

            let started =
                app.post_as(&admin, "/api/admin/impersonate", &format!("user_id={}", bob.id)).await;
            assert_eq!(started.status, StatusCode::OK, "{backend}: {}", started.text());
            let acting = session_cookie(&started).expect("an impersonation session");
            let me = app.get_as("/api/auth/me", Some(&acting)).await.json();
            assert_eq!(me["email"], "bob@example.com", "{backend}");
            assert_eq!(me["impersonated_by"], ADMIN);
            assert_eq!(me["is_admin"], false);
            // The administrator's own session ended; the impersonation cannot administer.
            assert!(!signed_in(&app, &admin.session).await, "{backend}");
            assert_error(
                &app.get_as("/api/admin/users", Some(&acting)).await,
                StatusCode::FORBIDDEN,
                "AUTH_FORBIDDEN",
            );
            // It lasts an hour at most.
            let lifetime = impersonation_lifetime(&app).await;
            assert!(
                lifetime <= chrono::Duration::hours(1) && lifetime > chrono::Duration::minutes(59),
                "{lifetime}"
            );
            // Bob's own session is untouched.
            assert_eq!(
                app.get_by(&bob, "/api/auth/me").await.json()["impersonated_by"],
                serde_json::Value::Null
            );

            let not_acting = app.post_as(&bob, "/api/admin/impersonate/stop", "").await;
            assert_error(&not_acting, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let stopped = app.call("/api/admin/impersonate/stop", "", Some(&acting)).await;
            assert_eq!(stopped.status, StatusCode::OK, "{backend}: {}", stopped.text());
            let back = session_cookie(&stopped).expect("the administrator's session");
            let me = app.get_as("/api/auth/me", Some(&back)).await.json();
            assert_eq!(me["email"], ADMIN, "{backend}");
            assert_eq!(me["is_admin"], true);
            assert!(!signed_in(&app, &acting).await, "{backend}");

            let events = app.get_as("/api/admin/events", Some(&back)).await.json();
            assert_eq!(
                actions(&events),
                ["impersonation.stopped", "impersonation.started"],
                "{backend}"
            );
            assert_eq!(events[0]["target"], "bob@example.com");
        }
    });
}

/// How long the (only) impersonation session was given.
async fn impersonation_lifetime(app: &TestApp) -> chrono::Duration {
    let db = &app.state.platform.db;
    let times: Result<(chrono::NaiveDateTime, chrono::NaiveDateTime), platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            sessions::table
                .filter(sessions::impersonator_id.is_not_null())
                .select((sessions::created_at, sessions::expires_at))
                .first(conn)
                .await?
        }))
    }
    .await;
    let (created, expires) = times.expect("an impersonation session");
    expires - created
}
