//! The real app, in process, over a real database: one [`TestApp`] per test and backend.

#![allow(dead_code)]

use app::{orgs::permissions::Role, state::AppState};
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
    /// Shared by every instance of one test (see [`TestApp::another_instance`]).
    pub db: std::sync::Arc<TestDatabase>,
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
        Self::serve(platform, std::sync::Arc::new(db)).await
    }

    /// A second instance over the same database, Redis namespace and mail directory, as a
    /// scaled deployment runs many.
    pub async fn another_instance(&self) -> Self {
        let redis =
            self.state.platform.config.redis_url.as_ref().map(|url| url.expose().to_owned());
        let platform = Platform::start(self.db.config(redis)).await.expect("platform starts");
        Self::serve(platform, self.db.clone()).await
    }

    async fn serve(platform: Platform, db: std::sync::Arc<TestDatabase>) -> Self {
        let state = AppState { leptos_options: leptos_options(), platform };
        let router = server::router::build(state.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("ephemeral port");
        let addr = listener.local_addr().expect("bound");
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(axum::serve(listener, service).into_future()).abort_handle();
        let client = Client::builder(TokioExecutor::new()).build_http();
        Self { state, db, addr, client, server }
    }

    /// SQLite with in-process ports; PostgreSQL (with Redis when `TEST_REDIS_URL` is set) when
    /// `TEST_DATABASE_URL` is set.
    pub async fn each_backend() -> Vec<Self> {
        Self::each_backend_with(|_| {}).await
    }

    /// [`TestApp::each_backend`] with a changed configuration.
    pub async fn each_backend_with(change: impl Fn(&mut platform::Config)) -> Vec<Self> {
        let start = async |db: TestDatabase, redis: Option<String>| {
            let mut config = db.config(redis);
            change(&mut config);
            let platform = Platform::start(config).await.expect("platform starts");
            Self::with_platform(platform, db).await
        };
        let mut apps = vec![start(TestDatabase::sqlite(), None).await];
        if let Some(pg) = TestDatabase::postgres().await {
            apps.push(start(pg, test_redis_url()).await);
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

/// The session token a response sets, if any (`None` also for a clearing cookie).
pub fn session_cookie(response: &TestResponse) -> Option<String> {
    response
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.strip_prefix("session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .next_back()
        .filter(|token| !token.is_empty())
}

/// The JSON body of a response without its request id, to compare two answers.
pub fn without_request_id(response: &TestResponse) -> serde_json::Value {
    let mut json = response.json();
    if let Some(object) = json.as_object_mut() {
        object.remove("requestId");
    }
    json
}

impl TestApp {
    /// A form POST as the browser's server-function client sends it (JSON answers), with the
    /// session `cookie` when given.
    pub async fn call(&self, uri: &str, form: &str, cookie: Option<&str>) -> TestResponse {
        self.call_from(uri, form, cookie, None).await
    }

    /// [`TestApp::call`] from the client address `ip` (sent as `X-Forwarded-For`, which
    /// counts only when the app trusts proxy headers).
    pub async fn call_from(
        &self,
        uri: &str,
        form: &str,
        cookie: Option<&str>,
        ip: Option<&str>,
    ) -> TestResponse {
        let mut request = form_request(uri).header(header::ACCEPT, "application/json");
        if let Some(ip) = ip {
            request = request.header("x-forwarded-for", ip);
        }
        if let Some(token) = cookie {
            request = request.header(header::COOKIE, format!("session={token}"));
        }
        self.send(request.body(Body::from(form.to_owned())).expect("request")).await
    }

    /// A GET with the session `cookie` when given.
    pub async fn get_as(&self, uri: &str, cookie: Option<&str>) -> TestResponse {
        let mut request = Request::get(uri);
        if let Some(token) = cookie {
            request = request.header(header::COOKIE, format!("session={token}"));
        }
        self.send(request.body(Body::empty()).expect("request")).await
    }

    /// Every mail written so far (the embedded mailer writes `.eml` files).
    pub fn mails(&self) -> Vec<platform::mail::StoredMail> {
        platform::mail::StoredMail::read_dir(&self.db.data_dir.path().join("mail"))
    }

    /// The mails sent to `to` so far.
    pub fn mails_to(&self, to: &str) -> Vec<platform::mail::StoredMail> {
        self.mails().into_iter().filter(|m| m.to.contains(to)).collect()
    }

    /// Waits (up to 10 s) until `to` has received `count` mails, and returns the last.
    pub async fn wait_for_mail(&self, to: &str, count: usize) -> platform::mail::StoredMail {
        for _ in 0..200 {
            let mails = self.mails_to(to);
            if mails.len() >= count {
                return mails.into_iter().last().expect("a mail");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no mail #{count} to {to} within 10 s");
    }

    /// Signs up `email` with `password` and returns the session token.
    pub async fn sign_up(&self, email: &str, password: &str) -> String {
        let form = format!("name=Test+User&email={}&password={}", encode(email), encode(password));
        let response = self.call("/api/auth/sign-up", &form, None).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        session_cookie(&response).expect("a session cookie")
    }
}

impl TestApp {
    /// The id of the user signed in with `cookie`.
    pub async fn user_id(&self, cookie: &str) -> String {
        let me = self.get_as("/api/auth/me", Some(cookie)).await.json();
        me["id"].as_str().expect("a signed-in user").to_owned()
    }

    /// Confirms `email` by following the verification link mailed at sign-up.
    pub async fn verify(&self, email: &str) {
        let mail = self.wait_for_mail(email, 1).await;
        let token = token_of(&mail.link("/verify-email").expect("a verification link"));
        let response = self.call("/api/auth/verify-email", &format!("token={token}"), None).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    }

    /// Creates an organization from `form` (`name=…`) as the user of `cookie`; returns its id.
    pub async fn create_org(&self, cookie: &str, form: &str) -> String {
        let response = self.call("/api/orgs/create", form, Some(cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        response.json()["id"].as_str().expect("an organization id").to_owned()
    }

    /// A JSON POST (the encoding of the JSON server functions) with the session `cookie`.
    pub async fn post_json(&self, uri: &str, body: &str, cookie: &str) -> TestResponse {
        let request = form_request(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, format!("session={cookie}"))
            .body(Body::from(body.to_owned()))
            .expect("request");
        self.send(request).await
    }

    /// Puts `todos` (title, done) into `org`, created by `creator` now, straight in the table
    /// (for arranging large lists); one transaction.
    pub async fn insert_todos(&self, org: &str, creator: &str, todos: &[(String, bool)]) {
        use diesel::ExpressionMethods as _;
        use platform::db::schema::todos;
        let db = &self.state.platform.db;
        let now = platform::clock::now_utc();
        let inserted: Result<(), platform::DbError> = platform::transaction!(db, conn => {
            for (title, completed) in todos {
                diesel::insert_into(todos::table)
                    .values((
                        todos::id.eq(platform::clock::new_id()),
                        todos::organization_id.eq(org),
                        todos::title.eq(title),
                        todos::priority.eq(3),
                        todos::completed.eq(completed),
                        todos::created_by.eq(creator),
                        todos::created_at.eq(now),
                        todos::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            }
            Ok(())
        });
        inserted.expect("todos inserted");
    }

    /// Makes `user` a member of `org` as `role`, straight in the table: a role matrix arranged
    /// through invitations would need a verified inviter per organization and ownership
    /// transfers for co-owners, none of which the tests of what members may do are about.
    pub async fn add_member(&self, org: &str, user: &str, role: Role) {
        use diesel::ExpressionMethods as _;
        use platform::db::schema::memberships;
        let db = &self.state.platform.db;
        let now = platform::clock::now_utc();
        let added: Result<(), platform::DbError> = async {
            platform::with_conn!(db, conn => {
                diesel::insert_into(memberships::table)
                    .values((
                        memberships::organization_id.eq(org),
                        memberships::user_id.eq(user),
                        memberships::role.eq(role.as_str()),
                        memberships::created_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            });
            Ok(())
        }
        .await;
        added.expect("membership");
    }
}

/// The password of every test account.
pub const PASSWORD: &str = "correct horse battery";

/// A signed-up account and its session: whom a test acts as.
#[derive(Clone, Debug)]
pub struct TestUser {
    /// The account's id.
    pub id: String,
    /// Its address.
    pub email: String,
    /// Its session token (the `session` cookie).
    pub session: String,
}

/// An organization a test created through the API.
#[derive(Clone, Debug)]
pub struct TestOrg {
    /// Its id.
    pub id: String,
    /// Its URL name.
    pub slug: String,
}

impl TestApp {
    /// Signs up `email` (with [`PASSWORD`]): the account, signed in.
    pub async fn user(&self, email: &str) -> TestUser {
        let session = self.sign_up(email, PASSWORD).await;
        let id = self.user_id(&session).await;
        TestUser { id, email: email.to_owned(), session }
    }

    /// An organization called `name`, created by `owner` (`POST /api/orgs/create`).
    pub async fn org(&self, owner: &TestUser, name: &str) -> TestOrg {
        let response =
            self.post_as(owner, "/api/orgs/create", &format!("name={}", encode(name))).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let org = response.json();
        TestOrg {
            id: org["id"].as_str().expect("an organization id").to_owned(),
            slug: org["slug"].as_str().expect("a slug").to_owned(),
        }
    }

    /// Subscribes `org` to `plan` (monthly) as `manager` through the local provider's checkout,
    /// paying with `card`; answers the payment's JSON.
    pub async fn subscribe_with(
        &self,
        manager: &TestUser,
        org: &TestOrg,
        plan: &str,
        card: &str,
    ) -> TestResponse {
        let form = format!("org={}&plan={plan}&interval=monthly", org.id);
        let started = self.post_as(manager, "/api/billing/checkout", &form).await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.text());
        let url = started.json()["url"].as_str().expect("a checkout url").to_owned();
        let session = url.rsplit('/').next().expect("a session id").to_owned();
        let form = format!("session={session}&card={card}");
        self.post_as(manager, "/api/billing/local/pay", &form).await
    }

    /// Subscribes `org` to `plan` with the card that pays (see [`TestApp::subscribe_with`]).
    pub async fn subscribe(&self, manager: &TestUser, org: &TestOrg, plan: &str) {
        let paid = self.subscribe_with(manager, org, plan, "4242424242424242").await;
        assert_eq!(paid.status, StatusCode::OK, "{}", paid.text());
        assert_eq!(paid.json()["status"], "complete", "{}", paid.text());
    }

    /// `user` in `org` as `role` ([`TestApp::add_member`]).
    pub async fn join(&self, org: &TestOrg, user: &TestUser, role: Role) {
        self.add_member(&org.id, &user.id, role).await;
    }

    /// A form POST as `user`, as the browser's server-function client sends it.
    pub async fn post_as(&self, user: &TestUser, uri: &str, form: &str) -> TestResponse {
        self.call(uri, form, Some(&user.session)).await
    }

    /// A GET as `user`.
    pub async fn get_by(&self, user: &TestUser, uri: &str) -> TestResponse {
        self.get_as(uri, Some(&user.session)).await
    }

    /// A JSON POST as `user`.
    pub async fn json_as(
        &self,
        user: &TestUser,
        uri: &str,
        body: &serde_json::Value,
    ) -> TestResponse {
        self.post_json(uri, &body.to_string(), &user.session).await
    }

    /// The titles of the first page of `org`'s todos as `user` sees them.
    pub async fn todo_titles(&self, user: &TestUser, org: &str) -> Vec<String> {
        let page = self.get_by(user, &format!("/api/todos?org={org}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        titles(&page.json())
    }
}

/// The titles of a page of todos (`{"todos": [...]}`), in order.
pub fn titles(page: &serde_json::Value) -> Vec<String> {
    page["todos"]
        .as_array()
        .expect("todos")
        .iter()
        .map(|todo| todo["title"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The `action` of each entry of an audit-log page (`{"events": [...]}`), in order, but for
/// the billing entries of the plan a test put its organization on.
pub fn audit_actions(page: &serde_json::Value) -> Vec<&str> {
    page["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|event| event["action"].as_str())
        // The plan a test's organization was put on (billing.rs reads these).
        .filter(|action| !action.starts_with("billing."))
        .collect()
}

/// The `token` parameter of a mailed link.
pub fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").split('&').next().unwrap_or_default().to_owned()
}

/// Percent-encodes a form value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Asserts an API error: its status, its code, and a translated message.
pub fn assert_error(response: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!(response.status, status, "{}", response.text());
    assert_eq!(response.json()["code"], code, "{}", response.text());
    assert!(!response.json()["message"].as_str().unwrap_or_default().is_empty());
}
