//! `GET /api/health`: healthy on every backend, 503 naming the service that does not answer.

use crate::common;

use axum::{
    body::Body,
    http::{Request, StatusCode},
};
use common::TestApp;
use platform::{
    Platform,
    config::{DatabaseConfig, Secret},
    testing::TestDatabase,
};

#[test]
fn healthy_on_every_backend() {
    common::block_on(async {
        for app in TestApp::each_backend().await {
            let response = app.get("/api/health").await;
            assert_eq!(response.status, StatusCode::OK, "{}", app.backend());
            let body = response.json();
            assert_eq!(body["status"], "healthy");
            assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
            assert_eq!(body["services"]["database"], "connected");
            let redis =
                if app.state.platform.redis.is_some() { "connected" } else { "not_configured" };
            assert_eq!(body["services"]["redis"], redis);
            assert!(body.get("error").is_none());
            assert!(
                chrono::DateTime::parse_from_rfc3339(body["timestamp"].as_str().expect("str"))
                    .is_ok()
            );
            assert_eq!(response.header("cache-control"), Some("no-store"));
        }
    });
}

#[test]
fn head_answers_without_a_body() {
    common::block_on(async {
        let app = TestApp::start(TestDatabase::sqlite(), None).await;
        let response =
            app.send(Request::head("/api/health").body(Body::empty()).expect("req")).await;
        assert_eq!(response.status, StatusCode::OK);
        assert!(response.body.is_empty());
    });
}

#[test]
fn an_unreachable_database_is_503_and_named() {
    common::block_on(async {
        let db = TestDatabase::sqlite();
        let mut config = db.config(None);
        config.database = DatabaseConfig::Sqlite { path: db.data_dir.path().join("gone/app.db") };
        let app = TestApp::with_platform(Platform::new(config).expect("lazy"), db).await;

        let response = app.get("/api/health").await;
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        let body = response.json();
        assert_eq!(body["status"], "unhealthy");
        assert_eq!(body["services"]["database"], "unavailable");
        assert_eq!(body["error"], "database unavailable");
    });
}

#[test]
fn an_unreachable_postgres_is_503() {
    common::block_on(async {
        let db = TestDatabase::sqlite();
        let mut config = db.config(None);
        config.database =
            DatabaseConfig::Postgres { url: Secret::new("postgres://postgres@127.0.0.1:1/none") };
        let app = TestApp::with_platform(Platform::new(config).expect("lazy"), db).await;
        let response = app.get("/api/health").await;
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.json()["services"]["database"], "unavailable");
    });
}

#[test]
fn an_unreachable_redis_is_503_and_named() {
    common::block_on(async {
        let db = TestDatabase::sqlite();
        let config = db.config(Some("redis://127.0.0.1:1".into()));
        let platform = Platform::new(config).expect("lazy");
        platform.db.run_migrations().await.expect("migrations");
        let app = TestApp::with_platform(platform, db).await;

        let response = app.get("/api/health").await;
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        let body = response.json();
        assert_eq!(body["services"]["database"], "connected");
        assert_eq!(body["services"]["redis"], "unavailable");
        assert_eq!(body["error"], "redis unavailable");
    });
}
