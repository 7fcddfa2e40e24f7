//! A translated error panel.

use leptos::prelude::*;

use crate::{error::AppError, i18n::use_i18n};

/// Shows `error` in the visitor's language, with the request id when there is one.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let key = error.code.message_key();
    let request_id = error.request_id.clone();
    view! {
        <section class="error-panel" role="alert">
            <h2>{move || i18n.t("error-title")}</h2>
            <p>{move || i18n.t(&key)}</p>
            <p class="error-code">
                <code>{error.code.as_str()}</code>
                {request_id
                    .map(|id| {
                        view! {
                            " · "
                            {move || i18n.t_args("error-request-id", &[("id", id.clone().into())])}
                        }
                    })}
            </p>
        </section>
    }
}
