//! The todos pages: `/o/{slug}/todos` (the table, its filters, quick add, export) and
//! `/o/{slug}/todos/{id}/edit`. Everything works through plain links and forms first; with
//! JavaScript, toggling and deleting are optimistic (with an "Undo" toast), the list follows
//! other people's changes live, and the export shows its progress.

mod browser;
mod edit;
mod list;
mod query;
mod table;

use std::collections::HashMap;

use leptos::prelude::*;

pub use edit::TodoEditPage;
pub use list::TodosPage;

use crate::orgs::model::MemberInfo;

/// The translation keys these pages pick from tables rather than name in a call (checked by
/// the translation tests).
pub fn indirect_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = table::SORTABLE.iter().map(|(_, key)| *key).collect();
    keys.extend(crate::ui::LIVE_KEYS);
    keys.extend(crate::todos::model::Priority::ALL.map(crate::todos::model::Priority::label_key));
    keys.extend(["todos-undo", "org-tab-todos", "todos-count", "todos-count-capped"]);
    keys
}

/// Members by user id, for the assignee column (name and picture) and the assignee pickers.
type Names = HashMap<String, MemberInfo>;

fn names_of(members: &[MemberInfo]) -> Names {
    members.iter().map(|m| (m.user_id.clone(), m.clone())).collect()
}

/// The options of an assignee picker, by name: every member for those who may assign, else
/// only the ids in `keep` (oneself, the current assignee).
fn assignable(names: &Names, can_assign: bool, keep: &[&str]) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = names
        .iter()
        .filter(|(id, _)| can_assign || keep.contains(&id.as_str()))
        .map(|(id, member)| (id.clone(), member.name.clone()))
        .collect();
    options.sort_by_key(|option| option.1.to_lowercase());
    options
}

/// `<option>`s for `options`, with `selected` chosen.
fn assignee_options(options: Vec<(String, String)>, selected: &str) -> impl IntoView + use<> {
    options
        .into_iter()
        .map(|(id, name)| {
            let chosen = id == selected;
            view! { <option value=id selected=chosen>{name}</option> }
        })
        .collect_view()
}

/// Today as `YYYY-MM-DD` in UTC: the same on the server and in the browser, so a due date
/// is flagged overdue identically in the HTML and after hydration.
fn today() -> String {
    #[cfg(feature = "ssr")]
    {
        chrono::Utc::now().format("%Y-%m-%d").to_string()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        js_sys::Date::new_0()
            .to_iso_string()
            .as_string()
            .unwrap_or_default()
            .chars()
            .take(10)
            .collect()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        String::new()
    }
}
