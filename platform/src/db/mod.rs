//! The database seam: one enum over a PostgreSQL and an SQLite pool, and two macros that expand
//! a query body once per backend, so each query is written once and compiled for both.

mod error;
mod macros;
mod migrations;
pub mod schema;
pub mod text;

use std::time::Duration;

use diesel::SqliteConnection;
use diesel_async::{
    AsyncPgConnection, SimpleAsyncConnection,
    pooled_connection::{
        AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
        deadpool::{Object, Pool},
    },
    sync_connection_wrapper::SyncConnectionWrapper,
};
use futures::FutureExt;

pub use error::DbError;

use crate::config::DatabaseConfig;

/// An SQLite connection usable from async code (queries run on tokio's blocking pool).
pub type SqliteConn = SyncConnectionWrapper<SqliteConnection>;
/// A pooled PostgreSQL connection.
pub type PgPooled = Object<AsyncPgConnection>;
/// A pooled SQLite connection.
pub type SqlitePooled = Object<SqliteConn>;

/// Pragmas every SQLite connection starts with: write-ahead log for concurrent readers, foreign
/// keys enforced, and a busy timeout so concurrent writers wait instead of failing at once.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000;";

/// A database pool: PostgreSQL in the scaled deployment, an SQLite file in the embedded one.
#[derive(Clone)]
pub enum Db {
    /// PostgreSQL through `tokio-postgres` (no libpq).
    Postgres(Pool<AsyncPgConnection>),
    /// SQLite (bundled libsqlite3) behind a synchronous-connection wrapper.
    Sqlite(Pool<SqliteConn>),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.backend_name())
    }
}

impl Db {
    /// Builds a lazy pool: connections open on first use, never with a per-checkout test query.
    pub fn new(
        config: &DatabaseConfig,
        max_size: usize,
        timeout: Duration,
    ) -> Result<Self, anyhow::Error> {
        match config {
            DatabaseConfig::Postgres { url } => {
                let mut manager_config = ManagerConfig::default();
                manager_config.recycling_method = RecyclingMethod::Fast;
                let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(
                    url.expose(),
                    manager_config,
                );
                Ok(Self::Postgres(build_pool(manager, max_size, timeout)?))
            }
            DatabaseConfig::Sqlite { path } => {
                let mut manager_config = ManagerConfig::<SqliteConn>::default();
                manager_config.recycling_method = RecyclingMethod::Fast;
                manager_config.custom_setup = Box::new(|url| {
                    let url = url.to_owned();
                    async move {
                        use diesel_async::AsyncConnection;
                        let mut conn = SqliteConn::establish(&url).await?;
                        conn.batch_execute(SQLITE_PRAGMAS)
                            .await
                            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    }
                    .boxed()
                });
                let url = path.to_string_lossy().into_owned();
                let manager = AsyncDieselConnectionManager::<SqliteConn>::new_with_config(
                    url,
                    manager_config,
                );
                Ok(Self::Sqlite(build_pool(manager, max_size, timeout)?))
            }
        }
    }

    /// `postgresql` or `sqlite`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }

    /// Checks that the database answers a trivial query.
    #[tracing::instrument(skip(self))]
    pub async fn ping(&self) -> Result<(), DbError> {
        crate::with_conn!(self, conn => {
            conn.batch_execute("SELECT 1").await?;
            Ok(())
        })
    }

    /// Applies the embedded migrations of this backend that have not run yet.
    pub async fn run_migrations(&self) -> Result<(), anyhow::Error> {
        migrations::run(self).await
    }
}

fn build_pool<C>(
    manager: AsyncDieselConnectionManager<C>,
    max_size: usize,
    timeout: Duration,
) -> Result<Pool<C>, anyhow::Error>
where
    AsyncDieselConnectionManager<C>: deadpool::managed::Manager<Type = C>,
{
    Pool::builder(manager)
        .max_size(max_size)
        .wait_timeout(Some(timeout))
        .create_timeout(Some(timeout))
        .recycle_timeout(Some(timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| anyhow::anyhow!("DATABASE_URL: cannot build the connection pool: {e}"))
}
