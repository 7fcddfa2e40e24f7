//! Provider events: verifying a webhook's signature, reading the event, and applying it — the
//! one handler for a provider's webhook and for the local provider's events.
//!
//! Events arrive late, twice and out of order, so the handler never applies an event's payload:
//! it reads the subscription's state from the provider and stores that (unless a newer read is
//! stored), in one transaction with the event's id (a replay changes nothing) and the audit
//! entry, and then tells open billing pages.

use chrono::TimeDelta;
use hmac::{Hmac, Mac};
use platform::Platform;
use serde::Deserialize;
use sha2::Sha256;

use super::{
    model::SubscriptionStatus,
    plans::Interval,
    provider::{Event, EventObject, Provider},
    store::{self, Applied, EventRecord, Snapshot},
};
use crate::{
    audit::AuditEntry,
    error::{AppError, ErrorCode},
    orgs::{feed::Feed, permissions::Permission},
};

/// How old a signed timestamp may be (either way).
pub const TOLERANCE_SECONDS: i64 = 300;

/// The event types the handler applies; others are answered 2xx and ignored.
pub const HANDLED: [&str; 8] = [
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.payment_action_required",
];

/// Why a webhook was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Stripe-Signature` header, or one without `t=` and `v1=`.
    #[error("missing or malformed signature header")]
    Malformed,
    /// The timestamp is more than [`TOLERANCE_SECONDS`] away from now.
    #[error("timestamp outside the tolerance")]
    Expired,
    /// No `v1` matches the body.
    #[error("no signature matches")]
    Mismatch,
}

/// `v1` signature of `body` at `timestamp` with `secret`: hex HMAC-SHA256 of `"{t}.{body}"`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// Verifies a `Stripe-Signature` header (`t=…,v1=…[,v1=…]`) over the raw `body`: the
/// timestamp within [`TOLERANCE_SECONDS`] of `now` and any `v1` the HMAC of the body (several
/// while a secret is rotated), compared in constant time.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signatures.push(value),
            _ => {}
        }
    }
    let (Some(timestamp), false) = (timestamp, signatures.is_empty()) else {
        return Err(SignatureError::Malformed);
    };
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Expired);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let matches = signatures
        .iter()
        .filter_map(|signature| unhex(signature))
        .any(|signature| mac.clone().verify_slice(&signature).is_ok());
    if matches { Ok(()) } else { Err(SignatureError::Mismatch) }
}

#[derive(Deserialize)]
struct WireEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    created: i64,
    data: WireData,
}

#[derive(Deserialize)]
struct WireData {
    object: WireObject,
}

#[derive(Deserialize)]
struct WireObject {
    #[serde(default)]
    id: String,
    #[serde(default)]
    object: String,
    customer: Option<serde_json::Value>,
    subscription: Option<serde_json::Value>,
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: serde_json::Map<String, serde_json::Value>,
    parent: Option<serde_json::Value>,
}

/// An id field that may be expanded into its object.
fn id_of(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::String(id) => Some(id.clone()),
        serde_json::Value::Object(object) => object.get("id")?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Reads a webhook body; `None` when it is not an event.
pub fn parse(body: &[u8]) -> Option<Event> {
    let wire: WireEvent = serde_json::from_slice(body).ok()?;
    let object = wire.data.object;
    let subscription = if object.object == "subscription" {
        Some(object.id.clone())
    } else {
        id_of(object.subscription.as_ref()).or_else(|| {
            // Newer API versions name an invoice's subscription under `parent`.
            let parent = object.parent.as_ref()?;
            id_of(parent.get("subscription_details")?.get("subscription"))
        })
    };
    Some(Event {
        id: wire.id,
        kind: wire.kind,
        created: wire.created,
        object: EventObject {
            customer: id_of(object.customer.as_ref()),
            subscription,
            client_reference_id: object.client_reference_id,
            org: object.metadata.get("organization_id").and_then(|v| v.as_str()).map(str::to_owned),
            id: object.id,
        },
    })
}

/// What the handler did with an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied (the state may have been stored already, then nothing changed).
    Applied,
    /// Seen before: nothing changed.
    Replayed,
    /// A type the handler does not act on.
    Ignored,
}

fn mismatch(event: &Event, reason: &'static str) -> AppError {
    tracing::warn!(event = %event.id, kind = %event.kind, reason, "billing event refused");
    AppError::new(ErrorCode::BizInvalidState).with_detail("reason", reason)
}

/// Applies `event`: finds the organization by the stored customer (it must match the
/// organization the event names), reads the subscription's state from `provider`, and stores
/// it with the event id and the audit entry in one transaction. An error means nothing was
/// stored: the webhook answers it with its status (5xx for a failed write, so the provider
/// sends the event again).
pub async fn process(
    platform: &Platform,
    provider: &Provider,
    event: &Event,
) -> Result<Outcome, AppError> {
    if !HANDLED.contains(&event.kind.as_str()) {
        return Ok(Outcome::Ignored);
    }
    let customer =
        event.object.customer.as_deref().ok_or_else(|| mismatch(event, "no_customer"))?;
    let org_id = store::org_of_customer(&platform.db, customer)
        .await?
        .ok_or_else(|| mismatch(event, "unknown_customer"))?;
    for named in [&event.object.client_reference_id, &event.object.org].into_iter().flatten() {
        if *named != org_id {
            return Err(mismatch(event, "organization_mismatch"));
        }
    }
    let synced_at = platform::clock::now_utc();
    let state = match &event.object.subscription {
        Some(id) => Some(provider.subscription(id).await?),
        None => None,
    };
    if let Some(state) = &state
        && (state.customer != customer || state.org.as_ref().is_some_and(|org| *org != org_id))
    {
        return Err(mismatch(event, "organization_mismatch"));
    }
    let grace = grace(platform);
    let record = EventRecord { id: &event.id, kind: &event.kind };
    let kind = event.kind.as_str();
    let applied = store::apply(
        &platform.db,
        &org_id,
        Some(record),
        state.as_ref(),
        synced_at,
        grace,
        |before, after| describe(before, after, Some(kind), None),
    )
    .await?;
    if applied == Applied::Replayed {
        return Ok(Outcome::Replayed);
    }
    tracing::info!(org_id = %org_id, event = %event.id, kind = %event.kind, "billing event applied");
    publish(platform, &org_id).await;
    Ok(Outcome::Applied)
}

/// Passes the events a provider answered (the local provider's) through [`process`], in
/// order. A failure is logged: the provider keeps the state, and the next event or user
/// action stores it.
pub async fn deliver(platform: &Platform, provider: &Provider, sent: Vec<Event>) {
    for event in sent {
        if let Err(error) = process(platform, provider, &event).await {
            tracing::error!(%error, event = %event.id, kind = %event.kind, "billing event failed");
        }
    }
}

/// The configured grace period of a failed payment.
pub fn grace(platform: &Platform) -> TimeDelta {
    TimeDelta::from_std(platform.config.billing.grace_period).unwrap_or(TimeDelta::days(7))
}

/// The billing live feed, `GET /api/ws/billing?org=…`: the state changed, to members with
/// `billing:read` (open billing pages read it again).
pub const FEED: Feed = Feed { prefix: "billing", permission: Permission::BillingRead };

/// The pub/sub channel open billing pages of organization `org_id` listen on.
pub fn channel(org_id: &str) -> String {
    FEED.channel(org_id)
}

/// Tells open billing pages of `org_id` to read their state again.
pub async fn publish(platform: &Platform, org_id: &str) {
    if let Err(error) = platform.pubsub.publish(&channel(org_id), r#"{"type":"changed"}"#).await {
        tracing::warn!(%error, org_id, "billing event not published");
    }
}

/// The audit entry of a change from `before` to `after` (by `actor`, or the provider), or of
/// an event (`kind`) that changes no state but is worth recording; `None` for neither.
pub fn describe(
    before: &Snapshot,
    after: &Snapshot,
    kind: Option<&str>,
    actor: Option<&str>,
) -> Option<AuditEntry> {
    let live = |snapshot: &Snapshot| snapshot.status.is_some_and(SubscriptionStatus::is_live);
    let status = |snapshot: &Snapshot| snapshot.status.map(SubscriptionStatus::as_str);
    let interval = |snapshot: &Snapshot| snapshot.interval.map(Interval::as_str);
    let (action, details) = if !live(before) && live(after) {
        let trial = after.status == Some(SubscriptionStatus::Trialing);
        let details = serde_json::json!({
            "plan": after.plan.as_str(), "interval": interval(after), "trial": trial,
        });
        ("billing.subscribed", details)
    } else if live(before) && !live(after) {
        ("billing.ended", serde_json::json!({ "plan": before.plan.as_str() }))
    } else if before.plan != after.plan || before.interval != after.interval {
        let details = serde_json::json!({
            "from": before.plan.as_str(), "to": after.plan.as_str(),
            "interval": interval(after),
        });
        ("billing.plan_changed", details)
    } else if !before.cancel_at_period_end && after.cancel_at_period_end {
        ("billing.cancel_scheduled", serde_json::json!({ "plan": after.plan.as_str() }))
    } else if before.cancel_at_period_end && !after.cancel_at_period_end {
        ("billing.resumed", serde_json::json!({ "plan": after.plan.as_str() }))
    } else if before.status != after.status {
        let details = serde_json::json!({ "from": status(before), "to": status(after) });
        ("billing.status_changed", details)
    } else {
        match kind? {
            "invoice.paid" => ("billing.invoice_paid", serde_json::json!({})),
            "invoice.payment_failed" => ("billing.payment_failed", serde_json::json!({})),
            "invoice.payment_action_required" => {
                ("billing.payment_action_required", serde_json::json!({}))
            }
            "customer.subscription.trial_will_end" => {
                ("billing.trial_ending", serde_json::json!({}))
            }
            _ => return None,
        }
    };
    let mut entry = AuditEntry::system(action).details(details);
    entry.actor = actor.map(str::to_owned);
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    #[test]
    fn a_signature_made_with_the_secret_verifies() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={}", sign(SECRET, 1000, body));
        assert_eq!(verify(SECRET, &header, body, 1100), Ok(()));
    }

    #[test]
    fn tampering_the_wrong_secret_and_old_timestamps_are_refused() {
        let body = br#"{"id":"evt_1"}"#;
        let header = format!("t=1000,v1={}", sign(SECRET, 1000, body));
        assert_eq!(
            verify(SECRET, &header, br#"{"id":"evt_2"}"#, 1000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify("whsec_other", &header, body, 1000), Err(SignatureError::Mismatch));
        assert_eq!(verify(SECRET, &header, body, 1301), Err(SignatureError::Expired));
        assert_eq!(verify(SECRET, "v1=abc", body, 1000), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, "t=1000", body, 1000), Err(SignatureError::Malformed));
        assert_eq!(verify(SECRET, "", body, 1000), Err(SignatureError::Malformed));
    }

    #[test]
    fn any_of_several_v1_may_match() {
        let body = b"{}";
        let header = format!("t=5,v1={},v1={}", "ab".repeat(32), sign(SECRET, 5, body));
        assert_eq!(verify(SECRET, &header, body, 5), Ok(()));
        let header = format!("t=5,v1=zz,v1={}", sign("whsec_other", 5, body));
        assert_eq!(verify(SECRET, &header, body, 5), Err(SignatureError::Mismatch));
    }

    #[test]
    fn events_name_their_subscription_customer_and_organization() {
        let body = br#"{"id":"evt_1","type":"checkout.session.completed","created":7,
            "data":{"object":{"id":"cs_1","object":"checkout.session","customer":"cus_1",
            "subscription":"sub_1","client_reference_id":"org_1",
            "metadata":{"organization_id":"org_1"}}}}"#;
        let event = parse(body).expect("event");
        assert_eq!(event.object.subscription.as_deref(), Some("sub_1"));
        assert_eq!(event.object.customer.as_deref(), Some("cus_1"));
        assert_eq!(event.object.org.as_deref(), Some("org_1"));
        let body = br#"{"id":"evt_2","type":"customer.subscription.updated",
            "data":{"object":{"id":"sub_2","object":"subscription","customer":{"id":"cus_2"}}}}"#;
        let event = parse(body).expect("event");
        assert_eq!(event.object.subscription.as_deref(), Some("sub_2"));
        assert_eq!(event.object.customer.as_deref(), Some("cus_2"));
        let body = br#"{"id":"evt_3","type":"invoice.paid","data":{"object":{"id":"in_1",
            "object":"invoice","customer":"cus_3","parent":{"subscription_details":
            {"subscription":"sub_3"}}}}}"#;
        assert_eq!(parse(body).expect("event").object.subscription.as_deref(), Some("sub_3"));
        assert_eq!(parse(b"not json"), None);
    }
}
