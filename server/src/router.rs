//! The router: HTTP-only routes, server functions, pages, static files and the layers around them.

use app::{App, shell, state::AppState};
use axum::{
    Router,
    http::Request,
    middleware,
    routing::{any, get},
};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{export, health, layers, realtime, session_layer};

/// Builds the whole application router over `state`.
pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            leptos::nonce::provide_nonce();
        }
    };
    let pages_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    let mut app = Router::new()
        .route("/api/health", get(health::health))
        .route("/api/export/todos", get(export::todos))
        .route("/api/ws/todos", get(realtime::todos))
        .route("/api/{*rest}", any(layers::api_not_found))
        .leptos_routes_with_context(&state, routes, context.clone(), pages_shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell));

    // Innermost first: CSRF is checked before the session is looked up.
    app = app
        .layer(middleware::from_fn_with_state(state.clone(), session_layer::session_layer))
        .layer(middleware::from_fn_with_state(state.clone(), session_layer::csrf_guard));
    for (name, value) in layers::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app.layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(state.platform.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), layers::json_payload_too_large))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request
                        .headers()
                        .get(app::request::REQUEST_ID_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(middleware::from_fn(layers::request_id))
        .with_state(state)
}
