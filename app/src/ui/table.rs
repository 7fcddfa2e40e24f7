//! The header row of the data tables.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A `<thead>` with one column per translation key in `columns`, and a last, visually hidden
/// "Actions" column when `actions` is set.
#[component]
pub fn TableHead(
    /// Translation keys of the column titles.
    columns: &'static [&'static str],
    /// Whether the rows end with a column of actions.
    #[prop(optional)]
    actions: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <thead>
            <tr>
                {columns
                    .iter()
                    .map(|key| view! { <th scope="col">{move || i18n.t(key)}</th> })
                    .collect_view()}
                {actions
                    .then(|| {
                        view! {
                            <th scope="col">
                                <span class="visually-hidden">{move || i18n.t("table-actions")}</span>
                            </th>
                        }
                    })}
            </tr>
        </thead>
    }
}
