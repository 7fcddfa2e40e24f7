//! Billing flows. Reads need `billing:read` (every member); anything that spends or changes the
//! subscription needs `billing:manage` (owners and admins).

use chrono::NaiveDateTime;
use tracing::field::Empty;

use super::{
    events::{self, describe},
    limits::check,
    model::{
        ChangePlanInput, CheckoutInput, CheckoutSession, ConfirmInput, InvoiceInfo, LimitsInfo,
        PayInput, Payment, ProviderKind, Redirect, SessionInput, SubscriptionInfo,
        SubscriptionStatus, Usage, UsageItem,
    },
    plans::{Interval, Plan},
    provider::{Changed, CheckoutRequest, Provider, local},
    store::{self, AccountRow},
};
use crate::{
    auth::server::AuthContext,
    error::{AppError, ErrorCode},
    orgs::{model::OrgInput, permissions::Permission, scope::OrgScope},
    state::AppState,
    validation::{FieldErrors, Parse, validate},
};

crate::org_inputs!(CheckoutInput, ChangePlanInput);

fn timestamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn paid_plan(text: &str) -> Result<Plan, ErrorCode> {
    match text.trim().parse::<Plan>() {
        _ if text.trim().is_empty() => Err(ErrorCode::ValRequiredField),
        Ok(plan) if plan.is_paid() => Ok(plan),
        _ => Err(ErrorCode::ValInvalidFormat),
    }
}

fn interval(text: &str) -> Result<Interval, ErrorCode> {
    match text.trim().parse::<Interval>() {
        _ if text.trim().is_empty() => Err(ErrorCode::ValRequiredField),
        Ok(interval) => Ok(interval),
        Err(()) => Err(ErrorCode::ValInvalidFormat),
    }
}

/// The paid plan and interval of an input's `plan` and `interval` fields, each error noted.
fn plan_and_interval(
    errors: &mut FieldErrors,
    plan: &str,
    billed: &str,
) -> Option<(Plan, Interval)> {
    let plan = errors.field("plan", paid_plan(plan));
    let billed = errors.field("interval", interval(billed));
    Some((plan?, billed?))
}

impl Parse for CheckoutInput {
    type Parsed = (Plan, Interval);

    fn parse(&self, errors: &mut FieldErrors) -> Option<(Plan, Interval)> {
        plan_and_interval(errors, &self.plan, &self.interval)
    }
}

impl Parse for ChangePlanInput {
    type Parsed = (Plan, Interval);

    fn parse(&self, errors: &mut FieldErrors) -> Option<(Plan, Interval)> {
        plan_and_interval(errors, &self.plan, &self.interval)
    }
}

fn invalid_state(reason: &str) -> AppError {
    AppError::new(ErrorCode::BizInvalidState).with_detail("reason", reason)
}

/// The billing page of the organization (where providers send the browser back).
fn billing_path(org: &OrgScope) -> String {
    format!("/o/{}/billing", org.slug())
}

/// Sends a plain form post on to `url` (a provider's page or ours); fetch callers read it.
fn go_to(url: &str) {
    if crate::request::headers().is_some_and(|headers| crate::request::is_form_post(&headers)) {
        leptos_axum::redirect(url);
    }
}

/// The absolute address of `path` on this app, for a provider that sends the browser back.
fn absolute(platform: &platform::Platform, path: &str) -> String {
    match &platform.config.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path.to_owned(),
    }
}

fn limits_info(plan: Plan) -> LimitsInfo {
    let limits = plan.limits();
    let wire = |limit: Option<u64>| limit.and_then(|l| i64::try_from(l).ok()).unwrap_or(-1);
    LimitsInfo {
        todos: wire(limits.todos),
        members: wire(limits.members),
        storage_bytes: i64::try_from(limits.storage_bytes).unwrap_or(i64::MAX),
    }
}

fn info(row: &AccountRow, grace: chrono::TimeDelta, provider: &Provider) -> SubscriptionInfo {
    let now = platform::clock::now_utc();
    let effective = row.effective_plan(now);
    let status = row.status();
    SubscriptionInfo {
        plan: if row.is_live() { row.plan() } else { Plan::Free },
        effective_plan: effective,
        status,
        interval: row.interval().filter(|_| status.is_some()),
        current_period_end: row.current_period_end.map(timestamp),
        cancel_at_period_end: row.cancel_at_period_end,
        // While trialing, the trial ends with the current period.
        trial_end: row
            .current_period_end
            .filter(|_| status == Some(SubscriptionStatus::Trialing))
            .map(timestamp),
        trial_available: row.trial_used_at.is_none(),
        grace_until: row
            .past_due_since
            .filter(|_| status == Some(SubscriptionStatus::PastDue))
            .map(|since| timestamp(since + grace)),
        features: effective.spec().features.to_vec(),
        limits: limits_info(effective),
        has_customer: row.customer_id.is_some(),
        provider: match provider {
            Provider::Local(_) => ProviderKind::Local,
            Provider::Stripe(_) => ProviderKind::Stripe,
        },
    }
}

async fn account(platform: &platform::Platform, org: &OrgScope) -> Result<AccountRow, AppError> {
    Ok(store::account(&platform.db, org.id()).await?.unwrap_or_else(|| AccountRow {
        organization_id: org.id().to_string(),
        provider: Provider::of(platform).name().into(),
        plan: Plan::Free.as_str().into(),
        entitled_plan: Plan::Free.as_str().into(),
        ..AccountRow::default()
    }))
}

/// The organization's plan, subscription and what applies now (`billing:read`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn subscription(input: OrgInput) -> Result<SubscriptionInfo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::BillingRead).await?;
    let row = account(&platform, &org).await?;
    Ok(info(&row, events::grace(&platform), &Provider::of(&platform)))
}

/// What the organization uses of its plan (`billing:read`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn usage(input: OrgInput) -> Result<Usage, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::BillingRead).await?;
    let row = account(&platform, &org).await?;
    let limits = row.effective_plan(platform::clock::now_utc()).limits();
    let (todos, members) = store::usage(&platform.db, org.id()).await?;
    Ok(Usage {
        todos: UsageItem::new(todos, limits.todos),
        members: UsageItem::new(members, limits.members),
        storage: UsageItem::new(row.storage_bytes, Some(limits.storage_bytes)),
    })
}

/// Starts buying `plan` (`billing:manage`): makes the organization a customer (once, under its
/// lock) and a checkout session; answers its address.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn checkout(input: CheckoutInput) -> Result<Redirect, AppError> {
    let (platform, org, (plan, interval)) =
        OrgScope::enter_parsed(&input, Permission::BillingManage).await?;
    let row = account(&platform, &org).await?;
    if row.is_live() {
        return Err(invalid_state("already_subscribed"));
    }
    if input.trial && row.trial_used_at.is_some() {
        return Err(invalid_state("trial_used"));
    }
    let provider = Provider::of(&platform);
    let email = org.auth().user.email.clone();
    let customer = store::ensure_customer(&platform.db, org.id(), provider.name(), || {
        provider.create_customer(org.id().as_str(), org.name(), &email)
    })
    .await??;
    let back = billing_path(&org);
    let url = provider
        .create_checkout(CheckoutRequest {
            org_id: org.id().as_str(),
            customer: &customer,
            plan,
            interval,
            trial_days: input.trial.then_some(plan.spec().trial_days),
            success_url: absolute(&platform, &format!("{back}?checkout=success")),
            cancel_url: absolute(&platform, &back),
            idempotency_key: format!("checkout-{}-{}", org.id(), platform::clock::new_id()),
        })
        .await?;
    tracing::info!(org_id = %org.id(), plan = plan.as_str(), "checkout started");
    go_to(&url);
    Ok(Redirect { url })
}

/// The provider's self-service page for the organization (`billing:manage`), making it a
/// customer first if it is not one yet.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn portal(input: OrgInput) -> Result<Redirect, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::BillingManage).await?;
    let provider = Provider::of(&platform);
    let email = org.auth().user.email.clone();
    let customer = store::ensure_customer(&platform.db, org.id(), provider.name(), || {
        provider.create_customer(org.id().as_str(), org.name(), &email)
    })
    .await??;
    let url = provider.portal(&customer, &absolute(&platform, &billing_path(&org))).await?;
    go_to(&url);
    Ok(Redirect { url })
}

/// The running subscription's id, or `BIZ_INVALID_STATE` (`reason = no_subscription`).
fn running(row: &AccountRow) -> Result<String, AppError> {
    row.subscription_id
        .clone()
        .filter(|_| row.is_live())
        .ok_or_else(|| invalid_state("no_subscription"))
}

/// Stores what the provider answered to the caller's change, with the caller's audit entry,
/// then passes the events it sent through the handler (which finds nothing more to change).
async fn store_change(
    platform: &platform::Platform,
    provider: &Provider,
    org: &OrgScope,
    changed: Changed,
    synced_at: NaiveDateTime,
) -> Result<SubscriptionInfo, AppError> {
    let actor = org.user_id().to_owned();
    let grace = events::grace(platform);
    let state = &changed.state;
    store::apply(&platform.db, org.id().as_str(), None, Some(state), synced_at, grace, |b, a| {
        describe(b, a, None, Some(&actor))
    })
    .await?;
    events::deliver(platform, provider, changed.events).await;
    events::publish(platform, org.id().as_str()).await;
    redirect_back(org);
    let row = account(platform, org).await?;
    Ok(info(&row, grace, provider))
}

fn redirect_back(org: &OrgScope) {
    go_to(&billing_path(org));
}

/// Cancels the subscription at the end of its period (`billing:manage`); until then the plan
/// holds. Cancelling a cancelled subscription changes nothing.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn cancel(input: OrgInput) -> Result<SubscriptionInfo, AppError> {
    set_cancel(input, true).await
}

/// Takes back a cancellation before the period ends (`billing:manage`); on a subscription
/// that is not cancelled it changes nothing.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn resume(input: OrgInput) -> Result<SubscriptionInfo, AppError> {
    set_cancel(input, false).await
}

async fn set_cancel(input: OrgInput, cancel: bool) -> Result<SubscriptionInfo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::BillingManage).await?;
    let row = account(&platform, &org).await?;
    let id = running(&row)?;
    if row.cancel_at_period_end == cancel {
        // Already so: asking again changes nothing (safe to retry).
        return Ok(info(&row, events::grace(&platform), &Provider::of(&platform)));
    }
    let synced_at = platform::clock::now_utc();
    let provider = Provider::of(&platform);
    let changed = provider.set_cancel_at_period_end(&id, cancel).await?;
    store_change(&platform, &provider, &org, changed, synced_at).await
}

/// Moves the subscription to another paid plan or interval, prorated (`billing:manage`). A
/// plan whose limits the organization's current use exceeds is refused
/// (`BIZ_LIMIT_EXCEEDED` naming the limit, its maximum and the use): nothing is ever deleted
/// to fit a plan.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn change_plan(input: ChangePlanInput) -> Result<SubscriptionInfo, AppError> {
    let (platform, org, (plan, interval)) =
        OrgScope::enter_parsed(&input, Permission::BillingManage).await?;
    let row = account(&platform, &org).await?;
    let id = running(&row)?;
    if row.plan() == plan && row.interval() == Some(interval) {
        // Already on it: nothing to change (safe to retry).
        return Ok(info(&row, events::grace(&platform), &Provider::of(&platform)));
    }
    let limits = plan.limits();
    let (todos, members) = store::usage(&platform.db, org.id()).await?;
    check("todos", limits.todos, todos, 0)?;
    check("members", limits.members, members, 0)?;
    check("storage", Some(limits.storage_bytes), row.storage_bytes, 0)?;
    let synced_at = platform::clock::now_utc();
    let provider = Provider::of(&platform);
    let changed = provider.change_plan(&id, plan, interval).await?;
    store_change(&platform, &provider, &org, changed, synced_at).await
}

/// The organization's invoices, newest first (`billing:read`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn invoices(input: OrgInput) -> Result<Vec<InvoiceInfo>, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::BillingRead).await?;
    let row = account(&platform, &org).await?;
    match row.customer_id {
        Some(customer) => Ok(Provider::of(&platform).invoices(&customer).await?),
        None => Ok(Vec::new()),
    }
}

/// The organization scope of a local checkout session (`billing:manage`); `BIZ_NOT_FOUND` for
/// an unknown session or another organization's.
async fn session_scope(
    session: &SessionInput,
) -> Result<(platform::Platform, OrgScope, local::SessionRow), AppError> {
    let auth = AuthContext::require()?;
    validate(session)?;
    let platform = AppState::platform()?;
    let org_id = local::session_org(&platform.db, &session.session)
        .await?
        .ok_or_else(|| AppError::not_found("checkout"))?;
    let org = OrgScope::require(&platform, &auth, &org_id, Permission::BillingManage).await?;
    let row = local::session(&platform.db, org.id().as_str(), &session.session)
        .await?
        .ok_or_else(|| AppError::not_found("checkout"))?;
    Ok((platform, org, row))
}

/// A local checkout session, for its page.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn checkout_session(input: SessionInput) -> Result<CheckoutSession, AppError> {
    let (_, org, row) = session_scope(&input).await?;
    let plan = row.plan();
    let interval = row.interval();
    let expired = row.status != "complete" && row.expires_at <= platform::clock::now_utc();
    Ok(CheckoutSession {
        org: org.id().to_string(),
        org_name: org.name().to_owned(),
        org_slug: org.slug().to_owned(),
        plan,
        interval,
        trial: row.trial,
        amount_minor: plan.price(interval).amount_minor,
        currency: plan.price(interval).currency.to_owned(),
        status: if expired { "expired".into() } else { row.status },
        id: row.id,
    })
}

fn payment(paid: local::Paid, org: &OrgScope, session: &str) -> Payment {
    let (status, redirect) = match paid {
        local::Paid::Complete => ("complete", format!("{}?checkout=success", billing_path(org))),
        local::Paid::ActionRequired => ("action_required", format!("/billing/checkout/{session}")),
    };
    go_to(&redirect);
    Payment { status: status.into(), redirect }
}

/// Pays a local checkout session with a test card.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn pay(input: PayInput) -> Result<Payment, AppError> {
    let session = SessionInput { session: input.session.clone() };
    validate(&input)?;
    let (platform, org, row) = session_scope(&session).await?;
    let (paid, sent) = local::pay(&platform, org.id().as_str(), &row.id, &input.card).await?;
    events::deliver(&platform, &Provider::of(&platform), sent).await;
    Ok(payment(paid, &org, &row.id))
}

/// Approves (or refuses) the extra step a card asked for.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn confirm(input: ConfirmInput) -> Result<Payment, AppError> {
    let session = SessionInput { session: input.session.clone() };
    let (platform, org, row) = session_scope(&session).await?;
    let (paid, sent) = local::confirm(&platform, org.id().as_str(), &row.id, input.approve).await?;
    events::deliver(&platform, &Provider::of(&platform), sent).await;
    Ok(payment(paid, &org, &row.id))
}

/// Refuses (`BIZ_INVALID_STATE`, `reason = paid_subscription`) to delete an organization whose
/// paid subscription is active or trialing (or past due): cancel it first.
pub(crate) async fn ensure_no_paid_subscription(
    platform: &platform::Platform,
    org: &OrgScope,
) -> Result<(), AppError> {
    let row = store::account(&platform.db, org.id()).await?;
    if row.is_some_and(|row| row.is_live() && row.plan().is_paid() && !ended(&row)) {
        return Err(invalid_state("paid_subscription"));
    }
    Ok(())
}

/// A cancelled subscription whose period is over (the provider's end event may be late).
fn ended(row: &AccountRow) -> bool {
    row.cancel_at_period_end
        && row.current_period_end.is_some_and(|end| end <= platform::clock::now_utc())
}
