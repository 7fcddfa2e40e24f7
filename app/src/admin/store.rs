//! Platform administration storage: searches over every account and organization (the one
//! place that reads across tenants: every function takes an [`AdminScope`]), bans and the
//! administrators' log.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::{
    BoolExpressionMethods, EscapeExpressionMethods, ExpressionMethods, QueryDsl, SelectableHelper,
    TextExpressionMethods, dsl::count_star,
};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::{
        schema::{admin_audit_log, billing_accounts, memberships, organizations, users},
        text::{contains_pattern, lower},
    },
};

use super::scope::AdminScope;
// Accounts and organizations are read in the shape their own stores give them (the row
// types, not those stores' queries).
use crate::{
    audit::{AuditEntry, admin_audit},
    auth::server::store::UserRow,
    billing::{limits::effective, plans::Plan},
    orgs::store::OrgRow,
};

/// Accounts whose address or name contains `query`, newest first: `limit` of them from
/// `offset`, and how many match in all.
pub async fn search_users(
    db: &Db,
    _admin: &AdminScope,
    query: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<UserRow>, i64), DbError> {
    let pattern = query.map(contains_pattern);
    Ok(platform::with_conn!(db, conn => {
        let filtered = || {
            let mut q = users::table.into_boxed();
            if let Some(pattern) = &pattern {
                q = q.filter(
                    users::email
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(users::name).like(pattern.clone()).escape('\\')),
                );
            }
            q
        };
        let total: i64 = filtered().count().get_result(conn).await?;
        let rows: Vec<UserRow> = filtered()
            .order((users::created_at.desc(), users::id.desc()))
            .offset(offset)
            .limit(limit)
            .select(UserRow::as_select())
            .load(conn)
            .await?;
        (rows, total)
    }))
}

/// How many organizations each of these accounts belongs to (those in none are absent).
pub async fn organization_counts(
    db: &Db,
    _admin: &AdminScope,
    user_ids: &[String],
) -> Result<HashMap<String, i64>, DbError> {
    let rows: Vec<(String, i64)> = platform::with_conn!(db, conn => {
        memberships::table
            .filter(memberships::user_id.eq_any(user_ids))
            .group_by(memberships::user_id)
            .select((memberships::user_id, count_star()))
            .load(conn)
            .await?
    });
    Ok(rows.into_iter().collect())
}

/// Organizations whose name or slug contains `query`, newest first, with how many match.
pub async fn search_orgs(
    db: &Db,
    _admin: &AdminScope,
    query: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OrgRow>, i64), DbError> {
    let pattern = query.map(contains_pattern);
    Ok(platform::with_conn!(db, conn => {
        let filtered = || {
            let mut q = organizations::table.into_boxed();
            if let Some(pattern) = &pattern {
                q = q.filter(
                    organizations::slug
                        .like(pattern.clone())
                        .escape('\\')
                        .or(lower(organizations::name).like(pattern.clone()).escape('\\')),
                );
            }
            q
        };
        let total: i64 = filtered().count().get_result(conn).await?;
        let rows: Vec<OrgRow> = filtered()
            .order((organizations::created_at.desc(), organizations::id.desc()))
            .offset(offset)
            .limit(limit)
            .select(OrgRow::as_select())
            .load(conn)
            .await?;
        (rows, total)
    }))
}

/// How many members each of these organizations has.
pub async fn member_counts(
    db: &Db,
    _admin: &AdminScope,
    org_ids: &[String],
) -> Result<HashMap<String, i64>, DbError> {
    let rows: Vec<(String, i64)> = platform::with_conn!(db, conn => {
        memberships::table
            .filter(memberships::organization_id.eq_any(org_ids))
            .group_by(memberships::organization_id)
            .select((memberships::organization_id, count_star()))
            .load(conn)
            .await?
    });
    Ok(rows.into_iter().collect())
}

/// The plan each of these organizations is on now (those without a billing account: free).
pub async fn plans(
    db: &Db,
    _admin: &AdminScope,
    org_ids: &[String],
) -> Result<HashMap<String, Plan>, DbError> {
    let now = now_utc();
    let rows: Vec<(String, String, Option<NaiveDateTime>)> = platform::with_conn!(db, conn => {
        billing_accounts::table
            .filter(billing_accounts::organization_id.eq_any(org_ids))
            .select((
                billing_accounts::organization_id,
                billing_accounts::entitled_plan,
                billing_accounts::entitled_until,
            ))
            .load(conn)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|(org, plan, until)| (org, effective(Some((plan, until)), now)))
        .collect())
}

/// Records `entry` on its own.
pub async fn record(db: &Db, _admin: &AdminScope, entry: &AuditEntry) -> Result<(), DbError> {
    platform::with_conn!(db, conn => {
        admin_audit!(conn, entry)?;
    });
    Ok(())
}

/// Bans (`until` `None`: until lifted) or, with `reason` `None`, unbans `user_id`, recording
/// `entry` in the same transaction. Returns whether the account exists.
pub async fn set_ban(
    db: &Db,
    _admin: &AdminScope,
    user_id: &str,
    reason: Option<&str>,
    until: Option<NaiveDateTime>,
    entry: &AuditEntry,
) -> Result<bool, DbError> {
    let now = now_utc();
    let banned_at = reason.map(|_| now);
    platform::transaction!(db, conn => {
        let changed = diesel::update(users::table.find(user_id))
            .set((
                users::banned_at.eq(banned_at),
                users::ban_reason.eq(reason),
                users::banned_until.eq(until),
                users::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        admin_audit!(conn, entry)?;
        Ok(true)
    })
}

/// A stored entry of the administrators' log: id, actor, action, target, details, time.
pub type AdminRow = (String, Option<String>, String, Option<String>, String, NaiveDateTime);

/// The latest `limit` entries of the administrators' log, newest first.
pub async fn recent_events(
    db: &Db,
    _admin: &AdminScope,
    limit: i64,
) -> Result<Vec<AdminRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        admin_audit_log::table
            .order(admin_audit_log::id.desc())
            .limit(limit)
            .select((
                admin_audit_log::id,
                admin_audit_log::actor_user_id,
                admin_audit_log::action,
                admin_audit_log::target_user_id,
                admin_audit_log::details,
                admin_audit_log::created_at,
            ))
            .load(conn)
            .await?
    }))
}

/// Addresses of these accounts, by id.
pub async fn emails(
    db: &Db,
    _admin: &AdminScope,
    ids: &[String],
) -> Result<HashMap<String, String>, DbError> {
    let rows: Vec<(String, String)> = platform::with_conn!(db, conn => {
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::email)).load(conn).await?
    });
    Ok(rows.into_iter().collect())
}
