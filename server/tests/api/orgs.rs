//! Organizations over HTTP, on SQLite and on PostgreSQL: creation and slugs, the role ×
//! permission checks of the organization functions, tenant isolation, and the owner rule of
//! account deletion.

use crate::common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp, TestResponse, assert_error, audit_actions, block_on, encode};

async fn create(app: &TestApp, cookie: &str, form: &str) -> TestResponse {
    app.call("/api/orgs/create", form, Some(cookie)).await
}

async fn orgs(app: &TestApp, cookie: &str) -> serde_json::Value {
    app.get_as("/api/orgs", Some(cookie)).await.json()
}

async fn members_of(app: &TestApp, org: &str, cookie: &str) -> TestResponse {
    app.get_as(&format!("/api/orgs/members?org={org}"), Some(cookie)).await
}

async fn set_role(
    app: &TestApp,
    cookie: &str,
    org: &str,
    target: &str,
    role: &str,
) -> TestResponse {
    app.call(
        "/api/orgs/members/role",
        &format!("org={org}&user_id={target}&role={role}"),
        Some(cookie),
    )
    .await
}

async fn add_member(app: &TestApp, org: &str, user: &str, role: &str) {
    app.add_member(org, user, role.parse().expect("a role")).await;
}

#[test]
fn organizations_are_created_with_unique_slugs() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            assert_error(
                &app.call("/api/orgs/create", "name=X", None).await,
                StatusCode::UNAUTHORIZED,
                "AUTH_UNAUTHENTICATED",
            );
            let cookie = app.sign_up("founder@example.com", PASSWORD).await;
            assert_eq!(orgs(&app, &cookie).await, serde_json::json!([]), "{backend}");

            for (form, field, code) in [
                ("name=", "name", "VAL_REQUIRED_FIELD"),
                ("name=Acme&slug=Not+Valid", "slug", "VAL_INVALID_FORMAT"),
                ("name=Acme&slug=admin", "slug", "VAL_INVALID_FORMAT"),
                ("name=Acme&slug=a", "slug", "VAL_INVALID_FORMAT"),
            ] {
                let refused = create(&app, &cookie, form).await;
                assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend} {form}");
                assert_eq!(refused.json()["fields"][field][0], code, "{backend} {form}");
            }
            let long = format!("name={}", "x".repeat(101));
            assert_eq!(
                create(&app, &cookie, &long).await.json()["fields"]["name"][0],
                "VAL_TOO_LONG"
            );
            assert_eq!(
                orgs(&app, &cookie).await,
                serde_json::json!([]),
                "{backend}: nothing created"
            );

            let first = create(&app, &cookie, "name=Acme%2C+Inc.").await;
            assert_eq!(first.status, StatusCode::OK, "{backend}: {}", first.text());
            assert_eq!(first.json()["slug"], "acme-inc");
            assert_eq!(first.json()["role"], "owner");
            let second = create(&app, &cookie, "name=Acme+Inc").await;
            assert_eq!(second.json()["slug"], "acme-inc-2", "{backend}");
            let taken = create(&app, &cookie, "name=Other&slug=acme-inc").await;
            assert_error(&taken, StatusCode::CONFLICT, "BIZ_DUPLICATE_ENTRY");
            assert_eq!(taken.json()["fields"]["slug"][0], "BIZ_DUPLICATE_ENTRY");

            let list = orgs(&app, &cookie).await;
            assert_eq!(list.as_array().map(Vec::len), Some(2), "{backend}");
            let other = app.sign_up("outsider@example.com", PASSWORD).await;
            assert_eq!(orgs(&app, &other).await, serde_json::json!([]), "{backend}: only your own");
        }
    });
}

#[test]
fn organization_functions_check_membership_then_permission() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.sign_up("owner@example.com", PASSWORD).await;
            let org = app.create_org(&owner, "name=Tenant+A").await;
            let mut members = Vec::new();
            for role in ["admin", "member", "viewer"] {
                let cookie = app.sign_up(&format!("{role}@example.com"), PASSWORD).await;
                add_member(&app, &org, &app.user_id(&cookie).await, role).await;
                members.push((role, cookie));
            }
            let outsider = app.sign_up("outsider@example.com", PASSWORD).await;
            let other_org = app.create_org(&outsider, "name=Tenant+B").await;

            // organization:update — owner and admin.
            for (role, cookie) in
                members.iter().map(|(r, c)| (*r, c.as_str())).chain([("owner", owner.as_str())])
            {
                let form = format!("org={org}&name=Renamed+by+{role}&slug=tenant-a");
                let response = app.call("/api/orgs/update", &form, Some(cookie)).await;
                if matches!(role, "owner" | "admin") {
                    assert_eq!(
                        response.status,
                        StatusCode::OK,
                        "{backend} {role}: {}",
                        response.text()
                    );
                } else {
                    assert_error(&response, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
                    assert_eq!(response.json()["details"]["permission"], "organization:update");
                }
            }
            let name =
                |list: serde_json::Value| list[0]["name"].as_str().unwrap_or_default().to_owned();
            assert_eq!(name(orgs(&app, &owner).await), "Renamed by owner", "{backend}");

            // Another tenant's organization, or one that does not exist: 404, nothing changes.
            for target in [other_org.as_str(), "0199a1b2-0000-7000-8000-000000000000"] {
                let form = format!("org={target}&name=Hijacked&slug=hijacked");
                let response = app.call("/api/orgs/update", &form, Some(&owner)).await;
                assert_error(&response, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
                let deleted =
                    app.call("/api/orgs/delete", &format!("org={target}"), Some(&owner)).await;
                assert_error(&deleted, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            }
            assert_eq!(name(orgs(&app, &outsider).await), "Tenant B", "{backend}: untouched");

            // organization:delete — owners only.
            for (role, cookie) in &members {
                let response =
                    app.call("/api/orgs/delete", &format!("org={org}"), Some(cookie)).await;
                assert_error(&response, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
                assert_eq!(
                    response.json()["details"]["permission"],
                    "organization:delete",
                    "{role}"
                );
            }
            let deleted = app.call("/api/orgs/delete", &format!("org={org}"), Some(&owner)).await;
            assert_eq!(deleted.status, StatusCode::OK, "{backend}: {}", deleted.text());
            assert_eq!(orgs(&app, &members[0].1).await, serde_json::json!([]), "{backend}");
        }
    });
}

#[test]
fn the_only_owner_of_a_team_cannot_delete_their_account() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.sign_up("boss@example.com", PASSWORD).await;
            let team = app.create_org(&owner, "name=Team").await;
            create(&app, &owner, "name=Solo").await;
            let member = app.sign_up("worker@example.com", PASSWORD).await;
            add_member(&app, &team, &app.user_id(&member).await, "member").await;

            let form = format!("password={}", encode(PASSWORD));
            let refused = app.call("/api/account/delete", &form, Some(&owner)).await;
            assert_error(&refused, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(refused.json()["details"]["reason"], "sole_owner", "{backend}");
            assert_eq!(refused.json()["details"]["organizations"][0], team.as_str());
            assert_eq!(orgs(&app, &owner).await.as_array().map(Vec::len), Some(2), "{backend}");

            // With a second owner the account can go; the organization it was alone in goes too.
            add_member(
                &app,
                &team,
                &app.user_id(&app.sign_up("co@example.com", PASSWORD).await).await,
                "owner",
            )
            .await;
            let deleted = app.call("/api/account/delete", &form, Some(&owner)).await;
            assert_eq!(deleted.status, StatusCode::OK, "{backend}: {}", deleted.text());
            let left = orgs(&app, &member).await;
            assert_eq!(left.as_array().map(Vec::len), Some(1), "{backend}");
            assert_eq!(left[0]["name"], "Team");
        }
    });
}

#[test]
fn members_roles_and_the_last_owner() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.sign_up("o@example.com", PASSWORD).await;
            let org = app.create_org(&owner, "name=Crew").await;
            let owner_id = app.user_id(&owner).await;
            let mut people = std::collections::HashMap::new();
            for role in ["admin", "member", "viewer"] {
                let cookie = app.sign_up(&format!("{role}@example.com"), PASSWORD).await;
                let id = app.user_id(&cookie).await;
                add_member(&app, &org, &id, role).await;
                people.insert(role, (cookie, id));
            }
            let outsider = app.sign_up("x@example.com", PASSWORD).await;
            let (admin, _) = people["admin"].clone();
            let (member, member_id) = people["member"].clone();
            let (viewer, viewer_id) = people["viewer"].clone();
            let list = members_of(&app, &org, &viewer).await.json();
            assert_eq!(list.as_array().map(Vec::len), Some(4), "{backend}");
            assert!(list.as_array().expect("list").iter().any(|m| m["role"] == "owner"));
            assert_error(
                &members_of(&app, &org, &outsider).await,
                StatusCode::NOT_FOUND,
                "BIZ_NOT_FOUND",
            );

            for cookie in [&viewer, &member] {
                let refused = set_role(&app, cookie, &org, &viewer_id, "admin").await;
                assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
                assert_eq!(refused.json()["details"]["permission"], "member:update");
            }
            let ok = set_role(&app, &admin, &org, &member_id, "viewer").await;
            assert_eq!(ok.status, StatusCode::OK, "{backend}: {}", ok.text());
            for (target, new_role) in [(&viewer_id, "owner"), (&owner_id, "member")] {
                let refused = set_role(&app, &admin, &org, target, new_role).await;
                assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            }
            let bad = set_role(&app, &owner, &org, &viewer_id, "emperor").await;
            assert_eq!(bad.json()["fields"]["role"][0], "VAL_INVALID_FORMAT", "{backend}");
            let ghost = set_role(&app, &owner, &org, "no-such-user", "viewer").await;
            assert_error(&ghost, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");

            // The last owner can be neither demoted, removed nor leave.
            let demote = set_role(&app, &owner, &org, &owner_id, "admin").await;
            assert_error(&demote, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(demote.json()["details"]["reason"], "last_owner");
            let remove_self = app
                .call(
                    "/api/orgs/members/remove",
                    &format!("org={org}&user_id={owner_id}"),
                    Some(&owner),
                )
                .await;
            assert_error(&remove_self, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let leave = app.call("/api/orgs/leave", &format!("org={org}"), Some(&owner)).await;
            assert_error(&leave, StatusCode::CONFLICT, "BIZ_INVALID_STATE");

            // Removing: admins remove non-owners, never owners.
            let removed = app
                .call(
                    "/api/orgs/members/remove",
                    &format!("org={org}&user_id={viewer_id}"),
                    Some(&admin),
                )
                .await;
            assert_eq!(removed.status, StatusCode::OK, "{backend}: {}", removed.text());
            assert_error(
                &members_of(&app, &org, &viewer).await,
                StatusCode::NOT_FOUND,
                "BIZ_NOT_FOUND",
            );
            let refused = app
                .call(
                    "/api/orgs/members/remove",
                    &format!("org={org}&user_id={owner_id}"),
                    Some(&admin),
                )
                .await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
        }
    });
}

#[test]
fn ownership_moves_only_by_an_owners_hand() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.sign_up("o@example.com", PASSWORD).await;
            let org = app.create_org(&owner, "name=Crew").await;
            let admin = app.sign_up("admin@example.com", PASSWORD).await;
            let admin_id = app.user_id(&admin).await;
            add_member(&app, &org, &admin_id, "admin").await;

            // Ownership moves only by an owner's hand; then the former owner may leave.
            let refused = app
                .call("/api/orgs/transfer", &format!("org={org}&user_id={admin_id}"), Some(&admin))
                .await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let moved = app
                .call("/api/orgs/transfer", &format!("org={org}&user_id={admin_id}"), Some(&owner))
                .await;
            assert_eq!(moved.status, StatusCode::OK, "{backend}: {}", moved.text());
            let roles: Vec<(String, String)> = members_of(&app, &org, &admin)
                .await
                .json()
                .as_array()
                .expect("list")
                .iter()
                .map(|m| {
                    (
                        m["email"].as_str().unwrap_or_default().to_owned(),
                        m["role"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            assert!(
                roles.contains(&("admin@example.com".into(), "owner".into())),
                "{backend}: {roles:?}"
            );
            assert!(
                roles.contains(&("o@example.com".into(), "admin".into())),
                "{backend}: {roles:?}"
            );
            let left = app.call("/api/orgs/leave", &format!("org={org}"), Some(&owner)).await;
            assert_eq!(left.status, StatusCode::OK, "{backend}: {}", left.text());
            assert_eq!(orgs(&app, &owner).await, serde_json::json!([]), "{backend}");
        }
    });
}

#[test]
fn the_audit_log_records_who_did_what_to_whom_and_pages() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.sign_up("chief@example.com", PASSWORD).await;
            let org = app.create_org(&owner, "name=Ledger").await;
            let member = app.sign_up("clerk@example.com", PASSWORD).await;
            let member_id = app.user_id(&member).await;
            add_member(&app, &org, &member_id, "member").await;
            let outsider = app.sign_up("nosy@example.com", PASSWORD).await;

            let renamed = app
                .call(
                    "/api/orgs/update",
                    &format!("org={org}&name=Ledger+2&slug=ledger-2"),
                    Some(&owner),
                )
                .await;
            assert_eq!(renamed.status, StatusCode::OK, "{backend}");
            assert_eq!(
                set_role(&app, &owner, &org, &member_id, "viewer").await.status,
                StatusCode::OK
            );

            let log = |cookie: String, before: Option<String>| {
                let uri = match before {
                    Some(before) => format!("/api/orgs/audit?org={org}&before={before}"),
                    None => format!("/api/orgs/audit?org={org}"),
                };
                let app = &app;
                async move { app.get_as(&uri, Some(&cookie)).await }
            };
            let page = log(owner.clone(), None).await.json();
            let actions = audit_actions(&page);
            assert_eq!(
                actions,
                ["member.role_changed", "organization.updated", "organization.created"],
                "{backend}"
            );
            let changed = &page["events"][0];
            assert_eq!(changed["actor"], "Test User", "{backend}");
            assert_eq!(changed["details"]["from"], "member", "{backend}");
            assert_eq!(changed["details"]["to"], "viewer", "{backend}");
            assert_eq!(page["events"][1]["details"]["name"]["to"], "Ledger 2", "{backend}");
            assert_eq!(page["next"], serde_json::Value::Null, "{backend}");

            let denied = log(member.clone(), None).await;
            assert_error(&denied, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(denied.json()["details"]["permission"], "audit:read");
            assert_error(
                &log(outsider.clone(), None).await,
                StatusCode::NOT_FOUND,
                "BIZ_NOT_FOUND",
            );

            // Enough entries for two pages: none lost, none repeated.
            for n in 0..50 {
                let role = if n % 2 == 0 { "member" } else { "viewer" };
                assert_eq!(
                    set_role(&app, &owner, &org, &member_id, role).await.status,
                    StatusCode::OK
                );
            }
            let first = log(owner.clone(), None).await.json();
            let next = first["next"].as_str().expect("a second page").to_owned();
            let second = log(owner.clone(), Some(next)).await.json();
            assert_eq!(second["next"], serde_json::Value::Null, "{backend}");
            let ids: std::collections::BTreeSet<String> = [&first, &second]
                .iter()
                .flat_map(|page| page["events"].as_array().expect("events").iter())
                .filter_map(|e| e["id"].as_str().map(ToOwned::to_owned))
                .collect();
            assert_eq!(first["events"].as_array().map(Vec::len), Some(50), "{backend}");
            assert_eq!(ids.len(), 53, "{backend}: 3 + 50 entries, each once");
        }
    });
}
