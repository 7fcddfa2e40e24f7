//! A resource's view once it has loaded: "Loading…" until then, the error panel if it failed.

use leptos::prelude::*;

use super::ErrorView;
use crate::{error::AppError, i18n::use_i18n};

/// `resource` under a `<Suspense>`: `ok` of its value once loaded, [`ErrorView`] if the
/// load failed.
#[component]
pub fn Loaded<T, F, V>(resource: Resource<Result<T, AppError>>, ok: F) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    view! {
        <Suspense fallback=move || view! { <p>{move || i18n.t("status-loading")}</p> }>
            {move || {
                let ok = ok.clone();
                resource
                    .get()
                    .map(move |result| match result {
                        Ok(value) => ok(value).into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}
