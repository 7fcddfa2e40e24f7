//! Organizations over HTTP, on SQLite and on PostgreSQL: creation and slugs, the role ×
//! permission checks of the organization functions, tenant isolation, and the owner rule of
//! account deletion.

mod common;

use axum::http::StatusCode;
use common::{TestApp, TestResponse, block_on, encode};
use platform::db::schema::memberships;

const PASSWORD: &str = "correct horse battery";

fn assert_error(response: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(response.json()["code"], code, "{}", response.text());
}

async fn create(app: &TestApp, cookie: &str, form: &str) -> TestResponse {
    app.call("/api/orgs/create", form, Some(cookie)).await
}

async fn orgs(app: &TestApp, cookie: &str) -> serde_json::Value {
    app.get_as("/api/orgs", Some(cookie)).await.json()
}

async fn user_id(app: &TestApp, cookie: &str) -> String {
    app.get_as("/api/auth/me", Some(cookie)).await.json()["id"].as_str().expect("id").to_owned()
}

/// Adds `user` to `org` with `role` (invitations come later; the table is the truth).
async fn add_member(app: &TestApp, org: &str, user: &str, role: &str) {
    use diesel::ExpressionMethods as _;
    let db = &app.state.platform.db;
    let now = platform::clock::now_utc();
    let added: Result<(), platform::DbError> = async {
        platform::with_conn!(db, conn => {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::organization_id.eq(org),
                    memberships::user_id.eq(user),
                    memberships::role.eq(role),
                    memberships::created_at.eq(now),
                ))
                .execute(conn)
                .await?;
        });
        Ok(())
    }
    .await;
    added.expect("membership");
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
            let org = create(&app, &owner, "name=Tenant+A").await.json()["id"]
                .as_str()
                .expect("id")
                .to_owned();
            let mut members = Vec::new();
            for role in ["admin", "member", "viewer"] {
                let cookie = app.sign_up(&format!("{role}@example.com"), PASSWORD).await;
                add_member(&app, &org, &user_id(&app, &cookie).await, role).await;
                members.push((role, cookie));
            }
            let outsider = app.sign_up("outsider@example.com", PASSWORD).await;
            let other_org = create(&app, &outsider, "name=Tenant+B").await.json()["id"]
                .as_str()
                .expect("id")
                .to_owned();

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
            let team = create(&app, &owner, "name=Team").await.json()["id"]
                .as_str()
                .expect("id")
                .to_owned();
            create(&app, &owner, "name=Solo").await;
            let member = app.sign_up("worker@example.com", PASSWORD).await;
            add_member(&app, &team, &user_id(&app, &member).await, "member").await;

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
                &user_id(&app, &app.sign_up("co@example.com", PASSWORD).await).await,
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
