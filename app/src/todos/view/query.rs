//! The list's state lives in the page URL (`?sort=…&dir=…&status=…&q=…&cursor=…`), so every
//! view of it is a link: shareable, bookmarkable, and usable without JavaScript.

use leptos_router::params::ParamsMap;

use crate::{auth::model::percent_encode, todos::model::ListTodosInput};

/// The list parameters of the URL, for organization `org`.
pub fn from_query(org: &str, query: &ParamsMap) -> ListTodosInput {
    let get = |name: &str| query.get(name).filter(|value| !value.trim().is_empty());
    ListTodosInput {
        org: org.to_owned(),
        sort: get("sort"),
        dir: get("dir"),
        status: get("status"),
        priority: get("priority"),
        assignee: get("assignee"),
        creator: get("creator"),
        due_before: get("due_before"),
        due_after: get("due_after"),
        q: get("q"),
        limit: get("limit"),
        cursor: get("cursor"),
    }
}

/// The filters and order of `input` as query pairs (no organization, page or cursor).
fn filter_pairs(input: &ListTodosInput) -> Vec<(&'static str, &str)> {
    [
        ("sort", &input.sort),
        ("dir", &input.dir),
        ("status", &input.status),
        ("priority", &input.priority),
        ("assignee", &input.assignee),
        ("creator", &input.creator),
        ("due_before", &input.due_before),
        ("due_after", &input.due_after),
        ("q", &input.q),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_deref().map(|value| (name, value)))
    .collect()
}

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The link to the list at `base` with `input`'s filters, page size and cursor.
pub fn href(base: &str, input: &ListTodosInput) -> String {
    let mut pairs = filter_pairs(input);
    if let Some(limit) = &input.limit {
        pairs.push(("limit", limit));
    }
    if let Some(cursor) = &input.cursor {
        pairs.push(("cursor", cursor));
    }
    if pairs.is_empty() { base.to_owned() } else { format!("{base}?{}", encode(&pairs)) }
}

/// Whether `input` narrows the list (an empty result then means "no match", not "no todos").
pub fn is_filtered(input: &ListTodosInput) -> bool {
    [
        &input.status,
        &input.priority,
        &input.assignee,
        &input.creator,
        &input.due_before,
        &input.due_after,
        &input.q,
    ]
    .iter()
    .any(|value| value.as_deref().is_some_and(|v| v != "all"))
}

/// The sort of `input` (`created` unless set) and whether it runs descending.
pub fn sort_of(input: &ListTodosInput) -> (&str, bool) {
    let sort = input.sort.as_deref().unwrap_or("created");
    (sort, input.dir.as_deref().map_or(default_desc(sort), |dir| dir == "desc"))
}

/// The natural direction of each column: newest, most urgent first; due dates and titles
/// from the start.
fn default_desc(sort: &str) -> bool {
    matches!(sort, "created" | "priority")
}

/// The link that sorts by `column`: the other way round when it is the current sort, its
/// natural direction otherwise; always from the first page.
pub fn sort_href(base: &str, input: &ListTodosInput, column: &str) -> String {
    let (current, desc) = sort_of(input);
    let desc = if current == column { !desc } else { default_desc(column) };
    let next = ListTodosInput {
        sort: Some(column.to_owned()),
        dir: Some(if desc { "desc" } else { "asc" }.to_owned()),
        cursor: None,
        ..input.clone()
    };
    href(base, &next)
}

/// `GET /api/export/todos` with `input`'s filters and order, in `format`.
pub fn export_href(input: &ListTodosInput, format: &str) -> String {
    let mut pairs = vec![("org", input.org.as_str()), ("format", format)];
    pairs.extend(filter_pairs(input));
    format!("/api/export/todos?{}", encode(&pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ListTodosInput {
        ListTodosInput { org: "o1".into(), ..ListTodosInput::default() }
    }

    #[test]
    fn links_carry_filters_and_encode_text() {
        let mut list = input();
        list.q = Some("milk & eggs".into());
        list.status = Some("open".into());
        list.cursor = Some("abc".into());
        assert_eq!(
            href("/o/x/todos", &list),
            "/o/x/todos?status=open&q=milk%20%26%20eggs&cursor=abc"
        );
        assert_eq!(
            export_href(&list, "csv"),
            "/api/export/todos?org=o1&format=csv&status=open&q=milk%20%26%20eggs"
        );
        assert_eq!(href("/o/x/todos", &input()), "/o/x/todos");
    }

    #[test]
    fn sorting_flips_the_current_column_and_starts_others_naturally() {
        let mut list = input();
        list.cursor = Some("abc".into());
        assert_eq!(sort_href("/t", &list, "created"), "/t?sort=created&dir=asc");
        assert_eq!(sort_href("/t", &list, "title"), "/t?sort=title&dir=asc");
        list.sort = Some("title".into());
        list.dir = Some("asc".into());
        assert_eq!(sort_href("/t", &list, "title"), "/t?sort=title&dir=desc");
        assert_eq!(sort_href("/t", &list, "priority"), "/t?sort=priority&dir=desc");
    }

    #[test]
    fn only_narrowing_parameters_count_as_filters() {
        let mut list = input();
        list.sort = Some("title".into());
        list.status = Some("all".into());
        assert!(!is_filtered(&list));
        list.q = Some("x".into());
        assert!(is_filtered(&list));
    }
}
