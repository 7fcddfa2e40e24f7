//! Server-rendered pages: language negotiation, 404s, the page CSP and its nonce.

use crate::common;

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use common::TestApp;
use platform::testing::TestDatabase;

#[test]
fn the_home_page_renders_in_the_negotiated_language() {
    common::block_on(async {
        let app = TestApp::start(TestDatabase::sqlite(), None).await;
        let english = app.get("/").await;
        assert_eq!(english.status, StatusCode::OK);
        let html = english.text();
        assert!(html.contains(r#"<html lang="en" data-theme="system""#), "{html:.300}");
        assert!(html.contains("Ship your SaaS on a foundation that scales"));
        assert!(html.contains(r#"<label for="locale-picker">Language</label>"#));

        let spanish = app
            .send(
                Request::get("/")
                    .header(header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9,en;q=0.5")
                    .header(header::COOKIE, "theme=dark")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        let html = spanish.text();
        assert!(html.contains(r#"<html lang="es" data-theme="dark""#), "{html:.300}");
        assert!(html.contains("Lanza tu SaaS sobre una base que escala"));
    });
}

#[test]
fn the_page_csp_allows_exactly_its_own_nonce() {
    common::block_on(async {
        let app = TestApp::start(TestDatabase::sqlite(), None).await;
        let response = app.get("/").await;
        let csp = response.header("content-security-policy").expect("csp").to_owned();
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("nonce in policy");
        assert!(nonce.len() >= 16, "{csp}");
        assert!(
            response.text().contains(&format!(r#"nonce="{nonce}""#)),
            "scripts carry the nonce"
        );
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-inline"));

        let again = app.get("/").await;
        assert_ne!(again.header("content-security-policy"), Some(csp.as_str()), "fresh nonce");

        // Under concurrent load every page, the 404 page included, names its own nonce.
        let app = std::sync::Arc::new(app);
        let pages = (0..40).map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                app.get(if i % 4 == 0 { "/no-such-page" } else { "/sign-in" }).await
            })
        });
        for page in futures::future::join_all(pages).await {
            let page = page.expect("answered");
            let csp = page.header("content-security-policy").expect("csp");
            let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next());
            let nonce = nonce.expect("a page policy, not the fallback");
            assert!(page.text().contains(&format!(r#"nonce="{nonce}""#)), "{csp}");
        }
    });
}

#[test]
fn unknown_pages_are_404_html() {
    common::block_on(async {
        let app = TestApp::start(TestDatabase::sqlite(), None).await;
        let response = app.get("/no/such/page").await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
        assert!(response.header("content-type").is_some_and(|t| t.starts_with("text/html")));
        assert!(response.text().contains("Page not found"));
    });
}

#[test]
fn a_failing_section_shows_the_translated_error_panel() {
    common::block_on(async {
        let db = TestDatabase::sqlite();
        let mut config = db.config(None);
        config.database = platform::config::DatabaseConfig::Sqlite {
            path: db.data_dir.path().join("gone/app.db"),
        };
        let app = TestApp::with_platform(platform::Platform::new(config).expect("lazy"), db).await;
        let response = app
            .send(
                Request::get("/")
                    .header(header::ACCEPT_LANGUAGE, "es")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "the rest of the page still renders");
        let html = response.text();
        assert!(html.contains(r#"role="alert""#), "{html}");
        assert!(html.contains("Algo salió mal"));
        assert!(html.contains("El servicio no está disponible temporalmente"));
        assert!(html.contains("SYS_SERVICE_UNAVAILABLE"));
    });
}
