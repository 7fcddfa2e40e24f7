//! The provider port's vocabulary: the state billing reads from a provider, what a checkout
//! asks for, the events a provider sends, and its refusals.

use chrono::NaiveDateTime;

use crate::{
    billing::{
        model::SubscriptionStatus,
        plans::{Interval, Plan},
    },
    error::{AppError, ErrorCode},
};

/// A subscription as the provider holds it: the state billing applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSubscription {
    /// The provider's id.
    pub id: String,
    /// The customer it belongs to.
    pub customer: String,
    /// The organization named in its metadata, if any.
    pub org: Option<String>,
    /// The plan of its price.
    pub plan: Plan,
    /// Billed monthly or annually.
    pub interval: Interval,
    /// Its status.
    pub status: SubscriptionStatus,
    /// When the current period ends.
    pub current_period_end: NaiveDateTime,
    /// Ends at the period's end.
    pub cancel_at_period_end: bool,
    /// When its trial ends, if it has one.
    pub trial_end: Option<NaiveDateTime>,
}

/// What a checkout is for.
#[derive(Clone, Debug)]
pub struct CheckoutRequest<'a> {
    /// The organization buying (`client_reference_id` and metadata).
    pub org_id: &'a str,
    /// Its customer at the provider.
    pub customer: &'a str,
    /// The plan.
    pub plan: Plan,
    /// The interval.
    pub interval: Interval,
    /// Days of trial, if one is started.
    pub trial_days: Option<u32>,
    /// Where the provider sends the browser after paying.
    pub success_url: String,
    /// Where it sends the browser after giving up.
    pub cancel_url: String,
    /// The key that makes a repeated request create nothing new.
    pub idempotency_key: String,
}

/// A provider's refusal or failure, mapped to the API's errors without its own words.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The card was refused (402 `BIZ_PAYMENT_FAILED`, `details.reason`).
    #[error("payment failed: {0}")]
    Declined(String),
    /// The provider asks us to slow down (429 `SYS_RATE_LIMIT`).
    #[error("rate limited by the payment provider")]
    RateLimited,
    /// The object does not exist at the provider.
    #[error("not found at the payment provider")]
    NotFound,
    /// Anything else: logged with the provider's request id, 502 to the caller.
    #[error("payment provider failed: {0}")]
    Failed(String),
    /// Our own database failed (the local provider's records).
    #[error(transparent)]
    Db(#[from] platform::DbError),
}

impl From<ProviderError> for AppError {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::Declined(reason) => {
                Self::new(ErrorCode::BizPaymentFailed).with_detail("reason", reason)
            }
            ProviderError::RateLimited => Self::rate_limited(2),
            ProviderError::NotFound => Self::not_found("subscription"),
            ProviderError::Failed(message) => {
                tracing::error!(%message, "payment provider failed");
                Self::new(ErrorCode::SysProviderError)
            }
            ProviderError::Db(error) => error.into(),
        }
    }
}

/// A provider's answer to a change: the subscription's new state, and the events it sends
/// about it at once (the local provider's; a remote provider's come to the webhook).
#[derive(Clone, Debug)]
pub struct Changed {
    /// The state after the change.
    pub state: ProviderSubscription,
    /// Events to pass through the handler, in order.
    pub events: Vec<Event>,
}

/// A provider event, as much of it as the handler reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The provider's id (`evt_…`).
    pub id: String,
    /// Its type, e.g. `invoice.paid`.
    pub kind: String,
    /// When it happened (Unix seconds).
    pub created: i64,
    /// What it is about.
    pub object: EventObject,
}

/// The ids an event's object names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventObject {
    /// The object's own id (a subscription, invoice or checkout session).
    pub id: String,
    /// Its customer.
    pub customer: Option<String>,
    /// The subscription it concerns.
    pub subscription: Option<String>,
    /// A checkout session's `client_reference_id` (our organization id).
    pub client_reference_id: Option<String>,
    /// `metadata.organization_id`.
    pub org: Option<String>,
}
