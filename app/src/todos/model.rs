//! Todo types and inputs, shared by server and browser. Dates travel as `YYYY-MM-DD` text.

use garde::Validate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::{error::ErrorCode, validation::rule_error};

/// Longest title, in characters (after trimming).
pub const TITLE_MAX_CHARS: usize = 500;
/// Longest description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 10_000;
/// Largest page of the list.
pub const PAGE_MAX: u32 = 100;
/// Page size when none is asked for.
pub const PAGE_DEFAULT: u32 = 25;
/// How long a delete can be undone, in seconds.
pub const UNDO_SECONDS: i64 = 10;

/// How urgent a todo is. Stored as 1 / 3 / 5 / 7, leaving room between the levels; reading
/// maps ≤ 2 to low, ≤ 4 to medium, ≤ 6 to high, anything above to urgent.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// 1.
    Low,
    /// 3.
    #[default]
    Medium,
    /// 5.
    High,
    /// 7.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Self; 4] = [Self::Low, Self::Medium, Self::High, Self::Urgent];

    /// The stored number.
    pub fn stored(self) -> i32 {
        match self {
            Self::Low => 1,
            Self::Medium => 3,
            Self::High => 5,
            Self::Urgent => 7,
        }
    }

    /// The priority of a stored number.
    pub fn from_stored(value: i32) -> Self {
        match value {
            ..=2 => Self::Low,
            3..=4 => Self::Medium,
            5..=6 => Self::High,
            _ => Self::Urgent,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// The priority with this wire name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value.trim())
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Low => "priority-low",
            Self::Medium => "priority-medium",
            Self::High => "priority-high",
            Self::Urgent => "priority-urgent",
        }
    }
}

/// A todo as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Longer text, if any.
    pub description: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Due date (`YYYY-MM-DD`), if any.
    pub due_date: Option<String>,
    /// The member it is assigned to, if any.
    pub assigned_to: Option<String>,
    /// Done.
    pub completed: bool,
    /// Who created it (`None` once that account is gone).
    pub created_by: Option<String>,
    /// Created (`YYYY-MM-DDTHH:MM:SS` UTC).
    pub created_at: String,
    /// Last changed (`YYYY-MM-DDTHH:MM:SS` UTC).
    pub updated_at: String,
}

/// One page of the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodoPage {
    /// The todos of this page.
    pub todos: Vec<Todo>,
    /// Pass as `cursor` for the next page; `None` on the last one.
    pub next_cursor: Option<String>,
    /// Todos matching the filters, across all pages — counted up to 10,000.
    pub total: i64,
    /// More than `total` todos match (counting stopped at 10,000).
    #[serde(default)]
    pub total_capped: bool,
}

/// What deleting answers: the token that undoes it within [`UNDO_SECONDS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deleted {
    /// Pass to `POST /api/todos/undo`.
    pub undo_token: String,
    /// How many todos were deleted.
    pub count: usize,
}

fn title_rule(value: &str) -> garde::Result {
    let chars = value.trim().chars().count();
    if chars == 0 {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if chars > TITLE_MAX_CHARS {
        Err(rule_error(ErrorCode::ValTooLong))
    } else {
        Ok(())
    }
}

/// Input of `POST /api/todos/create` (a form: empty fields mean "none").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct CreateTodoInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// 1–500 characters after trimming.
    #[garde(custom(|v: &String, (): &()| title_rule(v)))]
    pub title: String,
    /// Up to 10,000 characters.
    #[serde(default)]
    #[garde(inner(length(chars, max = DESCRIPTION_MAX_CHARS)))]
    pub description: Option<String>,
    /// `low`, `medium` (default), `high` or `urgent`.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub priority: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub due_date: Option<String>,
    /// A member's user id.
    #[serde(default)]
    #[garde(inner(length(max = 64)))]
    pub assigned_to: Option<String>,
}

/// The fields of a new todo (one item of `POST /api/todos/bulk-create`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct TodoFields {
    /// 1–500 characters after trimming.
    #[garde(custom(|v: &String, (): &()| title_rule(v)))]
    pub title: String,
    /// Up to 10,000 characters.
    #[serde(default)]
    #[garde(inner(length(chars, max = DESCRIPTION_MAX_CHARS)))]
    pub description: Option<String>,
    /// `low`, `medium` (default), `high` or `urgent`.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub priority: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub due_date: Option<String>,
    /// A member's user id.
    #[serde(default)]
    #[garde(inner(length(max = 64)))]
    pub assigned_to: Option<String>,
}

impl From<CreateTodoInput> for TodoFields {
    fn from(input: CreateTodoInput) -> Self {
        Self {
            title: input.title,
            description: input.description,
            priority: input.priority,
            due_date: input.due_date,
            assigned_to: input.assigned_to,
        }
    }
}

/// Most todos one bulk call takes.
pub const BULK_MAX: usize = 100;

/// Input of `POST /api/todos/bulk-create` (JSON): all items or none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct BulkCreateInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// 1–100 todos; errors name the item (`items[57].title`).
    #[garde(length(min = 1, max = BULK_MAX), dive)]
    pub items: Vec<TodoFields>,
}

/// Input of `POST /api/todos/bulk-delete` (JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct BulkIdsInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// 1–100 todo ids.
    #[garde(length(min = 1, max = BULK_MAX), inner(length(min = 1, max = 64)))]
    pub ids: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Input of `POST /api/todos/bulk-complete` (JSON).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct BulkCompleteInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// 1–100 todo ids.
    #[garde(length(min = 1, max = BULK_MAX), inner(length(min = 1, max = 64)))]
    pub ids: Vec<String>,
    /// Done (default) or not done.
    #[serde(default = "yes")]
    #[garde(skip)]
    pub completed: bool,
}

#[allow(clippy::option_option)] // absent, null and a value are three different requests
/// Reads a field that may be absent (`None`: leave as is), `null` (`Some(None)`: clear) or a
/// value (`Some(Some(v))`).
fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[allow(clippy::ref_option)] // garde hands custom rules a reference to the field
fn patch_title_rule(value: &Option<String>) -> garde::Result {
    value.as_deref().map_or(Ok(()), title_rule)
}

#[allow(clippy::option_option, clippy::ref_option)]
fn patch_text_rule(value: &Option<Option<String>>, max: usize) -> garde::Result {
    match value {
        Some(Some(text)) if text.chars().count() > max => Err(rule_error(ErrorCode::ValTooLong)),
        _ => Ok(()),
    }
}

/// Input of `POST /api/todos/update` (JSON): only the fields present change; `null` clears
/// an optional one.
#[allow(clippy::option_option)] // absent, null and a value are three different requests
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct UpdateTodoInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The todo's id.
    #[garde(length(min = 1, max = 64))]
    pub id: String,
    /// New title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(custom(|v: &Option<String>, (): &()| patch_title_rule(v)))]
    pub title: Option<String>,
    /// New description, or `null`.
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[garde(custom(|v: &Option<Option<String>>, (): &()| patch_text_rule(v, DESCRIPTION_MAX_CHARS)))]
    pub description: Option<Option<String>>,
    /// New priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub priority: Option<String>,
    /// New due date, or `null`.
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub due_date: Option<Option<String>>,
    /// New assignee, or `null`.
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[garde(custom(|v: &Option<Option<String>>, (): &()| patch_text_rule(v, 64)))]
    pub assigned_to: Option<Option<String>>,
}

/// Input naming one todo.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct TodoInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The todo's id.
    #[garde(length(min = 1, max = 64))]
    pub id: String,
}

/// Input of `POST /api/todos/undo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct UndoInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The token the delete answered.
    #[garde(length(min = 1, max = 128))]
    pub token: String,
}

/// Input of `GET /api/todos` (every field text, as query strings carry it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ListTodosInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// `created` (default), `due`, `priority` or `title`.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub dir: Option<String>,
    /// `all` (default), `open` or `done`.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub status: Option<String>,
    /// Only this priority.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub priority: Option<String>,
    /// Only todos assigned to this user id.
    #[serde(default)]
    #[garde(inner(length(max = 64)))]
    pub assignee: Option<String>,
    /// Only todos created by this user id.
    #[serde(default)]
    #[garde(inner(length(max = 64)))]
    pub creator: Option<String>,
    /// Only todos due on or before this date.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub due_before: Option<String>,
    /// Only todos due on or after this date.
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub due_after: Option<String>,
    /// Text in the title or description (case-insensitive).
    #[serde(default)]
    #[garde(inner(length(chars, max = 200)))]
    pub q: Option<String>,
    /// Page size, 1–100 (default 25).
    #[serde(default)]
    #[garde(skip)] // parsed at the edge (`todos::input`)
    pub limit: Option<String>,
    /// From `next_cursor` of the previous page.
    #[serde(default)]
    #[garde(inner(length(max = 512)))]
    pub cursor: Option<String>,
}

/// What happened to an organization's todos, as `/api/ws/todos` pushes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TodoEventKind {
    /// New todos.
    Created,
    /// Changed fields, or done / not done.
    Updated,
    /// Soft-deleted (restorable for [`UNDO_SECONDS`]).
    Deleted,
    /// Brought back by an undo.
    Restored,
}

/// One realtime message: which todos changed, how and by whom. It carries ids, not content:
/// a client re-reads what it shows, through the same permission checks as any read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TodoEvent {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: TodoEventKind,
    /// The todos concerned.
    pub ids: Vec<String>,
    /// The member who did it.
    pub actor: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_map_from_their_stored_numbers() {
        for priority in Priority::ALL {
            assert_eq!(Priority::from_stored(priority.stored()), priority);
        }
        assert_eq!(Priority::from_stored(2), Priority::Low);
        assert_eq!(Priority::from_stored(4), Priority::Medium);
        assert_eq!(Priority::from_stored(6), Priority::High);
        assert_eq!(Priority::from_stored(9), Priority::Urgent);
    }

    #[test]
    fn null_clears_and_absence_keeps() {
        let patch: UpdateTodoInput =
            serde_json::from_str(r#"{"org":"o","id":"t","due_date":null,"title":"x"}"#)
                .expect("json");
        assert_eq!(patch.due_date, Some(None));
        assert_eq!(patch.description, None);
        assert_eq!(patch.title.as_deref(), Some("x"));
    }
}
