//! The billing pages: `/o/{slug}/billing` (plan, usage, plans to choose, invoices) and the local
//! provider's checkout page, `/billing/checkout/{session}`. Every action is a plain form that
//! works without JavaScript (the server redirects); hydrated, the page reloads its data in
//! place.

mod checkout;
mod page;

pub use checkout::CheckoutPage;
pub use page::BillingPage;

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

/// Bytes as people read them (decimal units, one decimal below 100): `0 B`, `12.3 MB`, `5 GB`.
pub fn format_bytes(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let bytes = u128::from(bytes.max(0).unsigned_abs());
    let (mut unit, mut scale) = (0, 1_u128);
    while unit < UNITS.len() - 1 && bytes >= scale * 1000 {
        scale *= 1000;
        unit += 1;
    }
    // Rounded to tenths of the unit.
    let tenths = (bytes * 10 + scale / 2) / scale;
    if unit == 0 || tenths >= 1000 || tenths % 10 == 0 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_written_in_decimal_units() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(999), "999 B");
        assert_eq!(format_bytes(12_345_678), "12.3 MB");
        assert_eq!(format_bytes(100_000_000), "100 MB");
        assert_eq!(format_bytes(5_000_000_000), "5 GB");
    }
}
