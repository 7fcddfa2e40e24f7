//! Organizations over HTTP, on SQLite and on PostgreSQL: creation and slugs, the role ×
//! permission checks of the organization functions, tenant isolation, and the owner rule of
//! account deletion.

use crate::common;

use app::orgs::permissions::Role;
use axum::http::StatusCode;
use common::{
    PASSWORD, TestApp, TestResponse, TestUser, assert_error, audit_actions, block_on, encode,
};

async fn create(app: &TestApp, user: &TestUser, form: &str) -> TestResponse {
    app.post_as(user, "/api/orgs/create", form).await
}

async fn orgs(app: &TestApp, user: &TestUser) -> serde_json::Value {
    app.get_by(user, "/api/orgs").await.json()
}

async fn members_of(app: &TestApp, user: &TestUser, org: &str) -> TestResponse {
    app.get_by(user, &format!("/api/orgs/members?org={org}")).await
}

async fn set_role(
    app: &TestApp,
    user: &TestUser,
    org: &str,
    target: &str,
    role: &str,
) -> TestResponse {
    let form = format!("org={org}&user_id={target}&role={role}");
    app.post_as(user, "/api/orgs/members/role", &form).await
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
            let founder = app.user("founder@example.com").await;
            assert_eq!(orgs(&app, &founder).await, serde_json::json!([]), "{backend}");

            for (form, field, code) in [
                ("name=", "name", "VAL_REQUIRED_FIELD"),
                ("name=Acme&slug=Not+Valid", "slug", "VAL_INVALID_FORMAT"),
                ("name=Acme&slug=admin", "slug", "VAL_INVALID_FORMAT"),
                ("name=Acme&slug=a", "slug", "VAL_INVALID_FORMAT"),
            ] {
                let refused = create(&app, &founder, form).await;
                assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend} {form}");
                assert_eq!(refused.json()["fields"][field][0], code, "{backend} {form}");
            }
            let long = format!("name={}", "x".repeat(101));
            assert_eq!(
                create(&app, &founder, &long).await.json()["fields"]["name"][0],
                "VAL_TOO_LONG"
            );
            assert_eq!(
                orgs(&app, &founder).await,
                serde_json::json!([]),
                "{backend}: nothing created"
            );

            let first = create(&app, &founder, "name=Acme%2C+Inc.").await;
            assert_eq!(first.status, StatusCode::OK, "{backend}: {}", first.text());
            assert_eq!(first.json()["slug"], "acme-inc");
            assert_eq!(first.json()["role"], "owner");
            let second = create(&app, &founder, "name=Acme+Inc").await;
            assert_eq!(second.json()["slug"], "acme-inc-2", "{backend}");
            let taken = create(&app, &founder, "name=Other&slug=acme-inc").await;
            assert_error(&taken, StatusCode::CONFLICT, "BIZ_DUPLICATE_ENTRY");
            assert_eq!(taken.json()["fields"]["slug"][0], "BIZ_DUPLICATE_ENTRY");

            let list = orgs(&app, &founder).await;
            assert_eq!(list.as_array().map(Vec::len), Some(2), "{backend}");
            let other = app.user("outsider@example.com").await;
            assert_eq!(orgs(&app, &other).await, serde_json::json!([]), "{backend}: only your own");
        }
    });
}

#[test]
fn organization_functions_check_membership_then_permission() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.user("owner@example.com").await;
            let org = app.org(&owner, "Tenant A").await;
            let mut members = Vec::new();
            for role in [Role::Admin, Role::Member, Role::Viewer] {
                let user = app.user(&format!("{}@example.com", role.as_str())).await;
                app.join(&org, &user, role).await;
                members.push((role, user));
            }
            let outsider = app.user("outsider@example.com").await;
            let other_org = app.org(&outsider, "Tenant B").await;

            // organization:update — owner and admin.
            for (role, user) in members.iter().map(|(r, u)| (*r, u)).chain([(Role::Owner, &owner)])
            {
                let form = format!("org={}&name=Renamed+by+{role}&slug=tenant-a", org.id);
                let response = app.post_as(user, "/api/orgs/update", &form).await;
                if matches!(role, Role::Owner | Role::Admin) {
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
            for target in [other_org.id.as_str(), "0199a1b2-0000-7000-8000-000000000000"] {
                let form = format!("org={target}&name=Hijacked&slug=hijacked");
                let response = app.post_as(&owner, "/api/orgs/update", &form).await;
                assert_error(&response, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
                let deleted =
                    app.post_as(&owner, "/api/orgs/delete", &format!("org={target}")).await;
                assert_error(&deleted, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            }
            assert_eq!(name(orgs(&app, &outsider).await), "Tenant B", "{backend}: untouched");

            // organization:delete — owners only.
            let delete = format!("org={}", org.id);
            for (role, user) in &members {
                let response = app.post_as(user, "/api/orgs/delete", &delete).await;
                assert_error(&response, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
                assert_eq!(
                    response.json()["details"]["permission"],
                    "organization:delete",
                    "{role}"
                );
            }
            let deleted = app.post_as(&owner, "/api/orgs/delete", &delete).await;
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
            let owner = app.user("boss@example.com").await;
            let team = app.org(&owner, "Team").await;
            app.org(&owner, "Solo").await;
            let member = app.user("worker@example.com").await;
            app.join(&team, &member, Role::Member).await;

            let form = format!("password={}", encode(PASSWORD));
            let refused = app.post_as(&owner, "/api/account/delete", &form).await;
            assert_error(&refused, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(refused.json()["details"]["reason"], "sole_owner", "{backend}");
            assert_eq!(refused.json()["details"]["organizations"][0], team.id.as_str());
            assert_eq!(orgs(&app, &owner).await.as_array().map(Vec::len), Some(2), "{backend}");

            // With a second owner the account can go; the organization it was alone in goes too.
            let co_owner = app.user("co@example.com").await;
            app.join(&team, &co_owner, Role::Owner).await;
            let deleted = app.post_as(&owner, "/api/account/delete", &form).await;
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
            let owner = app.user("o@example.com").await;
            let crew = app.org(&owner, "Crew").await;
            let admin = app.user("admin@example.com").await;
            app.join(&crew, &admin, Role::Admin).await;
            let member = app.user("member@example.com").await;
            app.join(&crew, &member, Role::Member).await;
            let viewer = app.user("viewer@example.com").await;
            app.join(&crew, &viewer, Role::Viewer).await;
            let outsider = app.user("x@example.com").await;
            let org = crew.id.as_str();
            let list = members_of(&app, &viewer, org).await.json();
            assert_eq!(list.as_array().map(Vec::len), Some(4), "{backend}");
            assert!(list.as_array().expect("list").iter().any(|m| m["role"] == "owner"));
            assert_error(
                &members_of(&app, &outsider, org).await,
                StatusCode::NOT_FOUND,
                "BIZ_NOT_FOUND",
            );

            for user in [&viewer, &member] {
                let refused = set_role(&app, user, org, &viewer.id, "admin").await;
                assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
                assert_eq!(refused.json()["details"]["permission"], "member:update");
            }
            let ok = set_role(&app, &admin, org, &member.id, "viewer").await;
            assert_eq!(ok.status, StatusCode::OK, "{backend}: {}", ok.text());
            for (target, new_role) in [(&viewer.id, "owner"), (&owner.id, "member")] {
                let refused = set_role(&app, &admin, org, target, new_role).await;
                assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            }
            let bad = set_role(&app, &owner, org, &viewer.id, "emperor").await;
            assert_eq!(bad.json()["fields"]["role"][0], "VAL_INVALID_FORMAT", "{backend}");
            let ghost = set_role(&app, &owner, org, "no-such-user", "viewer").await;
            assert_error(&ghost, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");

            // The last owner can be neither demoted, removed nor leave.
            let demote = set_role(&app, &owner, org, &owner.id, "admin").await;
            assert_error(&demote, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(demote.json()["details"]["reason"], "last_owner");
            let remove_owner = format!("org={org}&user_id={}", owner.id);
            let remove_self = app.post_as(&owner, "/api/orgs/members/remove", &remove_owner).await;
            assert_error(&remove_self, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let leave = app.post_as(&owner, "/api/orgs/leave", &format!("org={org}")).await;
            assert_error(&leave, StatusCode::CONFLICT, "BIZ_INVALID_STATE");

            // Removing: admins remove non-owners, never owners.
            let removed = app
                .post_as(
                    &admin,
                    "/api/orgs/members/remove",
                    &format!("org={org}&user_id={}", viewer.id),
                )
                .await;
            assert_eq!(removed.status, StatusCode::OK, "{backend}: {}", removed.text());
            assert_error(
                &members_of(&app, &viewer, org).await,
                StatusCode::NOT_FOUND,
                "BIZ_NOT_FOUND",
            );
            let refused = app.post_as(&admin, "/api/orgs/members/remove", &remove_owner).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
        }
    });
}

#[test]
fn ownership_moves_only_by_an_owners_hand() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let owner = app.user("o@example.com").await;
            let org = app.org(&owner, "Crew").await;
            let admin = app.user("admin@example.com").await;
            app.join(&org, &admin, Role::Admin).await;

            // Ownership moves only by an owner's hand; then the former owner may leave.
            let transfer = format!("org={}&user_id={}", org.id, admin.id);
            let refused = app.post_as(&admin, "/api/orgs/transfer", &transfer).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let moved = app.post_as(&owner, "/api/orgs/transfer", &transfer).await;
            assert_eq!(moved.status, StatusCode::OK, "{backend}: {}", moved.text());
            let roles: Vec<(String, String)> = members_of(&app, &admin, &org.id)
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
            let left = app.post_as(&owner, "/api/orgs/leave", &format!("org={}", org.id)).await;
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
            let owner = app.user("chief@example.com").await;
            let ledger = app.org(&owner, "Ledger").await;
            let member = app.user("clerk@example.com").await;
            app.join(&ledger, &member, Role::Member).await;
            let outsider = app.user("nosy@example.com").await;
            let org = ledger.id.as_str();

            let rename = format!("org={org}&name=Ledger+2&slug=ledger-2");
            let renamed = app.post_as(&owner, "/api/orgs/update", &rename).await;
            assert_eq!(renamed.status, StatusCode::OK, "{backend}");
            assert_eq!(
                set_role(&app, &owner, org, &member.id, "viewer").await.status,
                StatusCode::OK
            );

            let log = async |user: &TestUser, before: Option<String>| {
                let uri = match before {
                    Some(before) => format!("/api/orgs/audit?org={org}&before={before}"),
                    None => format!("/api/orgs/audit?org={org}"),
                };
                app.get_by(user, &uri).await
            };
            let page = log(&owner, None).await.json();
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

            let denied = log(&member, None).await;
            assert_error(&denied, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(denied.json()["details"]["permission"], "audit:read");
            assert_error(&log(&outsider, None).await, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");

            // Enough entries for two pages: none lost, none repeated.
            for n in 0..50 {
                let role = if n % 2 == 0 { "member" } else { "viewer" };
                assert_eq!(
                    set_role(&app, &owner, org, &member.id, role).await.status,
                    StatusCode::OK
                );
            }
            let first = log(&owner, None).await.json();
            let next = first["next"].as_str().expect("a second page").to_owned();
            let second = log(&owner, Some(next)).await.json();
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
