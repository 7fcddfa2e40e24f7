//! Tabs between the pages of one area (settings, an organization, administration).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::use_i18n;

/// A navigation list of `(path, label key)` links; the one for the current path, and only
/// that one, is marked `aria-current="page"`. Plain links (the router still navigates them on
/// the client): the router's `<A>` also marks a link current on every page below it, which
/// would mark an area's first tab (`/o/acme`) on all the others (`/o/acme/todos`).
#[component]
pub fn Tabs(
    /// Translation key of the navigation's accessible name.
    label: &'static str,
    /// The tabs: path and translation key of the title.
    items: Vec<(String, &'static str)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    view! {
        <nav class="tabs" aria-label=move || i18n.t(label)>
            <ul>
                {items
                    .into_iter()
                    .map(|(path, key)| {
                        let here = path.clone();
                        view! {
                            <li>
                                <a href=path aria-current=move || (location.pathname.get() == here).then_some("page")>
                                    {move || i18n.t(key)}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
