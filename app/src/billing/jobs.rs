//! Billing's maintenance: the local provider renews, ends and fails subscriptions whose period
//! is over, as a payment provider does on its own schedule.

use platform::job::Job;

/// The jobs of billing.
pub const JOBS: [Job; 1] = [Job {
    name: "local-billing-renewals",
    run: |platform| Box::pin(super::provider::local::renew_due(platform)),
}];
