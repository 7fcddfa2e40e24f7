//! The edge of the todos feature: each input parsed once ([`Parse`]) into what the service and
//! the store work with — a [`Priority`], a [`NaiveDate`], a [`Sort`], a typed [`Cursor`] —
//! with `VAL_INVALID_FORMAT` on the field that is not one. Text that is empty after trimming
//! counts as absent, as in a form.

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::{
    model::{
        BulkCreateInput, CreateTodoInput, ListTodosInput, PAGE_DEFAULT, PAGE_MAX, Priority,
        TodoFields, UpdateTodoInput,
    },
    store::{Cursor, Filters, Sort, TodoChanges},
};
use crate::{
    error::ErrorCode,
    validation::{FieldErrors, Parse, text::is_refused},
};

const INVALID: ErrorCode = ErrorCode::ValInvalidFormat;

/// Text that is empty after trimming counts as absent.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// A calendar date of the years 1 to 9999, the range both databases store and sort alike
/// (PostgreSQL refuses dates before 4713 BC; SQLite compares dates as text).
fn in_range(date: NaiveDate) -> Option<NaiveDate> {
    (1..=9999).contains(&date.year()).then_some(date)
}

/// A date written exactly `YYYY-MM-DD`.
fn date(value: &str) -> Result<NaiveDate, ErrorCode> {
    let shaped = value.len() == 10
        && value
            .bytes()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    shaped
        .then(|| NaiveDate::parse_from_str(value, "%Y-%m-%d").ok())
        .flatten()
        .and_then(in_range)
        .ok_or(INVALID)
}

/// An optional date field: absent, or a date.
fn optional_date(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<NaiveDate> {
    present(value).and_then(|text| errors.field(field, date(text)))
}

fn priority(value: &str) -> Result<Priority, ErrorCode> {
    Priority::parse(value).ok_or(INVALID)
}

/// One of `choices` (by wire name), or the first when absent.
fn choice<T: Copy>(value: Option<&str>, choices: &[(&str, T)]) -> Result<T, ErrorCode> {
    match present(value) {
        None => Ok(choices[0].1),
        Some(text) => {
            choices.iter().find(|(name, _)| *name == text).map(|(_, v)| *v).ok_or(INVALID)
        }
    }
}

/// A new todo's fields, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TodoDraft {
    /// Trimmed.
    pub title: String,
    /// `None` when empty.
    pub description: Option<String>,
    /// Medium when absent.
    pub priority: Priority,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// The member's user id (checked against the organization by the service).
    pub assigned_to: Option<String>,
}

impl TodoFields {
    /// These fields as a draft; errors are named `{prefix}field` (`items[3].due_date`).
    fn draft(&self, errors: &mut FieldErrors, prefix: &str) -> TodoDraft {
        let priority = present(self.priority.as_deref())
            .and_then(|text| errors.field(&format!("{prefix}priority"), priority(text)));
        TodoDraft {
            title: self.title.trim().to_owned(),
            description: self.description.clone().filter(|d| !d.trim().is_empty()),
            priority: priority.unwrap_or_default(),
            due_date: optional_date(errors, &format!("{prefix}due_date"), self.due_date.as_deref()),
            assigned_to: present(self.assigned_to.as_deref()).map(str::to_owned),
        }
    }
}

impl Parse for CreateTodoInput {
    type Parsed = TodoDraft;

    fn parse(&self, errors: &mut FieldErrors) -> Option<TodoDraft> {
        Some(TodoFields::from(self.clone()).draft(errors, ""))
    }
}

impl Parse for BulkCreateInput {
    type Parsed = Vec<TodoDraft>;

    fn parse(&self, errors: &mut FieldErrors) -> Option<Vec<TodoDraft>> {
        let draft = |(i, item): (usize, &TodoFields)| item.draft(errors, &format!("items[{i}]."));
        Some(self.items.iter().enumerate().map(draft).collect())
    }
}

impl Parse for UpdateTodoInput {
    /// The columns to change (`updated_at` is the service's to set).
    type Parsed = TodoChanges;

    fn parse(&self, errors: &mut FieldErrors) -> Option<TodoChanges> {
        Some(TodoChanges {
            title: self.title.as_deref().map(|t| t.trim().to_owned()),
            description: self.description.clone().map(|d| d.filter(|d| !d.trim().is_empty())),
            priority: self
                .priority
                .as_deref()
                .and_then(|text| errors.field("priority", priority(text)))
                .map(Priority::stored),
            due_date: self
                .due_date
                .as_ref()
                .map(|d| optional_date(errors, "due_date", d.as_deref())),
            assigned_to: self
                .assigned_to
                .as_ref()
                .map(|a| present(a.as_deref()).map(str::to_owned)),
            completed: None,
            updated_at: None,
        })
    }
}

/// What a list request asks for, parsed.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// The filters.
    pub filters: Filters,
    /// The sort key.
    pub sort: Sort,
    /// Descending.
    pub desc: bool,
    /// Where the page starts.
    pub cursor: Option<Cursor>,
    /// Page size.
    pub limit: u32,
}

const SORTS: [(&str, Sort); 4] = [
    ("created", Sort::Created),
    ("due", Sort::Due),
    ("priority", Sort::Priority),
    ("title", Sort::Title),
];

impl Parse for ListTodosInput {
    type Parsed = ListQuery;

    fn parse(&self, errors: &mut FieldErrors) -> Option<ListQuery> {
        let sort = errors.field("sort", choice(self.sort.as_deref(), &SORTS));
        let filters = Filters {
            completed: errors
                .field(
                    "status",
                    choice(
                        self.status.as_deref(),
                        &[("all", None), ("open", Some(false)), ("done", Some(true))],
                    ),
                )
                .flatten(),
            priority: present(self.priority.as_deref())
                .and_then(|text| errors.field("priority", priority(text)))
                .map(|p| match p {
                    Priority::Low => (i32::MIN, 2),
                    Priority::Medium => (3, 4),
                    Priority::High => (5, 6),
                    Priority::Urgent => (7, i32::MAX),
                }),
            assignee: present(self.assignee.as_deref()).map(str::to_owned),
            creator: present(self.creator.as_deref()).map(str::to_owned),
            due_before: optional_date(errors, "due_before", self.due_before.as_deref()),
            due_after: optional_date(errors, "due_after", self.due_after.as_deref()),
            text: present(self.q.as_deref()).map(str::to_owned),
        };
        let limit = present(self.limit.as_deref()).map(|text| match text.parse() {
            Ok(limit @ 1..=PAGE_MAX) => Ok(limit),
            _ => Err(INVALID),
        });
        // A cursor is read for the sort it was made for: only once the sort is known.
        let cursor = present(self.cursor.as_deref())
            .zip(sort)
            .and_then(|(text, sort)| errors.field("cursor", parse_cursor(text, sort)));
        Some(ListQuery {
            filters,
            sort: sort.unwrap_or(Sort::Created),
            desc: errors
                .field("dir", choice(self.dir.as_deref(), &[("desc", true), ("asc", false)]))
                .unwrap_or(true),
            cursor,
            limit: limit.and_then(|l| errors.field("limit", l)).unwrap_or(PAGE_DEFAULT),
        })
    }
}

/// A cursor as clients hold it (opaque: URL-safe base64 of this JSON): the sort value as text
/// and the id of the last row of the page before.
#[derive(Serialize, Deserialize)]
struct WireCursor {
    value: String,
    id: String,
}

const CREATED_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// The opaque form of `cursor`, as `next_cursor` gives it.
pub fn cursor_text(cursor: &Cursor) -> String {
    let (value, id) = match cursor {
        Cursor::Created(at, id) => (at.format(CREATED_FORMAT).to_string(), id),
        Cursor::Due(date, id) => (date.to_string(), id),
        Cursor::Priority(priority, id) => (priority.to_string(), id),
        Cursor::Title(title, id) => (title.clone(), id),
    };
    let wire = WireCursor { value, id: id.clone() };
    platform::token::to_opaque(&serde_json::to_vec(&wire).unwrap_or_default())
}

/// A client's cursor for a list in `sort` order; not one when it is not ours, of another
/// sort, or holding a value no row can have (a date outside the years 1–9999, text no field
/// may hold).
fn parse_cursor(text: &str, sort: Sort) -> Result<Cursor, ErrorCode> {
    let WireCursor { value, id } = platform::token::from_opaque(text)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(|wire: &WireCursor| !is_refused(&wire.id, false) && !is_refused(&wire.value, false))
        .ok_or(INVALID)?;
    let cursor = match sort {
        Sort::Created => NaiveDateTime::parse_from_str(&value, CREATED_FORMAT)
            .ok()
            .filter(|at| in_range(at.date()).is_some())
            .map(|at| Cursor::Created(at, id)),
        Sort::Due => value.parse().ok().and_then(in_range).map(|date| Cursor::Due(date, id)),
        Sort::Priority => value.parse().ok().map(|priority| Cursor::Priority(priority, id)),
        Sort::Title => Some(Cursor::Title(value, id)),
    };
    cursor.ok_or(INVALID)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::parse;

    #[test]
    fn dates_are_calendar_dates_written_in_full() {
        assert_eq!(date("2026-02-28"), Ok(NaiveDate::from_ymd_opt(2026, 2, 28).expect("date")));
        assert!(date("2024-02-29").is_ok());
        for bad in ["2026-02-29", "2026-13-01", "26-01-01", "2026-1-01", "0000-01-01", "+202-01-01"]
        {
            assert_eq!(date(bad), Err(INVALID), "{bad}");
        }
    }

    #[test]
    fn a_list_query_is_parsed_once_with_each_bad_field_named() {
        let input = ListTodosInput {
            org: "o".into(),
            sort: Some(" due ".into()),
            dir: Some("asc".into()),
            status: Some("done".into()),
            priority: Some("high".into()),
            due_after: Some("2026-01-01".into()),
            limit: Some("10".into()),
            ..ListTodosInput::default()
        };
        let query = parse(&input).expect("valid");
        assert_eq!((query.sort, query.desc, query.limit), (Sort::Due, false, 10));
        assert_eq!(query.filters.completed, Some(true));
        assert_eq!(query.filters.priority, Some((5, 6)));
        assert_eq!(query.filters.due_after, NaiveDate::from_ymd_opt(2026, 1, 1));

        let bad = ListTodosInput {
            org: "o".into(),
            sort: Some("size".into()),
            dir: Some("up".into()),
            limit: Some("101".into()),
            due_before: Some("2026-02-30".into()),
            cursor: Some("not-ours".into()),
            ..ListTodosInput::default()
        };
        let error = parse(&bad).expect_err("invalid");
        let mut fields: Vec<&str> = error.fields.keys().map(String::as_str).collect();
        fields.sort_unstable();
        // The cursor is not judged against a sort that is itself wrong.
        assert_eq!(fields, ["dir", "due_before", "limit", "sort"]);
        assert_eq!(error.code, INVALID);
    }

    #[test]
    fn a_patch_keeps_absent_fields_and_clears_null_ones() {
        let patch: UpdateTodoInput =
            serde_json::from_str(r#"{"org":"o","id":"t","due_date":null,"priority":"urgent"}"#)
                .expect("json");
        let changes = parse(&patch).expect("valid");
        assert_eq!(changes.due_date, Some(None));
        assert_eq!(changes.priority, Some(Priority::Urgent.stored()));
        assert_eq!((changes.title, changes.description), (None, None));
    }

    #[test]
    fn bulk_items_name_their_index() {
        let item = |due: &str| TodoFields {
            title: "t".into(),
            due_date: Some(due.into()),
            ..TodoFields::default()
        };
        let input =
            BulkCreateInput { org: "o".into(), items: vec![item("2026-01-01"), item("soon")] };
        let error = parse(&input).expect_err("invalid");
        assert_eq!(error.fields.keys().collect::<Vec<_>>(), ["items[1].due_date"]);
    }
}
