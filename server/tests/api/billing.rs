//! Billing: the plans' limits at their boundaries (also under concurrency), the local
//! provider's checkout with each test card, trials, cancel / resume / change of plan, a
//! failed renewal's grace period, and the webhook: signatures, replays, order, mismatches and
//! a failed write answered so that the provider sends the event again.

use crate::common;

use app::orgs::permissions::Role;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{TestApp, TestOrg, TestResponse, TestUser, assert_error, block_on};
use diesel::{ExpressionMethods, QueryDsl, TextExpressionMethods};
use platform::{
    config::Secret,
    db::schema::{audit_log, billing_accounts, local_billing_subscriptions, todos},
};

const SECRET: &str = "whsec_test_secret";
const PAYS: &str = "4242424242424242";

async fn owner_and_org(app: &TestApp, name: &str) -> (TestUser, TestOrg) {
    let owner = app.user(&format!("{}@example.com", name.to_lowercase())).await;
    let org = app.org(&owner, name).await;
    (owner, org)
}

async fn create_todo(app: &TestApp, user: &TestUser, org: &TestOrg, title: &str) -> TestResponse {
    app.post_as(user, "/api/todos/create", &format!("org={}&title={title}", org.id)).await
}

async fn live_todos(app: &TestApp, org: &TestOrg) -> i64 {
    let db = &app.state.platform.db;
    let count: Result<i64, platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            todos::table
                .filter(todos::organization_id.eq(&org.id))
                .filter(todos::deleted_at.is_null())
                .count()
                .get_result(conn)
                .await?
        }))
    }
    .await;
    count.expect("count")
}

/// The organization's `billing.*` audit actions, oldest first.
pub(crate) async fn audit_actions(app: &TestApp, org: &TestOrg) -> Vec<String> {
    let db = &app.state.platform.db;
    let actions: Result<Vec<String>, platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            audit_log::table
                .filter(audit_log::organization_id.eq(&org.id))
                .filter(audit_log::action.like("billing.%"))
                .order(audit_log::id)
                .select(audit_log::action)
                .load(conn)
                .await?
        }))
    }
    .await;
    actions.expect("audit")
}

/// The token of the `count`-th invitation mailed to `email`.
async fn invitation_token(app: &TestApp, email: &str, count: usize) -> String {
    let mail = app.wait_for_mail(email, count).await;
    common::token_of(&mail.link("/invitations/accept").expect("an invitation link"))
}

/// `n` accounts made straight in the table (signing up so many would meet the sign-up limit).
async fn people(app: &TestApp, n: usize) -> Vec<String> {
    use platform::db::schema::users;
    let db = &app.state.platform.db;
    let now = platform::clock::now_utc();
    let ids: Vec<String> = (0..n).map(|_| platform::clock::new_id()).collect();
    let done: Result<(), platform::DbError> = platform::transaction!(db, conn => {
        for id in &ids {
            diesel::insert_into(users::table)
                .values((
                    users::id.eq(id),
                    users::email.eq(format!("{id}@example.com")),
                    users::name.eq("Someone"),
                    users::locale.eq("en"),
                    users::created_at.eq(now),
                    users::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
        }
        Ok(())
    });
    done.expect("people");
    ids
}

async fn subscription(app: &TestApp, user: &TestUser, org: &TestOrg) -> serde_json::Value {
    let response = app.get_by(user, &format!("/api/billing/subscription?org={}", org.id)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

/// The local provider's subscription of `org` (id, customer).
async fn provider_subscription(app: &TestApp, org: &TestOrg) -> (String, String) {
    let db = &app.state.platform.db;
    let row: Result<(String, String), platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            local_billing_subscriptions::table
                .filter(local_billing_subscriptions::organization_id.eq(&org.id))
                .order(local_billing_subscriptions::created_at.desc())
                .select((local_billing_subscriptions::id, local_billing_subscriptions::customer_id))
                .first(conn)
                .await?
        }))
    }
    .await;
    row.expect("a provider subscription")
}

/// Moves the end of `org`'s current period at the provider to a day ago (its renewal is due).
async fn end_period(app: &TestApp, org: &TestOrg) {
    move_period_end(app, org, platform::clock::now_utc() - chrono::TimeDelta::days(1)).await;
}

/// Moves the end of `org`'s current period at the provider to `past`.
async fn move_period_end(app: &TestApp, org: &TestOrg, past: chrono::NaiveDateTime) {
    let db = &app.state.platform.db;
    let done: Result<(), platform::DbError> = async {
        platform::with_conn!(db, conn => {
            diesel::update(
                local_billing_subscriptions::table
                    .filter(local_billing_subscriptions::organization_id.eq(&org.id)),
            )
            .set(local_billing_subscriptions::current_period_end.eq(past))
            .execute(conn)
            .await?;
        });
        Ok(())
    }
    .await;
    done.expect("period moved");
}

async fn renew(app: &TestApp) -> usize {
    app::billing::jobs::renewals(&app.state.platform).await.expect("renewals")
}

#[test]
fn a_new_organization_is_on_the_free_plan() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Freebie").await;
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["plan"], "free");
            assert_eq!(sub["effective_plan"], "free");
            assert_eq!(sub["status"], serde_json::Value::Null);
            assert_eq!(sub["limits"]["todos"], 10);
            assert_eq!(sub["limits"]["members"], 2);
            assert_eq!(sub["limits"]["storage_bytes"], 100_000_000);
            assert_eq!(sub["trial_available"], true);
            assert_eq!(sub["has_customer"], false);
            let usage = app.get_by(&owner, &format!("/api/billing/usage?org={}", org.id)).await;
            let usage = usage.json();
            assert_eq!(
                usage["todos"],
                serde_json::json!({"used": 0, "limit": 10, "percentage": 0})
            );
            assert_eq!(
                usage["members"],
                serde_json::json!({"used": 1, "limit": 2, "percentage": 50})
            );
            assert_eq!(usage["storage"]["limit"], 100_000_000);
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await;
            assert_eq!(invoices.json(), serde_json::json!([]));
        }
    });
}

#[test]
fn the_tenth_todo_is_created_the_eleventh_refused_and_a_bulk_create_is_all_or_nothing() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Limited").await;
            for n in 0..9 {
                let created = create_todo(&app, &owner, &org, &format!("Todo+{n}")).await;
                assert_eq!(created.status, StatusCode::OK, "{}", created.text());
            }
            // Two at 9 of 10: refused whole, nothing written.
            let body =
                serde_json::json!({"org": org.id, "items": [{"title": "a"}, {"title": "b"}]});
            let bulk = app.json_as(&owner, "/api/todos/bulk-create", &body).await;
            assert_error(&bulk, StatusCode::FORBIDDEN, "BIZ_LIMIT_EXCEEDED");
            assert_eq!(
                bulk.json()["details"],
                serde_json::json!({"limit": "todos", "max": 10, "used": 9})
            );
            assert_eq!(live_todos(&app, &org).await, 9);
            let tenth = create_todo(&app, &owner, &org, "Tenth").await;
            assert_eq!(tenth.status, StatusCode::OK, "{}", tenth.text());
            let eleventh = create_todo(&app, &owner, &org, "Eleventh").await;
            assert_error(&eleventh, StatusCode::FORBIDDEN, "BIZ_LIMIT_EXCEEDED");
            let details = &eleventh.json()["details"];
            assert_eq!(details["limit"], "todos");
            assert_eq!(details["max"], 10);
            assert_eq!(details["used"], 10);
            assert_eq!(live_todos(&app, &org).await, 10);
            // Deleting one makes room again.
            let list = app.get_by(&owner, &format!("/api/todos?org={}", org.id)).await.json();
            let id = list["todos"][0]["id"].as_str().expect("a todo").to_owned();
            let form = format!("org={}&id={id}", org.id);
            assert_eq!(
                app.post_as(&owner, "/api/todos/delete", &form).await.status,
                StatusCode::OK
            );
            let again = create_todo(&app, &owner, &org, "Again").await;
            assert_eq!(again.status, StatusCode::OK, "{}", again.text());
        }
    });
}

#[test]
fn twenty_parallel_creates_at_nine_of_ten_make_exactly_one() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Race").await;
            let nine: Vec<(String, bool)> = (0..9).map(|n| (format!("Old {n}"), false)).collect();
            app.insert_todos(&org.id, &owner.id, &nine).await;
            let titles: Vec<String> = (0..20).map(|n| format!("New+{n}")).collect();
            let attempts = titles.iter().map(|title| create_todo(&app, &owner, &org, title));
            let answers = futures::future::join_all(attempts).await;
            let created = answers.iter().filter(|r| r.status == StatusCode::OK).count();
            let refused = answers
                .iter()
                .filter(|r| {
                    r.status == StatusCode::FORBIDDEN && r.json()["code"] == "BIZ_LIMIT_EXCEEDED"
                })
                .count();
            assert_eq!((created, refused), (1, 19), "{}", app.backend());
            assert_eq!(live_todos(&app, &org).await, 10);
        }
    });
}

#[test]
fn members_and_open_invitations_count_against_the_plan() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Seats").await;
            app.verify(&owner.email).await;
            let invite = async |email: &str| {
                let form = format!("org={}&email={email}&role=member", org.id);
                app.post_as(&owner, "/api/orgs/invitations/create", &form).await
            };
            let first = invite("first%40example.com").await;
            assert_eq!(first.status, StatusCode::OK, "{}", first.text());
            // Owner and one open invitation: the free plan's two.
            let second = invite("second%40example.com").await;
            assert_error(&second, StatusCode::FORBIDDEN, "BIZ_LIMIT_EXCEEDED");
            assert_eq!(
                second.json()["details"],
                serde_json::json!({"limit": "members", "max": 2, "used": 2})
            );
            // Inviting the same address again replaces its invitation: not a third seat.
            let again = invite("first%40example.com").await;
            assert_eq!(again.status, StatusCode::OK, "{}", again.text());
            // The invitation can be accepted (it turns into the second member).
            let token = invitation_token(&app, "first@example.com", 2).await;
            let joiner = app.user("first@example.com").await;
            let accepted =
                app.post_as(&joiner, "/api/invitations/accept", &format!("token={token}")).await;
            assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
            let usage = app.get_by(&owner, &format!("/api/billing/usage?org={}", org.id)).await;
            assert_eq!(usage.json()["members"]["used"], 2);
            // Upgraded, there is room.
            app.subscribe(&owner, &org, "pro").await;
            let third = invite("third%40example.com").await;
            assert_eq!(third.status, StatusCode::OK, "{}", third.text());
        }
    });
}

#[test]
fn an_invitation_is_not_accepted_when_the_members_already_fill_the_plan() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Lapsed").await;
            app.verify(&owner.email).await;
            let form = format!("org={}&email=late%40example.com&role=member", org.id);
            let invited = app.post_as(&owner, "/api/orgs/invitations/create", &form).await;
            assert_eq!(invited.status, StatusCode::OK, "{}", invited.text());
            // Someone joined another way meanwhile: two members, the free plan's limit.
            let other = app.user("other@example.com").await;
            app.join(&org, &other, Role::Member).await;
            let token = invitation_token(&app, "late@example.com", 1).await;
            let late = app.user("late@example.com").await;
            let accepted =
                app.post_as(&late, "/api/invitations/accept", &format!("token={token}")).await;
            assert_error(&accepted, StatusCode::FORBIDDEN, "BIZ_LIMIT_EXCEEDED");
            assert_eq!(accepted.json()["details"]["limit"], "members");
            // The invitation stays open for after an upgrade.
            app.subscribe(&owner, &org, "pro").await;
            let accepted =
                app.post_as(&late, "/api/invitations/accept", &format!("token={token}")).await;
            assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
        }
    });
}

#[test]
fn upgrading_through_the_local_checkout_lifts_the_limit() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Upgrade").await;
            let ten: Vec<(String, bool)> = (0..10).map(|n| (format!("T{n}"), false)).collect();
            app.insert_todos(&org.id, &owner.id, &ten).await;
            assert_eq!(create_todo(&app, &owner, &org, "More").await.status, StatusCode::FORBIDDEN);

            // A declined card: a typed error with the reason, nothing bought.
            let declined = app.subscribe_with(&owner, &org, "pro", "4000000000000002").await;
            assert_error(&declined, StatusCode::PAYMENT_REQUIRED, "BIZ_PAYMENT_FAILED");
            assert_eq!(declined.json()["details"]["reason"], "card_declined");
            let poor = app.subscribe_with(&owner, &org, "pro", "4000 0000 0000 9995").await;
            assert_eq!(poor.json()["details"]["reason"], "insufficient_funds");
            let garbage = app.subscribe_with(&owner, &org, "pro", "42").await;
            assert_error(&garbage, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            assert_eq!(garbage.json()["fields"]["card"][0], "VAL_INVALID_FORMAT");
            assert_eq!(subscription(&app, &owner, &org).await["plan"], "free");

            app.subscribe(&owner, &org, "pro").await;
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["plan"], "pro");
            assert_eq!(sub["effective_plan"], "pro");
            assert_eq!(sub["status"], "active");
            assert_eq!(sub["interval"], "monthly");
            assert_eq!(sub["limits"]["todos"], -1);
            assert_eq!(sub["features"], serde_json::json!(["custom_fields", "api_access"]));
            assert_eq!(sub["has_customer"], true);
            assert!(sub["current_period_end"].is_string());
            assert_eq!(create_todo(&app, &owner, &org, "More").await.status, StatusCode::OK);
            let usage = app.get_by(&owner, &format!("/api/billing/usage?org={}", org.id)).await;
            assert_eq!(
                usage.json()["todos"],
                serde_json::json!({"used": 11, "limit": -1, "percentage": -1})
            );
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices.as_array().map(Vec::len), Some(1));
            assert_eq!(invoices[0]["amount_minor"], 1_200);
            assert_eq!(invoices[0]["currency"], "usd");
            assert_eq!(invoices[0]["status"], "paid");
            assert_eq!(
                audit_actions(&app, &org).await,
                ["billing.subscribed", "billing.invoice_paid"]
            );

            // A second checkout would make a second subscription.
            let form = format!("org={}&plan=business&interval=annual", org.id);
            let again = app.post_as(&owner, "/api/billing/checkout", &form).await;
            assert_error(&again, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(again.json()["details"]["reason"], "already_subscribed");
        }
    });
}

#[test]
fn two_checkout_sessions_paid_make_one_subscription_and_one_customer() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Twice").await;
            let start = async || {
                let form = format!("org={}&plan=pro&interval=monthly", org.id);
                let started = app.post_as(&owner, "/api/billing/checkout", &form).await.json();
                started["url"].as_str().expect("url").rsplit('/').next().expect("id").to_owned()
            };
            let (first, second) = futures::join!(start(), start());
            let db = &app.state.platform.db;
            let customers: Result<Vec<Option<String>>, platform::DbError> = async {
                Ok(platform::with_conn!(db, conn => {
                    billing_accounts::table
                        .filter(billing_accounts::organization_id.eq(&org.id))
                        .select(billing_accounts::customer_id)
                        .load(conn)
                        .await?
                }))
            }
            .await;
            let customers = customers.expect("accounts");
            assert_eq!(customers.len(), 1);
            assert!(customers[0].is_some());
            let pay = async |session: &str| {
                let form = format!("session={session}&card={PAYS}");
                app.post_as(&owner, "/api/billing/local/pay", &form).await
            };
            let (a, b) = futures::join!(pay(&first), pay(&second));
            let statuses = [a.status, b.status];
            assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
            let refused = if a.status == StatusCode::OK { b } else { a };
            assert_error(&refused, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(refused.json()["details"]["reason"], "already_subscribed");
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices.as_array().map(Vec::len), Some(1));
        }
    });
}

#[test]
fn a_card_that_asks_for_confirmation_pays_only_once_confirmed() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Secure").await;
            let asked = app.subscribe_with(&owner, &org, "business", "4000002500003155").await;
            assert_eq!(asked.status, StatusCode::OK, "{}", asked.text());
            assert_eq!(asked.json()["status"], "action_required");
            let session = asked.json()["redirect"]
                .as_str()
                .expect("redirect")
                .rsplit('/')
                .next()
                .expect("id")
                .to_owned();
            let page =
                app.get_by(&owner, &format!("/api/billing/local/session?session={session}")).await;
            assert_eq!(page.json()["status"], "action_required");
            assert_eq!(page.json()["plan"], "business");
            assert_eq!(page.json()["amount_minor"], 4_000);
            let refused = app
                .post_as(&owner, "/api/billing/local/confirm", &format!("session={session}"))
                .await;
            assert_error(&refused, StatusCode::PAYMENT_REQUIRED, "BIZ_PAYMENT_FAILED");
            assert_eq!(refused.json()["details"]["reason"], "authentication_failed");
            assert_eq!(subscription(&app, &owner, &org).await["plan"], "free");
            let form = format!("session={session}&card=4000002500003155");
            assert_eq!(
                app.post_as(&owner, "/api/billing/local/pay", &form).await.json()["status"],
                "action_required"
            );
            let approved = app
                .post_as(
                    &owner,
                    "/api/billing/local/confirm",
                    &format!("session={session}&approve=true"),
                )
                .await;
            assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
            assert_eq!(approved.json()["status"], "complete");
            assert_eq!(
                approved.json()["redirect"],
                format!("/o/{}/billing?checkout=success", org.slug)
            );
            assert_eq!(subscription(&app, &owner, &org).await["plan"], "business");
            // Paying a complete session again changes nothing.
            let form = format!("session={session}&card={PAYS}");
            assert_eq!(
                app.post_as(&owner, "/api/billing/local/pay", &form).await.json()["status"],
                "complete"
            );
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices.as_array().map(Vec::len), Some(1));
        }
    });
}

#[test]
fn a_trial_is_free_runs_out_into_a_paid_plan_and_comes_once() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Trial").await;
            let form = format!("org={}&plan=pro&interval=annual&trial=true", org.id);
            let started = app.post_as(&owner, "/api/billing/checkout", &form).await.json();
            let session =
                started["url"].as_str().expect("url").rsplit('/').next().expect("id").to_owned();
            let page =
                app.get_by(&owner, &format!("/api/billing/local/session?session={session}")).await;
            assert_eq!(page.json()["trial"], true);
            let paid = app
                .post_as(
                    &owner,
                    "/api/billing/local/pay",
                    &format!("session={session}&card={PAYS}"),
                )
                .await;
            assert_eq!(paid.json()["status"], "complete", "{}", paid.text());
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["status"], "trialing");
            assert_eq!(sub["effective_plan"], "pro");
            assert_eq!(sub["trial_available"], false);
            let trial_end = sub["trial_end"].as_str().expect("a trial end").to_owned();
            let in_14_days = (platform::clock::now_utc() + chrono::TimeDelta::days(14))
                .format("%Y-%m-%d")
                .to_string();
            assert!(trial_end.starts_with(&in_14_days), "{trial_end}");
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices[0]["amount_minor"], 0);

            // Three days before its end, the trial's notice: once, however often the job runs.
            let soon = platform::clock::now_utc() + chrono::TimeDelta::days(2);
            move_period_end(&app, &org, soon).await;
            assert_eq!(renew(&app).await, 0);
            assert_eq!(renew(&app).await, 0);
            let notices = audit_actions(&app, &org).await;
            let notices = notices.iter().filter(|a| *a == "billing.trial_ending").count();
            assert_eq!(notices, 1);

            // The trial ends: the first year is charged.
            end_period(&app, &org).await;
            assert_eq!(renew(&app).await, 1);
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["status"], "active");
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices[0]["amount_minor"], 12_000);

            // Cancelled and ended, the organization may subscribe again, without a trial.
            let cancel =
                app.post_as(&owner, "/api/billing/cancel", &format!("org={}", org.id)).await;
            assert_eq!(cancel.json()["cancel_at_period_end"], true, "{}", cancel.text());
            end_period(&app, &org).await;
            assert_eq!(renew(&app).await, 1);
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["status"], "canceled");
            assert_eq!(sub["effective_plan"], "free");
            let trial = app.post_as(&owner, "/api/billing/checkout", &form).await;
            assert_error(&trial, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(trial.json()["details"]["reason"], "trial_used");
            let plain = format!("org={}&plan=pro&interval=annual", org.id);
            assert_eq!(
                app.post_as(&owner, "/api/billing/checkout", &plain).await.status,
                StatusCode::OK
            );
        }
    });
}

#[test]
fn cancel_resume_and_change_plan_with_proration() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Changes").await;
            let org_form = format!("org={}", org.id);
            let none = app.post_as(&owner, "/api/billing/cancel", &org_form).await;
            assert_error(&none, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(none.json()["details"]["reason"], "no_subscription");
            app.subscribe(&owner, &org, "pro").await;

            let cancelled = app.post_as(&owner, "/api/billing/cancel", &org_form).await.json();
            assert_eq!(cancelled["cancel_at_period_end"], true);
            assert_eq!(cancelled["status"], "active");
            assert_eq!(cancelled["effective_plan"], "pro");
            // A paid plan still running: the organization cannot be deleted.
            let delete = app.post_as(&owner, "/api/orgs/delete", &org_form).await;
            assert_error(&delete, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(delete.json()["details"]["reason"], "paid_subscription");
            // Again: nothing changes.
            assert_eq!(
                app.post_as(&owner, "/api/billing/cancel", &org_form).await.status,
                StatusCode::OK
            );
            let resumed = app.post_as(&owner, "/api/billing/resume", &org_form).await.json();
            assert_eq!(resumed["cancel_at_period_end"], false);

            let form = format!("org={}&plan=business&interval=monthly", org.id);
            let changed = app.post_as(&owner, "/api/billing/change-plan", &form).await;
            assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
            assert_eq!(changed.json()["plan"], "business");
            assert_eq!(changed.json()["limits"]["members"], 50);
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices.as_array().map(Vec::len), Some(2));
            // Almost a whole month of business less almost a whole month of pro.
            let prorated = invoices[0]["amount_minor"].as_i64().expect("amount");
            assert!((2_700..=2_800).contains(&prorated), "{prorated}");
            assert!(invoices[0]["description"].as_str().is_some_and(|d| d.contains("prorated")));
            // To annual: a new period, the year less what is left of the month.
            let form = format!("org={}&plan=business&interval=annual", org.id);
            let annual = app.post_as(&owner, "/api/billing/change-plan", &form).await.json();
            assert_eq!(annual["interval"], "annual");
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            let yearly = invoices[0]["amount_minor"].as_i64().expect("amount");
            assert!((35_900..=36_100).contains(&yearly), "{yearly}");
            let same = app.post_as(&owner, "/api/billing/change-plan", &form).await;
            assert_eq!(same.status, StatusCode::OK);
            let bad = format!("org={}&plan=free&interval=weekly", org.id);
            let bad = app.post_as(&owner, "/api/billing/change-plan", &bad).await;
            assert_error(&bad, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
            assert_eq!(bad.json()["fields"]["plan"][0], "VAL_INVALID_FORMAT");
            assert_eq!(bad.json()["fields"]["interval"][0], "VAL_INVALID_FORMAT");
            assert_eq!(
                audit_actions(&app, &org).await,
                [
                    "billing.subscribed",
                    "billing.invoice_paid",
                    "billing.cancel_scheduled",
                    "billing.resumed",
                    "billing.plan_changed",
                    "billing.invoice_paid",
                    "billing.plan_changed",
                    "billing.invoice_paid",
                ]
            );
        }
    });
}

#[test]
fn a_downgrade_below_what_is_used_is_refused_and_nothing_is_deleted() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Crowded").await;
            app.subscribe(&owner, &org, "business").await;
            for person in people(&app, 11).await {
                app.add_member(&org.id, &person, Role::Member).await;
            }
            let form = format!("org={}&plan=pro&interval=monthly", org.id);
            let refused = app.post_as(&owner, "/api/billing/change-plan", &form).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "BIZ_LIMIT_EXCEEDED");
            assert_eq!(
                refused.json()["details"],
                serde_json::json!({"limit": "members", "max": 10, "used": 12})
            );
            assert_eq!(subscription(&app, &owner, &org).await["plan"], "business");

            // Ended, the organization keeps all of its data, readable; new writes are refused.
            let twelve: Vec<(String, bool)> = (0..12).map(|n| (format!("K{n}"), false)).collect();
            app.insert_todos(&org.id, &owner.id, &twelve).await;
            app.post_as(&owner, "/api/billing/cancel", &format!("org={}", org.id)).await;
            end_period(&app, &org).await;
            renew(&app).await;
            assert_eq!(subscription(&app, &owner, &org).await["effective_plan"], "free");
            let list =
                app.get_by(&owner, &format!("/api/todos?org={}&limit=100", org.id)).await.json();
            assert_eq!(list["todos"].as_array().map(Vec::len), Some(12));
            let members =
                app.get_by(&owner, &format!("/api/orgs/members?org={}", org.id)).await.json();
            assert_eq!(members.as_array().map(Vec::len), Some(12));
            assert_error(
                &create_todo(&app, &owner, &org, "New").await,
                StatusCode::FORBIDDEN,
                "BIZ_LIMIT_EXCEEDED",
            );
            // And, with no paid plan running, it can be deleted.
            let delete = app.post_as(&owner, "/api/orgs/delete", &format!("org={}", org.id)).await;
            assert_eq!(delete.status, StatusCode::OK, "{}", delete.text());
        }
    });
}

#[test]
fn a_failed_renewal_keeps_the_plan_for_the_grace_period_then_free_limits_apply() {
    block_on(async {
        for app in TestApp::each_backend_with(|c| {
            c.billing.grace_period = std::time::Duration::from_secs(3 * 86_400);
        })
        .await
        {
            let (owner, org) = owner_and_org(&app, "Grace").await;
            let paid = app.subscribe_with(&owner, &org, "pro", "4000000000000341").await;
            assert_eq!(paid.json()["status"], "complete", "{}", paid.text());
            let twelve: Vec<(String, bool)> = (0..12).map(|n| (format!("G{n}"), false)).collect();
            app.insert_todos(&org.id, &owner.id, &twelve).await;
            end_period(&app, &org).await;
            assert_eq!(renew(&app).await, 1);
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["status"], "past_due");
            assert_eq!(sub["effective_plan"], "pro");
            let grace_until = sub["grace_until"].as_str().expect("a grace end").to_owned();
            let in_3_days = (platform::clock::now_utc() + chrono::TimeDelta::days(3))
                .format("%Y-%m-%d")
                .to_string();
            assert!(grace_until.starts_with(&in_3_days), "{grace_until}");
            assert_eq!(create_todo(&app, &owner, &org, "Still").await.status, StatusCode::OK);
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await.json();
            assert_eq!(invoices[0]["status"], "open");
            assert!(audit_actions(&app, &org).await.contains(&"billing.status_changed".to_owned()));

            // Four days later the grace is over: free limits, the data kept.
            let db = &app.state.platform.db;
            let earlier = platform::clock::now_utc() - chrono::TimeDelta::days(4);
            let moved: Result<(), platform::DbError> = async {
                platform::with_conn!(db, conn => {
                    diesel::update(billing_accounts::table.find(&org.id))
                        .set((
                            billing_accounts::past_due_since.eq(earlier),
                            billing_accounts::entitled_until.eq(earlier + chrono::TimeDelta::days(3)),
                        ))
                        .execute(conn)
                        .await?;
                });
                Ok(())
            }
            .await;
            moved.expect("moved");
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["status"], "past_due");
            assert_eq!(sub["effective_plan"], "free");
            assert_eq!(sub["limits"]["todos"], 10);
            assert_error(
                &create_todo(&app, &owner, &org, "No").await,
                StatusCode::FORBIDDEN,
                "BIZ_LIMIT_EXCEEDED",
            );
            assert_eq!(live_todos(&app, &org).await, 13);
            // The next renewal fails again: the subscription ends.
            end_period(&app, &org).await;
            renew(&app).await;
            assert_eq!(subscription(&app, &owner, &org).await["status"], "canceled");
        }
    });
}

#[test]
fn members_and_viewers_read_billing_but_cannot_buy() {
    block_on(async {
        for app in TestApp::each_backend().await {
            let (owner, org) = owner_and_org(&app, "Roles").await;
            let member = app.user("member@example.com").await;
            app.join(&org, &member, Role::Member).await;
            assert_eq!(subscription(&app, &member, &org).await["plan"], "free");
            let form = format!("org={}&plan=pro&interval=monthly", org.id);
            let refused = app.post_as(&member, "/api/billing/checkout", &form).await;
            assert_error(&refused, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            assert_eq!(refused.json()["details"]["permission"], "billing:manage");
            // A checkout session opened by the owner is not the member's to pay.
            let started = app.post_as(&owner, "/api/billing/checkout", &form).await.json();
            let session =
                started["url"].as_str().expect("url").rsplit('/').next().expect("id").to_owned();
            let pay = app
                .post_as(
                    &member,
                    "/api/billing/local/pay",
                    &format!("session={session}&card={PAYS}"),
                )
                .await;
            assert_error(&pay, StatusCode::FORBIDDEN, "AUTH_FORBIDDEN");
            // Nor anyone's outside the organization: the same answer as for no session.
            let (stranger, _) = owner_and_org(&app, "Elsewhere").await;
            let read = app
                .get_by(&stranger, &format!("/api/billing/local/session?session={session}"))
                .await;
            assert_error(&read, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            let pay = app
                .post_as(
                    &stranger,
                    "/api/billing/local/pay",
                    &format!("session={session}&card={PAYS}"),
                )
                .await;
            assert_error(&pay, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            let unknown =
                app.get_by(&owner, "/api/billing/local/session?session=cs_local_nothing").await;
            assert_error(&unknown, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
            assert_eq!(subscription(&app, &owner, &org).await["plan"], "free");
        }
    });
}

// --- The webhook --------------------------------------------------------------------------

fn event(id: &str, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({ "id": id, "type": kind, "created": 1_765_000_000, "data": { "object": object } })
        .to_string()
}

async fn deliver_signed(app: &TestApp, signature: &str, body: &str) -> TestResponse {
    let request = Request::post("/api/billing/webhook")
        .header(header::CONTENT_TYPE, "application/json")
        .header("stripe-signature", signature)
        .body(Body::from(body.to_owned()))
        .expect("request");
    app.send(request).await
}

fn now() -> i64 {
    platform::clock::now_utc().and_utc().timestamp()
}

async fn deliver(app: &TestApp, body: &str) -> TestResponse {
    let t = now();
    let signature = format!("t={t},v1={}", app::billing::events::sign(SECRET, t, body.as_bytes()));
    deliver_signed(app, &signature, body).await
}

async fn webhook_apps() -> Vec<TestApp> {
    TestApp::each_backend_with(|c| c.billing.webhook_secret = Some(Secret::new(SECRET))).await
}

/// Changes `org`'s subscription at the provider without telling the app (as a change made in a
/// provider's dashboard would).
async fn provider_sets_plan(app: &TestApp, org: &TestOrg, plan: &str) {
    let db = &app.state.platform.db;
    let done: Result<(), platform::DbError> = async {
        platform::with_conn!(db, conn => {
            diesel::update(
                local_billing_subscriptions::table
                    .filter(local_billing_subscriptions::organization_id.eq(&org.id)),
            )
            .set(local_billing_subscriptions::plan.eq(plan))
            .execute(conn)
            .await?;
        });
        Ok(())
    }
    .await;
    done.expect("provider changed");
}

async fn plan_of(app: &TestApp, owner: &TestUser, org: &TestOrg) -> String {
    subscription(app, owner, org).await["plan"].as_str().expect("plan").to_owned()
}

#[test]
fn the_webhook_refuses_what_is_not_signed_with_the_secret() {
    block_on(async {
        for app in webhook_apps().await {
            let (owner, org) = owner_and_org(&app, "Signed").await;
            app.subscribe(&owner, &org, "pro").await;
            let (sub, customer) = provider_subscription(&app, &org).await;
            provider_sets_plan(&app, &org, "business").await;
            let body = event(
                "evt_sig_1",
                "customer.subscription.updated",
                serde_json::json!({"id": sub, "object": "subscription", "customer": customer}),
            );
            let t = now();
            let good = app::billing::events::sign(SECRET, t, body.as_bytes());
            // Tampered body, wrong secret, a timestamp too old, no header, garbage.
            let tampered = body.replace("evt_sig_1", "evt_sig_2");
            assert_error(
                &deliver_signed(&app, &format!("t={t},v1={good}"), &tampered).await,
                StatusCode::BAD_REQUEST,
                "VAL_INVALID_FORMAT",
            );
            let other = app::billing::events::sign("whsec_other", t, body.as_bytes());
            assert_error(
                &deliver_signed(&app, &format!("t={t},v1={other}"), &body).await,
                StatusCode::BAD_REQUEST,
                "VAL_INVALID_FORMAT",
            );
            let old = t - 301;
            let stale = app::billing::events::sign(SECRET, old, body.as_bytes());
            assert_error(
                &deliver_signed(&app, &format!("t={old},v1={stale}"), &body).await,
                StatusCode::BAD_REQUEST,
                "VAL_INVALID_FORMAT",
            );
            assert_error(
                &deliver_signed(&app, "", &body).await,
                StatusCode::BAD_REQUEST,
                "VAL_INVALID_FORMAT",
            );
            assert_eq!(plan_of(&app, &owner, &org).await, "pro");
            // Two signatures (a secret being rotated), one of them right.
            let accepted =
                deliver_signed(&app, &format!("t={t},v1={other},v1={good}"), &body).await;
            assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
            assert_eq!(accepted.json()["outcome"], "applied");
            assert_eq!(plan_of(&app, &owner, &org).await, "business");
            // A signed body that is not an event.
            assert_error(&deliver(&app, "[]").await, StatusCode::BAD_REQUEST, "VAL_INVALID_FORMAT");
        }
        // Without a secret there is no webhook.
        for app in TestApp::each_backend().await {
            let body = event("evt_x", "invoice.paid", serde_json::json!({}));
            assert_error(&deliver(&app, &body).await, StatusCode::NOT_FOUND, "BIZ_NOT_FOUND");
        }
    });
}

#[test]
fn the_webhook_is_idempotent_order_safe_and_ignores_other_types() {
    block_on(async {
        for app in webhook_apps().await {
            let (owner, org) = owner_and_org(&app, "Ordered").await;
            app.subscribe(&owner, &org, "pro").await;
            let (sub, customer) = provider_subscription(&app, &org).await;
            let object =
                serde_json::json!({"id": sub, "object": "subscription", "customer": customer});
            provider_sets_plan(&app, &org, "business").await;
            // `updated` arrives before `created`: both apply the provider's current state.
            let updated = event("evt_ord_2", "customer.subscription.updated", object.clone());
            let created = event("evt_ord_1", "customer.subscription.created", object.clone());
            let before = audit_actions(&app, &org).await.len();
            assert_eq!(deliver(&app, &updated).await.json()["outcome"], "applied");
            assert_eq!(deliver(&app, &created).await.json()["outcome"], "applied");
            assert_eq!(plan_of(&app, &owner, &org).await, "business");
            // One change, one entry.
            let actions = audit_actions(&app, &org).await;
            assert_eq!(&actions[before..], ["billing.plan_changed"]);
            // The same event again: answered, nothing done.
            provider_sets_plan(&app, &org, "pro").await;
            let replay = deliver(&app, &updated).await;
            assert_eq!(replay.status, StatusCode::OK);
            assert_eq!(replay.json()["outcome"], "replayed");
            assert_eq!(plan_of(&app, &owner, &org).await, "business");
            // A type the app does not act on.
            let other = event("evt_ord_3", "customer.updated", serde_json::json!({"id": customer}));
            assert_eq!(deliver(&app, &other).await.json()["outcome"], "ignored");
            // An invoice event names the subscription under `parent` in newer API versions.
            let invoice = event(
                "evt_ord_4",
                "invoice.paid",
                serde_json::json!({
                    "id": "in_1", "object": "invoice", "customer": customer,
                    "parent": {"subscription_details": {"subscription": sub}},
                }),
            );
            assert_eq!(deliver(&app, &invoice).await.json()["outcome"], "applied");
            assert_eq!(plan_of(&app, &owner, &org).await, "pro");
        }
    });
}

#[test]
fn the_webhook_refuses_an_event_whose_organization_does_not_match_its_customer() {
    block_on(async {
        for app in webhook_apps().await {
            let (owner, org) = owner_and_org(&app, "Mine").await;
            let (_, other) = owner_and_org(&app, "Theirs").await;
            app.subscribe(&owner, &org, "pro").await;
            let (sub, customer) = provider_subscription(&app, &org).await;
            provider_sets_plan(&app, &org, "business").await;
            let body = event(
                "evt_mis_1",
                "checkout.session.completed",
                serde_json::json!({
                    "id": "cs_1", "object": "checkout.session", "customer": customer,
                    "subscription": sub, "client_reference_id": other.id,
                }),
            );
            let refused = deliver(&app, &body).await;
            assert_error(&refused, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            assert_eq!(refused.json()["details"]["reason"], "organization_mismatch");
            let body = event(
                "evt_mis_2",
                "customer.subscription.updated",
                serde_json::json!({
                    "id": sub, "object": "subscription", "customer": customer,
                    "metadata": {"organization_id": other.id},
                }),
            );
            assert_error(&deliver(&app, &body).await, StatusCode::CONFLICT, "BIZ_INVALID_STATE");
            let unknown = event(
                "evt_mis_3",
                "invoice.paid",
                serde_json::json!({"id": "in_2", "customer": "cus_unknown", "subscription": sub}),
            );
            let refused = deliver(&app, &unknown).await;
            assert_eq!(refused.json()["details"]["reason"], "unknown_customer");
            assert_eq!(plan_of(&app, &owner, &org).await, "pro");
        }
    });
}

#[test]
fn a_failed_write_answers_5xx_and_the_retry_applies() {
    block_on(async {
        for app in webhook_apps().await {
            let (owner, org) = owner_and_org(&app, "Retry").await;
            app.subscribe(&owner, &org, "pro").await;
            let (sub, customer) = provider_subscription(&app, &org).await;
            provider_sets_plan(&app, &org, "business").await;
            let (fail, heal) = match app.backend() {
                "sqlite" => (
                    "CREATE TRIGGER billing_down BEFORE INSERT ON billing_events \
                     BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
                    "DROP TRIGGER billing_down;",
                ),
                _ => (
                    "CREATE FUNCTION billing_down() RETURNS trigger AS $$ BEGIN \
                     RAISE EXCEPTION 'disk trouble'; END $$ LANGUAGE plpgsql; \
                     CREATE TRIGGER billing_down BEFORE INSERT ON billing_events \
                     FOR EACH ROW EXECUTE FUNCTION billing_down();",
                    "DROP TRIGGER billing_down ON billing_events; DROP FUNCTION billing_down();",
                ),
            };
            let db = &app.state.platform.db;
            let run = async |sql: &str| {
                let done: Result<(), platform::DbError> = async {
                    platform::with_conn!(db, conn => {
                        conn.batch_execute(sql).await.map_err(platform::DbError::from)?;
                    });
                    Ok(())
                }
                .await;
                done.expect("sql");
            };
            let body = event(
                "evt_retry_1",
                "customer.subscription.updated",
                serde_json::json!({"id": sub, "object": "subscription", "customer": customer}),
            );
            run(fail).await;
            let failed = deliver(&app, &body).await;
            assert!(failed.status.is_server_error(), "{}", failed.text());
            assert_eq!(failed.json()["code"], "SYS_SERVER_ERROR");
            assert!(failed.json()["requestId"].is_string());
            assert_eq!(plan_of(&app, &owner, &org).await, "pro");
            run(heal).await;
            let retried = deliver(&app, &body).await;
            assert_eq!(retried.status, StatusCode::OK, "{}", retried.text());
            assert_eq!(retried.json()["outcome"], "applied");
            assert_eq!(plan_of(&app, &owner, &org).await, "business");
        }
    });
}
