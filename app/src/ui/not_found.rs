//! The page for unknown paths.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::use_i18n;

/// "Page not found", sent with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <section class="not-found">
            <h1>{move || i18n.t("not-found-title")}</h1>
            <p>{move || i18n.t("not-found-body")}</p>
            <A href="/">{move || i18n.t("not-found-home")}</A>
        </section>
    }
}
