//! The signed-out home page.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    auth::view::use_current_user,
    i18n::use_i18n,
    system::{SystemInfo, system_status},
    ui::Loaded,
};

/// Translation keys (title, body) of the feature cards.
pub const FEATURE_KEYS: [(&str, &str); 4] = [
    ("feature-orgs-title", "feature-orgs-body"),
    ("feature-billing-title", "feature-billing-body"),
    ("feature-realtime-title", "feature-realtime-body"),
    ("feature-deploy-title", "feature-deploy-body"),
];

/// What the product is, and whether this instance is healthy.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Arrival />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">{move || i18n.t("home-title")}</h1>
            <p class="lead">{move || i18n.t("home-lead")}</p>
            <Show when=move || use_current_user().get().is_none()>
                <p class="hero-actions">
                    <A href="/sign-up" attr:class="btn btn-primary">{move || i18n.t("home-get-started")}</A>
                </p>
            </Show>
        </section>
        <section class="features" aria-labelledby="features-title">
            <h2 id="features-title">{move || i18n.t("features-title")}</h2>
            <ul>
                {FEATURE_KEYS
                    .into_iter()
                    .map(|(title, body)| {
                        view! {
                            <li>
                                <h3>{move || i18n.t(title)}</h3>
                                <p>{move || i18n.t(body)}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <StatusPanel />
    }
}

/// What a redirect here has just done (`?verified=1`, `?account_deleted=1`,
/// `?invitation_declined=1`), said in words; and for a signed-in person, the way on to their
/// organizations.
#[component]
fn Arrival() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let current = use_current_user();
    let notice = move || {
        let query = query.read();
        ARRIVALS.into_iter().find(|(flag, _)| query.get(flag).is_some()).map(|(_, key)| key)
    };
    view! {
        {move || {
            notice()
                .map(|key| {
                    view! {
                        <p class="notice success" role="status" data-testid="arrival">
                            {move || i18n.t(key)}
                        </p>
                    }
                })
        }}
        {move || {
            current
                .get()
                .map(|_| {
                    view! {
                        <p class="home-continue">
                            <A href="/orgs" attr:class="btn btn-primary">{move || i18n.t("home-go-to-orgs")}</A>
                        </p>
                    }
                })
        }}
    }
}

/// The query flags of the redirects that end on the home page, and their messages.
pub const ARRIVALS: [(&str, &str); 3] = [
    ("verified", "arrival-verified"),
    ("account_deleted", "arrival-account-deleted"),
    ("invitation_declined", "arrival-invitation-declined"),
];

/// The instance's version and backends, loaded through `GET /api/system/status`.
#[component]
fn StatusPanel() -> impl IntoView {
    let i18n = use_i18n();
    let status = Resource::new(|| (), |()| system_status());
    view! {
        <section class="status" aria-labelledby="status-title">
            <h2 id="status-title">{move || i18n.t("status-title")}</h2>
            <Loaded resource=status ok=move |status| view! { <StatusList status /> } />
        </section>
    }
}

#[component]
fn StatusList(status: SystemInfo) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="status-list">
            <dt>{move || i18n.t("status-version")}</dt>
            <dd data-testid="status-version">{status.version}</dd>
            <dt>{move || i18n.t("status-database")}</dt>
            <dd data-testid="status-database">{status.database}</dd>
            <dt>{move || i18n.t("status-cache")}</dt>
            <dd data-testid="status-cache">{status.cache}</dd>
        </dl>
    }
}
