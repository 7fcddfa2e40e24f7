//! Test support: a throwaway database per test — an SQLite file in a temporary directory, or a
//! fresh PostgreSQL database on the server named by `TEST_DATABASE_URL`, dropped afterwards —
//! and the Redis named by `TEST_REDIS_URL`.

use std::{path::PathBuf, time::Duration};

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use tempfile::TempDir;

use crate::config::{AppDefaults, Config, DatabaseConfig, LogFormat, Secret};

/// The PostgreSQL server for tests, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
pub fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|v| !v.is_empty())
}

/// The Redis server for tests, e.g. `redis://127.0.0.1:6379`.
pub fn test_redis_url() -> Option<String> {
    std::env::var("TEST_REDIS_URL").ok().filter(|v| !v.is_empty())
}

/// The S3-compatible server for tests (moto), e.g. `http://127.0.0.1:9000`.
pub fn test_s3_endpoint() -> Option<String> {
    std::env::var("TEST_S3_ENDPOINT").ok().filter(|v| !v.is_empty())
}

/// A new, empty bucket on the test S3 server (which accepts any credentials), and the
/// configuration that uses it.
pub async fn test_bucket(endpoint: &str) -> crate::config::S3Config {
    let bucket = format!("test-{}", uuid::Uuid::now_v7().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .expect("the S3 server answers");
    assert!(created.status().is_success(), "creating bucket {bucket}: {}", created.status());
    crate::config::S3Config {
        bucket,
        region: "us-east-1".into(),
        endpoint: Some(endpoint.to_owned()),
        credentials: Some(("testing".into(), Secret::new("testing"))),
    }
}

/// One test's database and data directory, removed when dropped.
pub struct TestDatabase {
    /// The database to connect to.
    pub database: DatabaseConfig,
    /// A temporary data directory (holds the SQLite file when SQLite is used).
    pub data_dir: TempDir,
    /// The Redis namespace of this test: its instances share it, other tests never see it.
    pub redis_prefix: String,
    postgres: Option<(String, String)>,
}

impl std::fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestDatabase({})", self.backend())
    }
}

impl TestDatabase {
    /// A new SQLite file in a temporary directory.
    pub fn sqlite() -> Self {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let database = DatabaseConfig::Sqlite { path: data_dir.path().join("app.db") };
        Self { database, data_dir, redis_prefix: new_prefix(), postgres: None }
    }

    /// A new, empty PostgreSQL database, or `None` when `TEST_DATABASE_URL` is unset.
    pub async fn postgres() -> Option<Self> {
        let admin_url = test_database_url()?;
        let name = format!("test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = AsyncPgConnection::establish(&admin_url)
            .await
            .expect("TEST_DATABASE_URL must point at a reachable PostgreSQL server");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("create database");
        let url = with_database(&admin_url, &name);
        Some(Self {
            database: DatabaseConfig::Postgres { url: Secret::new(url) },
            data_dir: tempfile::tempdir().expect("temporary directory"),
            redis_prefix: new_prefix(),
            postgres: Some((admin_url, name)),
        })
    }

    /// SQLite, and PostgreSQL too when `TEST_DATABASE_URL` is set.
    pub async fn each_backend() -> Vec<Self> {
        let mut all = vec![Self::sqlite()];
        all.extend(Self::postgres().await);
        all
    }

    /// `sqlite` or `postgresql`.
    pub fn backend(&self) -> &'static str {
        match self.database {
            DatabaseConfig::Sqlite { .. } => "sqlite",
            DatabaseConfig::Postgres { .. } => "postgresql",
        }
    }

    /// A configuration for this database, with Redis when `redis_url` is given.
    pub fn config(&self, redis_url: Option<String>) -> Config {
        let mut config =
            test_config(self.database.clone(), self.data_dir.path().to_owned(), redis_url);
        config.redis_prefix.clone_from(&self.redis_prefix);
        config
    }
}

fn new_prefix() -> String {
    format!("test-{}", uuid::Uuid::now_v7().simple())
}

/// A configuration with test-friendly timeouts.
pub fn test_config(
    database: DatabaseConfig,
    data_dir: PathBuf,
    redis_url: Option<String>,
) -> Config {
    let defaults = AppDefaults::default();
    Config {
        database,
        database_pool_size: 8,
        database_timeout: Duration::from_secs(5),
        redis_url: redis_url.map(Secret::new),
        redis_timeout: Duration::from_secs(2),
        storage: crate::config::StorageConfig::Local(data_dir.join("files")),
        data_dir,
        default_locale: defaults.default_locale,
        max_body_bytes: defaults.max_body_bytes,
        uploads: crate::config::UploadLimits {
            max_image_bytes: defaults.max_image_bytes,
            max_attachment_bytes: defaults.max_attachment_bytes,
        },
        health_timeout: Duration::from_secs(2),
        log_format: LogFormat::Pretty,
        public_url: None,
        trusted_origins: Vec::new(),
        admin_emails: Vec::new(),
        smtp_url: None,
        mail_from: defaults.mail_from,
        require_email_verification: defaults.require_email_verification,
        api_rate_limit_per_minute: defaults.api_rate_limit_per_minute,
        realtime_recheck: Duration::from_secs(30),
        billing: crate::config::BillingConfig {
            grace_period: Duration::from_secs(7 * 86_400),
            webhook_secret: None,
            stripe: None,
        },
        trust_proxy_headers: false,
        // A fresh Redis namespace, so counters never leak between tests (or runs).
        redis_prefix: new_prefix(),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else { return };
        // Drop runs outside any async context: use a short-lived runtime on its own thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let mut admin = AsyncPgConnection::establish(&admin_url).await?;
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                Ok::<_, anyhow::Error>(())
            })?;
            Ok::<_, anyhow::Error>(())
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop a test database");
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(
            with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
