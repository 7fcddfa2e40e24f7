//! Embedded migrations, one directory per dialect with the same schema.

use diesel::RunQueryDsl as _;
use diesel_async::{AsyncPgConnection, async_connection_wrapper::AsyncConnectionWrapper};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::Db;

const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// An arbitrary, fixed advisory-lock key: instances starting together migrate one at a time.
const PG_MIGRATION_LOCK: i64 = 0x5AA5_0001;

pub(super) async fn run(db: &Db) -> Result<(), anyhow::Error> {
    match db {
        Db::Postgres(pool) => {
            // Migrations are synchronous in diesel_migrations: run them on a pooled connection
            // wrapped for sync use, on the blocking pool.
            let pooled = pool
                .get()
                .await
                .map_err(|e| anyhow::anyhow!("DATABASE_URL: cannot connect to PostgreSQL: {e}"))?;
            let conn: AsyncPgConnection = deadpool::managed::Object::take(pooled);
            tokio::task::spawn_blocking(move || -> Result<(), anyhow::Error> {
                let mut conn = AsyncConnectionWrapper::<AsyncPgConnection>::from(conn);
                diesel::sql_query(format!("SELECT pg_advisory_lock({PG_MIGRATION_LOCK})"))
                    .execute(&mut conn)?;
                let result = conn.run_pending_migrations(POSTGRES).map(|_| ());
                diesel::sql_query(format!("SELECT pg_advisory_unlock({PG_MIGRATION_LOCK})"))
                    .execute(&mut conn)?;
                result.map_err(|e| anyhow::anyhow!("PostgreSQL migration failed: {e}"))
            })
            .await?
        }
        Db::Sqlite(pool) => {
            let mut pooled = pool
                .get()
                .await
                .map_err(|e| anyhow::anyhow!("DATA_DIR: cannot open the SQLite file: {e}"))?;
            pooled
                .spawn_blocking(|conn| {
                    conn.run_pending_migrations(SQLITE)
                        .map(|_| ())
                        .map_err(diesel::result::Error::QueryBuilderError)
                })
                .await
                .map_err(|e| anyhow::anyhow!("SQLite migration failed: {e}"))
        }
    }
}
