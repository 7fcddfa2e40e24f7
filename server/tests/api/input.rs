//! What no input may carry, refused at the edge on both backends with `VAL_INVALID_FORMAT` on
//! the field, before anything is stored: NUL (which PostgreSQL cannot store), control
//! characters, invisible and direction-changing characters, and values out of any row's range
//! (cursors and dates outside the years 1–9999).

use axum::http::StatusCode;

use crate::common::{PASSWORD, TestApp, TestResponse, TestUser, assert_error, block_on, encode};

/// Asserts a 400 `VAL_INVALID_FORMAT` naming `field` among its fields.
fn assert_refused(response: &TestResponse, field: &str, what: &str) {
    assert_eq!(response.status, StatusCode::BAD_REQUEST, "{what}: {}", response.text());
    let body = response.json();
    assert_eq!(
        body["fields"][field],
        serde_json::json!(["VAL_INVALID_FORMAT"]),
        "{what}: {}",
        response.text()
    );
    assert!(!body["message"].as_str().unwrap_or_default().is_empty(), "{what}: translated");
}

async fn owner_and_org(app: &TestApp) -> (TestUser, String) {
    let owner = app.user("owner@example.com").await;
    let org = app.org(&owner, "Input Co").await;
    (owner, org.id)
}

async fn org_names(app: &TestApp, user: &TestUser) -> Vec<String> {
    let orgs = app.get_by(user, "/api/orgs").await.json();
    orgs.as_array()
        .expect("a list")
        .iter()
        .map(|org| org["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_nul_byte_is_refused_in_every_kind_of_field() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            // Anonymous: sign-up's name, and the address.
            let form = format!("name=x%00&email=nul%40example.com&password={}", encode(PASSWORD));
            let response = app.call("/api/auth/sign-up", &form, None).await;
            assert_refused(&response, "name", backend);
            let form = format!("name=Nul&email=nul%00%40example.com&password={}", encode(PASSWORD));
            assert_refused(&app.call("/api/auth/sign-up", &form, None).await, "email", backend);
            let sign_in = format!("email=nul%40example.com&password={}", encode(PASSWORD));
            assert_error(
                &app.call("/api/auth/sign-in", &sign_in, None).await,
                StatusCode::UNAUTHORIZED,
                "AUTH_INVALID_CREDENTIALS",
            );

            // An id (the organization), a text field, an item of a JSON list.
            let (owner, org) = owner_and_org(&app).await;
            let response =
                app.post_as(&owner, "/api/todos/create", &format!("org={org}%00&title=x")).await;
            assert_refused(&response, "org", backend);
            let response =
                app.post_as(&owner, "/api/todos/create", &format!("org={org}&title=a%00b")).await;
            assert_refused(&response, "title", backend);
            let body = serde_json::json!({
                "org": org,
                "items": [{ "title": "fine" }, { "title": "bad\u{0}" }],
            });
            let response = app.json_as(&owner, "/api/todos/bulk-create", &body).await;
            assert_refused(&response, "items[1].title", backend);
            let response = app.get_by(&owner, &format!("/api/todos/get?org={org}&id=x%00")).await;
            assert_refused(&response, "id", backend);
            assert!(app.todo_titles(&owner, &org).await.is_empty(), "{backend}: none stored");
        }
    });
}

#[test]
fn control_characters_are_refused_outside_multi_line_fields() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;
            for name in ["Acme%1B%5B31m", "Acme%0D%0AInc", "Acme%09Inc", "Acme%7F"] {
                let response =
                    app.post_as(&owner, "/api/orgs/create", &format!("name={name}")).await;
                assert_refused(&response, "name", &format!("{backend} {name}"));
            }
            let response = app
                .post_as(&owner, "/api/todos/create", &format!("org={org}&title=one%0Atwo"))
                .await;
            assert_refused(&response, "title", backend);

            // A description spans lines: CR, LF and tabs are its own.
            let response = app
                .post_as(
                    &owner,
                    "/api/todos/create",
                    &format!("org={org}&title=Lines&description=first%0D%0A%09second"),
                )
                .await;
            assert_eq!(response.status, StatusCode::OK, "{backend}: {}", response.text());
            assert_eq!(response.json()["description"], "first\r\n\tsecond", "{backend}");
            let response = app
                .post_as(
                    &owner,
                    "/api/todos/create",
                    &format!("org={org}&title=Esc&description=a%1Bb"),
                )
                .await;
            assert_refused(&response, "description", backend);
            assert_eq!(app.todo_titles(&owner, &org).await, ["Lines"], "{backend}");
            assert_eq!(org_names(&app, &owner).await, ["Input Co"], "{backend}");
        }
    });
}

#[test]
fn invisible_and_direction_changing_characters_are_refused_in_names() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, _) = owner_and_org(&app).await;
            let spoofs = [
                "Acme\u{202E}gnp.exe",
                "\u{2067}Acme\u{2069}",
                "Ac\u{200B}me",
                "Acme\u{FEFF}",
                "\u{3164}",
                "Ac\u{200D}me",
            ];
            for name in spoofs {
                let form = format!("name={}", encode(name));
                let response = app.post_as(&owner, "/api/orgs/create", &form).await;
                assert_refused(&response, "name", &format!("{backend} {name:?}"));
                let response =
                    app.post_as(&owner, "/api/account/profile", &format!("{form}&locale=en")).await;
                assert_refused(&response, "name", &format!("{backend} profile {name:?}"));
            }
            assert_eq!(org_names(&app, &owner).await, ["Input Co"], "{backend}");

            // Scripts and emoji that need joiners keep them.
            for name in ["👩‍💻 Devs", "می‌خواهم", "Zoë & Co"] {
                let form = format!("name={}", encode(name));
                let response = app.post_as(&owner, "/api/orgs/create", &form).await;
                assert_eq!(
                    response.status,
                    StatusCode::OK,
                    "{backend} {name}: {}",
                    response.text()
                );
                assert_eq!(response.json()["name"], name, "{backend}");
            }
        }
    });
}

/// An opaque cursor as the list hands them out, holding `value` and `id`.
fn cursor(value: &str, id: &str) -> String {
    let json = serde_json::json!({ "value": value, "id": id }).to_string();
    platform::token::to_opaque(json.as_bytes())
}

#[test]
fn cursors_and_dates_out_of_range_are_refused_on_their_field() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;
            let response =
                app.post_as(&owner, "/api/todos/create", &format!("org={org}&title=Dated")).await;
            assert_eq!(response.status, StatusCode::OK, "{backend}");
            let cases = [
                ("sort=due", cursor("-10000-01-01", "x")),
                ("sort=due", cursor("+10000-01-01", "x")),
                ("sort=created", cursor("-10000-01-01T00:00:00", "x")),
                ("sort=created", cursor("2026-01-01T00:00:00", "x\u{0}")),
                ("sort=title", cursor("a\u{0}", "x")),
                ("sort=priority", cursor("2026-01-01", "x")),
            ];
            for (sort, cursor) in &cases {
                let query = format!("org={org}&{sort}&cursor={cursor}");
                let list = app.get_by(&owner, &format!("/api/todos?{query}")).await;
                assert_refused(&list, "cursor", &format!("{backend} {sort} list"));
                let export =
                    app.get_by(&owner, &format!("/api/export/todos?{query}&format=csv")).await;
                assert_refused(&export, "cursor", &format!("{backend} {sort} export"));
            }
            for field in ["due_before", "due_after"] {
                let list =
                    app.get_by(&owner, &format!("/api/todos?org={org}&{field}=-10000-01-01")).await;
                assert_refused(&list, field, backend);
            }
            for due in ["-10000-01-01", "10000-01-01", "0000-12-31"] {
                let response = app
                    .post_as(
                        &owner,
                        "/api/todos/create",
                        &format!("org={org}&title=Far&due_date={due}"),
                    )
                    .await;
                assert_refused(&response, "due_date", &format!("{backend} {due}"));
            }
            // A cursor the list gave still works, and the last valid date is kept.
            let response = app
                .post_as(
                    &owner,
                    "/api/todos/create",
                    &format!("org={org}&title=Last&due_date=9999-12-30"),
                )
                .await;
            assert_eq!(response.json()["due_date"], "9999-12-30", "{backend}");
            let first = app
                .get_by(&owner, &format!("/api/todos?org={org}&sort=due&dir=asc&limit=1"))
                .await
                .json();
            let next = first["next_cursor"].as_str().expect("a next page").to_owned();
            let second = app
                .get_by(
                    &owner,
                    &format!("/api/todos?org={org}&sort=due&dir=asc&limit=1&cursor={next}"),
                )
                .await;
            assert_eq!(second.status, StatusCode::OK, "{backend}: {}", second.text());
            assert_eq!(second.json()["todos"][0]["title"], "Dated", "{backend}");
        }
    });
}
