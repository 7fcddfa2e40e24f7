//! Named, expiring leases in the database: at most one instance holds a lease at a time, so a
//! periodic job (a purge, a digest) runs once even when many instances are up.

use std::time::Duration;

use diesel::{
    BoolExpressionMethods, ExpressionMethods, query_dsl::methods::FilterDsl as _, upsert::excluded,
};

use crate::{
    clock::now_utc,
    db::{Db, DbError, schema::job_leases},
};

/// A lease row to insert.
#[derive(Debug, diesel::Insertable)]
#[diesel(table_name = job_leases)]
pub struct NewLease<'a> {
    /// The job the lease is for.
    pub name: &'a str,
    /// The instance holding it.
    pub holder: &'a str,
    /// When it lapses unless renewed.
    pub expires_at: chrono::NaiveDateTime,
    /// When it was last taken or renewed.
    pub updated_at: chrono::NaiveDateTime,
}

/// Takes the lease `name` for `holder` for `ttl`, or renews it if `holder` already has it.
///
/// Returns `true` when `holder` holds the lease afterwards, `false` when another holder's
/// lease has not expired yet.
#[tracing::instrument(skip(db))]
pub async fn try_acquire(
    db: &Db,
    name: &str,
    holder: &str,
    ttl: Duration,
) -> Result<bool, DbError> {
    let now = now_utc();
    let expires_at = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::MAX);
    let row = NewLease { name, holder, expires_at, updated_at: now };
    let changed = crate::with_conn!(db, conn => {
        diesel::insert_into(job_leases::table)
            .values(row)
            .on_conflict(job_leases::name)
            .do_update()
            .set((
                job_leases::holder.eq(excluded(job_leases::holder)),
                job_leases::expires_at.eq(excluded(job_leases::expires_at)),
                job_leases::updated_at.eq(excluded(job_leases::updated_at)),
            ))
            .filter(job_leases::expires_at.lt(now).or(job_leases::holder.eq(holder)))
            .execute(conn)
            .await?
    });
    Ok(changed == 1)
}

/// Gives the lease up early if `holder` has it.
#[tracing::instrument(skip(db))]
pub async fn release(db: &Db, name: &str, holder: &str) -> Result<(), DbError> {
    crate::with_conn!(db, conn => {
        diesel::delete(
            job_leases::table
                .filter(job_leases::name.eq(name))
                .filter(job_leases::holder.eq(holder)),
        )
        .execute(conn)
        .await?;
    });
    Ok(())
}
