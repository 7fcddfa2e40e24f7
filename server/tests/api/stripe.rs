//! Billing on Stripe: the app's own Stripe client against localstripe (a stateful fake of the
//! Stripe API that signs the webhooks it sends), on both backends. The subscription is made
//! the way Stripe's checkout makes it, localstripe's signed events reach the webhook, and the
//! state is read back from Stripe.
//!
//! Between the app and localstripe sits a small recording proxy: it answers the two
//! endpoints localstripe lacks (checkout and billing-portal sessions, which only hand out a
//! page's address), translates the price-based subscription update localstripe predates
//! (`items[0][price]`, `proration_behavior`) into its plan-based one, and can answer the next
//! call with an error, as Stripe does when a card is refused or it is overloaded.
//!
//! Runs when `TEST_STRIPE_API_BASE` names a running localstripe (`scripts/test.sh` starts
//! one); otherwise says so and passes.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use diesel::{OptionalExtension, QueryDsl};
use platform::{
    config::{Secret, StripeConfig},
    db::schema::billing_accounts,
};

use crate::common::{TestApp, TestOrg, TestUser, assert_error, block_on};

const WEBHOOK_SECRET: &str = "whsec_stripe_suite";
const KEY: &str = "sk_test_saas_foundation";
/// The prices the suite creates at localstripe (as plans, which it predates prices with).
const PRICES: [(&str, u32, &str); 4] = [
    ("price_sf_pro_monthly", 1200, "month"),
    ("price_sf_pro_annual", 12_000, "year"),
    ("price_sf_business_monthly", 4000, "month"),
    ("price_sf_business_annual", 40_000, "year"),
];

fn localstripe() -> Option<String> {
    std::env::var("TEST_STRIPE_API_BASE").ok().filter(|base| !base.is_empty())
}

/// A call the proxy saw.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    path: String,
    headers: HeaderMap,
    form: Vec<(String, String)>,
}

impl Seen {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[derive(Default)]
struct Recorder {
    seen: Vec<Seen>,
    fail_next: Option<(StatusCode, serde_json::Value)>,
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    recorder: Arc<Mutex<Recorder>>,
    http: reqwest::Client,
}

impl Proxy {
    fn seen(&self, method: &Method, path: &str) -> Vec<Seen> {
        let recorder = self.recorder.lock().expect("recorder");
        recorder.seen.iter().filter(|s| s.method == method && s.path == path).cloned().collect()
    }

    fn fail_next(&self, status: StatusCode, body: serde_json::Value) {
        self.recorder.lock().expect("recorder").fail_next = Some((status, body));
    }
}

async fn forward(
    State(proxy): State<Proxy>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let form: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let failure = {
        let mut recorder = proxy.recorder.lock().expect("recorder");
        let seen = Seen { method: method.clone(), path: path.clone(), headers, form: form.clone() };
        recorder.seen.push(seen);
        recorder.fail_next.take()
    };
    let json = |value: serde_json::Value| {
        ([("request-id", "req_proxy"), ("content-type", "application/json")], value.to_string())
    };
    if let Some((status, body)) = failure {
        return (status, json(body)).into_response();
    }
    let id = platform::clock::new_id().replace('-', "");
    match (method.as_str(), path.as_str()) {
        ("POST", "/v1/checkout/sessions") => {
            let url = format!("https://checkout.stripe.test/c/pay/cs_test_{id}");
            return json(serde_json::json!({ "id": format!("cs_test_{id}"), "url": url }))
                .into_response();
        }
        ("POST", "/v1/billing_portal/sessions") => {
            let url = format!("https://billing.stripe.test/p/session/bps_{id}");
            return json(serde_json::json!({ "id": format!("bps_{id}"), "url": url }))
                .into_response();
        }
        _ => {}
    }
    // localstripe predates prices: the same ids are its plans.
    let translated: Vec<(String, String)> = form
        .into_iter()
        .map(|(key, value)| match key.as_str() {
            "items[0][price]" => ("items[0][plan]".to_owned(), value),
            "proration_behavior" => {
                ("prorate".to_owned(), (value == "create_prorations").to_string())
            }
            _ => (key, value),
        })
        .collect();
    let encoded =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(&translated).finish();
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    let upstream = proxy
        .http
        .request(method.clone(), format!("{}{path}{query}", proxy.upstream))
        .basic_auth(KEY, Some(""))
        .header("content-type", "application/x-www-form-urlencoded");
    let upstream = if method == Method::GET { upstream } else { upstream.body(encoded) };
    let answer = upstream.send().await.expect("localstripe answers");
    let status = answer.status();
    let body = answer.bytes().await.expect("localstripe's body");
    (status, [("request-id", "req_localstripe"), ("content-type", "application/json")], body)
        .into_response()
}

/// Creates the suite's prices at localstripe (once; a second creation is refused and ignored).
async fn ensure_prices(http: &reqwest::Client, base: &str) {
    for (id, amount, interval) in PRICES {
        let existing = http.get(format!("{base}/v1/plans/{id}")).basic_auth(KEY, Some("")).send();
        if existing.await.expect("localstripe answers").status().is_success() {
            continue;
        }
        let form = [
            ("id", id.to_owned()),
            ("amount", amount.to_string()),
            ("currency", "usd".to_owned()),
            ("interval", interval.to_owned()),
            ("product[name]", id.to_owned()),
        ];
        let created = http.post(format!("{base}/v1/plans")).basic_auth(KEY, Some("")).form(&form);
        let created = created.send().await.expect("localstripe answers");
        assert!(created.status().is_success(), "{:?}", created.text().await);
    }
}

/// The app on each backend configured for Stripe through a proxy of its own, with localstripe
/// sending its events to the app's webhook (registered under `suite` and the backend, so
/// later runs replace it); `None` when no localstripe runs.
async fn stripe_apps(suite: &str) -> Option<Vec<(TestApp, Proxy)>> {
    let Some(base) = localstripe() else {
        eprintln!("TEST_STRIPE_API_BASE is not set: the Stripe suite does not run");
        return None;
    };
    let http = reqwest::Client::new();
    ensure_prices(&http, &base).await;
    let mut proxies = Vec::new();
    for _ in 0..2 {
        let proxy = Proxy { upstream: base.clone(), recorder: Arc::default(), http: http.clone() };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
        let addr = listener.local_addr().expect("bound");
        let router = Router::new().fallback(forward).with_state(proxy.clone());
        tokio::spawn(axum::serve(listener, router).into_future());
        proxies.push((proxy, addr));
    }
    let next = AtomicUsize::new(0);
    let apps = TestApp::each_backend_with(|c| {
        let (_, addr) = &proxies[next.fetch_add(1, Ordering::SeqCst)];
        c.billing.stripe = Some(StripeConfig {
            secret_key: Secret::new(KEY),
            api_base: format!("http://{addr}"),
            prices: PRICES.map(|(id, _, _)| id.to_owned()),
        });
        c.billing.webhook_secret = Some(Secret::new(WEBHOOK_SECRET));
    })
    .await;
    let mut paired = Vec::new();
    for (app, (proxy, _)) in apps.into_iter().zip(proxies) {
        let hook = format!("{base}/_config/webhooks/wh_{suite}_{}", app.backend());
        let url = format!("http://{}/api/billing/webhook", app.addr);
        let registered = http.post(hook).form(&[("url", url.as_str()), ("secret", WEBHOOK_SECRET)]);
        assert!(registered.send().await.expect("localstripe answers").status().is_success());
        paired.push((app, proxy));
    }
    Some(paired)
}

async fn owner_and_org(app: &TestApp, name: &str) -> (TestUser, TestOrg) {
    let owner = app.user(&format!("{}@example.com", name.to_lowercase())).await;
    let org = app.org(&owner, name).await;
    (owner, org)
}

async fn subscription(app: &TestApp, user: &TestUser, org: &TestOrg) -> serde_json::Value {
    let response = app.get_by(user, &format!("/api/billing/subscription?org={}", org.id)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

/// Waits (up to 15 s) until the app's view of the subscription satisfies `done`: localstripe
/// sends its events a second after they happen.
async fn until(
    app: &TestApp,
    user: &TestUser,
    org: &TestOrg,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..150 {
        last = subscription(app, user, org).await;
        if done(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the webhook never brought the expected state: {last}");
}

/// What Stripe's checkout page does when the customer pays: a card becomes the customer's
/// default and the subscription is created with the session's metadata.
async fn pay_at_stripe(customer: &str, price: &str, org: &str) -> String {
    let base = localstripe().expect("localstripe");
    let http = reqwest::Client::new();
    let post = |path: String, form: Vec<(&str, String)>| {
        http.post(format!("{base}{path}")).basic_auth(KEY, Some("")).form(&form).send()
    };
    let card: serde_json::Value =
        post("/v1/payment_methods/pm_card_visa/attach".into(), vec![("customer", customer.into())])
            .await
            .expect("attach")
            .json()
            .await
            .expect("card");
    let card = card["id"].as_str().expect("card id").to_owned();
    let default = vec![("invoice_settings[default_payment_method]", card)];
    assert!(
        post(format!("/v1/customers/{customer}"), default)
            .await
            .expect("set")
            .status()
            .is_success()
    );
    let form = vec![
        ("customer", customer.to_owned()),
        ("items[0][plan]", price.to_owned()),
        ("metadata[organization_id]", org.to_owned()),
    ];
    let sub: serde_json::Value =
        post("/v1/subscriptions".into(), form).await.expect("subscribe").json().await.expect("sub");
    sub["id"].as_str().expect("subscription id").to_owned()
}

async fn at_stripe(path: &str) -> serde_json::Value {
    let base = localstripe().expect("localstripe");
    let answer = reqwest::Client::new()
        .get(format!("{base}{path}"))
        .basic_auth(KEY, Some(""))
        .send()
        .await
        .expect("localstripe answers");
    answer.json().await.expect("json")
}

/// Starts a checkout of pro, monthly, and checks what reached Stripe: one customer keyed by the
/// organization, and a subscription-mode session for its price. Answers the customer.
async fn checkout(app: &TestApp, proxy: &Proxy, owner: &TestUser, org: &TestOrg) -> String {
    // Checkout: a customer (keyed by the organization) and a session for the price.
    let form = format!("org={}&plan=pro&interval=monthly", org.id);
    let started = app.post_as(owner, "/api/billing/checkout", &form).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    let url = started.json()["url"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with("https://checkout.stripe.test/"), "{url}");
    let customers = proxy.seen(&Method::POST, "/v1/customers");
    assert_eq!(customers.len(), 1);
    let key = format!("customer-{}", org.id);
    assert_eq!(customers[0].header("idempotency-key"), Some(key.as_str()));
    assert_eq!(
        customers[0].header("stripe-version"),
        Some(app::billing::provider::stripe::API_VERSION)
    );
    assert_eq!(customers[0].field("metadata[organization_id]"), Some(org.id.as_str()));
    let sessions = proxy.seen(&Method::POST, "/v1/checkout/sessions");
    let session = sessions.last().expect("a checkout session");
    assert_eq!(session.field("mode"), Some("subscription"));
    assert_eq!(session.field("client_reference_id"), Some(org.id.as_str()));
    assert_eq!(session.field("line_items[0][price]"), Some("price_sf_pro_monthly"));
    assert_eq!(
        session.field("subscription_data[metadata][organization_id]"),
        Some(org.id.as_str())
    );
    assert!(session.field("subscription_data[trial_period_days]").is_none());
    assert!(session.header("idempotency-key").is_some_and(|k| k.starts_with("checkout-")));
    session.field("customer").expect("customer").to_owned()
}

#[test]
fn checkout_webhook_cancel_resume_change_plan_invoices_and_portal_on_stripe() {
    const SUITE: &str = "flow";
    block_on(async {
        let Some(apps) = stripe_apps(SUITE).await else { return };
        for (app, proxy) in apps {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app, &format!("Stripe{backend}")).await;

            let customer = checkout(&app, &proxy, &owner, &org).await;
            let before = subscription(&app, &owner, &org).await;
            assert_eq!(
                (before["has_customer"].as_bool(), before["status"].clone()),
                (Some(true), serde_json::Value::Null)
            );
            assert_eq!(before["provider"], "stripe");

            // The customer pays at Stripe; its signed events bring the subscription.
            let sub_id = pay_at_stripe(&customer, "price_sf_pro_monthly", &org.id).await;
            let sub = until(&app, &owner, &org, |s| s["status"] == "active").await;
            assert_eq!(
                (sub["plan"].as_str(), sub["interval"].as_str()),
                (Some("pro"), Some("monthly"))
            );
            assert_eq!(sub["limits"]["todos"], -1);
            let (_, stored) = stored_ids(&app, &org.id).await;
            assert_eq!(stored.as_deref(), Some(sub_id.as_str()));

            // Cancel and resume at the period's end, stored from Stripe's answer.
            let cancel =
                app.post_as(&owner, "/api/billing/cancel", &format!("org={}", org.id)).await;
            assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text());
            assert_eq!(cancel.json()["cancel_at_period_end"], true);
            assert_eq!(
                at_stripe(&format!("/v1/subscriptions/{sub_id}")).await["cancel_at_period_end"],
                true
            );
            let resume =
                app.post_as(&owner, "/api/billing/resume", &format!("org={}", org.id)).await;
            assert_eq!(resume.json()["cancel_at_period_end"], false, "{}", resume.text());
            assert_eq!(
                at_stripe(&format!("/v1/subscriptions/{sub_id}")).await["cancel_at_period_end"],
                false
            );

            // Change of plan: the item moves to the business price, prorated.
            let form = format!("org={}&plan=business&interval=monthly", org.id);
            let changed = app.post_as(&owner, "/api/billing/change-plan", &form).await;
            assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
            assert_eq!(changed.json()["plan"], "business");
            let update = proxy.seen(&Method::POST, &format!("/v1/subscriptions/{sub_id}"));
            let update = update.last().expect("an update");
            assert_eq!(update.field("items[0][price]"), Some("price_sf_business_monthly"));
            assert_eq!(update.field("proration_behavior"), Some("create_prorations"));
            assert!(update.field("items[0][id]").is_some_and(|id| id.starts_with("si_")));
            let remote = at_stripe(&format!("/v1/subscriptions/{sub_id}")).await;
            assert_eq!(remote["items"]["data"][0]["plan"]["id"], "price_sf_business_monthly");

            // Invoices come from Stripe.
            let invoices =
                app.get_by(&owner, &format!("/api/billing/invoices?org={}", org.id)).await;
            assert_eq!(invoices.status, StatusCode::OK, "{}", invoices.text());
            let invoices = invoices.json();
            let first = invoices.as_array().and_then(|list| list.last()).expect("an invoice");
            assert_eq!(
                (first["amount_minor"].as_i64(), first["currency"].as_str()),
                (Some(1200), Some("usd"))
            );
            assert_eq!(first["status"], "paid");

            portal_is_stripes(&app, &proxy, &owner, &org, &customer).await;
            // One customer for everything.
            assert_eq!(proxy.seen(&Method::POST, "/v1/customers").len(), 1);

            // The subscription ends at Stripe (deleted there, as the portal or dunning does):
            // its event brings the organization back to the free plan.
            delete_at_stripe(&sub_id).await;
            let ended = until(&app, &owner, &org, |s| s["status"] == "canceled").await;
            assert_eq!(
                (ended["plan"].as_str(), ended["limits"]["todos"].as_i64()),
                (Some("free"), Some(10))
            );

            let actions = crate::billing::audit_actions(&app, &org).await;
            for expected in [
                "billing.subscribed",
                "billing.cancel_scheduled",
                "billing.resumed",
                "billing.plan_changed",
                "billing.ended",
            ] {
                assert!(
                    actions.iter().any(|a| a == expected),
                    "{backend}: {expected} in {actions:?}"
                );
            }
        }
    });
}

/// The portal is Stripe's page for the organization's customer, coming back to the billing page.
async fn portal_is_stripes(
    app: &TestApp,
    proxy: &Proxy,
    owner: &TestUser,
    org: &TestOrg,
    customer: &str,
) {
    let portal = app.post_as(owner, "/api/billing/portal", &format!("org={}", org.id)).await;
    assert_eq!(portal.status, StatusCode::OK, "{}", portal.text());
    assert!(
        portal.json()["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://billing.stripe.test/"))
    );
    let portals = proxy.seen(&Method::POST, "/v1/billing_portal/sessions");
    assert_eq!(portals.last().and_then(|p| p.field("customer")), Some(customer));
    assert!(
        portals
            .last()
            .and_then(|p| p.field("return_url"))
            .is_some_and(|u| u.ends_with(&format!("/o/{}/billing", org.slug)))
    );
}

/// Ends a subscription at Stripe (as its portal or dunning does).
async fn delete_at_stripe(id: &str) {
    let base = localstripe().expect("localstripe");
    let deleted = reqwest::Client::new()
        .delete(format!("{base}/v1/subscriptions/{id}"))
        .basic_auth(KEY, Some(""))
        .send()
        .await
        .expect("localstripe answers");
    assert!(deleted.status().is_success());
}

#[test]
fn stripe_refusals_are_typed_and_never_quote_stripe() {
    const SUITE: &str = "refusals";
    block_on(async {
        let Some(apps) = stripe_apps(SUITE).await else { return };
        for (app, proxy) in apps {
            let (owner, org) = owner_and_org(&app, &format!("Refused{}", app.backend())).await;
            // The customer first, so that the next call is the checkout session.
            let portal =
                app.post_as(&owner, "/api/billing/portal", &format!("org={}", org.id)).await;
            assert_eq!(portal.status, StatusCode::OK, "{}", portal.text());
            let form = format!("org={}&plan=pro&interval=annual&trial=on", org.id);

            proxy.fail_next(
                StatusCode::PAYMENT_REQUIRED,
                serde_json::json!({ "error": { "type": "card_error", "code": "card_declined",
                    "decline_code": "insufficient_funds", "message": "Card 4242 of Jane: no funds" } }),
            );
            let declined = app.post_as(&owner, "/api/billing/checkout", &form).await;
            assert_error(&declined, StatusCode::PAYMENT_REQUIRED, "BIZ_PAYMENT_FAILED");
            assert_eq!(declined.json()["details"]["reason"], "insufficient_funds");
            assert!(!declined.text().contains("Jane"), "{}", declined.text());

            proxy.fail_next(
                StatusCode::TOO_MANY_REQUESTS,
                serde_json::json!({ "error": { "type": "invalid_request_error", "code": "rate_limit" } }),
            );
            let limited = app.post_as(&owner, "/api/billing/checkout", &form).await;
            assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "SYS_RATE_LIMIT");

            proxy.fail_next(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({ "error": { "type": "api_error", "message": "acct_1Secret is broken" } }),
            );
            let failed = app.post_as(&owner, "/api/billing/checkout", &form).await;
            assert_error(&failed, StatusCode::BAD_GATEWAY, "SYS_PROVIDER_ERROR");
            assert!(!failed.text().contains("acct_1Secret"), "{}", failed.text());

            // Then it goes through, with the trial asked for.
            let started = app.post_as(&owner, "/api/billing/checkout", &form).await;
            assert_eq!(started.status, StatusCode::OK, "{}", started.text());
            let sessions = proxy.seen(&Method::POST, "/v1/checkout/sessions");
            let session = sessions.last().expect("a session");
            assert_eq!(session.field("line_items[0][price]"), Some("price_sf_pro_annual"));
            assert_eq!(session.field("subscription_data[trial_period_days]"), Some("14"));
            // Each try had its own idempotency key: a refused one is not answered again.
            let keys: std::collections::HashSet<_> =
                sessions.iter().filter_map(|s| s.header("idempotency-key")).collect();
            assert_eq!(keys.len(), sessions.len());
            // Nothing was stored by the refusals.
            let sub = subscription(&app, &owner, &org).await;
            assert_eq!(sub["status"], serde_json::Value::Null);
        }
    });
}

#[test]
fn a_subscription_of_another_organization_is_refused_at_the_webhook() {
    const SUITE: &str = "mismatch";
    block_on(async {
        let Some(apps) = stripe_apps(SUITE).await else { return };
        for (app, _proxy) in apps {
            let backend = app.backend();
            let (owner, org) = owner_and_org(&app, &format!("Victim{backend}")).await;
            let (attacker, other) = owner_and_org(&app, &format!("Other{backend}")).await;
            // The victim becomes a customer; the subscription names the other organization.
            let portal =
                app.post_as(&owner, "/api/billing/portal", &format!("org={}", org.id)).await;
            assert_eq!(portal.status, StatusCode::OK, "{}", portal.text());
            let customer = stored_ids(&app, &org.id).await.0.expect("customer");
            pay_at_stripe(&customer, "price_sf_business_annual", &other.id).await;
            // localstripe's events arrive and are refused: neither organization is upgraded.
            tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
            assert_eq!(subscription(&app, &owner, &org).await["plan"], "free");
            assert_eq!(subscription(&app, &attacker, &other).await["plan"], "free");
        }
    });
}

/// A customer id and a subscription id, as stored.
type Ids = (Option<String>, Option<String>);

/// The organization's stored Stripe customer and subscription ids.
async fn stored_ids(app: &TestApp, org: &str) -> Ids {
    let db = &app.state.platform.db;
    let ids: Result<Option<Ids>, platform::DbError> = async {
        Ok(platform::with_conn!(db, conn => {
            billing_accounts::table
                .find(org)
                .select((billing_accounts::customer_id, billing_accounts::subscription_id))
                .first(conn)
                .await
                .optional()?
        }))
    }
    .await;
    ids.expect("read").unwrap_or_default()
}
