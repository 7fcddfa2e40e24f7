//! The card of a page that shows one thing (signing in or up, a mailed link's landing): a
//! section labelled by its heading.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A card headed by the translation of `title`; `id` names the heading (the section's label).
#[component]
pub fn AuthCard(id: &'static str, title: &'static str, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="auth-card" aria-labelledby=id>
            <h1 id=id>{move || i18n.t(title)}</h1>
            {children()}
        </section>
    }
}
