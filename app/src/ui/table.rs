//! The data tables: a header row of translated column titles, in a box that scrolls sideways
//! on its own when the table is wider than the screen (the page never does).

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// A table of records. Headers never wrap; cells break only words too long for a line of their
/// own; on a narrow screen the table scrolls inside its box.
///
/// The head is [`TableHead`] of `columns` (and `actions`), or `head` when the columns need
/// more than a title (sort links).
#[component]
pub fn DataTable(
    /// Translation keys of the column titles.
    #[prop(optional)]
    columns: &'static [&'static str],
    /// Whether the rows end with a column of actions.
    #[prop(optional)]
    actions: bool,
    /// A head of the table's own, instead of `columns`.
    #[prop(optional, into)]
    head: Option<ViewFn>,
    /// Extra classes of the `<table>`.
    #[prop(optional)]
    class: &'static str,
    /// `data-testid` of the `<table>`.
    #[prop(optional)]
    testid: &'static str,
    /// The rows.
    children: Children,
) -> impl IntoView {
    let class =
        if class.is_empty() { "data-table".to_owned() } else { format!("data-table {class}") };
    let head = match head {
        Some(head) => head.run(),
        None => view! { <TableHead columns actions /> }.into_any(),
    };
    view! {
        // Focusable: on a narrow screen the box scrolls, and a keyboard must be able to scroll it.
        <div class="table-scroll" tabindex="0">
            <table class=class data-testid=(!testid.is_empty()).then_some(testid)>
                {head}
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

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
                {actions.then(|| view! { <ActionsHeader /> })}
            </tr>
        </thead>
    }
}

/// The last header of a table whose rows end with actions: named for screen readers only.
#[component]
pub fn ActionsHeader() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <th scope="col">
            <span class="visually-hidden">{move || i18n.t("table-actions")}</span>
        </th>
    }
}
