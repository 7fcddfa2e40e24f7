//! Sign-in latency and throughput (a benchmark, not a test):
//! `cargo run --release -p server --example sign_in_bench [requests] [concurrency]`.
//!
//! Serves the real router on 127.0.0.1 over a throwaway SQLite file — and over PostgreSQL
//! (+ Redis) when `TEST_DATABASE_URL` (`TEST_REDIS_URL`) is set — creates one account, then
//! signs in `requests` times from `concurrency` clients and reads `GET /api/auth/me` with a
//! session as many times. Each request presents its own client address (`X-Forwarded-For`,
//! trusted here) so the per-address sign-in limits stay out of the measurement.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use app::state::AppState;
use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt as _;
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use leptos::config::LeptosOptions;
use platform::{
    Platform,
    testing::{TestDatabase, test_redis_url},
};

const PASSWORD: &str = "correct horse battery staple";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let requests: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let concurrency: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(4);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("{requests} requests, {concurrency} concurrent clients, {cores} cores");

    let mut backends = vec![("sqlite", TestDatabase::sqlite(), None)];
    if let Some(pg) = TestDatabase::postgres().await {
        backends.push(("postgresql+redis", pg, test_redis_url()));
    }
    for (name, db, redis) in backends {
        let mut config = db.config(redis);
        config.trust_proxy_headers = true;
        let platform = Platform::start(config).await.expect("platform starts");
        let state = AppState {
            leptos_options: LeptosOptions::builder()
                .output_name("saas")
                .site_root("target/site")
                .build(),
            platform,
        };
        let router = server::router::build(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
                .into_future(),
        );
        let bench = Bench::new(addr);
        let cookie = bench.sign_up().await;
        for _ in 0..5 {
            bench.sign_in().await;
        }

        let (sign_in, sign_in_rate) = bench.run(requests, concurrency, Target::SignIn).await;
        let (me, me_rate) = bench.run(requests, concurrency, Target::Me(cookie)).await;
        println!("{name}:");
        report("  POST /api/auth/sign-in", &sign_in, sign_in_rate);
        report("  GET  /api/auth/me     ", &me, me_rate);
        server.abort();
        drop(db);
    }
}

#[derive(Clone)]
enum Target {
    SignIn,
    Me(String),
}

struct Bench {
    addr: SocketAddr,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Body>,
    next_ip: Arc<AtomicU32>,
}

impl Bench {
    fn new(addr: SocketAddr) -> Arc<Self> {
        Arc::new(Self {
            addr,
            client: Client::builder(TokioExecutor::new()).build_http(),
            next_ip: Arc::new(AtomicU32::new(1)),
        })
    }

    fn ip(&self) -> String {
        let n = self.next_ip.fetch_add(1, Ordering::Relaxed);
        format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
    }

    async fn post(&self, path: &str, form: &str) -> (StatusCode, Option<String>) {
        let request = Request::post(format!("http://{}{path}", self.addr))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header("x-forwarded-for", self.ip())
            .body(Body::from(form.to_owned()))
            .expect("request");
        let response = self.client.request(request).await.expect("response");
        let status = response.status();
        let cookie = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned());
        let _ = response.into_body().collect().await;
        (status, cookie)
    }

    async fn sign_up(&self) -> String {
        let form =
            format!("name=Bench&email=bench%40example.com&password={}", PASSWORD.replace(' ', "+"));
        let (status, cookie) = self.post("/api/auth/sign-up", &form).await;
        assert_eq!(status, StatusCode::OK, "sign-up");
        cookie.expect("session cookie")
    }

    async fn sign_in(&self) {
        let form = format!("email=bench%40example.com&password={}", PASSWORD.replace(' ', "+"));
        let (status, _) = self.post("/api/auth/sign-in", &form).await;
        assert_eq!(status, StatusCode::OK, "sign-in");
    }

    async fn me(&self, cookie: &str) {
        let request = Request::get(format!("http://{}/api/auth/me", self.addr))
            .header(header::COOKIE, format!("session={cookie}"))
            .header("x-forwarded-for", self.ip())
            .body(Body::empty())
            .expect("request");
        let response = self.client.request(request).await.expect("response");
        assert_eq!(response.status(), StatusCode::OK, "me");
        let _ = response.into_body().collect().await;
    }

    /// Runs `requests` calls from `concurrency` clients; returns each call's latency and the
    /// overall rate.
    async fn run(
        self: &Arc<Self>,
        requests: u32,
        concurrency: u32,
        target: Target,
    ) -> (Vec<Duration>, f64) {
        let remaining = Arc::new(AtomicU32::new(requests));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let (bench, remaining, target) = (self.clone(), remaining.clone(), target.clone());
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                while remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    let start = Instant::now();
                    match &target {
                        Target::SignIn => bench.sign_in().await,
                        Target::Me(cookie) => bench.me(cookie).await,
                    }
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
}

fn report(label: &str, latencies: &[Duration], rate: f64) {
    // The latency below which `permille`/1000 of the calls finished.
    let at = |permille: usize| {
        let index = (latencies.len().saturating_sub(1) * permille).div_ceil(1000);
        latencies[index].as_secs_f64() * 1000.0
    };
    println!(
        "{label}  {rate:>8.1}/s   p50 {:>7.2} ms   p90 {:>7.2} ms   p99 {:>7.2} ms",
        at(500),
        at(900),
        at(990)
    );
}
