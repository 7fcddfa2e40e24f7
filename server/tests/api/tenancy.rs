//! The multi-tenancy guarantees, over every organization-scoped server function, on SQLite and
//! on PostgreSQL (+ Redis):
//!
//! - the role × permission matrix: each role gets exactly the calls the permission table
//!   grants, and a refused call changes nothing;
//! - tenant isolation: calls naming another organization, or another organization's members
//!   and invitations, or made without any membership, answer 404 and change nothing.
//!
//! [`ORG_CALLS`] lists every organization-scoped endpoint, and both tests cover them. The list
//! is checked against what the app registers: every server function and feature route is in
//! it or in [`NOT_ORG_SCOPED`] with the reason, so a new endpoint cannot be forgotten.

use crate::common;

use app::orgs::permissions::Role;
use axum::http::StatusCode;
use common::{TestApp, TestOrg, TestResponse, TestUser, assert_error, block_on};
use diesel::{ExpressionMethods, QueryDsl};
use platform::db::schema::{
    audit_log, billing_accounts, invitations, memberships, organizations, todo_attachments, todos,
};

/// The ids a call is made with.
struct Ids {
    org: String,
    slug: String,
    /// A member (role `member`) to act on.
    subject: String,
    /// An open invitation.
    invitation: String,
    /// A todo.
    todo: String,
    /// The undo token of a todo deleted a moment ago.
    undo: String,
    /// A file attached to the todo.
    attachment: String,
}

/// How a server function is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    /// A JSON body.
    Json,
    /// A multipart upload: the input's fields, then a small picture in this file field.
    Upload(&'static str),
}

/// One organization-scoped server function.
struct OrgCall {
    path: &'static str,
    method: Method,
    /// The form (POST) or query (GET).
    input: fn(&Ids) -> String,
    /// The roles allowed to make it.
    allowed: &'static [&'static str],
    /// The permission named in `details.permission` when refused.
    permission: Option<&'static str>,
}

const ALL: &[&str] = &["owner", "admin", "member", "viewer"];
const WORKERS: &[&str] = &["owner", "admin", "member"];
const MANAGERS: &[&str] = &["owner", "admin"];
const OWNERS: &[&str] = &["owner"];

/// Every organization-scoped server function.
const ORG_CALLS: &[OrgCall] = &[
    OrgCall {
        path: "/api/orgs/by-slug",
        method: Method::Get,
        input: |ids| format!("slug={}", ids.slug),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/orgs/update",
        method: Method::Post,
        input: |ids| format!("org={}&name=Renamed&slug={}", ids.org, ids.slug),
        allowed: MANAGERS,
        permission: Some("organization:update"),
    },
    OrgCall {
        path: "/api/orgs/delete",
        method: Method::Post,
        input: |ids| format!("org={}", ids.org),
        allowed: OWNERS,
        permission: Some("organization:delete"),
    },
    OrgCall {
        path: "/api/orgs/logo",
        method: Method::Upload("logo"),
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("organization:update"),
    },
    OrgCall {
        path: "/api/orgs/logo/delete",
        method: Method::Post,
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("organization:update"),
    },
    OrgCall {
        path: "/api/todos/attachments",
        method: Method::Get,
        input: |ids| format!("org={}&todo={}", ids.org, ids.todo),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/todos/attachments",
        method: Method::Upload("file"),
        input: |ids| format!("org={}&todo={}", ids.org, ids.todo),
        allowed: WORKERS,
        permission: Some("todos:update"),
    },
    OrgCall {
        path: "/api/todos/attachments/download",
        method: Method::Get,
        input: |ids| format!("org={}&id={}", ids.org, ids.attachment),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/todos/attachments/delete",
        method: Method::Post,
        input: |ids| format!("org={}&id={}", ids.org, ids.attachment),
        allowed: WORKERS,
        permission: Some("todos:update"),
    },
    OrgCall {
        path: "/api/orgs/members",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/orgs/members/role",
        method: Method::Post,
        input: |ids| format!("org={}&user_id={}&role=viewer", ids.org, ids.subject),
        allowed: MANAGERS,
        permission: Some("member:update"),
    },
    OrgCall {
        path: "/api/orgs/members/remove",
        method: Method::Post,
        input: |ids| format!("org={}&user_id={}", ids.org, ids.subject),
        allowed: MANAGERS,
        permission: Some("member:delete"),
    },
    OrgCall {
        path: "/api/orgs/leave",
        method: Method::Post,
        input: |ids| format!("org={}", ids.org),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/orgs/transfer",
        method: Method::Post,
        input: |ids| format!("org={}&user_id={}", ids.org, ids.subject),
        allowed: OWNERS,
        permission: Some("organization:transfer"),
    },
    OrgCall {
        path: "/api/orgs/audit",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("audit:read"),
    },
    OrgCall {
        path: "/api/orgs/invitations",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("invitation:create"),
    },
    OrgCall {
        path: "/api/orgs/invitations/create",
        method: Method::Post,
        input: |ids| {
            format!("org={}&email=new-{}%40example.com&role=member", ids.org, &ids.org[24..])
        },
        allowed: MANAGERS,
        permission: Some("invitation:create"),
    },
    OrgCall {
        path: "/api/orgs/invitations/resend",
        method: Method::Post,
        input: |ids| format!("org={}&invitation={}", ids.org, ids.invitation),
        allowed: MANAGERS,
        permission: Some("invitation:create"),
    },
    OrgCall {
        path: "/api/orgs/invitations/cancel",
        method: Method::Post,
        input: |ids| format!("org={}&invitation={}", ids.org, ids.invitation),
        allowed: MANAGERS,
        permission: Some("invitation:cancel"),
    },
    OrgCall {
        path: "/api/todos",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: ALL,
        permission: Some("todos:read"),
    },
    OrgCall {
        path: "/api/export/todos",
        method: Method::Get,
        input: |ids| format!("org={}&format=ndjson", ids.org),
        allowed: ALL,
        permission: Some("todos:read"),
    },
    OrgCall {
        path: "/api/todos/get",
        method: Method::Get,
        input: |ids| format!("org={}&id={}", ids.org, ids.todo),
        allowed: ALL,
        permission: Some("todos:read"),
    },
    OrgCall {
        path: "/api/todos/create",
        method: Method::Post,
        input: |ids| format!("org={}&title=New", ids.org),
        allowed: WORKERS,
        permission: Some("todos:create"),
    },
    OrgCall {
        path: "/api/todos/update",
        method: Method::Json,
        input: |ids| {
            serde_json::json!({ "org": ids.org, "id": ids.todo, "title": "Changed", "due_date": null })
                .to_string()
        },
        allowed: WORKERS,
        permission: Some("todos:update"),
    },
    OrgCall {
        path: "/api/todos/toggle",
        method: Method::Post,
        input: |ids| format!("org={}&id={}", ids.org, ids.todo),
        allowed: WORKERS,
        permission: Some("todos:update"),
    },
    OrgCall {
        path: "/api/todos/delete",
        method: Method::Post,
        input: |ids| format!("org={}&id={}", ids.org, ids.todo),
        allowed: WORKERS,
        permission: Some("todos:delete"),
    },
    OrgCall {
        path: "/api/todos/undo",
        method: Method::Post,
        input: |ids| format!("org={}&token={}", ids.org, ids.undo),
        allowed: WORKERS,
        permission: Some("todos:delete"),
    },
    OrgCall {
        path: "/api/todos/bulk-create",
        method: Method::Json,
        input: |ids| {
            serde_json::json!({ "org": ids.org, "items": [{ "title": "Bulk" }] }).to_string()
        },
        allowed: WORKERS,
        permission: Some("todos:create"),
    },
    OrgCall {
        path: "/api/todos/bulk-delete",
        method: Method::Json,
        input: |ids| serde_json::json!({ "org": ids.org, "ids": [ids.todo] }).to_string(),
        allowed: WORKERS,
        permission: Some("todos:delete"),
    },
    OrgCall {
        path: "/api/todos/bulk-complete",
        method: Method::Json,
        input: |ids| serde_json::json!({ "org": ids.org, "ids": [ids.todo] }).to_string(),
        allowed: WORKERS,
        permission: Some("todos:update"),
    },
    OrgCall {
        path: "/api/billing/subscription",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/billing/usage",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/billing/invoices",
        method: Method::Get,
        input: |ids| format!("org={}", ids.org),
        allowed: ALL,
        permission: None,
    },
    OrgCall {
        path: "/api/billing/checkout",
        method: Method::Post,
        input: |ids| format!("org={}&plan=pro&interval=monthly", ids.org),
        allowed: MANAGERS,
        permission: Some("billing:manage"),
    },
    OrgCall {
        path: "/api/billing/portal",
        method: Method::Post,
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("billing:manage"),
    },
    OrgCall {
        path: "/api/billing/cancel",
        method: Method::Post,
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("billing:manage"),
    },
    OrgCall {
        path: "/api/billing/resume",
        method: Method::Post,
        input: |ids| format!("org={}", ids.org),
        allowed: MANAGERS,
        permission: Some("billing:manage"),
    },
    OrgCall {
        path: "/api/billing/change-plan",
        method: Method::Post,
        input: |ids| format!("org={}&plan=business&interval=annual", ids.org),
        allowed: MANAGERS,
        permission: Some("billing:manage"),
    },
];

/// The calls whose organization must not have a subscription (a checkout would make a second
/// one; a paid organization cannot be deleted): every other organization of
/// the matrix subscribes to pro first (its seven people and invitations need more than the
/// free plan's two, and cancel, resume and change-plan act on a running subscription).
const UNSUBSCRIBED: &[&str] = &["/api/billing/checkout", "/api/orgs/delete"];

impl OrgCall {
    async fn call(&self, app: &TestApp, ids: &Ids, cookie: &str) -> TestResponse {
        let input = (self.input)(ids);
        match self.method {
            Method::Get => app.get_as(&format!("{}?{input}", self.path), Some(cookie)).await,
            Method::Post => app.call(self.path, &input, Some(cookie)).await,
            Method::Json => app.post_json(self.path, &input, cookie).await,
            Method::Upload(field) => upload(app, self.path, &input, field, cookie).await,
        }
    }
}

/// The people of the tests: one per role, a co-owner (so that an owner may leave), a member
/// to act on, and someone in no organization.
struct People(Vec<(&'static str, TestUser)>);

impl People {
    async fn sign_up(app: &TestApp) -> Self {
        let mut people = Vec::new();
        for who in ["owner", "co-owner", "admin", "member", "viewer", "subject", "outsider"] {
            people.push((who, app.user(&format!("{who}@example.com")).await));
        }
        Self(people)
    }

    fn get(&self, who: &str) -> &TestUser {
        &self.0.iter().find(|(w, _)| *w == who).expect("a person").1
    }

    fn cookie(&self, who: &str) -> &str {
        &self.get(who).session
    }

    fn id(&self, who: &str) -> &str {
        &self.get(who).id
    }
}

/// A fresh organization created by `owner`, with everyone but the outsider as a member and one
/// open invitation.
async fn organization(app: &TestApp, people: &People, owner: &str, name: &str) -> Ids {
    let TestOrg { id: org, slug } = app.org(people.get(owner), name).await;
    for (who, role) in [
        ("co-owner", Role::Owner),
        ("admin", Role::Admin),
        ("member", Role::Member),
        ("viewer", Role::Viewer),
        ("subject", Role::Member),
    ] {
        if who != owner {
            app.add_member(&org, people.id(who), role).await;
        }
    }
    let invitation = platform::clock::new_id();
    let now = platform::clock::now_utc();
    let email = format!("pending-{}@example.com", &org[24..]);
    let token_hash = platform::token::hash_token(&platform::token::new_token());
    let db = &app.state.platform.db;
    let invited: Result<(), platform::DbError> = async {
        platform::with_conn!(db, conn => {
            diesel::insert_into(invitations::table)
                .values((
                    invitations::id.eq(&invitation),
                    invitations::organization_id.eq(&org),
                    invitations::email.eq(&email),
                    invitations::role.eq("member"),
                    invitations::token_hash.eq(&token_hash),
                    invitations::invited_by.eq(people.id(owner)),
                    invitations::created_at.eq(now),
                    invitations::expires_at.eq(now + chrono::Duration::hours(48)),
                ))
                .execute(conn)
                .await?;
        });
        Ok(())
    }
    .await;
    invited.expect("invited");
    let (todo, undo) = todo_and_undo(app, people.cookie(owner), &org).await;
    let attachment = attach(app, people.cookie(owner), &org, &todo).await;
    Ids { org, slug, subject: people.id("subject").to_owned(), invitation, todo, undo, attachment }
}

/// A file attached to `todo` of `org`: its id.
async fn attach(app: &TestApp, cookie: &str, org: &str, todo: &str) -> String {
    let attached =
        upload(app, "/api/todos/attachments", &format!("org={org}&todo={todo}"), "file", cookie)
            .await;
    assert_eq!(attached.status, StatusCode::OK, "{}", attached.text());
    attached.json()["id"].as_str().expect("an attachment").to_owned()
}

/// A multipart upload to `path` of the fields of `form` and a small picture in `field`.
async fn upload(app: &TestApp, path: &str, form: &str, field: &str, cookie: &str) -> TestResponse {
    use crate::uploads::{Part, multipart, photo, upload_request};
    let fields: Vec<(String, String)> = form
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let picture = photo(16, 16);
    let mut parts: Vec<Part<'_>> =
        fields.iter().map(|(name, value)| Part::Text(name, value)).collect();
    parts.push(Part::File { field, name: "f.png", content_type: "image/png", bytes: &picture });
    app.send(upload_request(path, Some(cookie), multipart(&parts))).await
}

/// A todo of `org`, and the undo token of another one just deleted.
async fn todo_and_undo(app: &TestApp, cookie: &str, org: &str) -> (String, String) {
    let create = async |title: &str| {
        let created = app
            .call(
                "/api/todos/create",
                &format!("org={org}&title={title}&due_date=2026-12-24"),
                Some(cookie),
            )
            .await;
        created.json()["id"].as_str().expect("a todo").to_owned()
    };
    let todo = create("Kept").await;
    let doomed = create("Deleted").await;
    let deleted =
        app.call("/api/todos/delete", &format!("org={org}&id={doomed}"), Some(cookie)).await;
    let undo = deleted.json()["undo_token"].as_str().expect("an undo token").to_owned();
    (todo, undo)
}

/// A todo's id, title, completion, due date and deletion time.
type TodoState = (String, String, bool, Option<chrono::NaiveDate>, Option<chrono::NaiveDateTime>);

/// Everything stored about one organization, to compare before and after a call.
async fn snapshot(app: &TestApp, org: &str) -> String {
    let db = &app.state.platform.db;
    let state: Result<String, platform::DbError> = async {
        let org_row: Vec<(String, String)> = platform::with_conn!(db, conn => {
            organizations::table
                .filter(organizations::id.eq(org))
                .select((organizations::name, organizations::slug))
                .load(conn)
                .await?
        });
        let members: Vec<(String, String)> = platform::with_conn!(db, conn => {
            memberships::table
                .filter(memberships::organization_id.eq(org))
                .order(memberships::user_id)
                .select((memberships::user_id, memberships::role))
                .load(conn)
                .await?
        });
        let invites: Vec<(String, String, String, String)> = platform::with_conn!(db, conn => {
            invitations::table
                .filter(invitations::organization_id.eq(org))
                .order(invitations::id)
                .select((invitations::id, invitations::email, invitations::role, invitations::token_hash))
                .load(conn)
                .await?
        });
        let todo_rows: Vec<TodoState> =
            platform::with_conn!(db, conn => {
                todos::table
                    .filter(todos::organization_id.eq(org))
                    .order(todos::id)
                    .select((todos::id, todos::title, todos::completed, todos::due_date, todos::deleted_at))
                    .load(conn)
                    .await?
            });
        let audit: i64 = platform::with_conn!(db, conn => {
            audit_log::table.filter(audit_log::organization_id.eq(org)).count().get_result(conn).await?
        });
        let billing: Vec<(String, Option<String>, bool, Option<String>)> =
            platform::with_conn!(db, conn => {
                billing_accounts::table
                    .filter(billing_accounts::organization_id.eq(org))
                    .select((
                        billing_accounts::plan,
                        billing_accounts::status,
                        billing_accounts::cancel_at_period_end,
                        billing_accounts::customer_id,
                    ))
                    .load(conn)
                    .await?
            });
        let files: Vec<(String, String)> = platform::with_conn!(db, conn => {
            todo_attachments::table
                .filter(todo_attachments::organization_id.eq(org))
                .order(todo_attachments::id)
                .select((todo_attachments::id, todo_attachments::storage_key))
                .load(conn)
                .await?
        });
        let logo: Vec<Option<String>> = platform::with_conn!(db, conn => {
            organizations::table
                .filter(organizations::id.eq(org))
                .select(organizations::logo_key)
                .load(conn)
                .await?
        });
        Ok(format!(
            "{org_row:?} {members:?} {invites:?} {todo_rows:?} audit={audit} {billing:?} \
             {files:?} {logo:?}"
        ))
    }
    .await;
    state.expect("snapshot")
}

#[test]
fn each_role_gets_exactly_what_the_permission_table_grants() {
    block_on(async {
        // The owner's session sets up hundreds of organizations a minute: no API limit here.
        let setup = |c: &mut platform::Config| {
            c.require_email_verification = false;
            c.api_rate_limit_per_minute = 1_000_000;
        };
        for app in TestApp::each_backend_with(setup).await {
            let backend = app.backend();
            let people = People::sign_up(&app).await;
            for (n, call) in ORG_CALLS.iter().enumerate() {
                for role in ["viewer", "member", "admin", "owner"] {
                    // A fresh organization for every attempt: allowed calls change things.
                    let ids =
                        organization(&app, &people, "owner", &format!("Matrix+{n}+{role}")).await;
                    if !UNSUBSCRIBED.contains(&call.path) {
                        let org = TestOrg { id: ids.org.clone(), slug: ids.slug.clone() };
                        app.subscribe(people.get("owner"), &org, "pro").await;
                    }
                    let before = snapshot(&app, &ids.org).await;
                    let response = call.call(&app, &ids, people.cookie(role)).await;
                    let label = format!("{backend} {role} {}", call.path);
                    if call.allowed.contains(&role) {
                        assert_eq!(response.status, StatusCode::OK, "{label}: {}", response.text());
                    } else {
                        assert_error(&response, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
                        assert_eq!(
                            response.json()["details"]["permission"].as_str(),
                            call.permission,
                            "{label}"
                        );
                        assert_eq!(snapshot(&app, &ids.org).await, before, "{label}: changed");
                    }
                }
            }
        }
    });
}

#[test]
fn no_call_reaches_into_another_organization() {
    block_on(async {
        for app in TestApp::each_backend_with(|c| c.require_email_verification = false).await {
            let backend = app.backend();
            let people = People::sign_up(&app).await;
            let a = organization(&app, &people, "owner", "Tenant+A").await;
            // B: another owner, its own member and invitation.
            let b_owner = app.user("b-owner@example.com").await;
            let b_member = app.user("b-member@example.com").await;
            let b = {
                let org = app.org(&b_owner, "Tenant B").await;
                app.subscribe(&b_owner, &org, "pro").await;
                app.join(&org, &b_member, Role::Member).await;
                let form = format!("org={}&email=b-pending%40example.com&role=viewer", org.id);
                let invited =
                    app.post_as(&b_owner, "/api/orgs/invitations/create", &form).await.json();
                let (todo, undo) = todo_and_undo(&app, &b_owner.session, &org.id).await;
                let attachment = attach(&app, &b_owner.session, &org.id, &todo).await;
                Ids {
                    attachment,
                    slug: org.slug,
                    subject: b_member.id.clone(),
                    invitation: invited["id"].as_str().expect("invitation id").to_owned(),
                    org: org.id,
                    todo,
                    undo,
                }
            };
            let snapshots = async || (snapshot(&app, &a.org).await, snapshot(&app, &b.org).await);
            let before = snapshots().await;
            // A's owner may do everything in A; none of it in B.
            let owner = people.cookie("owner");
            let outsider = people.cookie("outsider");
            let mixed = Ids {
                org: a.org.clone(),
                slug: a.slug.clone(),
                subject: b.subject.clone(),
                invitation: b.invitation.clone(),
                todo: b.todo.clone(),
                undo: b.undo.clone(),
                attachment: b.attachment.clone(),
            };
            for call in ORG_CALLS {
                // B's organization outright.
                let response = call.call(&app, &b, owner).await;
                assert_error(&response, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
                // Someone in no organization at all, naming A.
                let response = call.call(&app, &a, outsider).await;
                assert_error(&response, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
                // A's organization with B's member and invitation (where a call names them).
                let input = (call.input)(&mixed);
                if [&b.subject, &b.invitation, &b.todo, &b.undo, &b.attachment]
                    .iter()
                    .any(|id| input.contains(id.as_str()))
                {
                    let response = call.call(&app, &mixed, owner).await;
                    assert_error(&response, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
                }
                assert_eq!(snapshots().await, before, "{backend} {}: changed", call.path);
            }
        }
    });
}

/// Every endpoint that does not act in an organization of the caller's, with the reason: the
/// test below fails on any endpoint that is in neither this list nor [`ORG_CALLS`].
const NOT_ORG_SCOPED: &[(&str, &str)] = &[
    ("/api/system/status", "public"),
    ("/files/{*key}", "a stored picture: its unguessable key is the capability"),
    ("/api/avatars/upload", "the caller's own picture (uploads.rs)"),
    ("/api/avatars", "the caller's own picture (uploads.rs)"),
    ("/api/avatars/delete", "the caller's own picture (uploads.rs)"),
    ("/api/preferences/locale", "the browser's own preference"),
    ("/api/preferences/theme", "the browser's own preference"),
    ("/api/preferences/time-zone", "the caller's own account"),
    ("/api/auth/me", "the caller's own session"),
    ("/api/auth/sign-up", "anonymous: creates an account"),
    ("/api/auth/sign-in", "anonymous: signs in"),
    ("/api/auth/sign-out", "the caller's own session"),
    ("/api/auth/verify-email", "the mailed token is the credential"),
    ("/api/auth/verify-email/resend", "the caller's own account"),
    ("/api/auth/password/forgot", "anonymous: mails a link"),
    ("/api/auth/password/reset", "the mailed token is the credential"),
    ("/api/auth/magic-link", "anonymous: mails a link"),
    ("/api/auth/magic-link/sign-in", "the mailed token is the credential"),
    ("/api/auth/code", "anonymous: mails a code"),
    ("/api/auth/code/sign-in", "the mailed code is the credential"),
    ("/api/account/sessions", "the caller's own account"),
    ("/api/account/sessions/revoke", "the caller's own account"),
    ("/api/account/sessions/revoke-others", "the caller's own account"),
    ("/api/account/profile", "the caller's own account"),
    ("/api/account/password", "the caller's own account"),
    ("/api/account/email", "the caller's own account"),
    ("/api/account/email/confirm", "the mailed token is the credential"),
    ("/api/account/delete", "the caller's own account (solely owned organizations: orgs.rs)"),
    ("/api/orgs", "the caller's own memberships"),
    ("/api/orgs/create", "creates an organization: there is no membership yet"),
    ("/api/invitations/preview", "the invitation's token is the credential (invitations.rs)"),
    ("/api/invitations/accept", "the invitation's token is the credential (invitations.rs)"),
    ("/api/invitations/decline", "the invitation's token is the credential (invitations.rs)"),
    ("/api/admin/users", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/admin/orgs", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/admin/users/ban", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/admin/users/unban", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/admin/users/revoke-sessions", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/admin/impersonate", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/admin/impersonate/stop", "the administrator behind an impersonation (admin.rs)"),
    ("/api/admin/events", "platform administration, behind AdminScope (admin.rs)"),
    ("/api/billing/webhook", "the payment provider's signature is the credential (billing.rs)"),
    (
        "/api/billing/local/session",
        "the local checkout session's organization, entered with billing:manage (billing.rs)",
    ),
    (
        "/api/billing/local/pay",
        "the local checkout session's organization, entered with billing:manage (billing.rs)",
    ),
    (
        "/api/billing/local/confirm",
        "the local checkout session's organization, entered with billing:manage (billing.rs)",
    ),
    (
        "/api/ws/billing",
        "organization-scoped, a WebSocket: membership and billing:read at the handshake, proven \
         in realtime.rs",
    ),
    (
        "/api/ws/todos",
        "organization-scoped, a WebSocket: membership and todos:read at the handshake and on \
         every re-check are proven in realtime.rs",
    ),
];

#[test]
fn every_endpoint_is_covered_here_or_says_why_it_is_not_organization_scoped() {
    use std::collections::BTreeSet;
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .chain(app::features::routes().into_iter().map(|(path, _)| path.to_owned()))
        .collect();
    // A path may be listed once per method (an upload beside a server function).
    let listed: Vec<String> = ORG_CALLS
        .iter()
        .map(|call| format!("{:?} {}", call.method, call.path))
        .chain(NOT_ORG_SCOPED.iter().map(|(path, _)| (*path).to_owned()))
        .collect();
    let distinct: BTreeSet<&String> = listed.iter().collect();
    assert_eq!(listed.len(), distinct.len(), "an endpoint is listed twice");
    let listed_set: BTreeSet<String> = ORG_CALLS
        .iter()
        .map(|call| call.path)
        .chain(NOT_ORG_SCOPED.iter().map(|(path, _)| *path))
        .map(str::to_owned)
        .collect();
    let missing: Vec<&String> = registered.difference(&listed_set).collect();
    assert!(
        missing.is_empty(),
        "not covered by the tenancy tests: add each to ORG_CALLS, or to NOT_ORG_SCOPED with the \
         reason: {missing:?}"
    );
    let stale: Vec<&String> = listed_set.difference(&registered).collect();
    assert!(stale.is_empty(), "listed but not registered: {stale:?}");
    assert!(NOT_ORG_SCOPED.iter().all(|(_, reason)| !reason.is_empty()));
}
