//! Server-function errors on the wire: status per code, stable JSON shape, translated message,
//! request id; plain form posts redirect back; layers answer in the same JSON.

use crate::common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::{TestApp, form_request};
use platform::{Platform, config::DatabaseConfig, testing::TestDatabase};

async fn sqlite_app() -> TestApp {
    TestApp::start(TestDatabase::sqlite(), None).await
}

#[test]
fn invalid_input_is_400_with_field_codes_and_the_request_id() {
    common::block_on(async {
        for app in TestApp::each_backend().await {
            let response = app.post_form("/api/preferences/locale", "locale=xx").await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{}", app.backend());
            let body = response.json();
            assert_eq!(
                body,
                serde_json::json!({
                    "code": "VAL_INVALID_FORMAT",
                    "message": "This value is not valid.",
                    "fields": { "locale": ["VAL_INVALID_FORMAT"] },
                    "details": {},
                    "requestId": response.header("x-request-id").expect("request id"),
                })
            );
            assert!(response.header("set-cookie").is_none(), "nothing stored on failure");
        }
    });
}

#[test]
fn empty_and_missing_fields_are_required() {
    common::block_on(async {
        let app = sqlite_app().await;
        for form in ["locale=", "locale=%20%20", ""] {
            let response = app.post_form("/api/preferences/locale", form).await;
            assert_eq!(response.status, StatusCode::BAD_REQUEST, "{form:?}");
            let body = response.json();
            assert_eq!(body["code"], "VAL_REQUIRED_FIELD", "{form:?}");
            assert_eq!(body["fields"]["locale"][0], "VAL_REQUIRED_FIELD", "{form:?}");
        }
    });
}

#[test]
fn messages_follow_the_stored_language_then_accept_language() {
    common::block_on(async {
        let app = sqlite_app().await;
        let spanish = app
            .send(
                form_request("/api/preferences/theme")
                    .header(header::ACCEPT_LANGUAGE, "es-MX,es;q=0.9")
                    .body(Body::from("theme=purple"))
                    .expect("req"),
            )
            .await;
        assert_eq!(spanish.json()["message"], "Este valor no es válido.");

        let stored_english = app
            .send(
                form_request("/api/preferences/theme")
                    .header(header::ACCEPT_LANGUAGE, "es")
                    .header(header::COOKIE, "lang=en")
                    .body(Body::from("theme=purple"))
                    .expect("req"),
            )
            .await;
        assert_eq!(stored_english.json()["message"], "This value is not valid.");
    });
}

#[test]
fn valid_input_sets_the_preference_cookie() {
    common::block_on(async {
        let app = sqlite_app().await;
        let response = app.post_form("/api/preferences/locale", "locale=es").await;
        assert_eq!(response.status, StatusCode::OK);
        assert_eq!(response.json(), serde_json::json!("es"));
        let cookie = response.header("set-cookie").expect("cookie");
        assert!(cookie.starts_with("lang=es;"), "{cookie}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

        let theme = app.post_form("/api/preferences/theme", "theme=dark").await;
        assert_eq!(theme.status, StatusCode::OK);
        assert!(theme.header("set-cookie").expect("cookie").starts_with("theme=dark;"));
    });
}

#[test]
fn plain_form_posts_redirect_back_with_or_without_the_error() {
    common::block_on(async {
        let app = sqlite_app().await;
        let post = |body: &'static str| {
            form_request("/api/preferences/locale")
                .header(header::ACCEPT, "text/html,application/xhtml+xml")
                .header(header::REFERER, "http://127.0.0.1:3000/")
                .body(Body::from(body))
                .expect("req")
        };
        let ok = app.send(post("locale=es")).await;
        assert_eq!(ok.status, StatusCode::FOUND);
        let back = ok.header("location").expect("location");
        assert!(back.starts_with("http://127.0.0.1:3000/") && !back.contains("__err"), "{back}");
        assert!(ok.header("set-cookie").expect("cookie").starts_with("lang=es;"));

        let bad = app.send(post("locale=xx")).await;
        assert_eq!(bad.status, StatusCode::FOUND);
        let location = bad.header("location").expect("location");
        assert!(location.contains("__err="), "{location}");
        assert!(bad.header("set-cookie").is_none());
    });
}

#[test]
fn unknown_endpoints_are_json_404_and_wrong_methods_405() {
    common::block_on(async {
        let app = sqlite_app().await;
        let missing = app.get("/api/no/such/fn").await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
        assert_eq!(missing.json()["code"], "BIZ_NOT_FOUND");
        assert_eq!(missing.json()["details"]["resource"], "endpoint");

        let wrong_method = app.get("/api/preferences/locale").await;
        assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    });
}

#[test]
fn request_ids_are_propagated_when_safe_and_replaced_otherwise() {
    common::block_on(async {
        let app = sqlite_app().await;
        let kept = app
            .send(
                form_request("/api/preferences/locale")
                    .header("x-request-id", "client-abc.123")
                    .body(Body::from("locale=xx"))
                    .expect("req"),
            )
            .await;
        assert_eq!(kept.header("x-request-id"), Some("client-abc.123"));
        assert_eq!(kept.json()["requestId"], "client-abc.123");

        let replaced = app
            .send(
                Request::get("/api/health")
                    .header("x-request-id", "bad id with spaces")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        let id = replaced.header("x-request-id").expect("id");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    });
}

#[test]
fn oversized_bodies_are_413_json() {
    common::block_on(async {
        // A small limit: the whole request is written before the server refuses it (with the
        // default megabyte, the refusal can close the connection while the client still
        // writes, and the client sees a broken pipe instead of the answer).
        for app in TestApp::each_backend_with(|config| config.max_body_bytes = 2048).await {
            let size = app.state.platform.config.max_body_bytes + 1;
            let response = app
                .send(
                    form_request("/api/preferences/locale")
                        .header(header::CONTENT_LENGTH, size)
                        .body(Body::from(vec![b'a'; size]))
                        .expect("req"),
                )
                .await;
            assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", app.backend());
            let body = response.json();
            assert_eq!(body["code"], "VAL_TOO_LONG");
            assert_eq!(body["details"]["maxBytes"], 2048);
        }
    });
}

#[test]
fn system_status_reports_the_backend() {
    common::block_on(async {
        for app in TestApp::each_backend().await {
            let response = app.get("/api/system/status").await;
            assert_eq!(response.status, StatusCode::OK);
            let body = response.json();
            assert_eq!(body["database"], app.backend());
            assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
            let cache = if app.state.platform.redis.is_some() { "redis" } else { "in-process" };
            assert_eq!(body["cache"], cache);
        }
    });
}

#[test]
fn a_database_outage_is_503_service_unavailable() {
    common::block_on(async {
        let db = TestDatabase::sqlite();
        let mut config = db.config(None);
        config.database = DatabaseConfig::Sqlite { path: db.data_dir.path().join("gone/app.db") };
        let app = TestApp::with_platform(Platform::new(config).expect("lazy"), db).await;
        let response = app.get("/api/system/status").await;
        assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
        let body = response.json();
        assert_eq!(body["code"], "SYS_SERVICE_UNAVAILABLE");
        assert_eq!(body["details"]["service"], "database");
        assert!(body["requestId"].is_string());
    });
}

#[test]
fn every_response_carries_the_security_headers() {
    common::block_on(async {
        let app = sqlite_app().await;
        for uri in ["/api/health", "/", "/missing"] {
            let response = app.get(uri).await;
            assert_eq!(response.header("x-content-type-options"), Some("nosniff"), "{uri}");
            assert_eq!(response.header("x-frame-options"), Some("DENY"), "{uri}");
            assert_eq!(response.header("referrer-policy"), Some("strict-origin-when-cross-origin"));
            let csp = response.header("content-security-policy").expect("csp");
            assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        }
    });
}
