//! The signed-out home page.

use leptos::prelude::*;

use crate::{
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
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">{move || i18n.t("home-title")}</h1>
            <p class="lead">{move || i18n.t("home-lead")}</p>
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
