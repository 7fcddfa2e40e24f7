//! Billing types and inputs, shared by server and browser. Times are UTC, `YYYY-MM-DDTHH:MM:SS`.

use garde::Validate;
use serde::{Deserialize, Serialize};

use super::plans::{Feature, Interval, Plan};

/// A yes/no field of a form: JSON's `true`/`false`, or a form's `true`, `on`, `1` (`false`,
/// `0` or empty for no). Needed because a flattened server-function input reaches serde as
/// text.
fn checkbox<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    match Flag::deserialize(deserializer)? {
        Flag::Bool(flag) => Ok(flag),
        Flag::Text(text) => match text.trim() {
            "true" | "on" | "1" => Ok(true),
            "false" | "0" | "" => Ok(false),
            _ => Err(serde::de::Error::custom("not a yes/no value")),
        },
    }
}

/// A subscription's state at the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Paid and running.
    Active,
    /// In its free trial.
    Trialing,
    /// A renewal payment failed; the plan holds for the grace period.
    PastDue,
    /// Ended.
    Canceled,
    /// The first payment has not gone through.
    Incomplete,
}

impl SubscriptionStatus {
    /// Every status.
    pub const ALL: [Self; 5] =
        [Self::Active, Self::Trialing, Self::PastDue, Self::Canceled, Self::Incomplete];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Trialing => "trialing",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
            Self::Incomplete => "incomplete",
        }
    }

    /// A stored name (Stripe's `incomplete_expired` and `unpaid` count as ended, `paused` as
    /// incomplete).
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "incomplete_expired" | "unpaid" => Some(Self::Canceled),
            "paused" => Some(Self::Incomplete),
            other => Self::ALL.into_iter().find(|status| status.as_str() == other),
        }
    }

    /// Whether the subscription still runs (a new checkout would make a second one).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Active | Self::Trialing | Self::PastDue)
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Active => "billing-status-active",
            Self::Trialing => "billing-status-trialing",
            Self::PastDue => "billing-status-past-due",
            Self::Canceled => "billing-status-canceled",
            Self::Incomplete => "billing-status-incomplete",
        }
    }
}

/// A plan's limits on the wire: `-1` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsInfo {
    /// Live todos.
    pub todos: i64,
    /// Members plus open invitations.
    pub members: i64,
    /// Bytes of stored files.
    pub storage_bytes: i64,
}

/// Who bills the organization.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// The app's own provider (the embedded default).
    #[default]
    Local,
    /// Stripe.
    Stripe,
}

/// `GET /api/billing/subscription`: what the organization pays for and what applies now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionInfo {
    /// The plan subscribed to (`free` without a subscription).
    pub plan: Plan,
    /// The plan whose limits and features apply now (`free` once a subscription ended, or a
    /// failed payment's grace period passed).
    pub effective_plan: Plan,
    /// The subscription's status; `None` before any.
    pub status: Option<SubscriptionStatus>,
    /// Billed monthly or annually.
    pub interval: Option<Interval>,
    /// When the current period ends (renewal, or the end after a cancellation).
    pub current_period_end: Option<String>,
    /// Cancelled: runs until `current_period_end`, then ends.
    pub cancel_at_period_end: bool,
    /// When the trial ends, while trialing.
    pub trial_end: Option<String>,
    /// Whether a trial may still be started (once per organization).
    pub trial_available: bool,
    /// While `past_due`: when the plan's limits stop applying.
    pub grace_until: Option<String>,
    /// What the effective plan unlocks.
    pub features: Vec<Feature>,
    /// The effective plan's limits.
    pub limits: LimitsInfo,
    /// Whether the organization is a customer of the provider yet.
    pub has_customer: bool,
    /// Who bills: `local` (the app itself) or `stripe`, whose self-service page
    /// (`POST /api/billing/portal`) the billing page links to.
    pub provider: ProviderKind,
}

/// One measured resource: `limit` and `percentage` are `-1` when unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageItem {
    /// In use.
    pub used: i64,
    /// The most allowed, or `-1`.
    pub limit: i64,
    /// `used` of `limit` in whole percent (may pass 100 after a downgrade), or `-1`.
    pub percentage: i64,
}

impl UsageItem {
    /// `used` against `limit` (`None`: unlimited).
    pub fn new(used: i64, limit: Option<u64>) -> Self {
        match limit.and_then(|limit| i64::try_from(limit).ok()) {
            Some(0) => Self { used, limit: 0, percentage: if used > 0 { 100 } else { 0 } },
            Some(limit) => Self { used, limit, percentage: used.saturating_mul(100) / limit },
            None => Self { used, limit: -1, percentage: -1 },
        }
    }
}

/// `GET /api/billing/usage`: what the organization uses of its plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Live todos.
    pub todos: UsageItem,
    /// Members plus open invitations.
    pub members: UsageItem,
    /// Bytes of stored files.
    pub storage: UsageItem,
}

/// `POST /api/billing/checkout`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct CheckoutInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// `pro` or `business`.
    #[garde(length(max = 16))]
    pub plan: String,
    /// `monthly` or `annual`.
    #[garde(length(max = 16))]
    pub interval: String,
    /// Start with the plan's free trial (once per organization).
    #[serde(default, deserialize_with = "checkbox")]
    #[garde(skip)]
    pub trial: bool,
}

/// `POST /api/billing/change-plan`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ChangePlanInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// `pro` or `business`.
    #[garde(length(max = 16))]
    pub plan: String,
    /// `monthly` or `annual`.
    #[garde(length(max = 16))]
    pub interval: String,
}

/// Where the browser goes next (a checkout or portal page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The address: the provider's page, or one of this app's.
    pub url: String,
}

/// An invoice, newest first in lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceInfo {
    /// The provider's id.
    pub id: String,
    /// The invoice number.
    pub number: String,
    /// What it is for (plan, interval, proration).
    pub description: String,
    /// Minor units; negative for a credit.
    pub amount_minor: i64,
    /// ISO 4217, lower case.
    pub currency: String,
    /// `paid`, `open`, `void`, `draft` or `uncollectible`.
    pub status: String,
    /// The period it covers.
    pub period_start: String,
    /// The period it covers.
    pub period_end: String,
    /// When it was made.
    pub created_at: String,
    /// The provider's page of the invoice, if it has one.
    pub url: Option<String>,
}

/// A checkout session of the local provider (`/billing/checkout/{session}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SessionInput {
    /// The session's id.
    #[garde(length(min = 1, max = 64))]
    pub session: String,
}

/// `POST /api/billing/local/pay`: pay a local checkout session with a test card.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct PayInput {
    /// The session's id.
    #[garde(length(min = 1, max = 64))]
    pub session: String,
    /// The card number (spaces allowed): `4242 4242 4242 4242` succeeds, `4000 0000 0000 0002`
    /// is declined, `4000 0000 0000 9995` has insufficient funds, `4000 0025 0000 3155` asks
    /// for a confirmation, `4000 0000 0000 0341` pays now and fails at renewal.
    #[garde(length(min = 1, max = 32))]
    pub card: String,
}

/// `POST /api/billing/local/confirm`: the extra step a card asked for, approved or not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ConfirmInput {
    /// The session's id.
    #[garde(length(min = 1, max = 64))]
    pub session: String,
    /// Whether the cardholder approved the payment.
    #[serde(default, deserialize_with = "checkbox")]
    #[garde(skip)]
    pub approve: bool,
}

/// A local checkout session as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutSession {
    /// Id.
    pub id: String,
    /// The organization's id.
    pub org: String,
    /// Its name.
    pub org_name: String,
    /// Its slug (the billing page to return to).
    pub org_slug: String,
    /// What is bought.
    pub plan: Plan,
    /// How it is billed.
    pub interval: Interval,
    /// Starts with a trial (nothing is charged today).
    pub trial: bool,
    /// The price per interval.
    pub amount_minor: i64,
    /// ISO 4217, lower case.
    pub currency: String,
    /// `open`, `action_required`, `complete` or `expired`.
    pub status: String,
}

/// The answer to a payment: `complete` (go to `redirect`) or `action_required` (confirm).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// `complete` or `action_required`.
    pub status: String,
    /// The billing page, once complete.
    pub redirect: String,
}

/// Whole currency units with two decimals and the currency's sign: `$12.00`, `-$3.50`.
pub fn format_money(amount_minor: i64, currency: &str) -> String {
    let sign = if amount_minor < 0 { "-" } else { "" };
    let abs = amount_minor.unsigned_abs();
    let symbol = match currency {
        "usd" => "$".to_owned(),
        "eur" => "€".to_owned(),
        "gbp" => "£".to_owned(),
        other => format!("{} ", other.to_uppercase()),
    };
    format!("{sign}{symbol}{}.{:02}", abs / 100, abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_percentages_and_unlimited() {
        assert_eq!(UsageItem::new(9, Some(10)), UsageItem { used: 9, limit: 10, percentage: 90 });
        assert_eq!(UsageItem::new(12, Some(10)).percentage, 120);
        assert_eq!(UsageItem::new(3, None), UsageItem { used: 3, limit: -1, percentage: -1 });
    }

    #[test]
    fn money_is_written_with_two_decimals() {
        assert_eq!(format_money(1_200, "usd"), "$12.00");
        assert_eq!(format_money(-350, "usd"), "-$3.50");
        assert_eq!(format_money(5, "sek"), "SEK 0.05");
    }

    #[test]
    fn provider_statuses_map_to_ours() {
        assert_eq!(SubscriptionStatus::parse("past_due"), Some(SubscriptionStatus::PastDue));
        assert_eq!(SubscriptionStatus::parse("unpaid"), Some(SubscriptionStatus::Canceled));
        assert_eq!(SubscriptionStatus::parse("nonsense"), None);
        assert!(SubscriptionStatus::Trialing.is_live() && !SubscriptionStatus::Canceled.is_live());
    }
}
