//! The backend seam. Each macro expands its body once per backend, with `$conn` bound to that
//! backend's connection, so one query text compiles against PostgreSQL and SQLite alike.

/// Runs `$body` with a pooled connection of whichever backend `$db` holds.
///
/// The body may use `?` on Diesel errors when the enclosing function returns
/// `Result<_, E>` with `E: From<DbError>`.
///
/// ```ignore
/// let n: i64 = with_conn!(&state.db, conn => {
///     todos::table.filter(todos::organization_id.eq(org)).count().get_result(conn).await?
/// });
/// ```
#[macro_export]
macro_rules! with_conn {
    ($db:expr, $conn:ident => $body:expr) => {{
        #[allow(unused_imports)]
        use diesel_async::{RunQueryDsl as _, SimpleAsyncConnection as _};
        match $db {
            $crate::db::Db::Postgres(pool) => {
                let mut pooled = pool.get().await.map_err($crate::db::DbError::from)?;
                let $conn = &mut *pooled;
                $body
            }
            $crate::db::Db::Sqlite(pool) => {
                let mut pooled = pool.get().await.map_err($crate::db::DbError::from)?;
                let $conn = &mut *pooled;
                $body
            }
        }
    }};
}

/// Runs `$body` in a write transaction and evaluates to `Result<T, DbError>`: committed when the
/// body returns `Ok`, rolled back on `Err`. On SQLite the transaction starts with
/// `BEGIN IMMEDIATE`, taking the write lock up front, so concurrent read-then-write transactions
/// wait for each other (`busy_timeout`) instead of failing with `SQLITE_BUSY`.
#[macro_export]
macro_rules! transaction {
    ($db:expr, $conn:ident => $body:expr) => {{
        #[allow(unused_imports)]
        use diesel_async::{AsyncConnection as _, RunQueryDsl as _, SimpleAsyncConnection as _};
        let result: ::std::result::Result<_, $crate::db::DbError> = match $db {
            $crate::db::Db::Postgres(pool) => match pool.get().await {
                Ok(mut pooled) => pooled.transaction(async |$conn| $body).await,
                Err(e) => Err($crate::db::DbError::from(e)),
            },
            $crate::db::Db::Sqlite(pool) => match pool.get().await {
                Ok(mut pooled) => pooled.immediate_transaction(async |$conn| $body).await,
                Err(e) => Err($crate::db::DbError::from(e)),
            },
        };
        result
    }};
}
