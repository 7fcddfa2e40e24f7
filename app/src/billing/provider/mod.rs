//! The payment provider port: what billing asks of a provider, with one adapter per provider.
//! The local provider is the embedded default: it keeps its records in the app's database and
//! sends its events through the same handler as a provider's webhook.

pub mod local;

use chrono::NaiveDateTime;
use platform::Platform;

use super::{
    model::{InvoiceInfo, SubscriptionStatus},
    plans::{Interval, Plan},
};
use crate::error::{AppError, ErrorCode};

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

/// The configured provider.
#[derive(Clone)]
pub enum Provider {
    /// The embedded default.
    Local(local::Local),
}

impl Provider {
    /// The provider the configuration names.
    pub fn of(platform: &Platform) -> Self {
        Self::Local(local::Local::new(platform.clone()))
    }

    /// Its stored name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Local(_) => "local",
        }
    }

    /// A new customer for organization `org_id`.
    pub async fn create_customer(
        &self,
        org_id: &str,
        org_name: &str,
        email: &str,
    ) -> Result<String, ProviderError> {
        match self {
            Self::Local(local) => Ok(local.create_customer(org_id, org_name, email)),
        }
    }

    /// A checkout session; answers the address to send the browser to.
    pub async fn create_checkout(
        &self,
        request: CheckoutRequest<'_>,
    ) -> Result<String, ProviderError> {
        match self {
            Self::Local(local) => local.create_checkout(&request).await,
        }
    }

    /// The customer's self-service page; answers its address.
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, ProviderError> {
        match self {
            Self::Local(local) => Ok(local.portal(customer, return_url)),
        }
    }

    /// The subscription's current state.
    pub async fn subscription(&self, id: &str) -> Result<ProviderSubscription, ProviderError> {
        match self {
            Self::Local(local) => local.subscription(id).await,
        }
    }

    /// Moves the subscription to another plan or interval, prorated.
    pub async fn change_plan(
        &self,
        id: &str,
        plan: Plan,
        interval: Interval,
    ) -> Result<ProviderSubscription, ProviderError> {
        match self {
            Self::Local(local) => local.change_plan(id, plan, interval).await,
        }
    }

    /// Ends the subscription at its period's end (`cancel: true`), or keeps it running.
    pub async fn set_cancel_at_period_end(
        &self,
        id: &str,
        cancel: bool,
    ) -> Result<ProviderSubscription, ProviderError> {
        match self {
            Self::Local(local) => local.set_cancel_at_period_end(id, cancel).await,
        }
    }

    /// The customer's invoices, newest first.
    pub async fn invoices(&self, customer: &str) -> Result<Vec<InvoiceInfo>, ProviderError> {
        match self {
            Self::Local(local) => local.invoices(customer).await,
        }
    }
}
