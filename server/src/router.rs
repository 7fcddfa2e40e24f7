//! The router: HTTP-only routes, server functions, pages, static files and the layers around them.

use app::{App, shell, state::AppState};
use axum::{
    Router,
    body::Body,
    extract::State,
    http::{HeaderValue, Request, StatusCode, Uri, header},
    middleware,
    response::Response,
    routing::{any, get},
};
use futures::future::BoxFuture;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower_http::{
    compression::CompressionLayer,
    set_header::SetResponseHeaderLayer,
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::{assets, form_values, health, layers, session_layer};

/// The fallback: a public file (`favicon.svg`…), cached for a while as its name never changes,
/// or the "page not found" page.
fn public_files_or_not_found(
    context: impl Fn() + Clone + Send + 'static,
) -> impl Fn(Uri, State<AppState>, Request<Body>) -> BoxFuture<'static, Response> + Clone + Send + 'static
{
    let files_or_not_found = file_and_error_handler_with_context::<AppState, _>(context, shell);
    move |uri, state, request| {
        let response = files_or_not_found(uri, state, request);
        Box::pin(async move {
            let mut response = response.await;
            if response.status() == StatusCode::OK {
                response
                    .headers_mut()
                    .entry(header::CACHE_CONTROL)
                    .or_insert(HeaderValue::from_static(assets::PUBLIC_FILE));
            }
            response
        })
    }
}

/// Builds the whole application router over `state`.
pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // The nonce [`layers::page_csp`] names in the page's policy.
            let nonce = use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<layers::PageNonce>().cloned());
            match nonce {
                Some(layers::PageNonce(nonce)) => {
                    provide_context(leptos::nonce::Nonce::from_value(nonce));
                }
                None => leptos::nonce::provide_nonce(),
            }
        }
    };
    let pages_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    let mut app = Router::new().route("/api/health", get(health::health));
    for (path, route) in app::features::routes() {
        app = app.route(path, route);
    }
    app = app
        .route("/api/{*rest}", any(layers::api_not_found))
        .leptos_routes_with_context(&state, routes, context.clone(), pages_shell)
        .fallback(public_files_or_not_found(context));

    // Innermost first: CSRF is checked before the session is looked up.
    app = app
        .layer(middleware::from_fn_with_state(state.clone(), form_values::keep_form_values))
        .layer(middleware::from_fn_with_state(state.clone(), session_layer::session_layer))
        .layer(middleware::from_fn_with_state(state.clone(), session_layer::csrf_guard));
    // The client files need no session: served outside those two layers.
    app = app.merge(assets::pkg_router(&state.leptos_options));
    // Pages and API answers carry per-user data: never stored unless a handler says otherwise.
    app = app.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static(assets::NOT_STORED),
    ));
    for (name, value) in layers::security_headers() {
        app = app.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    app = app.layer(middleware::from_fn_with_state(state.clone(), layers::page_csp));
    app.layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(state.clone(), layers::body_limit))
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
