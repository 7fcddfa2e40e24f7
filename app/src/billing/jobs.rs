//! Billing's maintenance: the local provider renews, ends and fails subscriptions whose period
//! is over, as a payment provider does on its own schedule; its events go through the
//! webhook's handler.

use platform::{DbError, Platform, job::Job};

use super::{events, provider::Provider};

/// The jobs of billing.
pub const JOBS: [Job; 1] =
    [Job { name: "local-billing-renewals", run: |platform| Box::pin(renewals(platform)) }];

/// One run of `local-billing-renewals`: how many subscriptions were renewed or ended.
pub async fn renewals(platform: &Platform) -> Result<usize, DbError> {
    let (count, sent) = super::provider::local::renew_due(platform).await?;
    events::deliver(platform, &Provider::of(platform), sent).await;
    Ok(count)
}
