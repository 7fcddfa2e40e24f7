//! The plans: one typed table that the limits, the prices, the billing page and the docs read.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// What an organization pays for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    /// No payment; small limits.
    Free,
    /// For a team.
    Pro,
    /// For a larger organization.
    Business,
}

/// How often a paid plan is billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// Every month.
    Monthly,
    /// Every year, for the price of ten months.
    Annual,
}

/// Something a plan unlocks beyond its limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// Fields of an organization's own on its todos.
    CustomFields,
    /// Programs call the API with tokens.
    ApiAccess,
    /// Answers from people first.
    PrioritySupport,
    /// The audit log as a file.
    AuditExport,
}

impl Feature {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomFields => "custom_fields",
            Self::ApiAccess => "api_access",
            Self::PrioritySupport => "priority_support",
            Self::AuditExport => "audit_export",
        }
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::CustomFields => "billing-feature-custom-fields",
            Self::ApiAccess => "billing-feature-api-access",
            Self::PrioritySupport => "billing-feature-priority-support",
            Self::AuditExport => "billing-feature-audit-export",
        }
    }
}

/// An amount of money: integer minor units (cents) of an ISO 4217 currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// Minor units; negative for a credit.
    pub amount_minor: i64,
    /// ISO 4217 code, lower case (`usd`).
    pub currency: &'static str,
}

impl Money {
    /// US dollars, in cents.
    pub const fn usd(cents: i64) -> Self {
        Self { amount_minor: cents, currency: "usd" }
    }
}

/// What a plan allows: `None` is no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Live todos.
    pub todos: Option<u64>,
    /// Members plus open invitations.
    pub members: Option<u64>,
    /// Bytes of stored files.
    pub storage_bytes: u64,
}

/// One row of the plans table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanSpec {
    /// The plan.
    pub plan: Plan,
    /// Its limits.
    pub limits: Limits,
    /// What it unlocks.
    pub features: &'static [Feature],
    /// The price per month, billed monthly.
    pub monthly: Money,
    /// The price per year, billed annually.
    pub annual: Money,
    /// Days of the optional trial (once per organization), or 0.
    pub trial_days: u32,
}

const MB: u64 = 1_000_000;
const GB: u64 = 1_000 * MB;

/// Every plan, cheapest first.
pub const PLANS: [PlanSpec; 3] = [
    PlanSpec {
        plan: Plan::Free,
        limits: Limits { todos: Some(10), members: Some(2), storage_bytes: 100 * MB },
        features: &[],
        monthly: Money::usd(0),
        annual: Money::usd(0),
        trial_days: 0,
    },
    PlanSpec {
        plan: Plan::Pro,
        limits: Limits { todos: None, members: Some(10), storage_bytes: 5 * GB },
        features: &[Feature::CustomFields, Feature::ApiAccess],
        monthly: Money::usd(1_200),
        annual: Money::usd(12_000),
        trial_days: 14,
    },
    PlanSpec {
        plan: Plan::Business,
        limits: Limits { todos: None, members: Some(50), storage_bytes: 50 * GB },
        features: &[
            Feature::CustomFields,
            Feature::ApiAccess,
            Feature::PrioritySupport,
            Feature::AuditExport,
        ],
        monthly: Money::usd(4_000),
        annual: Money::usd(40_000),
        trial_days: 14,
    },
];

impl Plan {
    /// Every plan, cheapest first.
    pub const ALL: [Self; 3] = [Self::Free, Self::Pro, Self::Business];

    /// Its row of [`PLANS`].
    pub fn spec(self) -> &'static PlanSpec {
        match self {
            Self::Free => &PLANS[0],
            Self::Pro => &PLANS[1],
            Self::Business => &PLANS[2],
        }
    }

    /// Its limits.
    pub fn limits(self) -> Limits {
        self.spec().limits
    }

    /// Whether it is paid for.
    pub fn is_paid(self) -> bool {
        self != Self::Free
    }

    /// Whether it unlocks `feature`.
    pub fn has(self, feature: Feature) -> bool {
        self.spec().features.contains(&feature)
    }

    /// The price for one `interval`.
    pub fn price(self, interval: Interval) -> Money {
        match interval {
            Interval::Monthly => self.spec().monthly,
            Interval::Annual => self.spec().annual,
        }
    }

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Free => "free",
            Self::Pro => "pro",
            Self::Business => "business",
        }
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Free => "billing-plan-free",
            Self::Pro => "billing-plan-pro",
            Self::Business => "billing-plan-business",
        }
    }
}

impl FromStr for Plan {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|plan| plan.as_str() == s.trim()).ok_or(())
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Interval {
    /// Both intervals.
    pub const ALL: [Self; 2] = [Self::Monthly, Self::Annual];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Monthly => "monthly",
            Self::Annual => "annual",
        }
    }
}

impl FromStr for Interval {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|interval| interval.as_str() == s.trim()).ok_or(())
    }
}

/// How much a year billed annually saves against twelve monthly payments, in percent (rounded
/// down).
pub fn annual_savings_percent(plan: Plan) -> i64 {
    let twelve = plan.spec().monthly.amount_minor * 12;
    if twelve == 0 {
        return 0;
    }
    (twelve - plan.spec().annual.amount_minor) * 100 / twelve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_plan_order_and_names_round_trip() {
        for (spec, plan) in PLANS.iter().zip(Plan::ALL) {
            assert_eq!(spec.plan, plan);
            assert_eq!(plan.as_str().parse::<Plan>(), Ok(plan));
        }
        assert_eq!("monthly".parse::<Interval>(), Ok(Interval::Monthly));
        assert!("weekly".parse::<Interval>().is_err());
    }

    #[test]
    fn prices_limits_and_features_are_the_published_ones() {
        assert_eq!(Plan::Pro.price(Interval::Monthly), Money::usd(1_200));
        assert_eq!(Plan::Business.price(Interval::Annual), Money::usd(40_000));
        assert_eq!(Plan::Free.limits().todos, Some(10));
        assert_eq!(Plan::Pro.limits().members, Some(10));
        assert_eq!(Plan::Business.limits().storage_bytes, 50_000_000_000);
        assert!(Plan::Pro.has(Feature::ApiAccess) && !Plan::Pro.has(Feature::AuditExport));
        assert_eq!(annual_savings_percent(Plan::Pro), 16);
        assert_eq!(annual_savings_percent(Plan::Free), 0);
    }
}
