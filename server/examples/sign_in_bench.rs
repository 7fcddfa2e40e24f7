//! Sign-in latency and throughput (a benchmark, not a test):
//! `cargo run --release -p server --example sign_in_bench [requests] [concurrency]`.
//!
//! Serves the real router on 127.0.0.1 over a throwaway SQLite file — and over PostgreSQL
//! (+ Redis) when `TEST_DATABASE_URL` (`TEST_REDIS_URL`) is set — creates one account, then
//! signs in `requests` times from `concurrency` clients and reads `GET /api/auth/me` with a
//! session as many times. Each request presents its own client address (`X-Forwarded-For`,
//! trusted here) so the per-address sign-in limits stay out of the measurement.

mod support;

use axum::http::StatusCode;

const PASSWORD: &str = "correct+horse+battery+staple";
const CREDENTIALS: &str = "email=bench%40example.com&password=correct+horse+battery+staple";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let requests: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let concurrency: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(4);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("{requests} requests, {concurrency} concurrent clients, {cores} cores");

    for (name, db, redis) in support::backends().await {
        let platform = support::platform(&db, redis).await;
        let (addr, server) = support::serve(support::app(platform)).await;
        let http = support::Http::new(addr);
        let form = format!("name=Bench&email=bench%40example.com&password={PASSWORD}");
        let (status, cookie, _) = http.send("POST", "/api/auth/sign-up", Some(&form), None).await;
        assert_eq!(status, StatusCode::OK, "sign-up");
        let cookie = cookie.expect("session cookie");
        let sign_in = {
            let http = http.clone();
            move || {
                let http = http.clone();
                async move {
                    let (status, _, _) =
                        http.send("POST", "/api/auth/sign-in", Some(CREDENTIALS), None).await;
                    assert_eq!(status, StatusCode::OK, "sign-in");
                }
            }
        };
        for _ in 0..5 {
            sign_in().await;
        }
        let me = {
            let http = http.clone();
            move || {
                let (http, cookie) = (http.clone(), cookie.clone());
                async move {
                    let (status, _, _) =
                        http.send("GET", "/api/auth/me", None, Some(&cookie)).await;
                    assert_eq!(status, StatusCode::OK, "me");
                }
            }
        };

        let (sign_in, sign_in_rate) = support::run(requests, concurrency, sign_in).await;
        let (me, me_rate) = support::run(requests, concurrency, me).await;
        println!("{name}:");
        support::report("  POST /api/auth/sign-in", &sign_in, sign_in_rate);
        support::report("  GET  /api/auth/me     ", &me, me_rate);
        server.abort();
        drop(db);
    }
}
