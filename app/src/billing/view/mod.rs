//! The billing pages: `/o/{slug}/billing` (plan, usage, plans to choose, invoices) and the local
//! provider's checkout page, `/billing/checkout/{session}`. Every action is a plain form that
//! works without JavaScript (the server redirects); hydrated, the page reloads its data in
//! place.

mod checkout;
mod page;

pub use checkout::CheckoutPage;
pub use page::{BillingPage, explain};

use crate::billing::{
    model::SubscriptionStatus,
    plans::{Feature, Plan},
};

/// The translation keys these pages pick from tables (checked by the translation tests).
pub fn indirect_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Plan::ALL.iter().map(|plan| plan.label_key()).collect();
    keys.extend(SubscriptionStatus::ALL.iter().map(|status| status.label_key()));
    keys.extend(
        [Feature::CustomFields, Feature::ApiAccess, Feature::PrioritySupport, Feature::AuditExport]
            .iter()
            .map(|feature| feature.label_key()),
    );
    keys.extend(page::DECLINE_KEYS.iter().map(|(_, key)| *key));
    keys.extend(checkout::TEST_CARDS.iter().map(|(_, key)| *key));
    keys.extend([
        "billing-per-monthly",
        "billing-per-annual",
        "org-tab-billing",
        "billing-usage-todos",
        "billing-usage-members",
        "billing-usage-storage",
        "billing-limit-todos",
        "billing-limit-todos-unlimited",
        "billing-limit-members",
        "billing-limit-members-unlimited",
        "billing-trial-ends",
        "billing-ends-on",
        "billing-renews-on",
        "billing-monthly",
        "billing-annual",
        "billing-invoice-paid",
        "billing-invoice-open",
    ]);
    keys
}
