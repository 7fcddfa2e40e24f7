//! Accounts end to end over HTTP, on SQLite and on PostgreSQL (+ Redis when configured): every
//! flow's happy path and its failures, each checking the code, the status and that nothing
//! changed.

use crate::common;

use axum::http::{StatusCode, header};
use common::{
    PASSWORD, TestApp, assert_error, block_on, encode, form_request, session_cookie, token_of,
    without_request_id,
};
use diesel::ExpressionMethods;
use platform::db::schema::{auth_tokens, sessions, users};

async fn count(app: &TestApp, table: &str) -> i64 {
    use diesel::QueryDsl;
    let db = &app.state.platform.db;
    let result: Result<i64, platform::DbError> = async {
        Ok(match table {
            "users" => {
                platform::with_conn!(db, conn => users::table.count().get_result(conn).await?)
            }
            "sessions" => {
                platform::with_conn!(db, conn => sessions::table.count().get_result(conn).await?)
            }
            _ => {
                platform::with_conn!(db, conn => auth_tokens::table.count().get_result(conn).await?)
            }
        })
    }
    .await;
    result.expect("count")
}

async fn expire_tokens(app: &TestApp) {
    let db = &app.state.platform.db;
    let past = platform::clock::now_utc() - chrono::Duration::minutes(1);
    let result: Result<(), platform::DbError> = async {
        platform::with_conn!(db, conn => {
            diesel::update(auth_tokens::table).set(auth_tokens::expires_at.eq(past)).execute(conn).await?;
        });
        Ok(())
    }
    .await;
    result.expect("expire tokens");
}

async fn me(app: &TestApp, cookie: &str) -> serde_json::Value {
    let response = app.get_as("/api/auth/me", Some(cookie)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

#[test]
fn sign_up_signs_in_and_verification_confirms_the_address() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let cookie = app.sign_up("  Ada@Example.com ", PASSWORD).await;
            let user = me(&app, &cookie).await;
            assert_eq!(user["email"], "ada@example.com", "{backend}");
            assert_eq!(user["email_verified"], false, "{backend}");
            assert_eq!(app.get("/api/auth/me").await.json(), serde_json::Value::Null);

            let mail = app.wait_for_mail("ada@example.com", 1).await;
            assert!(mail.body.contains("Content-Type: text/html"), "{backend}: has an HTML part");
            let token = token_of(&mail.link("/verify-email").expect("a verification link"));
            let tokens_before = count(&app, "auth_tokens").await;

            let forged = app.call("/api/auth/verify-email", "token=forged-token", None).await;
            assert_error(&forged, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(forged.json()["details"]["reason"], "token_invalid");
            assert_eq!(me(&app, &cookie).await["email_verified"], false, "{backend}");

            let verified =
                app.call("/api/auth/verify-email", &format!("token={token}"), None).await;
            assert_eq!(verified.status, StatusCode::OK, "{backend}: {}", verified.text());
            assert_eq!(me(&app, &cookie).await["email_verified"], true, "{backend}: cache evicted");

            let reused = app.call("/api/auth/verify-email", &format!("token={token}"), None).await;
            assert_error(&reused, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(count(&app, "auth_tokens").await, tokens_before);
        }
    });
}

#[test]
fn sign_up_refuses_bad_input_and_taken_addresses() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            app.user("taken@example.com").await;
            let cases = [
                ("name=&email=a%40example.com&password=longenough", "name", "VAL_REQUIRED_FIELD"),
                ("name=A&email=not-an-email&password=longenough", "email", "VAL_INVALID_EMAIL"),
                (
                    "name=A&email=a%40example.com&password=short",
                    "password",
                    "VAL_PASSWORD_TOO_WEAK",
                ),
                ("name=A&email=a%40example.com", "password", "VAL_REQUIRED_FIELD"),
                (
                    "name=A&email=a%40example.com&password=longenough&return_to=https%3A%2F%2Fevil.example",
                    "return_to",
                    "VAL_INVALID_FORMAT",
                ),
            ];
            for (form, field, code) in cases {
                let response = app.call("/api/auth/sign-up", form, None).await;
                assert_eq!(response.status, StatusCode::BAD_REQUEST, "{backend} {form}");
                assert_eq!(response.json()["fields"][field][0], code, "{backend} {form}");
                assert_eq!(session_cookie(&response), None);
            }
            let long = format!("name=A&email=a%40example.com&password={}", "x".repeat(129));
            let response = app.call("/api/auth/sign-up", &long, None).await;
            assert_eq!(response.json()["fields"]["password"][0], "VAL_TOO_LONG", "{backend}");

            let form = format!("name=B&email=TAKEN%40example.com&password={}", encode(PASSWORD));
            let duplicate = app.call("/api/auth/sign-up", &form, None).await;
            assert_error(&duplicate, StatusCode::CONFLICT, "BIZ_DUPLICATE_ENTRY");
            assert_eq!(duplicate.json()["fields"]["email"][0], "BIZ_DUPLICATE_ENTRY");
            assert_eq!(count(&app, "users").await, 1, "{backend}: nothing written");
            assert_eq!(count(&app, "sessions").await, 1, "{backend}");
        }
    });
}

#[test]
fn sign_in_and_out_with_a_password() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let first = app.user("grace@example.com").await;
            let sessions_before = count(&app, "sessions").await;

            let wrong = app
                .call(
                    "/api/auth/sign-in",
                    "email=grace%40example.com&password=wrong-password",
                    None,
                )
                .await;
            assert_error(&wrong, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            let unknown = app
                .call(
                    "/api/auth/sign-in",
                    "email=nobody%40example.com&password=wrong-password",
                    None,
                )
                .await;
            assert_eq!(unknown.status, wrong.status, "{backend}");
            assert_eq!(without_request_id(&unknown), without_request_id(&wrong), "{backend}");
            assert_eq!(count(&app, "sessions").await, sessions_before);

            let form = format!("email=GRACE%40example.com&password={}", encode(PASSWORD));
            let signed_in = app.call("/api/auth/sign-in", &form, None).await;
            assert_eq!(signed_in.status, StatusCode::OK, "{backend}: {}", signed_in.text());
            assert_eq!(signed_in.json()["email"], "grace@example.com");
            assert!(signed_in.json().get("password_hash").is_none());
            let second = session_cookie(&signed_in).expect("a new session");
            assert_ne!(second, first.session, "{backend}: a new token on every sign-in");
            let set_cookie = signed_in.header("set-cookie").expect("cookie");
            assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
            assert!(set_cookie.contains("Max-Age=604800"));

            let out = app.call("/api/auth/sign-out", "", Some(&second)).await;
            assert_eq!(out.status, StatusCode::OK, "{backend}");
            assert_eq!(me(&app, &second).await, serde_json::Value::Null, "{backend}: signed out");
            assert_eq!(
                me(&app, &first.session).await["email"],
                "grace@example.com",
                "{backend}: other session lives"
            );
            let gone = app.get_as("/api/auth/me", Some(&second)).await;
            assert!(gone.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")));
        }
    });
}

#[test]
fn sign_in_is_rate_limited_per_address_and_email() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            app.user("limit@example.com").await;
            for attempt in 1..=5 {
                let response = app
                    .call(
                        "/api/auth/sign-in",
                        "email=limit%40example.com&password=wrong-pass",
                        None,
                    )
                    .await;
                assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{backend} #{attempt}");
            }
            let form = format!("email=limit%40example.com&password={}", encode(PASSWORD));
            let limited = app.call("/api/auth/sign-in", &form, None).await;
            assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "SYS_RATE_LIMIT");
            let retry: u64 =
                limited.header("retry-after").expect("Retry-After").parse().expect("secs");
            assert!((1..=60).contains(&retry), "{backend}: {retry}");
            assert_eq!(session_cookie(&limited), None, "{backend}: nothing processed");
            // Another address is counted apart.
            let other = app
                .call("/api/auth/sign-in", "email=other%40example.com&password=wrong-pass", None)
                .await;
            assert_eq!(other.status, StatusCode::UNAUTHORIZED, "{backend}");
        }
    });
}

#[test]
fn cross_site_posts_are_refused() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let form = format!("name=Eve&email=eve%40example.com&password={}", encode(PASSWORD));
            let request = form_request("/api/auth/sign-up")
                .header(header::ACCEPT, "application/json")
                .header(header::ORIGIN, "https://evil.example")
                .header("sec-fetch-site", "cross-site")
                .body(axum::body::Body::from(form.clone()))
                .expect("request");
            let refused = app.send(request).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(refused.json()["details"]["reason"], "cross_site_request");
            assert_eq!(count(&app, "users").await, 0, "{backend}: nothing written");

            let same_origin = form_request("/api/auth/sign-up")
                .header(header::ACCEPT, "application/json")
                .header(header::ORIGIN, format!("http://{}", app.addr))
                .header("sec-fetch-site", "same-origin")
                .body(axum::body::Body::from(form))
                .expect("request");
            assert_eq!(app.send(same_origin).await.status, StatusCode::OK, "{backend}");
        }
    });
}

#[test]
fn password_reset_reveals_nothing_and_ends_every_session() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let user = app.user("reset@example.com").await;
            app.wait_for_mail("reset@example.com", 1).await;

            let known =
                app.call("/api/auth/password/forgot", "email=reset%40example.com", None).await;
            let unknown =
                app.call("/api/auth/password/forgot", "email=ghost%40example.com", None).await;
            assert_eq!(known.status, StatusCode::OK, "{backend}: {}", known.text());
            assert_eq!(known.status, unknown.status);
            assert_eq!(known.body, unknown.body, "{backend}: identical answers");
            assert_eq!(known.header("x-server-redirect"), unknown.header("x-server-redirect"));

            let mail = app.wait_for_mail("reset@example.com", 2).await;
            let token = token_of(&mail.link("/reset-password").expect("a reset link"));
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            assert!(app.mails_to("ghost@example.com").is_empty(), "{backend}");

            let weak = app
                .call("/api/auth/password/reset", &format!("token={token}&password=short"), None)
                .await;
            assert_eq!(weak.json()["fields"]["password"][0], "VAL_PASSWORD_TOO_WEAK", "{backend}");

            let new_password = "a brand new passphrase";
            let form = format!("token={token}&password={}", encode(new_password));
            let reset = app.call("/api/auth/password/reset", &form, None).await;
            assert_eq!(reset.status, StatusCode::OK, "{backend}: {}", reset.text());
            let new_session = session_cookie(&reset).expect("signed in after the reset");
            assert_eq!(
                me(&app, &user.session).await,
                serde_json::Value::Null,
                "{backend}: revoked"
            );
            assert_eq!(me(&app, &new_session).await["email_verified"], true, "{backend}");

            let again = app.call("/api/auth/password/reset", &form, None).await;
            assert_error(&again, StatusCode::CONFLICT, "BIZ_INVALID_STATE");

            let old = format!("email=reset%40example.com&password={}", encode(PASSWORD));
            let refused = app.call("/api/auth/sign-in", &old, None).await;
            assert_error(&refused, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            let new = format!("email=reset%40example.com&password={}", encode(new_password));
            assert_eq!(app.call("/api/auth/sign-in", &new, None).await.status, StatusCode::OK);
            let notice = app.wait_for_mail("reset@example.com", 3).await;
            assert_eq!(notice.subject, "Your password was changed", "{backend}");
        }
    });
}

#[test]
fn magic_links_sign_in_once_and_expire() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            app.user("magic@example.com").await;
            app.wait_for_mail("magic@example.com", 1).await;

            let known = app.call("/api/auth/magic-link", "email=magic%40example.com", None).await;
            let unknown = app.call("/api/auth/magic-link", "email=ghost%40example.com", None).await;
            assert_eq!(known.status, StatusCode::OK, "{backend}: {}", known.text());
            assert_eq!(known.body, unknown.body, "{backend}");

            let mail = app.wait_for_mail("magic@example.com", 2).await;
            let token = token_of(&mail.link("/magic-link").expect("a sign-in link"));
            let signed_in =
                app.call("/api/auth/magic-link/sign-in", &format!("token={token}"), None).await;
            assert_eq!(signed_in.status, StatusCode::OK, "{backend}: {}", signed_in.text());
            let cookie = session_cookie(&signed_in).expect("a session");
            assert_eq!(me(&app, &cookie).await["email_verified"], true, "{backend}");
            let reused =
                app.call("/api/auth/magic-link/sign-in", &format!("token={token}"), None).await;
            assert_error(&reused, StatusCode::CONFLICT, "BIZ_INVALID_STATE");

            app.call("/api/auth/magic-link", "email=magic%40example.com", None).await;
            let mail = app.wait_for_mail("magic@example.com", 3).await;
            let token = token_of(&mail.link("/magic-link").expect("a sign-in link"));
            expire_tokens(&app).await;
            let sessions_before = count(&app, "sessions").await;
            let expired =
                app.call("/api/auth/magic-link/sign-in", &format!("token={token}"), None).await;
            assert_error(&expired, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(count(&app, "sessions").await, sessions_before, "{backend}");
        }
    });
}

#[test]
fn email_codes_allow_five_guesses() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            app.user("code@example.com").await;
            app.wait_for_mail("code@example.com", 1).await;

            let requested = app.call("/api/auth/code", "email=code%40example.com", None).await;
            assert_eq!(requested.status, StatusCode::OK, "{backend}: {}", requested.text());
            let mail = app.wait_for_mail("code@example.com", 2).await;
            let code: String = mail.subject.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(code.len(), 6, "{backend}: {}", mail.subject);
            let wrong = if code == "000000" { "111111" } else { "000000" };

            let bad = app
                .call(
                    "/api/auth/code/sign-in",
                    &format!("email=code%40example.com&code={wrong}"),
                    None,
                )
                .await;
            assert_error(&bad, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            let malformed = app
                .call("/api/auth/code/sign-in", "email=code%40example.com&code=12ab", None)
                .await;
            assert_eq!(malformed.json()["fields"]["code"][0], "VAL_INVALID_FORMAT", "{backend}");

            let good = app
                .call(
                    "/api/auth/code/sign-in",
                    &format!("email=code%40example.com&code={code}"),
                    None,
                )
                .await;
            assert_eq!(good.status, StatusCode::OK, "{backend}: {}", good.text());
            assert!(session_cookie(&good).is_some());
        }
    });
}

#[test]
fn a_code_is_void_after_five_wrong_guesses() {
    block_on(async {
        // Guesses come from different addresses (behind a trusted proxy), so the per-address
        // sign-in limit stays out of the way and the code's own allowance is what stops them.
        for app in TestApp::each_backend_with(|config| config.trust_proxy_headers = true).await {
            let backend = app.backend();
            app.user("guess@example.com").await;
            app.wait_for_mail("guess@example.com", 1).await;
            app.call("/api/auth/code", "email=guess%40example.com", None).await;
            let mail = app.wait_for_mail("guess@example.com", 2).await;
            let code: String = mail.subject.chars().filter(char::is_ascii_digit).collect();
            let wrong = if code == "000000" { "111111" } else { "000000" };
            for guess in 1..=5 {
                let form = format!("email=guess%40example.com&code={wrong}");
                let ip = format!("10.0.0.{guess}");
                let response =
                    app.call_from("/api/auth/code/sign-in", &form, None, Some(&ip)).await;
                assert_error(&response, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            }
            let form = format!("email=guess%40example.com&code={code}");
            let too_late =
                app.call_from("/api/auth/code/sign-in", &form, None, Some("10.0.0.9")).await;
            assert_error(&too_late, StatusCode::UNAUTHORIZED, "AUTH_INVALID_CREDENTIALS");
            assert_eq!(session_cookie(&too_late), None, "{backend}: the code is void");

            expire_tokens(&app).await;
            app.call_from("/api/auth/code", "email=guess%40example.com", None, Some("10.0.1.1"))
                .await;
            let mail = app.wait_for_mail("guess@example.com", 3).await;
            let code: String = mail.subject.chars().filter(char::is_ascii_digit).collect();
            let form = format!("email=guess%40example.com&code={code}");
            let fresh =
                app.call_from("/api/auth/code/sign-in", &form, None, Some("10.0.1.2")).await;
            assert_eq!(fresh.status, StatusCode::OK, "{backend}: a new code works");
        }
    });
}

#[test]
fn plain_form_posts_redirect_with_the_error_or_to_the_return_path() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            app.user("form@example.com").await;
            let referer = format!("http://{}/sign-in?next=%2Fsettings", app.addr);
            let post = |form: String| {
                form_request("/api/auth/sign-in")
                    .header(header::ACCEPT, "text/html")
                    .header(header::REFERER, referer.clone())
                    .body(axum::body::Body::from(form))
                    .expect("request")
            };
            let failed =
                app.send(post("email=form%40example.com&password=wrong-pass".into())).await;
            assert_eq!(failed.status, StatusCode::FOUND, "{backend}");
            let location = failed.header("location").expect("location");
            assert!(location.contains("/sign-in?next=%2Fsettings"), "{location}");
            assert!(location.contains("__err="), "{backend}: {location}");

            let form = format!(
                "email=form%40example.com&password={}&return_to=%2Fsettings",
                encode(PASSWORD)
            );
            let ok = app.send(post(form)).await;
            assert_eq!(ok.status, StatusCode::FOUND, "{backend}");
            assert_eq!(ok.header("location"), Some("/settings"), "{backend}");
            assert!(session_cookie(&ok).is_some(), "{backend}");
        }
    });
}

#[test]
fn two_instances_share_sessions_revocations_and_limits() {
    block_on(async {
        // The scaled deployment: PostgreSQL and Redis, two stateless instances.
        let Some(pg) = platform::testing::TestDatabase::postgres().await else { return };
        let Some(redis) = platform::testing::test_redis_url() else { return };
        let a = TestApp::start(pg, Some(redis)).await;
        let b = a.another_instance().await;

        let first = a.user("scaled@example.com").await;
        assert_eq!(
            me(&b, &first.session).await["email"],
            "scaled@example.com",
            "a session made on A works on B"
        );

        let form = format!("email=scaled%40example.com&password={}", encode(PASSWORD));
        let second =
            session_cookie(&b.call("/api/auth/sign-in", &form, None).await).expect("session");
        // Both instances have the first session cached now; revoke it on B.
        assert_eq!(me(&a, &first.session).await["email"], "scaled@example.com");
        let out = b.post_as(&first, "/api/auth/sign-out", "").await;
        assert_eq!(out.status, StatusCode::OK);
        assert_eq!(
            me(&a, &first.session).await,
            serde_json::Value::Null,
            "revoked on B, refused on A"
        );
        assert_eq!(me(&a, &second).await["email"], "scaled@example.com");

        // Sign-in attempts count together: the sign-in on B above, 3 on A and 1 on B use up the
        // 5 a minute, so the next one — on A — is refused.
        for app in [&a, &a, &a, &b] {
            let response = app
                .call("/api/auth/sign-in", "email=scaled%40example.com&password=wrong-pass", None)
                .await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        }
        let limited = a.call("/api/auth/sign-in", &form, None).await;
        assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "SYS_RATE_LIMIT");
    });
}

#[test]
fn sessions_slide_expire_and_are_purged() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let db = &app.state.platform.db;
            let day_old = app.sign_up("slide@example.com", PASSWORD).await;
            let form = format!("email=slide%40example.com&password={}", encode(PASSWORD));
            let expired =
                session_cookie(&app.call("/api/auth/sign-in", &form, None).await).expect("s");
            let fresh =
                session_cookie(&app.call("/api/auth/sign-in", &form, None).await).expect("s");

            // Age the sessions in the database before their first look-up (nothing cached yet).
            let now = platform::clock::now_utc();
            let hash = |token: &str| platform::token::hash_token(token);
            let aged: Result<(), platform::DbError> = async {
                use diesel::QueryDsl as _;
                platform::with_conn!(db, conn => {
                    diesel::update(sessions::table.filter(sessions::token_hash.eq(hash(&day_old))))
                        .set((
                            sessions::last_seen_at.eq(now - chrono::Duration::days(2)),
                            sessions::expires_at.eq(now + chrono::Duration::days(5)),
                        ))
                        .execute(conn)
                        .await?;
                    diesel::update(sessions::table.filter(sessions::token_hash.eq(hash(&expired))))
                        .set(sessions::expires_at.eq(now - chrono::Duration::minutes(1)))
                        .execute(conn)
                        .await?;
                });
                Ok(())
            }
            .await;
            aged.expect("age sessions");

            let slid = app.get_as("/api/auth/me", Some(&day_old)).await;
            assert_eq!(slid.json()["email"], "slide@example.com", "{backend}");
            let cookie = slid.header("set-cookie").expect("the cookie is sent again");
            assert!(cookie.contains(&day_old) && cookie.contains("Max-Age=604800"), "{backend}");
            let untouched = app.get_as("/api/auth/me", Some(&fresh)).await;
            assert!(untouched.header("set-cookie").is_none(), "{backend}: at most once a day");

            let gone = app.get_as("/api/auth/me", Some(&expired)).await;
            assert_eq!(gone.json(), serde_json::Value::Null, "{backend}");
            assert!(
                gone.header("set-cookie").is_some_and(|c| c.contains("Max-Age=0")),
                "{backend}"
            );

            // The maintenance job removes what expired; one instance at a time.
            assert!(server::jobs::run_once(&app.state.platform, "instance-a").await, "{backend}");
            assert!(!server::jobs::run_once(&app.state.platform, "instance-b").await, "{backend}");
            assert_eq!(count(&app, "sessions").await, 2, "{backend}: the expired one went");
            assert_eq!(me(&app, &fresh).await["email"], "slide@example.com", "{backend}");
        }
    });
}

#[test]
fn every_api_call_counts_against_the_callers_limit() {
    block_on(async {
        for app in TestApp::each_backend_with(|config| config.api_rate_limit_per_minute = 5).await {
            let backend = app.backend();
            for call in 1..=5 {
                assert_eq!(
                    app.get("/api/auth/me").await.status,
                    StatusCode::OK,
                    "{backend} #{call}"
                );
            }
            let limited = app.get("/api/system/status").await;
            assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "SYS_RATE_LIMIT");
            assert!(limited.header("retry-after").is_some(), "{backend}");
            assert_eq!(
                app.get("/api/health").await.status,
                StatusCode::OK,
                "{backend}: not counted"
            );
            assert_eq!(
                app.get("/").await.status,
                StatusCode::OK,
                "{backend}: pages are not API calls"
            );
        }
    });
}
