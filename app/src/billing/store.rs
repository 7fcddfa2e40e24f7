//! Billing storage: the organization's billing account and the provider events applied.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::schema::{billing_accounts, billing_events, invitations, memberships, todos},
};

use super::{
    limits::ensure_account,
    model::SubscriptionStatus,
    plans::{Interval, Plan},
    provider::ProviderSubscription,
};
use crate::{
    audit::{AuditEntry, org_audit},
    orgs::{lock::lock_org, scope::OrgId},
};

/// An organization's billing account as stored.
#[derive(Clone, Debug, Default, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = billing_accounts)]
pub struct AccountRow {
    /// The organization.
    pub organization_id: String,
    /// `local` or `stripe`.
    pub provider: String,
    /// Its customer at the provider.
    pub customer_id: Option<String>,
    /// Its subscription there.
    pub subscription_id: Option<String>,
    /// The plan subscribed to.
    pub plan: String,
    /// `monthly` or `annual`.
    pub billing_interval: Option<String>,
    /// The subscription's status.
    pub status: Option<String>,
    /// The current period's end.
    pub current_period_end: Option<NaiveDateTime>,
    /// Ends at the period's end.
    pub cancel_at_period_end: bool,
    /// When a trial was first started.
    pub trial_used_at: Option<NaiveDateTime>,
    /// Since when payment has failed.
    pub past_due_since: Option<NaiveDateTime>,
    /// The plan the limits follow…
    pub entitled_plan: String,
    /// …until then (`None`: no end).
    pub entitled_until: Option<NaiveDateTime>,
    /// Stored files' bytes.
    pub storage_bytes: i64,
    /// When the stored provider state was read.
    pub synced_at: Option<NaiveDateTime>,
}

/// The part of the state a change is described by (audit entries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The plan subscribed to.
    pub plan: Plan,
    /// Its interval.
    pub interval: Option<Interval>,
    /// Its status.
    pub status: Option<SubscriptionStatus>,
    /// Ends at the period's end.
    pub cancel_at_period_end: bool,
}

impl AccountRow {
    /// The subscribed plan.
    pub fn plan(&self) -> Plan {
        self.plan.parse().unwrap_or(Plan::Free)
    }

    /// The subscription's status.
    pub fn status(&self) -> Option<SubscriptionStatus> {
        self.status.as_deref().and_then(SubscriptionStatus::parse)
    }

    /// The interval.
    pub fn interval(&self) -> Option<Interval> {
        self.billing_interval.as_deref().and_then(|interval| interval.parse().ok())
    }

    /// Whether a subscription runs (a checkout would make a second one).
    pub fn is_live(&self) -> bool {
        self.status().is_some_and(SubscriptionStatus::is_live)
    }

    /// The plan whose limits apply at `now`.
    pub fn effective_plan(&self, now: NaiveDateTime) -> Plan {
        super::limits::effective(Some((self.entitled_plan.clone(), self.entitled_until)), now)
    }

    /// What the audit entries compare.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            plan: self.plan(),
            interval: self.interval(),
            status: self.status(),
            cancel_at_period_end: self.cancel_at_period_end,
        }
    }
}

/// Organization `org_id`'s billing account, if it has one.
pub async fn account(db: &Db, org_id: OrgId<'_>) -> Result<Option<AccountRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        billing_accounts::table
            .find(org_id.as_str())
            .select(AccountRow::as_select())
            .first(conn)
            .await
            .optional()?
    }))
}

/// The organization whose customer at the provider is `customer`.
pub async fn org_of_customer(db: &Db, customer: &str) -> Result<Option<String>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        billing_accounts::table
            .filter(billing_accounts::customer_id.eq(customer))
            .select(billing_accounts::organization_id)
            .first(conn)
            .await
            .optional()?
    }))
}

/// The organization's customer at the provider: the stored one, or one made by `create` (with
/// the provider's name) while the organization's row is locked, so that two concurrent
/// checkouts never make two customers.
pub async fn ensure_customer<F, Fut, E>(
    db: &Db,
    org_id: OrgId<'_>,
    provider: &str,
    create: F,
) -> Result<Result<String, E>, DbError>
where
    F: FnOnce() -> Fut + Send,
    Fut: Future<Output = Result<String, E>> + Send,
    E: Send,
{
    let now = now_utc();
    platform::transaction!(db, conn => {
        lock_org!(conn, org_id.as_str())?;
        ensure_account!(conn, org_id.as_str(), now)?;
        let stored: Option<String> = billing_accounts::table
            .find(org_id.as_str())
            .select(billing_accounts::customer_id)
            .first(conn)
            .await?;
        if let Some(customer) = stored {
            return Ok(Ok(customer));
        }
        let customer = match create().await {
            Ok(customer) => customer,
            Err(error) => return Ok(Err(error)),
        };
        diesel::update(billing_accounts::table.find(org_id.as_str()))
            .set((
                billing_accounts::customer_id.eq(&customer),
                billing_accounts::provider.eq(provider),
                billing_accounts::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        Ok(Ok(customer))
    })
}

/// A provider event to record with its effect.
#[derive(Clone, Copy, Debug)]
pub struct EventRecord<'a> {
    /// The provider's event id.
    pub id: &'a str,
    /// Its type.
    pub kind: &'a str,
}

/// What [`apply`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The event had been applied before: nothing changed.
    Replayed,
    /// Stored (or found older than what is stored), from `before` to `after`.
    Stored {
        /// The state before.
        before: Snapshot,
        /// The state after.
        after: Snapshot,
    },
}

/// The plan whose limits a subscription in `state` grants, and until when (`None`: no end).
/// A cancelled one holds until its period ends; one whose payment failed (since
/// `past_due_since`) for `grace`; an ended or incomplete one grants nothing beyond free.
pub fn entitlement(
    state: &ProviderSubscription,
    past_due_since: Option<NaiveDateTime>,
    grace: TimeDelta,
) -> (Plan, Option<NaiveDateTime>) {
    match state.status {
        SubscriptionStatus::Active | SubscriptionStatus::Trialing => {
            (state.plan, state.cancel_at_period_end.then_some(state.current_period_end))
        }
        SubscriptionStatus::PastDue => {
            (state.plan, Some(past_due_since.unwrap_or_else(now_utc) + grace))
        }
        SubscriptionStatus::Canceled | SubscriptionStatus::Incomplete => (Plan::Free, None),
    }
}

/// In one transaction: records `event` (a replay changes nothing), stores the provider's
/// `state` read at `synced_at` unless a newer one is stored (or it is an older subscription
/// than the running one), and writes the audit entry `describe` makes of the change.
pub async fn apply(
    db: &Db,
    org_id: &str,
    event: Option<EventRecord<'_>>,
    state: Option<&ProviderSubscription>,
    synced_at: NaiveDateTime,
    grace: TimeDelta,
    describe: impl Fn(&Snapshot, &Snapshot) -> Option<AuditEntry> + Sync,
) -> Result<Applied, DbError> {
    let now = now_utc();
    platform::transaction!(db, conn => {
        if let Some(event) = event {
            let inserted = diesel::insert_into(billing_events::table)
                .values((
                    billing_events::id.eq(event.id),
                    billing_events::organization_id.eq(org_id),
                    billing_events::event_type.eq(event.kind),
                    billing_events::received_at.eq(now),
                ))
                .on_conflict(billing_events::id)
                .do_nothing()
                .execute(conn)
                .await?;
            if inserted == 0 {
                return Ok(Applied::Replayed);
            }
        }
        lock_org!(conn, org_id)?;
        ensure_account!(conn, org_id, now)?;
        let row: AccountRow = billing_accounts::table
            .find(org_id)
            .select(AccountRow::as_select())
            .first(conn)
            .await?;
        let before = row.snapshot();
        let mut after = before;
        if let Some(state) = state {
            let newer = row.synced_at.is_none_or(|stored| stored < synced_at);
            let other_running = row.is_live()
                && row.subscription_id.as_deref().is_some_and(|id| id != state.id)
                && !state.status.is_live();
            if newer && !other_running {
                let past_due_since = (state.status == SubscriptionStatus::PastDue)
                    .then(|| row.past_due_since.unwrap_or(now));
                let (entitled, until) = entitlement(state, past_due_since, grace);
                let trial_used_at =
                    row.trial_used_at.or_else(|| state.trial_end.map(|_| now));
                diesel::update(billing_accounts::table.find(org_id))
                    .set((
                        billing_accounts::subscription_id.eq(&state.id),
                        billing_accounts::plan.eq(state.plan.as_str()),
                        billing_accounts::billing_interval.eq(state.interval.as_str()),
                        billing_accounts::status.eq(state.status.as_str()),
                        billing_accounts::current_period_end.eq(state.current_period_end),
                        billing_accounts::cancel_at_period_end.eq(state.cancel_at_period_end),
                        billing_accounts::trial_used_at.eq(trial_used_at),
                        billing_accounts::past_due_since.eq(past_due_since),
                        billing_accounts::entitled_plan.eq(entitled.as_str()),
                        billing_accounts::entitled_until.eq(until),
                        billing_accounts::synced_at.eq(synced_at),
                        billing_accounts::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
                after = Snapshot {
                    plan: state.plan,
                    interval: Some(state.interval),
                    status: Some(state.status),
                    cancel_at_period_end: state.cancel_at_period_end,
                };
            }
        }
        if let Some(entry) = describe(&before, &after) {
            org_audit!(conn, org_id, &entry)?;
        }
        Ok(Applied::Stored { before, after })
    })
}

/// What the organization uses: live todos, and members plus open invitations.
pub async fn usage(db: &Db, org_id: OrgId<'_>) -> Result<(i64, i64), DbError> {
    let now = now_utc();
    Ok(platform::with_conn!(db, conn => {
        let todos: i64 = todos::table
            .filter(todos::organization_id.eq(org_id.as_str()))
            .filter(todos::deleted_at.is_null())
            .count()
            .get_result(conn)
            .await?;
        let members: i64 = memberships::table
            .filter(memberships::organization_id.eq(org_id.as_str()))
            .count()
            .get_result(conn)
            .await?;
        let invited: i64 = invitations::table
            .filter(invitations::organization_id.eq(org_id.as_str()))
            .filter(invitations::expires_at.gt(now))
            .count()
            .get_result(conn)
            .await?;
        (todos, members + invited)
    }))
}
