//! Every service call runs in a span named for its function that carries the caller
//! (`user_id`) and, for an organization's functions, the tenant (`org_id`) — recorded before
//! the permission check, so a refused call is attributed too.

use crate::common;

use std::{
    collections::HashMap,
    fmt::Debug,
    sync::{Arc, LazyLock, Mutex},
    time::Duration,
};

use axum::http::StatusCode;
use common::{TestApp, block_on};
use tracing::{
    Subscriber,
    field::{Field, Visit},
    span,
};
use tracing_subscriber::{Layer, layer::Context, prelude::*, registry::LookupSpan};

/// A closed span of the app: where it was declared and the values it ended with.
#[derive(Clone, Debug)]
struct Closed {
    target: String,
    name: String,
    fields: HashMap<String, String>,
}

/// Keeps every closed span whose target is in the `app` crate.
struct Capture(Arc<Mutex<Vec<Closed>>>);

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let metadata = attrs.metadata();
        if !metadata.target().starts_with("app::") {
            return;
        }
        let mut closed = Closed {
            target: metadata.target().to_owned(),
            name: metadata.name().to_owned(),
            fields: HashMap::new(),
        };
        attrs.record(&mut Fields(&mut closed.fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(closed);
        }
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id)
            && let Some(closed) = span.extensions_mut().get_mut::<Closed>()
        {
            values.record(&mut Fields(&mut closed.fields));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(closed) = span.extensions_mut().remove::<Closed>()
        {
            self.0.lock().expect("spans").push(closed);
        }
    }
}

/// The spans closed since the capture was installed (once, for the whole test binary).
static CLOSED: LazyLock<Arc<Mutex<Vec<Closed>>>> = LazyLock::new(|| {
    let closed = Arc::new(Mutex::new(Vec::new()));
    tracing_subscriber::registry()
        .with(Capture(closed.clone()))
        .try_init()
        .expect("no other global subscriber in the test binary");
    closed
});

/// Waits (a span closes as its call's future is dropped) for the span of `target::name`
/// that recorded `field = value`.
async fn span_of(target: &str, name: &str, field: &str, value: &str) -> Closed {
    for _ in 0..100 {
        let found = CLOSED
            .lock()
            .expect("spans")
            .iter()
            .rev()
            .find(|span| {
                span.target == target
                    && span.name == name
                    && span.fields.get(field).map(String::as_str) == Some(value)
            })
            .cloned();
        if let Some(span) = found {
            return span;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no span {target}::{name} with {field} = {value}");
}

#[test]
fn each_service_call_is_a_span_with_its_tenant_and_caller() {
    LazyLock::force(&CLOSED);
    block_on(async {
        for app in TestApp::each_backend().await {
            let owner = app.user("owner@example.com").await;
            let org = app.org(&owner, "Span Co").await;

            let form = format!("org={}&title=Traced", org.id);
            let created = app.post_as(&owner, "/api/todos/create", &form).await;
            assert_eq!(created.status, StatusCode::OK, "{}", created.text());
            let span = span_of("app::todos::service", "create", "org_id", &org.id).await;
            assert_eq!(span.fields.get("user_id"), Some(&owner.id), "{span:?}");

            // Refused (not a member): the span still names who asked for which organization.
            let stranger = app.user("stranger@example.com").await;
            let refused = app.get_by(&stranger, &format!("/api/orgs/members?org={}", org.id)).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text());
            let span = span_of("app::orgs::service", "members", "user_id", &stranger.id).await;
            assert_eq!(span.fields.get("org_id"), Some(&org.id), "{span:?}");

            // An account's own function carries the caller alone.
            let sessions = app.get_by(&owner, "/api/account/sessions").await;
            assert_eq!(sessions.status, StatusCode::OK, "{}", sessions.text());
            let span =
                span_of("app::account::service", "list_sessions", "user_id", &owner.id).await;
            assert!(!span.fields.contains_key("org_id"), "{span:?}");
        }
    });
}
