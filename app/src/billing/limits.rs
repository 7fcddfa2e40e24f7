//! The plan's limits, read inside the transaction of the write they limit. Other features'
//! stores call [`entitled_plan!`] after taking the organization's lock, count, and refuse with
//! [`LimitReached`]; files reserve their bytes with [`reserve_storage!`].

use chrono::NaiveDateTime;

use super::plans::Plan;
use crate::error::{AppError, ErrorCode};

/// A write refused because the plan's limit would be crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitReached {
    /// `todos`, `members` or `storage`.
    pub limit: &'static str,
    /// The plan's limit.
    pub max: u64,
    /// In use before the write.
    pub used: u64,
}

impl From<LimitReached> for AppError {
    fn from(reached: LimitReached) -> Self {
        Self::new(ErrorCode::BizLimitExceeded)
            .with_detail("limit", reached.limit)
            .with_detail("max", reached.max)
            .with_detail("used", reached.used)
    }
}

/// The plan whose limits apply at `now`, from the stored `(entitled_plan, entitled_until)` of
/// an organization (`None`: it never had a billing account).
pub fn effective(stored: Option<(String, Option<NaiveDateTime>)>, now: NaiveDateTime) -> Plan {
    match stored {
        Some((plan, until)) if until.is_none_or(|until| now < until) => {
            plan.parse().unwrap_or(Plan::Free)
        }
        _ => Plan::Free,
    }
}

/// `Err(LimitReached)` when `used + adding` passes `max` (`None`: unlimited).
pub fn check(
    limit: &'static str,
    max: Option<u64>,
    used: i64,
    adding: u64,
) -> Result<(), LimitReached> {
    let used = u64::try_from(used).unwrap_or(0);
    match max {
        Some(max) if used.saturating_add(adding) > max => Err(LimitReached { limit, max, used }),
        _ => Ok(()),
    }
}

/// The plan that applies to organization `$org_id` (a `&str`) at `$now`, read on `$conn`
/// (inside the caller's transaction, after `lock_org!` when it counts against a limit).
/// Evaluates to `Plan`; `?` passes on a database error.
macro_rules! entitled_plan {
    ($conn:expr, $org_id:expr, $now:expr) => {{
        use diesel::OptionalExtension as _;
        use platform::db::schema::billing_accounts as accounts;
        let stored: Option<(String, Option<chrono::NaiveDateTime>)> = accounts::table
            .find($org_id)
            .select((accounts::entitled_plan, accounts::entitled_until))
            .first($conn)
            .await
            .optional()?;
        $crate::billing::limits::effective(stored, $now)
    }};
}
pub(crate) use entitled_plan;

/// Creates organization `$org_id`'s billing account (free, no customer) unless it has one.
macro_rules! ensure_account {
    ($conn:expr, $org_id:expr, $now:expr) => {{
        use platform::db::schema::billing_accounts as accounts;
        diesel::insert_into(accounts::table)
            .values((
                accounts::organization_id.eq($org_id),
                accounts::provider.eq("local"),
                accounts::plan.eq("free"),
                accounts::entitled_plan.eq("free"),
                accounts::updated_at.eq($now),
            ))
            .on_conflict(accounts::organization_id)
            .do_nothing()
            .execute($conn)
            .await
    }};
}
pub(crate) use ensure_account;

/// Counts `$bytes` (`u64`) more of stored files against organization `$org_id`'s (a `&str`) plan
/// inside the caller's transaction on `$conn`, after taking the organization's lock (so
/// concurrent uploads cannot pass the limit together), or refuses with the storage limit.
/// Evaluates to `Result<(), LimitReached>`; `?` passes on a database error. Files call it
/// before they store a byte, and [`release_storage!`] when they remove a file or fail.
macro_rules! reserve_storage {
    ($conn:expr, $org_id:expr, $bytes:expr, $now:expr) => {{
        use platform::db::schema::billing_accounts as accounts;
        let org_id: &str = $org_id;
        let bytes: u64 = $bytes;
        $crate::orgs::lock::lock_org!($conn, org_id)?;
        let plan = $crate::billing::limits::entitled_plan!($conn, org_id, $now);
        let used: Option<i64> = accounts::table
            .find(org_id)
            .select(accounts::storage_bytes)
            .first($conn)
            .await
            .optional()?;
        match $crate::billing::limits::check(
            "storage",
            Some(plan.limits().storage_bytes),
            used.unwrap_or(0),
            bytes,
        ) {
            Err(reached) => Err(reached),
            Ok(()) => {
                $crate::billing::limits::ensure_account!($conn, org_id, $now)?;
                diesel::update(accounts::table.find(org_id))
                    .set((
                        accounts::storage_bytes
                            .eq(accounts::storage_bytes + i64::try_from(bytes).unwrap_or(i64::MAX)),
                        accounts::updated_at.eq($now),
                    ))
                    .execute($conn)
                    .await?;
                Ok(())
            }
        }
    }};
}
pub(crate) use reserve_storage;

/// Stops counting `$bytes` (`u64`) of organization `$org_id`'s stored files, inside the
/// caller's transaction on `$conn` (never below zero), under the organization's lock like
/// [`reserve_storage!`], so a release and a reservation never overwrite each other. `?`
/// passes on a database error.
macro_rules! release_storage {
    ($conn:expr, $org_id:expr, $bytes:expr, $now:expr) => {{
        use platform::db::schema::billing_accounts as accounts;
        let org_id: &str = $org_id;
        let bytes = i64::try_from($bytes).unwrap_or(i64::MAX);
        if bytes > 0 {
            $crate::orgs::lock::lock_org!($conn, org_id)?;
            let used: Option<i64> = accounts::table
                .find(org_id)
                .select(accounts::storage_bytes)
                .first($conn)
                .await
                .optional()?;
            if let Some(used) = used {
                diesel::update(accounts::table.find(org_id))
                    .set((
                        accounts::storage_bytes.eq((used - bytes).max(0)),
                        accounts::updated_at.eq($now),
                    ))
                    .execute($conn)
                    .await?;
            }
        }
    }};
}
pub(crate) use release_storage;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("time")
    }

    #[test]
    fn the_entitled_plan_applies_until_its_end() {
        let now = at("2026-12-08 12:00");
        assert_eq!(effective(None, now), Plan::Free);
        assert_eq!(effective(Some(("pro".into(), None)), now), Plan::Pro);
        let later = Some(at("2026-12-09 00:00"));
        assert_eq!(effective(Some(("business".into(), later)), now), Plan::Business);
        let earlier = Some(at("2026-12-08 11:59"));
        assert_eq!(effective(Some(("business".into(), earlier)), now), Plan::Free);
    }

    #[test]
    fn a_limit_is_reached_only_past_its_maximum() {
        assert_eq!(check("todos", Some(10), 9, 1), Ok(()));
        assert_eq!(
            check("todos", Some(10), 10, 1),
            Err(LimitReached { limit: "todos", max: 10, used: 10 })
        );
        assert_eq!(
            check("todos", Some(10), 5, 6),
            Err(LimitReached { limit: "todos", max: 10, used: 5 })
        );
        assert_eq!(check("todos", None, 1_000_000, 100), Ok(()));
    }
}
