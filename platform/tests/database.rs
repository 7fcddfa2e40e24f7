//! The database seam against real databases: SQLite always, PostgreSQL with `TEST_DATABASE_URL`.

use std::time::Duration;

use diesel::{ExpressionMethods, QueryDsl};
use platform::{
    Db, DbError, Platform,
    clock::now_utc,
    db::schema::job_leases,
    lease::{self, NewLease},
    testing::TestDatabase,
    transaction, with_conn,
};

fn lease_row<'a>(name: &'a str, holder: &'a str) -> NewLease<'a> {
    NewLease { name, holder, expires_at: now_utc(), updated_at: now_utc() }
}

async fn started(test_db: &TestDatabase) -> Platform {
    Platform::start(test_db.config(None)).await.expect("platform starts")
}

async fn lease_count(db: &Db) -> Result<i64, DbError> {
    Ok(with_conn!(db, conn => job_leases::table.count().get_result::<i64>(conn).await?))
}

#[tokio::test]
async fn migrations_create_the_schema_and_are_idempotent() {
    for test_db in TestDatabase::each_backend().await {
        let platform = started(&test_db).await;
        assert_eq!(lease_count(&platform.db).await.expect("table exists"), 0, "{test_db:?}");
        // A second start (another instance, a restart) finds nothing left to do.
        platform.db.run_migrations().await.expect("second run");
        let again = started(&test_db).await;
        assert_eq!(lease_count(&again.db).await.expect("table exists"), 0, "{test_db:?}");
    }
}

#[derive(diesel::QueryableByName)]
struct Pragma {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}
#[derive(diesel::QueryableByName)]
struct ForeignKeys {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    foreign_keys: i32,
}

#[tokio::test]
async fn the_sqlite_file_is_created_in_wal_mode_with_foreign_keys() {
    let test_db = TestDatabase::sqlite();
    let platform = started(&test_db).await;
    assert!(test_db.data_dir.path().join("app.db").exists());
    let (mode, fks) = async {
        with_conn!(&platform.db, conn => {
            let mode: Pragma = diesel::sql_query("PRAGMA journal_mode").get_result(conn).await?;
            let fks: ForeignKeys = diesel::sql_query("PRAGMA foreign_keys").get_result(conn).await?;
            Ok::<_, DbError>((mode.journal_mode, fks.foreign_keys))
        })
    }
    .await
    .expect("pragmas");
    assert_eq!(mode, "wal");
    assert_eq!(fks, 1);
}

#[tokio::test]
async fn unique_violations_and_missing_rows_are_classified() {
    for test_db in TestDatabase::each_backend().await {
        let platform = started(&test_db).await;
        let insert = || async {
            with_conn!(&platform.db, conn => {
                diesel::insert_into(job_leases::table)
                    .values(lease_row("purge", "a"))
                    .execute(conn)
                    .await
                    .map_err(DbError::from)
            })
        };
        assert_eq!(insert().await.expect("first insert"), 1);
        let duplicate = insert().await.expect_err("second insert");
        assert!(matches!(duplicate, DbError::UniqueViolation { .. }), "{test_db:?}: {duplicate:?}");

        let missing = async {
            with_conn!(&platform.db, conn => {
                job_leases::table
                    .filter(job_leases::name.eq("nope"))
                    .select(job_leases::holder)
                    .first::<String>(conn)
                    .await
                    .map_err(DbError::from)
            })
        }
        .await
        .expect_err("no row");
        assert!(matches!(missing, DbError::NotFound), "{test_db:?}: {missing:?}");
    }
}

#[tokio::test]
async fn transactions_commit_on_ok_and_roll_back_on_err() {
    for test_db in TestDatabase::each_backend().await {
        let platform = started(&test_db).await;
        let failed: Result<(), DbError> = transaction!(&platform.db, conn => {
            diesel::insert_into(job_leases::table)
                .values(lease_row("rolled-back", "a"))
                .execute(conn)
                .await?;
            Err(DbError::NotFound)
        });
        assert!(matches!(failed, Err(DbError::NotFound)));
        assert_eq!(lease_count(&platform.db).await.expect("count"), 0, "{test_db:?}");

        let committed = transaction!(&platform.db, conn => {
            diesel::insert_into(job_leases::table)
                .values(lease_row("kept", "a"))
                .execute(conn)
                .await
                .map_err(DbError::from)
        });
        assert_eq!(committed.expect("commit"), 1);
        assert_eq!(lease_count(&platform.db).await.expect("count"), 1, "{test_db:?}");
    }
}

/// Concurrent read-then-write transactions: with `BEGIN IMMEDIATE` on SQLite they queue for the
/// write lock (`busy_timeout`) instead of failing with "database is locked" when a reader tries to
/// become a writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_read_then_write_transactions_all_succeed() {
    for test_db in TestDatabase::each_backend().await {
        let platform = started(&test_db).await;
        let tasks: Vec<_> = (0..24)
            .map(|i| {
                let db = platform.db.clone();
                tokio::spawn(async move {
                    transaction!(&db, conn => {
                        let seen: i64 = job_leases::table.count().get_result(conn).await?;
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        diesel::insert_into(job_leases::table)
                            .values(lease_row(&format!("job-{i}"), &seen.to_string()))
                            .execute(conn)
                            .await?;
                        Ok(())
                    })
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task").expect("transaction");
        }
        assert_eq!(lease_count(&platform.db).await.expect("count"), 24, "{test_db:?}");
    }
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_expires() {
    for test_db in TestDatabase::each_backend().await {
        let platform = started(&test_db).await;
        let db = &platform.db;
        let minute = Duration::from_secs(60);
        assert!(lease::try_acquire(db, "purge", "a", minute).await.expect("a takes"));
        assert!(!lease::try_acquire(db, "purge", "b", minute).await.expect("b waits"));
        assert!(lease::try_acquire(db, "purge", "a", minute).await.expect("a renews"));
        lease::release(db, "purge", "a").await.expect("release");
        assert!(lease::try_acquire(db, "purge", "b", Duration::from_millis(1)).await.expect("b"));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            lease::try_acquire(db, "purge", "c", minute).await.expect("expired"),
            "{test_db:?}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_database_is_unavailable() {
    let test_db = TestDatabase::sqlite();
    let mut config = test_db.config(None);
    config.database = platform::config::DatabaseConfig::Sqlite {
        path: test_db.data_dir.path().join("missing-dir/app.db"),
    };
    let platform = Platform::new(config).expect("lazy pool");
    assert!(matches!(platform.db.ping().await, Err(DbError::Unavailable(_))));

    let mut config = test_db.config(None);
    config.database = platform::config::DatabaseConfig::Postgres {
        url: platform::config::Secret::new("postgres://postgres@127.0.0.1:1/none"),
    };
    let platform = Platform::new(config).expect("lazy pool");
    assert!(matches!(platform.db.ping().await, Err(DbError::Unavailable(_))));
}
