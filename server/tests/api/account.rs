//! Account settings over HTTP, on SQLite and on PostgreSQL (+ Redis): profile, sessions,
//! password, address and deletion — the happy paths, the refusals, and that refusals change
//! nothing.

use crate::common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, TestResponse, assert_error, block_on, encode, session_cookie};

async fn me(app: &TestApp, cookie: &str) -> serde_json::Value {
    app.get_as("/api/auth/me", Some(cookie)).await.json()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> TestResponse {
    let form = format!("email={}&password={}", encode(email), encode(password));
    app.call("/api/auth/sign-in", &form, None).await
}

#[test]
fn settings_need_a_session() {
    block_on(async {
        for app in TestApp::each_backend().await {
            for (uri, form) in [
                ("/api/account/profile", "name=X&locale=en"),
                ("/api/account/password", "current_password=a&new_password=bbbbbbbb"),
                ("/api/account/email", "new_email=x%40example.com&password=a"),
                ("/api/account/delete", "password=a"),
                ("/api/account/sessions/revoke", "id=x"),
                ("/api/account/sessions/revoke-others", ""),
            ] {
                let response = app.call(uri, form, None).await;
                assert_error(&response, StatusCode::UNAUTHORIZED, "AUTH_UNAUTHENTICATED");
            }
            let list = app.get("/api/account/sessions").await;
            assert_error(&list, StatusCode::UNAUTHORIZED, "AUTH_UNAUTHENTICATED");
        }
    });
}

#[test]
fn the_profile_sets_name_and_language() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let account = app.user("profile@example.com").await;
            let bad = app.post_as(&account, "/api/account/profile", "name=&locale=fr").await;
            assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
            assert_eq!(bad.json()["fields"]["name"][0], "VAL_REQUIRED_FIELD");
            assert_eq!(bad.json()["fields"]["locale"][0], "VAL_INVALID_FORMAT");
            assert_eq!(
                me(&app, &account.session).await["name"],
                "Test User",
                "{backend}: unchanged"
            );

            let saved =
                app.post_as(&account, "/api/account/profile", "name=+Ada+L.+&locale=es").await;
            assert_eq!(saved.status, StatusCode::OK, "{backend}: {}", saved.text());
            assert!(saved.header("set-cookie").is_some_and(|c| c.starts_with("lang=es")));
            let user = me(&app, &account.session).await;
            assert_eq!(user["name"], "Ada L.", "{backend}: cached session refreshed");
            assert_eq!(user["locale"], "es", "{backend}");

            // The language picker of a signed-in user writes the profile too.
            let picked = app.post_as(&account, "/api/preferences/locale", "locale=en").await;
            assert_eq!(picked.status, StatusCode::OK, "{backend}");
            assert_eq!(me(&app, &account.session).await["locale"], "en", "{backend}");
        }
    });
}

#[test]
fn the_browser_stores_a_time_zone_of_the_iana_database() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let anonymous = app.call("/api/preferences/time-zone", "time_zone=UTC", None).await;
            assert_error(&anonymous, StatusCode::UNAUTHORIZED, "AUTH_UNAUTHENTICATED");

            let account = app.user("zone@example.com").await;
            let user = me(&app, &account.session).await;
            assert_eq!(user["time_zone"], serde_json::Value::Null, "{backend}: UTC until reported");

            let stored = app
                .post_as(&account, "/api/preferences/time-zone", "time_zone=America%2FNew_York")
                .await;
            assert_eq!(stored.status, StatusCode::OK, "{backend}: {}", stored.text());
            assert_eq!(stored.json(), "America/New_York", "{backend}");
            // The cached session was refreshed: the next page renders in the new zone.
            assert_eq!(
                me(&app, &account.session).await["time_zone"],
                "America/New_York",
                "{backend}"
            );

            let too_long = format!("time_zone={}", "A".repeat(65));
            for (form, code) in [
                ("time_zone=Mars%2FOlympus", "VAL_INVALID_FORMAT"),
                ("time_zone=America%2FNew_York%00", "VAL_INVALID_FORMAT"),
                ("time_zone=", "VAL_REQUIRED_FIELD"),
                (too_long.as_str(), "VAL_TOO_LONG"),
            ] {
                let refused = app.post_as(&account, "/api/preferences/time-zone", form).await;
                assert_error(&refused, StatusCode::BAD_REQUEST, code);
                assert_eq!(refused.json()["fields"]["time_zone"][0], code, "{backend}: {form}");
            }
            assert_eq!(
                me(&app, &account.session).await["time_zone"],
                "America/New_York",
                "{backend}: a refusal changes nothing"
            );
        }
    });
}

#[test]
fn sessions_are_listed_and_revoked_one_by_one_or_all_others() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let first = app.user("sessions@example.com").await;
            let second = session_cookie(&sign_in(&app, "sessions@example.com", PASSWORD).await)
                .expect("second");
            let third = session_cookie(&sign_in(&app, "sessions@example.com", PASSWORD).await)
                .expect("third");
            let stranger = app.user("stranger@example.com").await;

            let list = app.get_by(&first, "/api/account/sessions").await.json();
            let list = list.as_array().expect("a list");
            assert_eq!(list.len(), 3, "{backend}");
            assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1, "{backend}");
            // This device first, though it signed in before the other two.
            assert_eq!(list[0]["current"], true, "{backend}");
            assert!(list.iter().all(|s| s.get("token_hash").is_none()), "{backend}: no secrets");
            let second_id = app
                .get_as("/api/account/sessions", Some(&second))
                .await
                .json()
                .as_array()
                .expect("list")
                .iter()
                .find(|s| s["current"] == true)
                .expect("current")["id"]
                .as_str()
                .expect("id")
                .to_owned();
            let stranger_id = app.get_by(&stranger, "/api/account/sessions").await.json()[0]["id"]
                .as_str()
                .expect("id")
                .to_owned();

            let foreign = app
                .post_as(&first, "/api/account/sessions/revoke", &format!("id={stranger_id}"))
                .await;
            assert_error(&foreign, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            assert_eq!(
                me(&app, &stranger.session).await["email"],
                "stranger@example.com",
                "{backend}"
            );

            let revoked = app
                .post_as(&first, "/api/account/sessions/revoke", &format!("id={second_id}"))
                .await;
            assert_eq!(revoked.status, StatusCode::OK, "{backend}: {}", revoked.text());
            assert_eq!(me(&app, &second).await, serde_json::Value::Null, "{backend}");
            assert_eq!(me(&app, &third).await["email"], "sessions@example.com", "{backend}");

            let others = app.post_as(&first, "/api/account/sessions/revoke-others", "").await;
            assert_eq!(others.json(), 1, "{backend}");
            assert_eq!(me(&app, &third).await, serde_json::Value::Null, "{backend}");
            assert_eq!(
                me(&app, &first.session).await["email"],
                "sessions@example.com",
                "{backend}"
            );
        }
    });
}

#[test]
fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let current = app.user("pw@example.com").await;
            let other =
                session_cookie(&sign_in(&app, "pw@example.com", PASSWORD).await).expect("other");

            let wrong = app
                .post_as(
                    &current,
                    "/api/account/password",
                    "current_password=nope-nope&new_password=another+long+one",
                )
                .await;
            assert_error(&wrong, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            assert_eq!(wrong.json()["fields"]["current_password"][0], "AUTH_INVALID_CREDENTIALS");
            assert_eq!(me(&app, &other).await["email"], "pw@example.com", "{backend}: unchanged");

            let form =
                format!("current_password={}&new_password=another+long+one", encode(PASSWORD));
            let changed = app.post_as(&current, "/api/account/password", &form).await;
            assert_eq!(changed.status, StatusCode::OK, "{backend}: {}", changed.text());
            let renewed = session_cookie(&changed).expect("a new token for this session");
            assert_eq!(
                me(&app, &current.session).await,
                serde_json::Value::Null,
                "{backend}: old token dead"
            );
            assert_eq!(me(&app, &other).await, serde_json::Value::Null, "{backend}: others ended");
            assert_eq!(me(&app, &renewed).await["email"], "pw@example.com", "{backend}");
            assert_eq!(
                sign_in(&app, "pw@example.com", PASSWORD).await.status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                sign_in(&app, "pw@example.com", "another long one").await.status,
                StatusCode::OK
            );
        }
    });
}

#[test]
fn a_new_address_is_used_once_it_is_confirmed() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let account = app.user("old@example.com").await;
            app.user("taken@example.com").await;
            let pw = encode(PASSWORD);

            let wrong = app
                .post_as(
                    &account,
                    "/api/account/email",
                    "new_email=new%40example.com&password=bad-pass",
                )
                .await;
            assert_error(&wrong, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            let same = app
                .post_as(
                    &account,
                    "/api/account/email",
                    &format!("new_email=OLD%40example.com&password={pw}"),
                )
                .await;
            assert_error(&same, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let duplicate = app
                .post_as(
                    &account,
                    "/api/account/email",
                    &format!("new_email=taken%40example.com&password={pw}"),
                )
                .await;
            assert_error(&duplicate, StatusCode::CONFLICT, "BIZ_DUPLICATE_ENTRY");
            assert!(app.mails_to("new@example.com").is_empty(), "{backend}");

            let asked = app
                .post_as(
                    &account,
                    "/api/account/email",
                    &format!("new_email=New%40example.com&password={pw}"),
                )
                .await;
            assert_eq!(asked.status, StatusCode::OK, "{backend}: {}", asked.text());
            assert_eq!(
                me(&app, &account.session).await["email"],
                "old@example.com",
                "{backend}: not before confirming"
            );
            let mail = app.wait_for_mail("new@example.com", 1).await;
            let link = mail.link("/confirm-email").expect("a confirmation link");
            let token = link.split("token=").nth(1).expect("token").to_owned();

            let confirmed =
                app.call("/api/account/email/confirm", &format!("token={token}"), None).await;
            assert_eq!(confirmed.status, StatusCode::OK, "{backend}: {}", confirmed.text());
            let user = me(&app, &account.session).await;
            assert_eq!(user["email"], "new@example.com", "{backend}");
            assert_eq!(user["email_verified"], true, "{backend}");
            let again =
                app.call("/api/account/email/confirm", &format!("token={token}"), None).await;
            assert_error(&again, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(
                sign_in(&app, "old@example.com", PASSWORD).await.status,
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(sign_in(&app, "new@example.com", PASSWORD).await.status, StatusCode::OK);
            let notice = app.wait_for_mail("old@example.com", 2).await;
            assert_eq!(notice.subject, "Your email address was changed", "{backend}");
            assert!(notice.body.contains("new@example.com"), "{backend}");
        }
    });
}

#[test]
fn deleting_the_account_needs_the_password_and_removes_everything() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let account = app.user("gone@example.com").await;
            let other =
                session_cookie(&sign_in(&app, "gone@example.com", PASSWORD).await).expect("other");

            let wrong = app.post_as(&account, "/api/account/delete", "password=wrong-pass").await;
            assert_error(&wrong, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            assert_eq!(
                me(&app, &account.session).await["email"],
                "gone@example.com",
                "{backend}: still there"
            );

            let deleted = app
                .post_as(&account, "/api/account/delete", &format!("password={}", encode(PASSWORD)))
                .await;
            assert_eq!(deleted.status, StatusCode::OK, "{backend}: {}", deleted.text());
            assert!(deleted.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")));
            assert_eq!(me(&app, &account.session).await, serde_json::Value::Null, "{backend}");
            assert_eq!(me(&app, &other).await, serde_json::Value::Null, "{backend}");
            assert_eq!(
                sign_in(&app, "gone@example.com", PASSWORD).await.status,
                StatusCode::UNAUTHORIZED
            );
            // The address is free again.
            app.sign_up("gone@example.com", PASSWORD).await;
        }
    });
}
