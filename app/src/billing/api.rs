//! Billing server functions: `/api/billing/*`. Each needs a signed-in member of `org`
//! (`BIZ_NOT_FOUND` otherwise) with `billing:read` (every role) to read, `billing:manage`
//! (owners and admins) to buy or change (`AUTH_FORBIDDEN`, `details.permission`).

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{
    ChangePlanInput, CheckoutInput, CheckoutSession, ConfirmInput, InvoiceInfo, PayInput, Payment,
    Redirect, SessionInput, SubscriptionInfo, Usage,
};
use crate::{error::AppError, orgs::model::OrgInput};

/// `GET /api/billing/subscription?org=…` (`billing:read`): plan, status, interval, period end,
/// cancel-at-period-end, trial end, grace end, features, limits, has-customer.
#[server(prefix = "/api", endpoint = "billing/subscription", input = GetUrl)]
pub async fn get_subscription(
    #[server(flatten)] input: OrgInput,
) -> Result<SubscriptionInfo, AppError> {
    super::service::subscription(input).await
}

/// `GET /api/billing/usage?org=…` (`billing:read`): todos, members (with open invitations) and
/// storage — used, limit, percentage (`-1` = unlimited).
#[server(prefix = "/api", endpoint = "billing/usage", input = GetUrl)]
pub async fn get_usage(#[server(flatten)] input: OrgInput) -> Result<Usage, AppError> {
    super::service::usage(input).await
}

/// `POST /api/billing/checkout` — `org`, `plan` (`pro`, `business`), `interval` (`monthly`,
/// `annual`), `trial` (`true` to start the 14-day trial) (`billing:manage`): answers the
/// checkout page's `url` (a form post is redirected there). Errors: `BIZ_INVALID_STATE`
/// (`reason`: `already_subscribed` — use change-plan; `trial_used`).
#[server(prefix = "/api", endpoint = "billing/checkout", input = PostUrl)]
pub async fn create_checkout(
    #[server(flatten)] input: CheckoutInput,
) -> Result<Redirect, AppError> {
    super::service::checkout(input).await
}

/// `POST /api/billing/portal` — `org` (`billing:manage`): the provider's self-service page
/// (the organization becomes a customer if it is not one yet).
#[server(prefix = "/api", endpoint = "billing/portal", input = PostUrl)]
pub async fn open_portal(#[server(flatten)] input: OrgInput) -> Result<Redirect, AppError> {
    super::service::portal(input).await
}

/// `POST /api/billing/cancel` — `org` (`billing:manage`): ends the subscription at the end of
/// its period; again, nothing changes. Errors: `BIZ_INVALID_STATE` (`no_subscription`).
#[server(prefix = "/api", endpoint = "billing/cancel", input = PostUrl)]
pub async fn cancel_subscription(
    #[server(flatten)] input: OrgInput,
) -> Result<SubscriptionInfo, AppError> {
    super::service::cancel(input).await
}

/// `POST /api/billing/resume` — `org` (`billing:manage`): takes back a cancellation (nothing
/// changes when there is none). Errors: `BIZ_INVALID_STATE` (`no_subscription`).
#[server(prefix = "/api", endpoint = "billing/resume", input = PostUrl)]
pub async fn resume_subscription(
    #[server(flatten)] input: OrgInput,
) -> Result<SubscriptionInfo, AppError> {
    super::service::resume(input).await
}

/// `POST /api/billing/change-plan` — `org`, `plan`, `interval` (`billing:manage`): prorated.
/// Errors: `BIZ_LIMIT_EXCEEDED` (`details.limit`, `max`, `used`) when the organization uses
/// more than the plan allows; `BIZ_INVALID_STATE` (`no_subscription`). The current plan and
/// interval again change nothing.
#[server(prefix = "/api", endpoint = "billing/change-plan", input = PostUrl)]
pub async fn change_plan(
    #[server(flatten)] input: ChangePlanInput,
) -> Result<SubscriptionInfo, AppError> {
    super::service::change_plan(input).await
}

/// `GET /api/billing/invoices?org=…` (`billing:read`): newest first.
#[server(prefix = "/api", endpoint = "billing/invoices", input = GetUrl)]
pub async fn list_invoices(
    #[server(flatten)] input: OrgInput,
) -> Result<Vec<InvoiceInfo>, AppError> {
    super::service::invoices(input).await
}

/// `GET /api/billing/local/session?session=…` — a local checkout session (`billing:manage` in
/// its organization).
#[server(prefix = "/api", endpoint = "billing/local/session", input = GetUrl)]
pub async fn get_checkout_session(
    #[server(flatten)] input: SessionInput,
) -> Result<CheckoutSession, AppError> {
    super::service::checkout_session(input).await
}

/// `POST /api/billing/local/pay` — `session`, `card` (a test card): `status` `complete` (go to
/// `redirect`) or `action_required`. Errors: `BIZ_PAYMENT_FAILED` (`details.reason`:
/// `card_declined`, `insufficient_funds`), `VAL_INVALID_FORMAT` (`card`), `BIZ_INVALID_STATE`
/// (`checkout_closed`, `already_subscribed`).
#[server(prefix = "/api", endpoint = "billing/local/pay", input = PostUrl)]
pub async fn pay_checkout(#[server(flatten)] input: PayInput) -> Result<Payment, AppError> {
    super::service::pay(input).await
}

/// `POST /api/billing/local/confirm` — `session`, `approve` (`true` or absent): the extra step
/// a card asked for. Errors: `BIZ_PAYMENT_FAILED` (`authentication_failed`) when refused.
#[server(prefix = "/api", endpoint = "billing/local/confirm", input = PostUrl)]
pub async fn confirm_checkout(#[server(flatten)] input: ConfirmInput) -> Result<Payment, AppError> {
    super::service::confirm(input).await
}
