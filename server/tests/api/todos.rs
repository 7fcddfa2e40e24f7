//! Todos over HTTP, on SQLite and on PostgreSQL (+ Redis): every server function's happy path,
//! validation of each field, assignment rules, keyset pagination across pages with ties,
//! filters, soft delete and undo (including its expiry).

use crate::common;

use app::orgs::permissions::Role;

use std::collections::HashSet;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::{TestApp, TestResponse, TestUser, assert_error, block_on, encode, titles};

/// A signed-in owner and their organization's id.
/// An owner and their organization, on the business plan: these tests are about todos, not
/// the free plan's limit of ten (billing.rs tests that).
async fn owner_and_org(app: &TestApp) -> (TestUser, String) {
    let owner = app.user("owner@example.com").await;
    let org = app.org(&owner, "Todo Co").await;
    app.subscribe(&owner, &org, "business").await;
    (owner, org.id)
}

async fn create(app: &TestApp, user: &TestUser, org: &str, fields: &str) -> TestResponse {
    app.post_as(user, "/api/todos/create", &format!("org={org}&{fields}")).await
}

async fn update(app: &TestApp, user: &TestUser, body: serde_json::Value) -> TestResponse {
    app.json_as(user, "/api/todos/update", &body).await
}

async fn list(app: &TestApp, user: &TestUser, org: &str, query: &str) -> serde_json::Value {
    let response = app.get_by(user, &format!("/api/todos?org={org}&{query}")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

#[test]
fn todos_are_created_read_changed_toggled_deleted_and_restored() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;

            // Each field's validation, and nothing written.
            let long_title = "x".repeat(501);
            let long_text = "y".repeat(10_001);
            for (fields, field, code) in [
                ("title=+++".to_owned(), "title", "VAL_REQUIRED_FIELD"),
                (format!("title={long_title}"), "title", "VAL_TOO_LONG"),
                (format!("title=A&description={long_text}"), "description", "VAL_TOO_LONG"),
                ("title=A&priority=asap".to_owned(), "priority", "VAL_INVALID_FORMAT"),
                ("title=A&due_date=2026-02-30".to_owned(), "due_date", "VAL_INVALID_FORMAT"),
                ("title=A&assigned_to=nobody".to_owned(), "assigned_to", "VAL_INVALID_FORMAT"),
            ] {
                let response = create(&app, &owner, &org, &fields).await;
                assert_error(&response, StatusCode::BAD_REQUEST, code);
                assert_eq!(response.json()["fields"][field][0], code, "{backend} {field}");
            }
            assert_eq!(list(&app, &owner, &org, "").await["total"], 0, "{backend}");

            let owner_id = owner.id.clone();
            let created = create(
                &app,
                &owner,
                &org,
                &format!(
                    "title=++Ship+it++&description=Soon&priority=urgent&due_date=2026-12-01&assigned_to={owner_id}"
                ),
            )
            .await;
            assert_eq!(created.status, StatusCode::OK, "{backend}: {}", created.text());
            let todo = created.json();
            assert_eq!(todo["title"], "Ship it");
            assert_eq!(todo["priority"], "urgent");
            assert_eq!(todo["due_date"], "2026-12-01");
            assert_eq!(todo["assigned_to"], owner_id.as_str());
            assert_eq!(todo["completed"], false);
            let id = todo["id"].as_str().expect("id").to_owned();
            let fetched = app.get_by(&owner, &format!("/api/todos/get?org={org}&id={id}")).await;
            assert_eq!(fetched.json(), todo, "{backend}");

            // Partial update: absent fields stay, null clears.
            let changed = update(
                &app,
                &owner,
                serde_json::json!({ "org": org, "id": id, "title": "Ship it now", "due_date": null }),
            )
            .await;
            assert_eq!(changed.status, StatusCode::OK, "{backend}: {}", changed.text());
            assert_eq!(changed.json()["title"], "Ship it now");
            assert_eq!(changed.json()["due_date"], serde_json::Value::Null);
            assert_eq!(changed.json()["description"], "Soon");
            assert_eq!(changed.json()["priority"], "urgent");
            let invalid =
                update(&app, &owner, serde_json::json!({ "org": org, "id": id, "title": "" }))
                    .await;
            assert_error(&invalid, StatusCode::BAD_REQUEST, "VAL_REQUIRED_FIELD");

            let toggled =
                app.post_as(&owner, "/api/todos/toggle", &format!("org={org}&id={id}")).await;
            assert_eq!(toggled.json()["completed"], true, "{backend}");
            assert_eq!(list(&app, &owner, &org, "status=done").await["total"], 1);
            assert_eq!(list(&app, &owner, &org, "status=open").await["total"], 0);

            // Delete, undo, and the token works once.
            let deleted =
                app.post_as(&owner, "/api/todos/delete", &format!("org={org}&id={id}")).await;
            assert_eq!(deleted.status, StatusCode::OK, "{backend}: {}", deleted.text());
            assert_eq!(deleted.json()["count"], 1);
            let token = deleted.json()["undo_token"].as_str().expect("token").to_owned();
            assert_eq!(list(&app, &owner, &org, "").await["total"], 0, "{backend}");
            let gone = app.get_by(&owner, &format!("/api/todos/get?org={org}&id={id}")).await;
            assert_error(&gone, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            let again =
                app.post_as(&owner, "/api/todos/delete", &format!("org={org}&id={id}")).await;
            assert_error(&again, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            let undone =
                app.post_as(&owner, "/api/todos/undo", &format!("org={org}&token={token}")).await;
            assert_eq!(undone.json(), 1, "{backend}: {}", undone.text());
            assert_eq!(list(&app, &owner, &org, "").await["total"], 1, "{backend}");
            let twice =
                app.post_as(&owner, "/api/todos/undo", &format!("org={org}&token={token}")).await;
            assert_error(&twice, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");

            // After ten seconds the delete stands.
            let deleted =
                app.post_as(&owner, "/api/todos/delete", &format!("org={org}&id={id}")).await;
            let token = deleted.json()["undo_token"].as_str().expect("token").to_owned();
            tokio::time::sleep(std::time::Duration::from_millis(10_500)).await;
            let late =
                app.post_as(&owner, "/api/todos/undo", &format!("org={org}&token={token}")).await;
            assert_error(&late, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            assert_eq!(list(&app, &owner, &org, "").await["total"], 0, "{backend}");
        }
    });
}

#[test]
fn only_owners_and_admins_assign_to_others() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;
            let member = app.user("member@example.com").await;
            let member_id = member.id.clone();
            app.add_member(&org, &member_id, Role::Member).await;
            let viewer = app.user("viewer@example.com").await;
            app.add_member(&org, &viewer.id, Role::Viewer).await;
            let owner_id = owner.id.clone();
            let outsider = app.user("outsider@example.com").await;
            let outsider_id = outsider.id.clone();

            let own =
                create(&app, &member, &org, &format!("title=Mine&assigned_to={member_id}")).await;
            assert_eq!(own.status, StatusCode::OK, "{backend}: {}", own.text());
            let other =
                create(&app, &member, &org, &format!("title=Yours&assigned_to={owner_id}")).await;
            assert_error(&other, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(other.json()["details"]["permission"], "todos:assign");
            let by_owner =
                create(&app, &owner, &org, &format!("title=Delegated&assigned_to={member_id}"))
                    .await;
            assert_eq!(by_owner.status, StatusCode::OK, "{backend}: {}", by_owner.text());
            let not_member =
                create(&app, &owner, &org, &format!("title=Nope&assigned_to={outsider_id}")).await;
            assert_error(&not_member, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            let read_only = create(&app, &viewer, &org, "title=Nope").await;
            assert_error(&read_only, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(read_only.json()["details"]["permission"], "todos:create");

            // Reassigning by update follows the same rule.
            let id = own.json()["id"].as_str().expect("id").to_owned();
            let moved = update(
                &app,
                &member,
                serde_json::json!({ "org": org, "id": id, "assigned_to": owner_id }),
            )
            .await;
            assert_error(&moved, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let cleared = update(
                &app,
                &member,
                serde_json::json!({ "org": org, "id": id, "assigned_to": null }),
            )
            .await;
            assert_eq!(cleared.json()["assigned_to"], serde_json::Value::Null, "{backend}");

            let mine = list(&app, &owner, &org, &format!("assignee={member_id}")).await;
            assert_eq!(titles(&mine), ["Delegated"], "{backend}");
            let by_member = list(&app, &owner, &org, &format!("creator={member_id}")).await;
            assert_eq!(titles(&by_member), ["Mine"], "{backend}");
        }
    });
}

#[test]
fn pages_follow_each_sort_without_gaps_or_repeats_and_filters_apply() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;
            let priorities = ["low", "medium", "high", "urgent"];
            for n in 0..23 {
                // Ties on every key: 4 priorities, 5 titles, some without a due date.
                let due =
                    if n % 3 == 0 { String::new() } else { format!("2026-12-{:02}", 1 + n % 4) };
                let fields = format!(
                    "title=Task+{}&priority={}&due_date={due}&description={}",
                    n % 5,
                    priorities[n % 4],
                    if n == 7 { "Buy+MILK+and+bread" } else { "" },
                );
                let response = create(&app, &owner, &org, &fields).await;
                assert_eq!(response.status, StatusCode::OK, "{backend}: {}", response.text());
            }
            for sort in ["created", "due", "priority", "title"] {
                for dir in ["asc", "desc"] {
                    let everything =
                        list(&app, &owner, &org, &format!("sort={sort}&dir={dir}&limit=100")).await;
                    let expected: Vec<String> = everything["todos"]
                        .as_array()
                        .expect("todos")
                        .iter()
                        .map(|t| t["id"].as_str().unwrap_or_default().to_owned())
                        .collect();
                    assert_eq!(expected.len(), 23, "{backend} {sort} {dir}");
                    let mut seen = Vec::new();
                    let mut cursor = String::new();
                    loop {
                        let page = list(
                            &app,
                            &owner,
                            &org,
                            &format!("sort={sort}&dir={dir}&limit=4&cursor={}", encode(&cursor)),
                        )
                        .await;
                        assert_eq!(page["total"], 23);
                        seen.extend(
                            page["todos"]
                                .as_array()
                                .expect("todos")
                                .iter()
                                .map(|t| t["id"].as_str().unwrap_or_default().to_owned()),
                        );
                        match page["next_cursor"].as_str() {
                            Some(next) => cursor = next.to_owned(),
                            None => break,
                        }
                    }
                    assert_eq!(seen, expected, "{backend} {sort} {dir}");
                    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 23);
                }
            }
            // The order itself: priority descending starts with the urgent ones; due ascending
            // puts todos without a date last.
            let by_priority = list(&app, &owner, &org, "sort=priority&dir=desc&limit=5").await;
            assert!(
                by_priority["todos"]
                    .as_array()
                    .expect("todos")
                    .iter()
                    .all(|t| t["priority"] == "urgent")
            );
            let by_due = list(&app, &owner, &org, "sort=due&dir=asc&limit=100").await;
            assert_eq!(by_due["todos"][0]["due_date"], "2026-12-01", "{backend}");
            assert_eq!(by_due["todos"][22]["due_date"], serde_json::Value::Null, "{backend}");

            // Filters.
            assert_eq!(list(&app, &owner, &org, "q=milk").await["total"], 1, "{backend}");
            assert_eq!(list(&app, &owner, &org, "q=TASK+3").await["total"], 4, "{backend}");
            assert_eq!(list(&app, &owner, &org, "q=%25").await["total"], 0, "{backend}");
            assert_eq!(list(&app, &owner, &org, "priority=urgent").await["total"], 5, "{backend}");
            assert_eq!(
                list(&app, &owner, &org, "due_after=2026-12-02&due_before=2026-12-03").await["total"],
                8,
                "{backend}"
            );
            let bad =
                app.get_by(&owner, &format!("/api/todos?org={org}&cursor=not-a-cursor")).await;
            assert_error(&bad, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            let too_big = app.get_by(&owner, &format!("/api/todos?org={org}&limit=101")).await;
            assert_error(&too_big, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
        }
    });
}

#[test]
fn bulk_create_is_all_or_nothing_and_bulk_changes_apply() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;
            let items = |broken: Option<serde_json::Value>| {
                let mut items: Vec<serde_json::Value> = (0..100)
                    .map(
                        |n| serde_json::json!({ "title": format!("Item {n}"), "priority": "high" }),
                    )
                    .collect();
                if let Some(broken) = broken {
                    items[57] = broken;
                }
                serde_json::json!({ "org": org, "items": items })
            };
            let bulk = async |body: serde_json::Value| {
                app.json_as(&owner, "/api/todos/bulk-create", &body).await
            };

            for (broken, field, code) in [
                (serde_json::json!({ "title": "  " }), "items[57].title", "VAL_REQUIRED_FIELD"),
                (
                    serde_json::json!({ "title": "A", "due_date": "tomorrow" }),
                    "items[57].due_date",
                    "VAL_INVALID_FORMAT",
                ),
                (
                    serde_json::json!({ "title": "A", "assigned_to": "nobody" }),
                    "items[57].assigned_to",
                    "VAL_INVALID_FORMAT",
                ),
            ] {
                let response = bulk(items(Some(broken))).await;
                assert_error(&response, StatusCode::BAD_REQUEST, code);
                assert_eq!(
                    response.json()["fields"][field][0],
                    code,
                    "{backend}: {}",
                    response.text()
                );
                assert_eq!(
                    list(&app, &owner, &org, "").await["total"],
                    0,
                    "{backend}: nothing written"
                );
            }
            let too_many = serde_json::json!({ "org": org, "items": vec![serde_json::json!({ "title": "x" }); 101] });
            assert_error(&bulk(too_many).await, StatusCode::BAD_REQUEST, "VAL_TOO_LONG");
            let none = serde_json::json!({ "org": org, "items": [] });
            assert_error(&bulk(none).await, StatusCode::BAD_REQUEST, "VAL_REQUIRED_FIELD");

            let created = bulk(items(None)).await;
            assert_eq!(created.status, StatusCode::OK, "{backend}: {}", created.text());
            let ids: Vec<String> = created
                .json()
                .as_array()
                .expect("todos")
                .iter()
                .map(|t| t["id"].as_str().unwrap_or_default().to_owned())
                .collect();
            assert_eq!(ids.len(), 100);
            assert_eq!(list(&app, &owner, &org, "").await["total"], 100, "{backend}");

            let done = app
                .json_as(
                    &owner,
                    "/api/todos/bulk-complete",
                    &serde_json::json!({ "org": org, "ids": ids[..10] }),
                )
                .await;
            assert_eq!(done.json(), 10, "{backend}: {}", done.text());
            assert_eq!(list(&app, &owner, &org, "status=done").await["total"], 10, "{backend}");
            let unknown = app
                .json_as(
                    &owner,
                    "/api/todos/bulk-complete",
                    &serde_json::json!({ "org": org, "ids": ["nope"] }),
                )
                .await;
            assert_error(&unknown, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");

            let mut doomed: Vec<String> = ids[..5].to_vec();
            doomed.push("not-a-todo".to_owned());
            let deleted = app
                .json_as(
                    &owner,
                    "/api/todos/bulk-delete",
                    &serde_json::json!({ "org": org, "ids": doomed }),
                )
                .await;
            assert_eq!(deleted.json()["count"], 5, "{backend}: {}", deleted.text());
            assert_eq!(list(&app, &owner, &org, "").await["total"], 95, "{backend}");
            let audit = app.get_by(&owner, &format!("/api/orgs/audit?org={org}")).await.json();
            assert_eq!(audit["events"][0]["action"], "todos.bulk_deleted", "{backend}");
            assert_eq!(audit["events"][0]["details"]["count"], 5);
            let token = deleted.json()["undo_token"].as_str().expect("token").to_owned();
            let undone =
                app.post_as(&owner, "/api/todos/undo", &format!("org={org}&token={token}")).await;
            assert_eq!(undone.json(), 5, "{backend}");
            assert_eq!(list(&app, &owner, &org, "").await["total"], 100, "{backend}");
        }
    });
}

/// The columns of the CSV export, in order (docs/api.md).
const EXPORT_COLUMNS: [&str; 12] = [
    "id",
    "title",
    "description",
    "priority",
    "due_date",
    "assigned_to",
    "assignee",
    "completed",
    "created_by",
    "creator",
    "created_at",
    "updated_at",
];

#[test]
fn an_export_streams_every_todo_as_csv_or_ndjson() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app).await;
            let owner_id = owner.id.clone();
            // 10,000 todos, straight into the table; some titles need CSV quoting.
            let todos: Vec<(String, bool)> = (0..10_000)
                .map(|n| {
                    let title = match n % 4 {
                        0 => format!("Plain {n}"),
                        1 => format!("Comma, {n}"),
                        2 => format!("Quote \"{n}\" and\nline"),
                        _ => format!("Ñandú {n}"),
                    };
                    (title, n % 10 == 0)
                })
                .collect();
            app.insert_todos(&org, &owner_id, &todos).await;

            // Counting stops at 10,000: exactly that many is still exact.
            let page = list(&app, &owner, &org, "limit=1").await;
            assert_eq!(
                (page["total"].as_i64(), page["total_capped"].as_bool()),
                (Some(10_000), Some(false)),
                "{backend}"
            );

            let csv = app.get_by(&owner, &format!("/api/export/todos?org={org}&format=csv")).await;
            assert_eq!(csv.status, StatusCode::OK, "{backend}: {}", csv.text());
            assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
            let disposition = csv.header("content-disposition").expect("a file name");
            assert!(disposition.starts_with("attachment; filename=\"todos-"), "{disposition}");
            // A byte-order mark first, so spreadsheet programs read UTF-8.
            let body = csv.body.strip_prefix("\u{feff}".as_bytes()).expect("a byte-order mark");
            let mut reader = csv::Reader::from_reader(body);
            let header: Vec<String> =
                reader.headers().expect("header").iter().map(str::to_owned).collect();
            assert_eq!(header, EXPORT_COLUMNS, "{backend}");
            let records: Vec<csv::StringRecord> =
                reader.records().map(|r| r.expect("a valid row")).collect();
            assert_eq!(records.len(), 10_000, "{backend}");
            let exported: HashSet<&str> = records.iter().filter_map(|r| r.get(1)).collect();
            let expected: HashSet<&str> = todos.iter().map(|(title, _)| title.as_str()).collect();
            assert_eq!(exported, expected, "{backend}: every title, exactly");
            // The creator's name beside their id.
            assert!(
                records
                    .iter()
                    .all(|r| r.get(8) == Some(owner_id.as_str()) && r.get(9) == Some("Test User")),
                "{backend}"
            );

            let ndjson = app
                .get_by(&owner, &format!("/api/export/todos?org={org}&format=ndjson&status=done"))
                .await;
            assert_eq!(ndjson.header("content-type"), Some("application/x-ndjson; charset=utf-8"));
            let lines: Vec<serde_json::Value> = ndjson
                .text()
                .lines()
                .map(|line| serde_json::from_str(line).expect("one JSON object a line"))
                .collect();
            assert_eq!(lines.len(), 1_000, "{backend}");
            assert!(lines.iter().all(|todo| todo["completed"] == true));

            // Compressed as browsers ask for it: the compression layer polls the body once
            // more after its end, which the stream must take calmly.
            let gzip = app
                .send(
                    Request::get(format!("/api/export/todos?org={org}&status=done"))
                        .header("cookie", format!("session={}", owner.session))
                        .header("accept-encoding", "gzip")
                        .body(Body::empty())
                        .expect("request"),
                )
                .await;
            assert_eq!(gzip.status, StatusCode::OK, "{backend}");
            assert_eq!(gzip.header("content-encoding"), Some("gzip"), "{backend}");
            assert!(gzip.body.starts_with(&[0x1f, 0x8b]), "{backend}: a gzip stream");

            // One more is "more than 10,000"; a narrower filter counts exactly again.
            let extra = create(&app, &owner, &org, "title=One+more").await;
            assert_eq!(extra.status, StatusCode::OK, "{}", extra.text());
            let page = list(&app, &owner, &org, "limit=1").await;
            assert_eq!(
                (page["total"].as_i64(), page["total_capped"].as_bool()),
                (Some(10_000), Some(true)),
                "{backend}"
            );
            let done = list(&app, &owner, &org, "status=done&limit=1").await;
            assert_eq!(
                (done["total"].as_i64(), done["total_capped"].as_bool()),
                (Some(1_000), Some(false)),
                "{backend}"
            );

            let bad = app.get_by(&owner, &format!("/api/export/todos?org={org}&format=xlsx")).await;
            assert_error(&bad, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            let anonymous = app.get_as(&format!("/api/export/todos?org={org}"), None).await;
            assert_error(&anonymous, StatusCode::UNAUTHORIZED, "AUTH_UNAUTHENTICATED");
        }
    });
}
