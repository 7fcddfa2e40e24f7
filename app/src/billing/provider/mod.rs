//! The payment provider port: what billing asks of a provider (its vocabulary in [`port`]), with
//! one adapter per provider. The local provider is the embedded default: it keeps its records
//! in the app's database and answers the events a provider would send, which billing passes
//! through the same handler as a provider's webhook. Stripe is used when its keys are
//! configured.

pub mod local;
pub mod port;
pub mod stripe;

use platform::Platform;

pub use port::{Changed, CheckoutRequest, Event, EventObject, ProviderError, ProviderSubscription};

use super::{
    model::InvoiceInfo,
    plans::{Interval, Plan},
};

/// The configured provider.
#[derive(Clone)]
pub enum Provider {
    /// The embedded default.
    Local(Box<local::Local>),
    /// Stripe, when its keys are configured.
    Stripe(stripe::Stripe),
}

impl Provider {
    /// The provider the configuration names.
    pub fn of(platform: &Platform) -> Self {
        match &platform.config.billing.stripe {
            Some(config) => Self::Stripe(stripe::Stripe::new(config.clone())),
            None => Self::Local(Box::new(local::Local::new(platform.clone()))),
        }
    }

    /// Its stored name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Local(_) => "local",
            Self::Stripe(_) => "stripe",
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
            Self::Stripe(stripe) => stripe.create_customer(org_id, org_name, email).await,
        }
    }

    /// A checkout session; answers the address to send the browser to.
    pub async fn create_checkout(
        &self,
        request: CheckoutRequest<'_>,
    ) -> Result<String, ProviderError> {
        match self {
            Self::Local(local) => local.create_checkout(&request).await,
            Self::Stripe(stripe) => stripe.create_checkout(&request).await,
        }
    }

    /// The customer's self-service page; answers its address.
    pub async fn portal(&self, customer: &str, return_url: &str) -> Result<String, ProviderError> {
        match self {
            Self::Local(local) => Ok(local.portal(customer, return_url)),
            Self::Stripe(stripe) => stripe.portal(customer, return_url).await,
        }
    }

    /// The subscription's current state.
    pub async fn subscription(&self, id: &str) -> Result<ProviderSubscription, ProviderError> {
        match self {
            Self::Local(local) => local.subscription(id).await,
            Self::Stripe(stripe) => stripe.subscription(id).await,
        }
    }

    /// Moves the subscription to another plan or interval, prorated.
    pub async fn change_plan(
        &self,
        id: &str,
        plan: Plan,
        interval: Interval,
    ) -> Result<Changed, ProviderError> {
        match self {
            Self::Local(local) => local.change_plan(id, plan, interval).await,
            Self::Stripe(stripe) => stripe.change_plan(id, plan, interval).await,
        }
    }

    /// Ends the subscription at its period's end (`cancel: true`), or keeps it running.
    pub async fn set_cancel_at_period_end(
        &self,
        id: &str,
        cancel: bool,
    ) -> Result<Changed, ProviderError> {
        match self {
            Self::Local(local) => local.set_cancel_at_period_end(id, cancel).await,
            Self::Stripe(stripe) => stripe.set_cancel_at_period_end(id, cancel).await,
        }
    }

    /// The customer's invoices, newest first.
    pub async fn invoices(&self, customer: &str) -> Result<Vec<InvoiceInfo>, ProviderError> {
        match self {
            Self::Local(local) => local.invoices(customer).await,
            Self::Stripe(stripe) => stripe.invoices(customer).await,
        }
    }
}
