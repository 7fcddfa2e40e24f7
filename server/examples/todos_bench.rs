//! Todos under load (a benchmark, not a test):
//! `cargo run --release -p server --example todos_bench [requests] [concurrency]`.
//!
//! For SQLite, and for PostgreSQL + Redis when `TEST_DATABASE_URL` (`TEST_REDIS_URL`) is set,
//! over the real router on 127.0.0.1:
//! 1. `GET /api/todos?limit=100` in an organization of 200 todos (session, membership,
//!    permission, validation, count and page, JSON), from `concurrency` clients;
//! 2. the same membership check and query through a bare axum handler on the same pool (no
//!    session layer, no validation, no server-function encoding): the floor the framework is
//!    measured against, and the ratio of the two;
//! 3. `POST /api/todos/create`;
//! 4. the first page (25, newest first; and by title) with 1,000 and with 1,000,000 todos in
//!    the organization, from one client.

mod support;

use std::sync::Arc;

use app::{
    auth::{model::SessionUser, server::AuthContext},
    orgs::{permissions::Permission, scope::OrgScope},
    todos::{
        model::TodoPage,
        service::to_todo,
        store::{self, Filters, Sort},
    },
};
use axum::{
    Json, Router,
    extract::{Query, State},
    http::StatusCode,
    routing::get,
};
use diesel_async::SimpleAsyncConnection as _;
use futures::future::BoxFuture;
use platform::{Platform, db::Db};
use serde::Deserialize;

const PASSWORD: &str = "correct+horse+battery+staple";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let requests: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(4000);
    let concurrency: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(4);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("{requests} requests, {concurrency} concurrent clients, {cores} cores");

    for (name, db, redis) in support::backends().await {
        println!("{name}:");
        let platform = support::platform(&db, redis).await;
        let pool = platform.db.clone();
        let bare_platform = platform.clone();
        let (addr, server) = support::serve(support::app(platform)).await;
        let http = support::Http::new(addr);
        let form = format!("name=Bench&email=bench%40example.com&password={PASSWORD}");
        let (status, cookie, body) =
            http.send("POST", "/api/auth/sign-up", Some(&form), None).await;
        assert_eq!(status, StatusCode::OK, "sign-up");
        let cookie = cookie.expect("session cookie");
        let user: serde_json::Value = serde_json::from_slice(&body).expect("user");
        let user = user["id"].as_str().expect("user id").to_owned();
        let org = |name: &'static str| {
            let (http, cookie) = (http.clone(), cookie.clone());
            async move {
                let (status, _, body) = http
                    .send("POST", "/api/orgs/create", Some(&format!("name={name}")), Some(&cookie))
                    .await;
                assert_eq!(status, StatusCode::OK, "create organization");
                let org: serde_json::Value = serde_json::from_slice(&body).expect("organization");
                org["id"].as_str().expect("id").to_owned()
            }
        };

        let small = org("Two+hundred").await;
        fill(&pool, &small, &user, 200).await;
        list_against_bare(&http, &cookie, (&bare_platform, &user), &small, requests, concurrency)
            .await;
        create(&http, &cookie, &small, requests / 2, concurrency).await;
        for (label, count) in [("1,000", 1_000_u64), ("1,000,000", 1_000_000)] {
            let big = org("Sized").await;
            let started = std::time::Instant::now();
            fill(&pool, &big, &user, count).await;
            println!("  ({label} todos inserted in {:.1} s)", started.elapsed().as_secs_f64());
            first_pages(&http, &cookie, &big, label).await;
        }
        server.abort();
        drop(db);
    }
}

/// A call that GETs `path` (with the session `cookie`, if any) and checks the answer.
fn getter(
    http: &Arc<support::Http>,
    cookie: Option<&str>,
    path: String,
    min_body: usize,
) -> impl Fn() -> BoxFuture<'static, ()> + Clone + Send + 'static {
    let (http, cookie) = (http.clone(), cookie.map(str::to_owned));
    move || {
        let (http, cookie, path) = (http.clone(), cookie.clone(), path.clone());
        Box::pin(async move {
            let (status, _, body) = http.send("GET", &path, None, cookie.as_deref()).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            assert!(body.len() >= min_body, "{path}: a short answer");
        })
    }
}

/// The list through the whole stack against the same query in a bare handler.
async fn list_against_bare(
    http: &Arc<support::Http>,
    cookie: &str,
    (platform, user): (&Platform, &str),
    org: &str,
    requests: u32,
    concurrency: u32,
) {
    // A page of 100 todos is well over 10 kB of JSON.
    let list = getter(http, Some(cookie), format!("/api/todos?org={org}&limit=100"), 10_000);
    let (raw_addr, raw_server) = support::serve(bare(platform.clone(), user)).await;
    let raw = getter(&support::Http::new(raw_addr), None, format!("/raw?org={org}"), 10_000);
    // Warm both (pool connections, caches) before measuring.
    support::run(200, concurrency, list.clone()).await;
    support::run(200, concurrency, raw.clone()).await;
    let (full, full_rate) = support::run(requests, concurrency, list).await;
    let (bare_latencies, bare_rate) = support::run(requests, concurrency, raw).await;
    support::report("  GET  /api/todos (100 of 200)   ", &full, full_rate);
    support::report("  bare axum, same query and pool ", &bare_latencies, bare_rate);
    println!("  full stack / bare: {:.0} % of the throughput", 100.0 * full_rate / bare_rate);
    raw_server.abort();
}

async fn create(
    http: &Arc<support::Http>,
    cookie: &str,
    org: &str,
    requests: u32,
    concurrency: u32,
) {
    let call = {
        let (http, cookie) = (http.clone(), cookie.to_owned());
        let form = format!("org={org}&title=Benchmark+todo&priority=high&due_date=2027-01-31");
        move || {
            let (http, cookie, form) = (http.clone(), cookie.clone(), form.clone());
            async move {
                let (status, _, _) =
                    http.send("POST", "/api/todos/create", Some(&form), Some(&cookie)).await;
                assert_eq!(status, StatusCode::OK, "create");
            }
        }
    };
    let (created, rate) = support::run(requests, concurrency, call).await;
    support::report("  POST /api/todos/create         ", &created, rate);
}

/// The first page of an organization of `label` todos in three orders, one client (fewer
/// rounds by due date, kept from when that order was not index-served, to stay comparable).
async fn first_pages(http: &Arc<support::Http>, cookie: &str, org: &str, label: &str) {
    let orders = [
        ("newest", "", 200),
        ("by title", "&sort=title&dir=asc", 200),
        ("by due", "&sort=due&dir=asc", 20),
    ];
    for (sort, query, rounds) in orders {
        let call = getter(http, Some(cookie), format!("/api/todos?org={org}{query}"), 1_000);
        support::run(rounds / 10, 1, call.clone()).await;
        let (latencies, rate) = support::run(rounds, 1, call).await;
        support::report(&format!("  first page, {sort:<8}, {label:>9} todos"), &latencies, rate);
    }
}

/// Inserts `count` todos into `org` in one statement (varied priorities, due dates, states).
async fn fill(db: &Db, org: &str, user: &str, count: u64) {
    let columns = "id, organization_id, title, description, priority, due_date, assigned_to, \
                   completed, created_by, created_at, updated_at";
    let result = match db {
        Db::Postgres(pool) => {
            let mut conn = pool.get().await.expect("connection");
            conn.batch_execute(&format!(
                "INSERT INTO todos ({columns}) \
                 SELECT '{org}-' || n, '{org}', 'Todo number ' || n, \
                        CASE WHEN n % 3 = 0 THEN 'Details of todo ' || n END, 1 + 2 * (n % 4), \
                        CASE WHEN n % 2 = 0 THEN DATE '2026-01-01' + (n % 365)::int END, NULL, \
                        n % 5 = 0, '{user}', TIMESTAMP '2026-01-01' + n * INTERVAL '1 second', \
                        TIMESTAMP '2026-01-01' + n * INTERVAL '1 second' \
                 FROM generate_series(1, {count}) AS n; ANALYZE todos;"
            ))
            .await
        }
        Db::Sqlite(pool) => {
            let mut conn = pool.get().await.expect("connection");
            conn.batch_execute(&format!(
                "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) \
                 INSERT INTO todos ({columns}) \
                 SELECT '{org}-' || n, '{org}', 'Todo number ' || n, \
                        CASE WHEN n % 3 = 0 THEN 'Details of todo ' || n END, 1 + 2 * (n % 4), \
                        CASE WHEN n % 2 = 0 THEN date('2026-01-01', '+' || (n % 365) || ' days') END, \
                        NULL, n % 5 = 0, '{user}', datetime('2026-01-01', '+' || n || ' seconds'), \
                        datetime('2026-01-01', '+' || n || ' seconds') \
                 FROM seq; ANALYZE;"
            ))
            .await
        }
    };
    result.expect("todos inserted");
}

#[derive(Deserialize)]
struct RawQuery {
    org: String,
}

/// The membership check and the list query with nothing around them: no session layer, no
/// validation, no server-function encoding; always as `user`.
fn bare(platform: Platform, user: &str) -> Router {
    async fn list(
        State((platform, auth)): State<(Platform, AuthContext)>,
        Query(query): Query<RawQuery>,
    ) -> Result<Json<TodoPage>, StatusCode> {
        let org = OrgScope::require(&platform, &auth, &query.org, Permission::TodosRead)
            .await
            .map_err(|_| StatusCode::NOT_FOUND)?;
        let filters = Filters::default();
        let (rows, total) =
            store::list(&platform.db, org.id(), &filters, Sort::Created, true, None, 101, true)
                .await
                .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        let todos = rows.into_iter().take(100).map(to_todo).collect();
        let (total, total_capped) = total.unwrap_or_default();
        Ok(Json(TodoPage { todos, next_cursor: None, total, total_capped }))
    }
    let auth = AuthContext {
        user: SessionUser {
            id: user.to_owned(),
            email: "bench@example.com".into(),
            name: "Bench".into(),
            locale: "en".into(),
            email_verified: true,
            is_admin: false,
            impersonated_by: None,
            time_zone: None,
            avatar: None,
        },
        session_id: String::new(),
        impersonator_id: None,
    };
    Router::new().route("/raw", get(list)).with_state((platform, auth))
}
