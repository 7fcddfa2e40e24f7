//! The real app, in process, over a real database: one [`TestApp`] per test and backend.

#![allow(dead_code)]

use app::state::AppState;
use axum::{
    body::{Body, Bytes},
    http::{self, HeaderMap, Request, StatusCode, header},
};
use http_body_util::BodyExt as _;
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use leptos::config::LeptosOptions;
use platform::{
    Platform,
    testing::{TestDatabase, test_redis_url},
};
use std::{net::SocketAddr, time::Duration};
use tokio::net::TcpListener;

/// A request that takes longer than this fails its test instead of hanging it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// One multi-threaded runtime for every test of a binary, as in production: leptos keeps
/// process-wide state (its executor, route registry) that must not outlive a per-test runtime.
static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
});

/// Runs a test body on the shared runtime.
pub fn block_on<F: Future<Output = ()> + Send + 'static>(test: F) {
    // Spawned (not block_on'd directly) so the body runs on the runtime's workers, like a
    // request handler; a panic in the body resurfaces here with its message.
    match RUNTIME.block_on(RUNTIME.spawn(test)) {
        Ok(()) => {}
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => panic!("test task failed: {error}"),
    }
}

/// The app's router and state over a throwaway database, served on an ephemeral port of
/// 127.0.0.1 exactly as in production (`axum::serve`), and a client to call it.
pub struct TestApp {
    pub state: AppState,
    pub db: TestDatabase,
    pub addr: SocketAddr,
    client: Client<HttpConnector, Body>,
    server: tokio::task::AbortHandle,
}

impl Drop for TestApp {
    /// Stops the server first, so its pool is gone before the test database is dropped.
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A collected response.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder().output_name("saas").site_root("target/site").build()
}

impl TestApp {
    /// Starts the platform (migrations included) on `db`, with Redis when `redis_url` is set.
    pub async fn start(db: TestDatabase, redis_url: Option<String>) -> Self {
        let platform = Platform::start(db.config(redis_url)).await.expect("platform starts");
        Self::with_platform(platform, db).await
    }

    /// Wraps an already built (possibly broken) platform.
    pub async fn with_platform(platform: Platform, db: TestDatabase) -> Self {
        let state = AppState { leptos_options: leptos_options(), platform };
        let router = server::router::build(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("ephemeral port");
        let addr = listener.local_addr().expect("bound");
        let server = tokio::spawn(axum::serve(listener, router).into_future()).abort_handle();
        let client = Client::builder(TokioExecutor::new()).build_http();
        Self { state, db, addr, client, server }
    }

    /// SQLite with in-process ports; PostgreSQL (with Redis when `TEST_REDIS_URL` is set) when
    /// `TEST_DATABASE_URL` is set.
    pub async fn each_backend() -> Vec<Self> {
        let mut apps = vec![Self::start(TestDatabase::sqlite(), None).await];
        if let Some(pg) = TestDatabase::postgres().await {
            apps.push(Self::start(pg, test_redis_url()).await);
        }
        apps
    }

    pub fn backend(&self) -> &'static str {
        self.db.backend()
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let (mut parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        parts.uri = format!("http://{}{path}", self.addr).parse().expect("uri");
        let request = Request::from_parts(parts, body);
        let response = tokio::time::timeout(REQUEST_TIMEOUT, self.client.request(request))
            .await
            .expect("the server answers within the timeout")
            .expect("the request reaches the server");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        TestResponse { status: parts.status, headers: parts.headers, body }
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        self.send(Request::get(uri).body(Body::empty()).expect("request")).await
    }

    pub async fn post_form(&self, uri: &str, form: &str) -> TestResponse {
        self.send(form_request(uri).body(Body::from(form.to_owned())).expect("request")).await
    }
}

/// A form POST builder, to add headers to.
pub fn form_request(uri: &str) -> http::request::Builder {
    Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}
