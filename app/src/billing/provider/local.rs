//! The local provider: a payment provider inside the app, for the embedded default and for
//! tests. It keeps checkout sessions, subscriptions and invoices in its own tables, takes test
//! cards on its checkout page (`/billing/checkout/{session}`), renews and ends subscriptions
//! with a maintenance job, and answers each change with the events a provider would send, which
//! billing passes through the same handler as a provider's webhook
//! ([`crate::billing::events::deliver`]).

use chrono::{Months, NaiveDateTime, TimeDelta};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError, Platform,
    clock::{new_id, now_utc},
    db::schema::{local_billing_invoices, local_billing_sessions, local_billing_subscriptions},
};

use super::port::{
    Changed, CheckoutRequest, Event, EventObject, ProviderError, ProviderSubscription,
};
use crate::{
    billing::{
        model::{InvoiceInfo, SubscriptionStatus},
        plans::{Interval, Plan},
    },
    error::{AppError, ErrorCode},
    orgs::lock::lock_org,
};

/// How long a checkout session can be paid.
const SESSION_TTL: TimeDelta = TimeDelta::hours(24);

/// The test cards and what each does.
const CARD_SUCCEEDS: &str = "4242424242424242";
const CARD_INSUFFICIENT_FUNDS: &str = "4000000000009995";
const CARD_NEEDS_CONFIRMATION: &str = "4000002500003155";
const CARD_FAILS_AT_RENEWAL: &str = "4000000000000341";

/// What a test card does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Card {
    /// Pays.
    Pays,
    /// Pays now; every renewal fails.
    FailsAtRenewal,
    /// Asks the cardholder to confirm first.
    NeedsConfirmation,
    /// Refused, with the reason.
    Declined(&'static str),
}

fn card(number: &str) -> Result<(Card, String), AppError> {
    let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if !(12..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::invalid_field("card", ErrorCode::ValInvalidFormat));
    }
    let last4 = digits[digits.len() - 4..].to_owned();
    let card = match digits.as_str() {
        CARD_SUCCEEDS => Card::Pays,
        CARD_FAILS_AT_RENEWAL => Card::FailsAtRenewal,
        CARD_NEEDS_CONFIRMATION => Card::NeedsConfirmation,
        CARD_INSUFFICIENT_FUNDS => Card::Declined("insufficient_funds"),
        // `4000 0000 0000 0002`, and any other number.
        _ => Card::Declined("card_declined"),
    };
    Ok((card, last4))
}

/// A checkout session as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = local_billing_sessions)]
pub struct SessionRow {
    /// Id.
    pub id: String,
    /// The organization buying.
    pub organization_id: String,
    /// Its customer.
    pub customer_id: String,
    /// The plan.
    pub plan: String,
    /// The interval.
    pub billing_interval: String,
    /// With a trial.
    pub trial: bool,
    /// `open`, `action_required`, `complete`, `expired`.
    pub status: String,
    /// The card's last four digits, once given.
    pub card_last4: Option<String>,
    /// The subscription it made.
    pub subscription_id: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Can be paid until.
    pub expires_at: NaiveDateTime,
}

impl SessionRow {
    /// The plan bought (checked when the session was made).
    pub fn plan(&self) -> Plan {
        self.plan.parse().unwrap_or(Plan::Pro)
    }

    /// The interval.
    pub fn interval(&self) -> Interval {
        self.billing_interval.parse().unwrap_or(Interval::Monthly)
    }
}

#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = local_billing_subscriptions)]
struct SubscriptionRow {
    id: String,
    organization_id: String,
    customer_id: String,
    plan: String,
    billing_interval: String,
    status: String,
    card_last4: String,
    current_period_start: NaiveDateTime,
    current_period_end: NaiveDateTime,
    cancel_at_period_end: bool,
    trial_end: Option<NaiveDateTime>,
}

impl SubscriptionRow {
    fn plan(&self) -> Plan {
        self.plan.parse().unwrap_or(Plan::Pro)
    }

    fn interval(&self) -> Interval {
        self.billing_interval.parse().unwrap_or(Interval::Monthly)
    }

    fn state(&self) -> ProviderSubscription {
        ProviderSubscription {
            id: self.id.clone(),
            customer: self.customer_id.clone(),
            org: Some(self.organization_id.clone()),
            plan: self.plan(),
            interval: self.interval(),
            status: SubscriptionStatus::parse(&self.status)
                .unwrap_or(SubscriptionStatus::Incomplete),
            current_period_end: self.current_period_end,
            cancel_at_period_end: self.cancel_at_period_end,
            trial_end: self.trial_end,
        }
    }
}

#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable, diesel::Insertable)]
#[diesel(table_name = local_billing_invoices)]
struct InvoiceRow {
    id: String,
    organization_id: String,
    customer_id: String,
    subscription_id: String,
    number: String,
    description: String,
    amount_minor: i64,
    currency: String,
    status: String,
    period_start: NaiveDateTime,
    period_end: NaiveDateTime,
    created_at: NaiveDateTime,
}

impl InvoiceRow {
    #[allow(clippy::too_many_arguments)]
    fn new(
        sub: &SubscriptionRow,
        description: String,
        amount_minor: i64,
        paid: bool,
        period_start: NaiveDateTime,
        period_end: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Self {
        let id = format!("in_local_{}", new_id().replace('-', ""));
        Self {
            number: format!("LOCAL-{}", id[id.len() - 8..].to_uppercase()),
            id,
            organization_id: sub.organization_id.clone(),
            customer_id: sub.customer_id.clone(),
            subscription_id: sub.id.clone(),
            description,
            amount_minor,
            currency: "usd".into(),
            status: if paid { "paid" } else { "open" }.into(),
            period_start,
            period_end,
            created_at: now,
        }
    }
}

fn timestamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The end of a period of `interval` starting at `start`.
fn period_end(start: NaiveDateTime, interval: Interval) -> NaiveDateTime {
    let months = match interval {
        Interval::Monthly => Months::new(1),
        Interval::Annual => Months::new(12),
    };
    start.checked_add_months(months).unwrap_or(start)
}

/// The local provider, over the app's own database.
#[derive(Clone)]
pub struct Local {
    platform: Platform,
}

/// What paying a session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Paid {
    /// The subscription runs.
    Complete,
    /// The card asks the cardholder to confirm.
    ActionRequired,
}

fn db(platform: &Platform) -> &Db {
    &platform.db
}

impl Local {
    /// The provider of `platform`'s database.
    pub fn new(platform: Platform) -> Self {
        Self { platform }
    }

    /// A new customer id (the local provider keeps nothing about customers but their id).
    pub fn create_customer(&self, _org_id: &str, _org_name: &str, _email: &str) -> String {
        format!("cus_local_{}", new_id().replace('-', ""))
    }

    /// A checkout session of the app's own checkout page.
    pub async fn create_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<String, ProviderError> {
        let id = format!("cs_local_{}", new_id().replace('-', ""));
        let now = now_utc();
        platform::with_conn!(db(&self.platform), conn => {
            diesel::insert_into(local_billing_sessions::table)
                .values((
                    local_billing_sessions::id.eq(&id),
                    local_billing_sessions::organization_id.eq(request.org_id),
                    local_billing_sessions::customer_id.eq(request.customer),
                    local_billing_sessions::plan.eq(request.plan.as_str()),
                    local_billing_sessions::billing_interval.eq(request.interval.as_str()),
                    local_billing_sessions::trial.eq(request.trial_days.is_some()),
                    local_billing_sessions::status.eq("open"),
                    local_billing_sessions::created_at.eq(now),
                    local_billing_sessions::expires_at.eq(now + SESSION_TTL),
                ))
                .execute(conn)
                .await
                .map_err(DbError::from)?;
        });
        Ok(format!("/billing/checkout/{id}"))
    }

    /// The self-service page: the app's billing page is the local provider's portal.
    pub fn portal(&self, _customer: &str, return_url: &str) -> String {
        return_url.to_owned()
    }

    async fn subscription_row(&self, id: &str) -> Result<SubscriptionRow, ProviderError> {
        let row: Option<SubscriptionRow> = platform::with_conn!(db(&self.platform), conn => {
            local_billing_subscriptions::table
                .find(id)
                .select(SubscriptionRow::as_select())
                .first(conn)
                .await
                .optional()
                .map_err(DbError::from)?
        });
        row.ok_or(ProviderError::NotFound)
    }

    /// The subscription's state.
    pub async fn subscription(&self, id: &str) -> Result<ProviderSubscription, ProviderError> {
        Ok(self.subscription_row(id).await?.state())
    }

    /// Changes plan or interval. The same interval keeps the period and charges (or credits)
    /// the difference for the time left; another interval starts a new period now, charging
    /// its price less what is left of the old one. A trial changes plan without a charge.
    pub async fn change_plan(
        &self,
        id: &str,
        plan: Plan,
        interval: Interval,
    ) -> Result<Changed, ProviderError> {
        let now = now_utc();
        let sub = self.subscription_row(id).await?;
        let old_price = sub.plan().price(sub.interval()).amount_minor;
        let new_price = plan.price(interval).amount_minor;
        let length = (sub.current_period_end - sub.current_period_start).num_seconds().max(1);
        let left = (sub.current_period_end - now).num_seconds().clamp(0, length);
        let unused = old_price * left / length;
        let trialing = sub.status == SubscriptionStatus::Trialing.as_str();
        let (start, end, amount) = if trialing {
            (sub.current_period_start, sub.current_period_end, 0)
        } else if interval == sub.interval() {
            (sub.current_period_start, sub.current_period_end, new_price * left / length - unused)
        } else {
            (now, period_end(now, interval), new_price - unused)
        };
        let description = format!("{} ({}), prorated", plan.as_str(), interval.as_str());
        let invoice = (!trialing)
            .then(|| InvoiceRow::new(&sub, description, amount, true, start.max(now), end, now));
        platform::transaction!(db(&self.platform), conn => {
            diesel::update(local_billing_subscriptions::table.find(id))
                .set((
                    local_billing_subscriptions::plan.eq(plan.as_str()),
                    local_billing_subscriptions::billing_interval.eq(interval.as_str()),
                    local_billing_subscriptions::current_period_start.eq(start),
                    local_billing_subscriptions::current_period_end.eq(end),
                    local_billing_subscriptions::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            if let Some(invoice) = &invoice {
                diesel::insert_into(local_billing_invoices::table)
                    .values(invoice)
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })?;
        let mut events = vec![Self::event("customer.subscription.updated", &sub, None)];
        if let Some(invoice) = &invoice {
            events.push(Self::event("invoice.paid", &sub, Some(&invoice.id)));
        }
        Ok(Changed { state: self.subscription(id).await?, events })
    }

    /// Sets whether the subscription ends at its period's end.
    pub async fn set_cancel_at_period_end(
        &self,
        id: &str,
        cancel: bool,
    ) -> Result<Changed, ProviderError> {
        let sub = self.subscription_row(id).await?;
        platform::with_conn!(db(&self.platform), conn => {
            diesel::update(local_billing_subscriptions::table.find(id))
                .set((
                    local_billing_subscriptions::cancel_at_period_end.eq(cancel),
                    local_billing_subscriptions::updated_at.eq(now_utc()),
                ))
                .execute(conn)
                .await
                .map_err(DbError::from)?;
        });
        let events = vec![Self::event("customer.subscription.updated", &sub, None)];
        Ok(Changed { state: self.subscription(id).await?, events })
    }

    /// The customer's invoices, newest first.
    pub async fn invoices(&self, customer: &str) -> Result<Vec<InvoiceInfo>, ProviderError> {
        let rows: Vec<InvoiceRow> = platform::with_conn!(db(&self.platform), conn => {
            local_billing_invoices::table
                .filter(local_billing_invoices::customer_id.eq(customer))
                .order((local_billing_invoices::created_at.desc(), local_billing_invoices::id.desc()))
                .limit(100)
                .select(InvoiceRow::as_select())
                .load(conn)
                .await
                .map_err(DbError::from)?
        });
        Ok(rows
            .into_iter()
            .map(|row| InvoiceInfo {
                id: row.id,
                number: row.number,
                description: row.description,
                amount_minor: row.amount_minor,
                currency: row.currency,
                status: row.status,
                period_start: timestamp(row.period_start),
                period_end: timestamp(row.period_end),
                created_at: timestamp(row.created_at),
                url: None,
            })
            .collect())
    }

    fn event(kind: &'static str, sub: &SubscriptionRow, invoice: Option<&str>) -> Event {
        let object = EventObject {
            id: invoice.map_or_else(|| sub.id.clone(), str::to_owned),
            customer: Some(sub.customer_id.clone()),
            subscription: Some(sub.id.clone()),
            client_reference_id: None,
            org: Some(sub.organization_id.clone()),
        };
        Event {
            id: format!("evt_local_{}", new_id().replace('-', "")),
            kind: kind.to_owned(),
            created: now_utc().and_utc().timestamp(),
            object,
        }
    }
}

/// The organization a checkout session belongs to (to enter its scope), if the session exists.
pub async fn session_org(db: &Db, session: &str) -> Result<Option<String>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        local_billing_sessions::table
            .find(session)
            .select(local_billing_sessions::organization_id)
            .first(conn)
            .await
            .optional()?
    }))
}

/// The checkout session `id` of organization `org_id`.
pub async fn session(db: &Db, org_id: &str, id: &str) -> Result<Option<SessionRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        local_billing_sessions::table
            .filter(local_billing_sessions::organization_id.eq(org_id))
            .filter(local_billing_sessions::id.eq(id))
            .select(SessionRow::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

fn session_gone() -> AppError {
    AppError::new(ErrorCode::BizInvalidState).with_detail("reason", "checkout_closed")
}

/// Pays session `id` of `org_id` with test card `number`; answers what happened and the
/// events a provider sends about it.
pub async fn pay(
    platform: &Platform,
    org_id: &str,
    id: &str,
    number: &str,
) -> Result<(Paid, Vec<Event>), AppError> {
    let (card, last4) = card(number)?;
    let session = open_session(platform, org_id, id).await?;
    if session.status == "complete" {
        return Ok((Paid::Complete, Vec::new()));
    }
    match card {
        Card::Declined(reason) => Err(ProviderError::Declined(reason.into()).into()),
        Card::NeedsConfirmation => {
            set_session(platform, id, "action_required", &last4).await?;
            Ok((Paid::ActionRequired, Vec::new()))
        }
        Card::Pays | Card::FailsAtRenewal => complete(platform, &session, &last4).await,
    }
}

/// The cardholder's answer to a card's extra step.
pub async fn confirm(
    platform: &Platform,
    org_id: &str,
    id: &str,
    approve: bool,
) -> Result<(Paid, Vec<Event>), AppError> {
    let session = open_session(platform, org_id, id).await?;
    if session.status == "complete" {
        return Ok((Paid::Complete, Vec::new()));
    }
    if session.status != "action_required" {
        return Err(session_gone());
    }
    if !approve {
        set_session(platform, id, "open", "").await?;
        return Err(ProviderError::Declined("authentication_failed".into()).into());
    }
    let last4 = session.card_last4.clone().unwrap_or_default();
    complete(platform, &session, &last4).await
}

async fn open_session(platform: &Platform, org_id: &str, id: &str) -> Result<SessionRow, AppError> {
    let session =
        session(&platform.db, org_id, id).await?.ok_or_else(|| AppError::not_found("checkout"))?;
    if session.status != "complete" && session.expires_at <= now_utc() {
        return Err(session_gone());
    }
    Ok(session)
}

async fn set_session(
    platform: &Platform,
    id: &str,
    status: &str,
    last4: &str,
) -> Result<(), DbError> {
    let last4 = (!last4.is_empty()).then_some(last4);
    platform::with_conn!(&platform.db, conn => {
        diesel::update(local_billing_sessions::table.find(id))
            .set((
                local_billing_sessions::status.eq(status),
                local_billing_sessions::card_last4.eq(last4),
            ))
            .execute(conn)
            .await?;
    });
    Ok(())
}

enum Completed {
    Now,
    Before,
    AlreadySubscribed,
}

/// Starts the subscription of a paid session, with its first invoice, and sends the events a
/// provider sends: the checkout completed, the subscription created, the invoice paid.
async fn complete(
    platform: &Platform,
    session: &SessionRow,
    last4: &str,
) -> Result<(Paid, Vec<Event>), AppError> {
    let now = now_utc();
    let plan = session.plan();
    let interval = session.interval();
    let trial_end = session.trial.then(|| now + TimeDelta::days(i64::from(plan.spec().trial_days)));
    let sub = SubscriptionRow {
        id: format!("sub_local_{}", new_id().replace('-', "")),
        organization_id: session.organization_id.clone(),
        customer_id: session.customer_id.clone(),
        plan: plan.as_str().into(),
        billing_interval: interval.as_str().into(),
        status: if trial_end.is_some() { "trialing" } else { "active" }.into(),
        card_last4: last4.into(),
        current_period_start: now,
        current_period_end: trial_end.unwrap_or_else(|| period_end(now, interval)),
        cancel_at_period_end: false,
        trial_end,
    };
    let amount = if trial_end.is_some() { 0 } else { plan.price(interval).amount_minor };
    let description = match trial_end {
        Some(_) => format!("{} ({}), trial", plan.as_str(), interval.as_str()),
        None => format!("{} ({})", plan.as_str(), interval.as_str()),
    };
    let invoice =
        InvoiceRow::new(&sub, description, amount, true, now, sub.current_period_end, now);
    let live = [
        SubscriptionStatus::Active.as_str(),
        SubscriptionStatus::Trialing.as_str(),
        SubscriptionStatus::PastDue.as_str(),
    ];
    let completed = platform::transaction!(&platform.db, conn => {
        lock_org!(conn, &sub.organization_id)?;
        // One running subscription per organization, however many sessions were opened.
        let running: i64 = local_billing_subscriptions::table
            .filter(local_billing_subscriptions::organization_id.eq(&sub.organization_id))
            .filter(local_billing_subscriptions::status.eq_any(live))
            .count()
            .get_result(conn)
            .await?;
        if running > 0 {
            return Ok(Completed::AlreadySubscribed);
        }
        // Only while the session is not complete: of two payments of one session, one
        // completes it.
        let marked = diesel::update(
            local_billing_sessions::table
                .find(&session.id)
                .filter(local_billing_sessions::status.ne("complete")),
        )
        .set((
            local_billing_sessions::status.eq("complete"),
            local_billing_sessions::card_last4.eq(last4),
            local_billing_sessions::subscription_id.eq(&sub.id),
        ))
        .execute(conn)
        .await?;
        if marked == 0 {
            return Ok(Completed::Before);
        }
        diesel::insert_into(local_billing_subscriptions::table)
            .values((
                local_billing_subscriptions::id.eq(&sub.id),
                local_billing_subscriptions::organization_id.eq(&sub.organization_id),
                local_billing_subscriptions::customer_id.eq(&sub.customer_id),
                local_billing_subscriptions::plan.eq(&sub.plan),
                local_billing_subscriptions::billing_interval.eq(&sub.billing_interval),
                local_billing_subscriptions::status.eq(&sub.status),
                local_billing_subscriptions::card_last4.eq(&sub.card_last4),
                local_billing_subscriptions::current_period_start.eq(now),
                local_billing_subscriptions::current_period_end.eq(sub.current_period_end),
                local_billing_subscriptions::cancel_at_period_end.eq(false),
                local_billing_subscriptions::trial_end.eq(sub.trial_end),
                local_billing_subscriptions::created_at.eq(now),
                local_billing_subscriptions::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        diesel::insert_into(local_billing_invoices::table).values(&invoice).execute(conn).await?;
        Ok(Completed::Now)
    })?;
    match completed {
        Completed::Now => {}
        Completed::Before => return Ok((Paid::Complete, Vec::new())),
        Completed::AlreadySubscribed => {
            return Err(AppError::new(ErrorCode::BizInvalidState)
                .with_detail("reason", "already_subscribed"));
        }
    }
    let mut checkout = Local::event("checkout.session.completed", &sub, None);
    checkout.object.id.clone_from(&session.id);
    checkout.object.client_reference_id = Some(session.organization_id.clone());
    let events = vec![
        checkout,
        Local::event("customer.subscription.created", &sub, None),
        Local::event("invoice.paid", &sub, Some(&invoice.id)),
    ];
    Ok((Paid::Complete, events))
}

/// The local provider's renewals, run by the maintenance job: each running subscription whose
/// period ended is ended (cancelled at period end, or a renewal that failed twice), or
/// renewed with a new invoice — paid, or open and `past_due` for a card that fails at renewal.
/// Answers how many, and the events a provider sends about them.
pub async fn renew_due(platform: &Platform) -> Result<(usize, Vec<Event>), DbError> {
    let now = now_utc();
    let due: Vec<SubscriptionRow> = platform::with_conn!(&platform.db, conn => {
        local_billing_subscriptions::table
            .filter(local_billing_subscriptions::current_period_end.le(now))
            .filter(local_billing_subscriptions::status.eq_any(["active", "trialing", "past_due"]))
            .limit(500)
            .select(SubscriptionRow::as_select())
            .load(conn)
            .await?
    });
    let mut events = Vec::new();
    for sub in &due {
        let ends = sub.cancel_at_period_end || sub.status == "past_due";
        let fails = sub.card_last4 == CARD_FAILS_AT_RENEWAL[12..];
        let start = sub.current_period_end;
        let end = period_end(start, sub.interval());
        let (status, invoice, kinds): (&str, Option<InvoiceRow>, &[&'static str]) = if ends {
            ("canceled", None, &["customer.subscription.deleted"])
        } else {
            let amount = sub.plan().price(sub.interval()).amount_minor;
            let description = format!("{} ({})", sub.plan, sub.billing_interval);
            let invoice = InvoiceRow::new(sub, description, amount, !fails, start, end, now);
            if fails {
                (
                    "past_due",
                    Some(invoice),
                    &["invoice.payment_failed", "customer.subscription.updated"],
                )
            } else {
                ("active", Some(invoice), &["invoice.paid", "customer.subscription.updated"])
            }
        };
        let (period_start, period_end) =
            if ends { (sub.current_period_start, sub.current_period_end) } else { (start, end) };
        platform::transaction!(&platform.db, conn => {
            diesel::update(local_billing_subscriptions::table.find(&sub.id))
                .set((
                    local_billing_subscriptions::status.eq(status),
                    local_billing_subscriptions::current_period_start.eq(period_start),
                    local_billing_subscriptions::current_period_end.eq(period_end),
                    local_billing_subscriptions::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            if let Some(invoice) = &invoice {
                diesel::insert_into(local_billing_invoices::table)
                    .values(invoice)
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })?;
        let invoice_id = invoice.as_ref().map(|invoice| invoice.id.as_str());
        events.extend(kinds.iter().map(|kind| {
            Local::event(kind, sub, invoice_id.filter(|_| kind.starts_with("invoice")))
        }));
    }
    // Three days before a trial ends, as Stripe does: one event per trial (its id is fixed by
    // the subscription and the trial's end, so the handler applies it once however often the
    // job sees it).
    let ending: Vec<SubscriptionRow> = platform::with_conn!(&platform.db, conn => {
        local_billing_subscriptions::table
            .filter(local_billing_subscriptions::status.eq("trialing"))
            .filter(local_billing_subscriptions::cancel_at_period_end.eq(false))
            .filter(local_billing_subscriptions::current_period_end.gt(now))
            .filter(local_billing_subscriptions::current_period_end.le(now + TRIAL_NOTICE))
            .limit(500)
            .select(SubscriptionRow::as_select())
            .load(conn)
            .await?
    });
    events.extend(ending.iter().map(|sub| {
        let mut event = Local::event("customer.subscription.trial_will_end", sub, None);
        let ends = sub.current_period_end.and_utc().timestamp();
        event.id = format!("evt_local_trial_{}_{ends}", sub.id.trim_start_matches("sub_local_"));
        event
    }));
    Ok((due.len(), events))
}

/// How long before a trial's end its notice is sent.
const TRIAL_NOTICE: TimeDelta = TimeDelta::days(3);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cards_do_what_their_numbers_say() {
        assert_eq!(card("4242 4242 4242 4242").expect("card").0, Card::Pays);
        assert_eq!(card("4000-0025-0000-3155").expect("card").0, Card::NeedsConfirmation);
        assert_eq!(card("4000000000009995").expect("card").0, Card::Declined("insufficient_funds"));
        assert_eq!(card("5555555555554444").expect("card").0, Card::Declined("card_declined"));
        assert_eq!(card("4000000000000341").expect("card").1, "0341");
        assert!(card("4242").is_err());
        assert!(card("4242 4242 4242 424x").is_err());
    }

    #[test]
    fn periods_follow_the_calendar() {
        let start = NaiveDateTime::parse_from_str("2026-01-31 10:00", "%Y-%m-%d %H:%M").expect("t");
        assert_eq!(period_end(start, Interval::Monthly).to_string(), "2026-02-28 10:00:00");
        assert_eq!(period_end(start, Interval::Annual).to_string(), "2027-01-31 10:00:00");
    }
}
