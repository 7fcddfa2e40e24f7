//! Invitations end to end over HTTP, on SQLite and on PostgreSQL (+ Redis): sending, the mail
//! and its link, accepting (right and wrong address), declining, replacing, resending,
//! cancelling and expiry; each failure checks its code and that nothing changed.

use crate::common;

use axum::http::StatusCode;
use common::{TestApp, TestOrg, TestUser, assert_error, audit_actions, block_on, encode, token_of};
use diesel::{ExpressionMethods, QueryDsl};
use platform::db::schema::invitations;

/// A verified owner and their organization, on the pro plan: room for the invitations of
/// these tests (billing.rs tests the free plan's limit).
async fn owner_with_org(app: &TestApp, email: &str, name: &str) -> (TestUser, TestOrg) {
    let owner = app.user(email).await;
    app.verify(email).await;
    let org = app.org(&owner, name).await;
    app.subscribe(&owner, &org, "pro").await;
    (owner, org)
}

async fn invite(
    app: &TestApp,
    user: &TestUser,
    org: &TestOrg,
    email: &str,
    role: &str,
) -> common::TestResponse {
    let form = format!("org={}&email={}&role={role}", org.id, encode(email));
    app.post_as(user, "/api/orgs/invitations/create", &form).await
}

async fn pending(app: &TestApp, user: &TestUser, org: &TestOrg) -> serde_json::Value {
    let response = app.get_by(user, &format!("/api/orgs/invitations?org={}", org.id)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

async fn member_emails(app: &TestApp, user: &TestUser, org: &TestOrg) -> Vec<String> {
    let members = app.get_by(user, &format!("/api/orgs/members?org={}", org.id)).await.json();
    members
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            format!(
                "{}:{}",
                m["email"].as_str().unwrap_or_default(),
                m["role"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The token of the latest invitation mailed to `email` (the `count`-th mail it received).
async fn invitation_token(app: &TestApp, email: &str, count: usize) -> String {
    let mail = app.wait_for_mail(email, count).await;
    token_of(&mail.link("/invitations/accept").expect("an invitation link"))
}

#[test]
fn an_invited_person_signs_up_and_joins_with_the_invited_role() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            // Unconfirmed addresses send no invitations (REQUIRE_EMAIL_VERIFICATION).
            let unverified = app.user("unverified@example.com").await;
            let their_org = app.org(&unverified, "Unverified").await;
            let refused = invite(&app, &unverified, &their_org, "x@example.com", "member").await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(refused.json()["details"]["reason"], "email_unverified");

            let (owner, org) = owner_with_org(&app, "owner@example.com", "Acme").await;
            // Never as owner; the address must be one.
            let as_owner = invite(&app, &owner, &org, "bob@example.com", "owner").await;
            assert_error(&as_owner, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            assert_eq!(as_owner.json()["fields"]["role"][0], "VAL_INVALID_FORMAT");
            let bad_email = invite(&app, &owner, &org, "not-an-address", "member").await;
            assert_error(&bad_email, StatusCode::BAD_REQUEST, "VAL_INVALID_EMAIL");
            assert_eq!(pending(&app, &owner, &org).await, serde_json::json!([]), "{backend}");

            let sent = invite(&app, &owner, &org, "  Bob@Example.com ", "admin").await;
            assert_eq!(sent.status, StatusCode::OK, "{backend}: {}", sent.text());
            assert_eq!(sent.json()["email"], "bob@example.com");
            assert_eq!(sent.json()["role"], "admin");
            let list = pending(&app, &owner, &org).await;
            assert_eq!(list.as_array().map(Vec::len), Some(1), "{backend}");
            assert_eq!(list[0]["expired"], false);

            let mail = app.wait_for_mail("bob@example.com", 1).await;
            assert!(mail.subject.contains("Acme"), "{backend}: {}", mail.subject);
            let token = invitation_token(&app, "bob@example.com", 1).await;

            // The link's holder sees what it is for, without signing in.
            let preview =
                app.get_as(&format!("/api/invitations/preview?token={token}"), None).await;
            assert_eq!(preview.status, StatusCode::OK, "{backend}: {}", preview.text());
            assert_eq!(preview.json()["organization"], "Acme");
            assert_eq!(preview.json()["role"], "admin");
            assert_eq!(preview.json()["email"], "bob@example.com");
            assert_eq!(preview.json()["has_account"], false);

            // Accepting needs a session, with the invited address.
            let anonymous =
                app.call("/api/invitations/accept", &format!("token={token}"), None).await;
            assert_error(&anonymous, StatusCode::UNAUTHORIZED, "AUTH_UNAUTHENTICATED");
            let carol = app.user("carol@example.com").await;
            let wrong =
                app.post_as(&carol, "/api/invitations/accept", &format!("token={token}")).await;
            assert_error(&wrong, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(wrong.json()["details"]["reason"], "invitation_other_email");
            assert_eq!(
                member_emails(&app, &owner, &org).await,
                ["owner@example.com:owner"],
                "{backend}"
            );
            assert_eq!(
                pending(&app, &owner, &org).await.as_array().map(Vec::len),
                Some(1),
                "{backend}: still open"
            );

            let bob = app.user("bob@example.com").await;
            let joined =
                app.post_as(&bob, "/api/invitations/accept", &format!("token={token}")).await;
            assert_eq!(joined.status, StatusCode::OK, "{backend}: {}", joined.text());
            assert_eq!(joined.json()["id"], org.id.as_str());
            assert_eq!(joined.json()["role"], "admin");
            let mut members = member_emails(&app, &owner, &org).await;
            members.sort();
            assert_eq!(members, ["bob@example.com:admin", "owner@example.com:owner"], "{backend}");
            assert_eq!(pending(&app, &owner, &org).await, serde_json::json!([]), "{backend}");
            // Following the mailed link proved the address.
            assert_eq!(app.get_by(&bob, "/api/auth/me").await.json()["email_verified"], true);

            // Used up; and a member cannot be invited again.
            let again =
                app.post_as(&bob, "/api/invitations/accept", &format!("token={token}")).await;
            assert_error(&again, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let duplicate = invite(&app, &owner, &org, "bob@example.com", "member").await;
            assert_error(&duplicate, StatusCode::CONFLICT, "BIZ_DUPLICATE_ENTRY");
            assert_eq!(duplicate.json()["fields"]["email"][0], "BIZ_DUPLICATE_ENTRY");

            // The admin invites too, and the log tells the story.
            let by_admin = invite(&app, &bob, &org, "dave@example.com", "viewer").await;
            assert_eq!(by_admin.status, StatusCode::OK, "{backend}: {}", by_admin.text());
            let audit = app.get_by(&owner, &format!("/api/orgs/audit?org={}", org.id)).await.json();
            let actions = audit_actions(&audit);
            assert_eq!(
                actions,
                ["member.invited", "member.joined", "member.invited", "organization.created"],
                "{backend}"
            );
        }
    });
}

#[test]
fn invitations_are_replaced_resent_cancelled_declined_and_expire() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_with_org(&app, "owner@example.com", "Acme").await;

            // Inviting the same address again replaces the open invitation (and its link).
            assert_eq!(
                invite(&app, &owner, &org, "dana@example.com", "member").await.status,
                StatusCode::OK
            );
            let first = invitation_token(&app, "dana@example.com", 1).await;
            assert_eq!(
                invite(&app, &owner, &org, "dana@example.com", "viewer").await.status,
                StatusCode::OK
            );
            let second = invitation_token(&app, "dana@example.com", 2).await;
            let list = pending(&app, &owner, &org).await;
            assert_eq!(list.as_array().map(Vec::len), Some(1), "{backend}");
            assert_eq!(list[0]["role"], "viewer");
            let old = app.get_as(&format!("/api/invitations/preview?token={first}"), None).await;
            assert_error(&old, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(old.json()["details"]["reason"], "token_invalid");

            // Expired: the link stops working, the list says so, resending renews it.
            let id = list[0]["id"].as_str().expect("id").to_owned();
            expire(&app, &id).await;
            let expired =
                app.get_as(&format!("/api/invitations/preview?token={second}"), None).await;
            assert_error(&expired, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let dana = app.user("dana@example.com").await;
            let late =
                app.post_as(&dana, "/api/invitations/accept", &format!("token={second}")).await;
            assert_error(&late, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(pending(&app, &owner, &org).await[0]["expired"], true, "{backend}");
            let form = format!("org={}&invitation={id}", org.id);
            let resent = app.post_as(&owner, "/api/orgs/invitations/resend", &form).await;
            assert_eq!(resent.status, StatusCode::OK, "{backend}: {}", resent.text());
            assert_eq!(pending(&app, &owner, &org).await[0]["expired"], false, "{backend}");
            // dana got: invitation, invitation, verification, invitation.
            let renewed = invitation_token(&app, "dana@example.com", 4).await;
            assert_ne!(renewed, second);

            // Declining needs only the link; the invitation is gone and the log says so.
            let declined =
                app.call("/api/invitations/decline", &format!("token={renewed}"), None).await;
            assert_eq!(declined.status, StatusCode::OK, "{backend}: {}", declined.text());
            assert_eq!(pending(&app, &owner, &org).await, serde_json::json!([]), "{backend}");
            let accept =
                app.post_as(&dana, "/api/invitations/accept", &format!("token={renewed}")).await;
            assert_error(&accept, StatusCode::CONFLICT, "BIZ_INVALID_STATE");

            // Cancelled: the link stops working; cancelling twice is a 404.
            assert_eq!(
                invite(&app, &owner, &org, "erin@example.com", "member").await.status,
                StatusCode::OK
            );
            let erin_token = invitation_token(&app, "erin@example.com", 1).await;
            let erin_id =
                pending(&app, &owner, &org).await[0]["id"].as_str().expect("id").to_owned();
            let form = format!("org={}&invitation={erin_id}", org.id);
            let cancelled = app.post_as(&owner, "/api/orgs/invitations/cancel", &form).await;
            assert_eq!(cancelled.status, StatusCode::OK, "{backend}: {}", cancelled.text());
            let twice = app.post_as(&owner, "/api/orgs/invitations/cancel", &form).await;
            assert_error(&twice, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            let gone =
                app.get_as(&format!("/api/invitations/preview?token={erin_token}"), None).await;
            assert_error(&gone, StatusCode::CONFLICT, "BIZ_INVALID_STATE");

            let audit = app.get_by(&owner, &format!("/api/orgs/audit?org={}", org.id)).await.json();
            let actions = audit_actions(&audit);
            assert_eq!(
                &actions[..3],
                ["invitation.cancelled", "member.invited", "invitation.declined"],
                "{backend}"
            );
            assert_eq!(
                member_emails(&app, &owner, &org).await,
                ["owner@example.com:owner"],
                "{backend}"
            );
        }
    });
}

#[test]
fn the_last_owner_stays_whatever_the_invitations() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let backend = app.backend();
            let (owner, org) = owner_with_org(&app, "owner@example.com", "Acme").await;
            assert_eq!(
                invite(&app, &owner, &org, "amy@example.com", "admin").await.status,
                StatusCode::OK
            );
            let token = invitation_token(&app, "amy@example.com", 1).await;
            let amy = app.user("amy@example.com").await;
            let joined =
                app.post_as(&amy, "/api/invitations/accept", &format!("token={token}")).await;
            assert_eq!(joined.status, StatusCode::OK, "{backend}: {}", joined.text());

            // The admin who joined cannot demote or remove the owner; the owner cannot leave.
            let demote = app
                .post_as(
                    &amy,
                    "/api/orgs/members/role",
                    &format!("org={}&user_id={}&role=member", org.id, owner.id),
                )
                .await;
            assert_error(&demote, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let remove = app
                .post_as(
                    &amy,
                    "/api/orgs/members/remove",
                    &format!("org={}&user_id={}", org.id, owner.id),
                )
                .await;
            assert_error(&remove, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            let leave = app.post_as(&owner, "/api/orgs/leave", &format!("org={}", org.id)).await;
            assert_error(&leave, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(leave.json()["details"]["reason"], "last_owner");
            let mut members = member_emails(&app, &owner, &org).await;
            members.sort();
            assert_eq!(members, ["amy@example.com:admin", "owner@example.com:owner"], "{backend}");
        }
    });
}

/// Moves invitation `id`'s expiry into the past.
async fn expire(app: &TestApp, id: &str) {
    let db = &app.state.platform.db;
    let past = platform::clock::now_utc() - chrono::Duration::minutes(1);
    let updated: Result<usize, platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            diesel::update(invitations::table.filter(invitations::id.eq(id)))
                .set(invitations::expires_at.eq(past))
                .execute(conn)
                .await?
        }))
    }
    .await;
    assert_eq!(updated.expect("database"), 1);
}
