//! What the benchmarks share: the real router served on loopback over a throwaway database,
//! a client, a closed-loop load generator and the latency report.

#![allow(dead_code)] // each benchmark uses part of it

use std::{
    future::Future,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use app::state::AppState;
use axum::{
    Router,
    body::{Body, Bytes},
    http::{Request, StatusCode, header},
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

/// The backends to measure: SQLite always, PostgreSQL (+ Redis) when `TEST_DATABASE_URL`
/// (`TEST_REDIS_URL`) is set.
pub async fn backends() -> Vec<(&'static str, TestDatabase, Option<String>)> {
    let mut backends = vec![("sqlite", TestDatabase::sqlite(), None)];
    if let Some(pg) = TestDatabase::postgres().await {
        backends.push(("postgresql+redis", pg, test_redis_url()));
    }
    backends
}

/// The platform over `db`, with client addresses taken from `X-Forwarded-For` so each
/// request can present its own and per-address limits stay out of the measurement, and a
/// per-session API limit no benchmark reaches (it is still counted on every request).
pub async fn platform(db: &TestDatabase, redis: Option<String>) -> Platform {
    let mut config = db.config(redis);
    config.trust_proxy_headers = true;
    config.api_rate_limit_per_minute = 10_000_000;
    Platform::start(config).await.expect("platform starts")
}

/// The application's router over `platform`.
pub fn app(platform: Platform) -> Router {
    let leptos_options =
        LeptosOptions::builder().output_name("saas").site_root("target/site").build();
    server::router::build(AppState { leptos_options, platform })
}

/// Serves `router` on an ephemeral port of 127.0.0.1 until the handle is aborted.
pub async fn serve(router: Router) -> (SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .into_future(),
    );
    (addr, server)
}

/// A keep-alive HTTP client for one server.
pub struct Http {
    pub addr: SocketAddr,
    client: Client<HttpConnector, Body>,
    next_ip: AtomicU32,
}

impl Http {
    pub fn new(addr: SocketAddr) -> Arc<Self> {
        Arc::new(Self {
            addr,
            client: Client::builder(TokioExecutor::new()).build_http(),
            next_ip: AtomicU32::new(1),
        })
    }

    /// A fresh client address for `X-Forwarded-For`.
    fn ip(&self) -> String {
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
    }

    /// Sends `request` (its path only; the host is this server); answers the status, the
    /// session cookie it set if any, and the body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        form: Option<&str>,
        cookie: Option<&str>,
    ) -> (StatusCode, Option<String>, Bytes) {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr))
            .header(header::ACCEPT, "application/json")
            .header("x-forwarded-for", self.ip());
        if form.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, format!("session={cookie}"));
        }
        let body = form.map_or_else(Body::empty, |form| Body::from(form.to_owned()));
        let response =
            self.client.request(request.body(body).expect("request")).await.expect("response");
        let status = response.status();
        let set_cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned());
        let body = response.into_body().collect().await.expect("body").to_bytes();
        (status, set_cookie, body)
    }
}

/// Runs `call` `requests` times from `concurrency` closed-loop clients; answers each call's
/// latency (sorted) and the overall rate.
pub async fn run<F, Fut>(requests: u32, concurrency: u32, call: F) -> (Vec<Duration>, f64)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let remaining = Arc::new(AtomicU32::new(requests));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (remaining, call) = (remaining.clone(), call.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while remaining
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                .is_ok()
            {
                let start = Instant::now();
                call().await;
                latencies.push(start.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.expect("worker"));
    }
    let rate = f64::from(requests) / started.elapsed().as_secs_f64();
    all.sort();
    (all, rate)
}

/// The latency below which `permille`/1000 of the calls finished, in milliseconds.
pub fn percentile(latencies: &[Duration], permille: usize) -> f64 {
    let index = (latencies.len().saturating_sub(1) * permille).div_ceil(1000);
    latencies[index].as_secs_f64() * 1000.0
}

/// One line: rate and p50 / p90 / p99.
pub fn report(label: &str, latencies: &[Duration], rate: f64) {
    println!(
        "{label}  {rate:>8.1}/s   p50 {:>7.2} ms   p90 {:>7.2} ms   p99 {:>7.2} ms",
        percentile(latencies, 500),
        percentile(latencies, 900),
        percentile(latencies, 990)
    );
}
