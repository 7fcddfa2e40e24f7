//! Stripe: a small typed client of the endpoints billing uses (customers, checkout and
//! billing-portal sessions, subscriptions, invoices), with the API version pinned, an
//! idempotency key on every create, and Stripe's errors mapped to the port's without its words.
//!
//! The state billing stores is always read back from Stripe (`GET /v1/subscriptions/{id}`),
//! never taken from a request's answer or an event's payload; Stripe's own events reach the
//! webhook.

use std::{sync::OnceLock, time::Duration};

use chrono::{DateTime, NaiveDateTime};
use platform::config::StripeConfig;
use serde::Deserialize;

use super::port::{Changed, CheckoutRequest, ProviderError, ProviderSubscription};
use crate::billing::{
    model::{InvoiceInfo, SubscriptionStatus},
    plans::{Interval, Plan},
};

/// The API version every request names, so an account's default cannot change the answers.
pub const API_VERSION: &str = "2024-06-20";

/// How long one call to Stripe may take.
const TIMEOUT: Duration = Duration::from_secs(20);

/// One connection pool for every call, whatever the account.
fn http() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("saas-foundation/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("the HTTP client builds")
    })
}

/// The Stripe adapter of the port.
#[derive(Clone)]
pub struct Stripe {
    config: StripeConfig,
}

/// Stripe's error body.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    decline_code: Option<String>,
}

#[derive(Deserialize)]
struct WireSubscription {
    id: String,
    customer: String,
    status: String,
    #[serde(default)]
    current_period_end: Option<i64>,
    #[serde(default)]
    cancel_at_period_end: bool,
    #[serde(default)]
    trial_end: Option<i64>,
    #[serde(default)]
    metadata: serde_json::Map<String, serde_json::Value>,
    items: WireList<WireItem>,
}

#[derive(Deserialize)]
struct WireList<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct WireItem {
    id: String,
    #[serde(default)]
    price: Option<WireId>,
    #[serde(default)]
    plan: Option<WireId>,
    /// Where newer API versions keep the period.
    #[serde(default)]
    current_period_end: Option<i64>,
}

#[derive(Deserialize)]
struct WireId {
    id: String,
}

#[derive(Deserialize)]
struct WireUrl {
    url: String,
}

#[derive(Deserialize)]
struct WireInvoice {
    id: String,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    total: i64,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    period_start: i64,
    #[serde(default)]
    period_end: i64,
    #[serde(default)]
    created: i64,
    #[serde(default)]
    hosted_invoice_url: Option<String>,
}

fn at(seconds: i64) -> NaiveDateTime {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default().naive_utc()
}

fn timestamp(seconds: i64) -> String {
    at(seconds).format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The port's error for a Stripe answer `status` with `body` (the request id is logged, never
/// the message: it may name the card or the account).
fn refusal(status: reqwest::StatusCode, body: &[u8], request_id: &str) -> ProviderError {
    let detail = serde_json::from_slice::<ErrorBody>(body).ok().map(|body| body.error);
    let kind = detail.as_ref().map_or("", |d| d.kind.as_str());
    match status.as_u16() {
        429 => ProviderError::RateLimited,
        404 => ProviderError::NotFound,
        _ if kind == "card_error" => {
            let reason = detail
                .and_then(|d| d.decline_code.or(d.code))
                .unwrap_or_else(|| "card_declined".to_owned());
            ProviderError::Declined(reason)
        }
        _ => ProviderError::Failed(format!(
            "Stripe answered {status} ({}) to request {request_id}",
            if kind.is_empty() { "no error type" } else { kind }
        )),
    }
}

impl Stripe {
    /// The adapter for `config`'s account.
    pub fn new(config: StripeConfig) -> Self {
        Self { config }
    }

    /// The price id of `plan` billed every `interval`.
    fn price(&self, plan: Plan, interval: Interval) -> Result<&str, ProviderError> {
        let index = match (plan, interval) {
            (Plan::Pro, Interval::Monthly) => 0,
            (Plan::Pro, Interval::Annual) => 1,
            (Plan::Business, Interval::Monthly) => 2,
            (Plan::Business, Interval::Annual) => 3,
            (Plan::Free, _) => {
                return Err(ProviderError::Failed("the free plan has no price".into()));
            }
        };
        Ok(&self.config.prices[index])
    }

    /// The plan and interval of a configured price id.
    fn plan_of(&self, price: &str) -> Option<(Plan, Interval)> {
        let index = self.config.prices.iter().position(|p| p == price)?;
        Some(match index {
            0 => (Plan::Pro, Interval::Monthly),
            1 => (Plan::Pro, Interval::Annual),
            2 => (Plan::Business, Interval::Monthly),
            _ => (Plan::Business, Interval::Annual),
        })
    }

    /// One call: `form` as the body of a POST (or the query of a GET), the parsed answer.
    async fn call<T: for<'de> Deserialize<'de>>(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
        idempotency_key: Option<&str>,
    ) -> Result<T, ProviderError> {
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let is_get = method == reqwest::Method::GET;
        let url = match (is_get, encoded.is_empty()) {
            (true, false) => format!("{}{path}?{encoded}", self.config.api_base),
            _ => format!("{}{path}", self.config.api_base),
        };
        let mut request = http()
            .request(method.clone(), url)
            .bearer_auth(self.config.secret_key.expose())
            .header("Stripe-Version", API_VERSION);
        if !is_get {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(encoded);
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let started = std::time::Instant::now();
        let response = request.send().await.map_err(|error| {
            // The error's text may hold the URL, never the key: the key is a header.
            ProviderError::Failed(format!("calling Stripe {method} {path}: {error}"))
        })?;
        let status = response.status();
        let request_id = response
            .headers()
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        let body = response
            .bytes()
            .await
            .map_err(|error| ProviderError::Failed(format!("reading Stripe's answer: {error}")))?;
        tracing::debug!(
            %method, path, status = status.as_u16(), request_id,
            micros = started.elapsed().as_micros(), "stripe call"
        );
        if !status.is_success() {
            let error = refusal(status, &body, &request_id);
            tracing::warn!(%method, path, status = status.as_u16(), request_id, %error, "stripe refused");
            return Err(error);
        }
        serde_json::from_slice(&body).map_err(|error| {
            ProviderError::Failed(format!("Stripe's answer to request {request_id}: {error}"))
        })
    }

    /// `POST /v1/customers`, keyed by the organization so a retried creation makes one.
    pub async fn create_customer(
        &self,
        org_id: &str,
        org_name: &str,
        email: &str,
    ) -> Result<String, ProviderError> {
        let form = [("name", org_name), ("email", email), ("metadata[organization_id]", org_id)];
        let key = format!("customer-{org_id}");
        let customer: WireId =
            self.call(reqwest::Method::POST, "/v1/customers", &form, Some(&key)).await?;
        Ok(customer.id)
    }

    /// `POST /v1/checkout/sessions` in subscription mode; answers Stripe's page.
    pub async fn create_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<String, ProviderError> {
        let price = self.price(request.plan, request.interval)?;
        let trial = request.trial_days.map(|days| days.to_string());
        let mut form = vec![
            ("mode", "subscription"),
            ("customer", request.customer),
            ("client_reference_id", request.org_id),
            ("line_items[0][price]", price),
            ("line_items[0][quantity]", "1"),
            ("metadata[organization_id]", request.org_id),
            ("subscription_data[metadata][organization_id]", request.org_id),
            ("success_url", &request.success_url),
            ("cancel_url", &request.cancel_url),
        ];
        if let Some(days) = &trial {
            form.push(("subscription_data[trial_period_days]", days));
        }
        let session: WireUrl = self
            .call(
                reqwest::Method::POST,
                "/v1/checkout/sessions",
                &form,
                Some(&request.idempotency_key),
            )
            .await?;
        Ok(session.url)
    }

    /// `POST /v1/billing_portal/sessions`; answers Stripe's page.
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, ProviderError> {
        let form = [("customer", customer), ("return_url", return_url)];
        let key = format!("portal-{}", platform::clock::new_id());
        let session: WireUrl = self
            .call(reqwest::Method::POST, "/v1/billing_portal/sessions", &form, Some(&key))
            .await?;
        Ok(session.url)
    }

    async fn wire(&self, id: &str) -> Result<WireSubscription, ProviderError> {
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(ProviderError::NotFound);
        }
        self.call(reqwest::Method::GET, &format!("/v1/subscriptions/{id}"), &[], None).await
    }

    fn state(&self, wire: WireSubscription) -> Result<ProviderSubscription, ProviderError> {
        let item = wire.items.data.first();
        let price = item
            .and_then(|item| item.price.as_ref().or(item.plan.as_ref()))
            .map(|price| price.id.as_str())
            .unwrap_or_default();
        let (plan, interval) = self.plan_of(price).ok_or_else(|| {
            ProviderError::Failed(format!("subscription {} has an unknown price", wire.id))
        })?;
        let status = SubscriptionStatus::parse(&wire.status).ok_or_else(|| {
            ProviderError::Failed(format!("subscription {} has status {}", wire.id, wire.status))
        })?;
        let period_end = wire
            .current_period_end
            .or_else(|| item.and_then(|item| item.current_period_end))
            .unwrap_or_default();
        Ok(ProviderSubscription {
            org: wire.metadata.get("organization_id").and_then(|v| v.as_str()).map(str::to_owned),
            id: wire.id,
            customer: wire.customer,
            plan,
            interval,
            status,
            current_period_end: at(period_end),
            cancel_at_period_end: wire.cancel_at_period_end,
            trial_end: wire.trial_end.map(at),
        })
    }

    /// `GET /v1/subscriptions/{id}`.
    pub async fn subscription(&self, id: &str) -> Result<ProviderSubscription, ProviderError> {
        let wire = self.wire(id).await?;
        self.state(wire)
    }

    /// `POST /v1/subscriptions/{id}` with `form`, then the state read back.
    async fn update(&self, id: &str, form: &[(&str, &str)]) -> Result<Changed, ProviderError> {
        let _: WireId = self
            .call(reqwest::Method::POST, &format!("/v1/subscriptions/{id}"), form, None)
            .await?;
        // Stripe's own events come to the webhook.
        Ok(Changed { state: self.subscription(id).await?, events: Vec::new() })
    }

    /// Moves the subscription's one item to the price of `plan` and `interval`, prorated.
    pub async fn change_plan(
        &self,
        id: &str,
        plan: Plan,
        interval: Interval,
    ) -> Result<Changed, ProviderError> {
        let current = self.wire(id).await?;
        let item = current
            .items
            .data
            .first()
            .map(|item| item.id.clone())
            .ok_or_else(|| ProviderError::Failed(format!("subscription {id} has no item")))?;
        let price = self.price(plan, interval)?;
        let form = [
            ("items[0][id]", item.as_str()),
            ("items[0][price]", price),
            ("proration_behavior", "create_prorations"),
        ];
        self.update(id, &form).await
    }

    /// Cancels at the period's end, or keeps the subscription running.
    pub async fn set_cancel_at_period_end(
        &self,
        id: &str,
        cancel: bool,
    ) -> Result<Changed, ProviderError> {
        self.update(id, &[("cancel_at_period_end", if cancel { "true" } else { "false" })]).await
    }

    /// `GET /v1/invoices?customer=…`, the newest 100.
    pub async fn invoices(&self, customer: &str) -> Result<Vec<InvoiceInfo>, ProviderError> {
        let form = [("customer", customer), ("limit", "100")];
        let list: WireList<WireInvoice> =
            self.call(reqwest::Method::GET, "/v1/invoices", &form, None).await?;
        Ok(list
            .data
            .into_iter()
            .map(|invoice| InvoiceInfo {
                number: invoice.number.unwrap_or_else(|| invoice.id.clone()),
                id: invoice.id,
                description: invoice.description.unwrap_or_default(),
                amount_minor: invoice.total,
                currency: invoice.currency,
                status: invoice.status.unwrap_or_else(|| "draft".to_owned()),
                period_start: timestamp(invoice.period_start),
                period_end: timestamp(invoice.period_end),
                created_at: timestamp(invoice.created),
                url: invoice.hosted_invoice_url,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_errors_give_their_reason_and_nothing_else_leaks() {
        let card = br#"{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
        let error = refusal(reqwest::StatusCode::PAYMENT_REQUIRED, card, "req_1");
        assert!(
            matches!(&error, ProviderError::Declined(reason) if reason == "insufficient_funds")
        );
        let limited = refusal(reqwest::StatusCode::TOO_MANY_REQUESTS, b"{}", "req_2");
        assert!(matches!(limited, ProviderError::RateLimited));
        let api = br#"{"error":{"type":"api_error","message":"secret account detail"}}"#;
        let failed = refusal(reqwest::StatusCode::INTERNAL_SERVER_ERROR, api, "req_3");
        let ProviderError::Failed(message) = failed else { panic!("{failed:?}") };
        assert!(message.contains("req_3") && message.contains("api_error"), "{message}");
        assert!(!message.contains("secret account detail"), "{message}");
    }
}
