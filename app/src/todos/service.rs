//! Todo flows: each enters the organization through [`OrgScope`] with a permission of the
//! table, and touches only that organization's rows.

use chrono::{Datelike as _, NaiveDate, NaiveDateTime};
use platform::Platform;
use serde::{Deserialize, Serialize};

use super::{
    model::{
        BulkCompleteInput, BulkCreateInput, BulkIdsInput, CreateTodoInput, Deleted, ListTodosInput,
        PAGE_DEFAULT, Priority, Todo, TodoEvent, TodoEventKind, TodoEventsInput, TodoFields,
        TodoInput, TodoPage, UNDO_SECONDS, UndoInput, UpdateTodoInput,
    },
    store::{self, Cursor, Filters, NewTodo, Sort, TodoChanges, TodoRow},
};
use crate::{
    auth::server::AuthContext,
    error::{AppError, ErrorCode},
    orgs::{
        permissions::Permission,
        scope::{OrgId, OrgScope},
        store as orgs,
    },
    validation::text::is_refused,
};

crate::org_inputs!(
    ListTodosInput,
    TodoInput,
    CreateTodoInput,
    UpdateTodoInput,
    BulkCreateInput,
    BulkIdsInput,
    BulkCompleteInput,
    UndoInput,
    TodoEventsInput,
);

/// The pub/sub channel of an organization's todo events.
pub fn events_channel(org_id: OrgId<'_>) -> String {
    format!("todos:{org_id}")
}

/// Tells every open `/api/ws/todos` of the organization, on every instance, what changed.
/// Called after the change is committed; a lost event costs a client a stale view until its
/// next resync, never a failed request, so a pub/sub failure is only logged.
async fn publish(platform: &Platform, org: &OrgScope, kind: TodoEventKind, ids: Vec<String>) {
    let event = TodoEvent { kind, ids, actor: org.user_id().to_owned() };
    let Ok(message) = serde_json::to_string(&event) else { return };
    if let Err(error) = platform.pubsub.publish(&events_channel(org.id()), &message).await {
        tracing::warn!(%error, org_id = %org.id(), "todo event not published");
    }
}

fn timestamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The API form of a stored todo.
pub fn to_todo(row: TodoRow) -> Todo {
    Todo {
        priority: Priority::from_stored(row.priority),
        due_date: row.due_date.map(|date| date.to_string()),
        created_at: timestamp(row.created_at),
        updated_at: timestamp(row.updated_at),
        id: row.id,
        title: row.title,
        description: row.description,
        assigned_to: row.assigned_to,
        completed: row.completed,
        created_by: row.created_by,
    }
}

fn todo_not_found() -> AppError {
    AppError::not_found("todo")
}

/// A calendar date of the years 1 to 9999, the range both databases store and sort alike
/// (PostgreSQL refuses dates before 4713 BC; SQLite compares dates as text).
fn in_range(date: NaiveDate) -> Option<NaiveDate> {
    (1..=9999).contains(&date.year()).then_some(date)
}

fn date(value: &str, field: &str) -> Result<NaiveDate, AppError> {
    value
        .trim()
        .parse()
        .ok()
        .and_then(in_range)
        .ok_or_else(|| AppError::invalid_field(field, ErrorCode::ValInvalidFormat))
}

/// Text that is empty after trimming counts as absent.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Checks an assignment: only owners and admins (`todos:assign`) assign to others, a member
/// only to themselves; the assignee must belong to the organization (`VAL_INVALID_FORMAT` on
/// `assigned_to` otherwise).
async fn check_assignee(
    platform: &Platform,
    org: &OrgScope,
    assignee: Option<&str>,
    field: &str,
) -> Result<(), AppError> {
    let Some(assignee) = assignee else { return Ok(()) };
    if assignee != org.user_id() {
        org.also(Permission::TodosAssign)?;
    }
    if orgs::membership(&platform.db, org.id().as_str(), assignee).await?.is_none() {
        return Err(AppError::invalid_field(field, ErrorCode::ValInvalidFormat));
    }
    Ok(())
}

/// A validated new todo, ready to insert.
struct Prepared {
    id: String,
    title: String,
    description: Option<String>,
    priority: Priority,
    due_date: Option<NaiveDate>,
    assigned_to: Option<String>,
}

impl Prepared {
    fn new_todo<'a>(&'a self, org: &'a OrgScope, now: NaiveDateTime) -> NewTodo<'a> {
        NewTodo {
            id: &self.id,
            title: &self.title,
            description: self.description.as_deref(),
            priority: self.priority.stored(),
            due_date: self.due_date,
            assigned_to: self.assigned_to.as_deref(),
            completed: false,
            created_by: Some(org.user_id()),
            created_at: now,
            updated_at: now,
        }
    }

    fn into_todo(self, org: &OrgScope, now: NaiveDateTime) -> Todo {
        Todo {
            id: self.id,
            title: self.title,
            description: self.description,
            priority: self.priority,
            due_date: self.due_date.map(|d| d.to_string()),
            assigned_to: self.assigned_to,
            completed: false,
            created_by: Some(org.user_id().to_owned()),
            created_at: timestamp(now),
            updated_at: timestamp(now),
        }
    }
}

/// Checks what garde cannot (the assignee) and parses `fields`; errors name fields with
/// `prefix` (`items[3].` in bulk).
async fn prepare(
    platform: &Platform,
    org: &OrgScope,
    fields: TodoFields,
    prefix: &str,
) -> Result<Prepared, AppError> {
    let assignee = present(fields.assigned_to.as_deref()).map(str::to_owned);
    check_assignee(platform, org, assignee.as_deref(), &format!("{prefix}assigned_to")).await?;
    Ok(Prepared {
        id: platform::clock::new_id(),
        title: fields.title.trim().to_owned(),
        description: fields.description.filter(|d| !d.trim().is_empty()),
        priority: present(fields.priority.as_deref()).and_then(Priority::parse).unwrap_or_default(),
        due_date: present(fields.due_date.as_deref())
            .map(|d| date(d, &format!("{prefix}due_date")))
            .transpose()?,
        assigned_to: assignee,
    })
}

/// What a list request asks for, parsed.
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

fn bad_cursor() -> AppError {
    AppError::invalid_field("cursor", ErrorCode::ValInvalidFormat)
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
fn cursor_text(cursor: &Cursor) -> String {
    let (value, id) = match cursor {
        Cursor::Created(at, id) => (at.format(CREATED_FORMAT).to_string(), id),
        Cursor::Due(date, id) => (date.to_string(), id),
        Cursor::Priority(priority, id) => (priority.to_string(), id),
        Cursor::Title(title, id) => (title.clone(), id),
    };
    let wire = WireCursor { value, id: id.clone() };
    platform::token::to_opaque(&serde_json::to_vec(&wire).unwrap_or_default())
}

/// A client's cursor for a list in `sort` order, or `VAL_INVALID_FORMAT` on `cursor` when it
/// is not one: not ours, of another sort, or holding a value no row can have (a date outside
/// the years 1–9999, text no field may hold).
fn parse_cursor(text: &str, sort: Sort) -> Result<Cursor, AppError> {
    let wire: WireCursor = platform::token::from_opaque(text)
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(|wire: &WireCursor| !is_refused(&wire.id, false) && !is_refused(&wire.value, false))
        .ok_or_else(bad_cursor)?;
    let WireCursor { value, id } = wire;
    let cursor = match sort {
        Sort::Created => NaiveDateTime::parse_from_str(&value, CREATED_FORMAT)
            .ok()
            .filter(|at| in_range(at.date()).is_some())
            .map(|at| Cursor::Created(at, id)),
        Sort::Due => value.parse().ok().and_then(in_range).map(|date| Cursor::Due(date, id)),
        Sort::Priority => value.parse().ok().map(|priority| Cursor::Priority(priority, id)),
        Sort::Title => Some(Cursor::Title(value, id)),
    };
    cursor.ok_or_else(bad_cursor)
}

/// Parses a (validated) list request.
pub fn parse_list(input: &ListTodosInput) -> Result<ListQuery, AppError> {
    let sort = match present(input.sort.as_deref()) {
        Some("due") => Sort::Due,
        Some("priority") => Sort::Priority,
        Some("title") => Sort::Title,
        _ => Sort::Created,
    };
    let filters = Filters {
        completed: match present(input.status.as_deref()) {
            Some("open") => Some(false),
            Some("done") => Some(true),
            _ => None,
        },
        priority: present(input.priority.as_deref()).and_then(Priority::parse).map(|p| match p {
            Priority::Low => (i32::MIN, 2),
            Priority::Medium => (3, 4),
            Priority::High => (5, 6),
            Priority::Urgent => (7, i32::MAX),
        }),
        assignee: present(input.assignee.as_deref()).map(str::to_owned),
        creator: present(input.creator.as_deref()).map(str::to_owned),
        due_before: present(input.due_before.as_deref())
            .map(|d| date(d, "due_before"))
            .transpose()?,
        due_after: present(input.due_after.as_deref()).map(|d| date(d, "due_after")).transpose()?,
        text: present(input.q.as_deref()).map(str::to_owned),
    };
    let cursor =
        present(input.cursor.as_deref()).map(|text| parse_cursor(text, sort)).transpose()?;
    Ok(ListQuery {
        filters,
        sort,
        desc: present(input.dir.as_deref()) != Some("asc"),
        cursor,
        limit: present(input.limit.as_deref()).and_then(|l| l.parse().ok()).unwrap_or(PAGE_DEFAULT),
    })
}

/// What an export streams to `auth` (`todos:read`, checked as every read is): the
/// organization and the parsed filters and order. The caller pages through [`store::list`].
pub async fn export_query(
    platform: &Platform,
    auth: &AuthContext,
    input: &ListTodosInput,
) -> Result<(OrgScope, ListQuery), AppError> {
    let org = OrgScope::check(platform, auth, input, Permission::TodosRead).await?;
    Ok((org, parse_list(input)?))
}

/// The organization whose events `GET /api/ws/todos` may stream to `auth`: the same rule as
/// every read (membership, then `todos:read`). Called when the socket opens and again while it
/// stays open, so a removed member stops receiving.
pub async fn events_org(
    platform: &Platform,
    auth: &AuthContext,
    input: &TodoEventsInput,
) -> Result<OrgScope, AppError> {
    OrgScope::check(platform, auth, input, Permission::TodosRead).await
}

/// A page of the organization's todos (`todos:read`).
pub async fn list(input: ListTodosInput) -> Result<TodoPage, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosRead).await?;
    let ListQuery { filters, sort, desc, cursor, limit } = parse_list(&input)?;
    let (mut rows, total) = store::list(
        &platform.db,
        org.id(),
        &filters,
        sort,
        desc,
        cursor.as_ref(),
        i64::from(limit) + 1,
        true,
    )
    .await?;
    let (total, total_capped) = total.unwrap_or_default();
    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if rows.len() > page {
        rows.truncate(page);
        rows.last().map(|row| cursor_text(&store::cursor_of(row, sort)))
    } else {
        None
    };
    Ok(TodoPage {
        todos: rows.into_iter().map(to_todo).collect(),
        next_cursor,
        total,
        total_capped,
    })
}

/// One todo (`todos:read`).
pub async fn get(input: TodoInput) -> Result<Todo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosRead).await?;
    let row = store::get(&platform.db, org.id(), &input.id).await?.ok_or_else(todo_not_found)?;
    Ok(to_todo(row))
}

/// Creates a todo (`todos:create`; assigning to someone else needs `todos:assign`).
pub async fn create(input: CreateTodoInput) -> Result<Todo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosCreate).await?;
    let todo = prepare(&platform, &org, TodoFields::from(input), "").await?;
    let now = platform::clock::now_utc();
    store::insert(&platform.db, org.id(), todo.new_todo(&org, now)).await?;
    let todo = todo.into_todo(&org, now);
    publish(&platform, &org, TodoEventKind::Created, vec![todo.id.clone()]).await;
    Ok(todo)
}

/// Creates 1–100 todos in one transaction: all of them, or none when any item is invalid
/// (its errors are named `items[i].field`).
pub async fn bulk_create(input: BulkCreateInput) -> Result<Vec<Todo>, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosCreate).await?;
    let mut prepared = Vec::with_capacity(input.items.len());
    for (index, fields) in input.items.into_iter().enumerate() {
        prepared.push(prepare(&platform, &org, fields, &format!("items[{index}].")).await?);
    }
    let now = platform::clock::now_utc();
    let rows: Vec<NewTodo<'_>> = prepared.iter().map(|todo| todo.new_todo(&org, now)).collect();
    store::insert_all(&platform.db, org.id(), &rows).await?;
    tracing::info!(org_id = %org.id(), count = rows.len(), "todos created in bulk");
    let todos: Vec<Todo> = prepared.into_iter().map(|todo| todo.into_todo(&org, now)).collect();
    let ids = todos.iter().map(|todo| todo.id.clone()).collect();
    publish(&platform, &org, TodoEventKind::Created, ids).await;
    Ok(todos)
}

/// Deletes 1–100 todos (`todos:delete`), undoably for [`UNDO_SECONDS`], recorded in the
/// organization's audit log in the same transaction.
pub async fn bulk_delete(input: BulkIdsInput) -> Result<Deleted, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosDelete).await?;
    let entry = orgs::AuditEntry::new("todos.bulk_deleted", org.user_id());
    delete_ids(&platform, &org, input.ids, Some(&entry)).await
}

/// Marks 1–100 todos done (or, with `completed: false`, not done) (`todos:update`); answers
/// how many of the ids are live todos of the organization, `BIZ_NOT_FOUND` when none is.
pub async fn bulk_complete(input: BulkCompleteInput) -> Result<usize, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosUpdate).await?;
    let count = store::set_completed(&platform.db, org.id(), &input.ids, input.completed).await?;
    if count == 0 {
        return Err(todo_not_found());
    }
    publish(&platform, &org, TodoEventKind::Updated, input.ids).await;
    Ok(count)
}

/// Changes the fields present in the input (`todos:update`; `null` clears an optional field).
pub async fn update(input: UpdateTodoInput) -> Result<Todo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosUpdate).await?;
    let assignee = input.assigned_to.as_ref().map(|a| present(a.as_deref()).map(str::to_owned));
    if let Some(Some(assignee)) = &assignee {
        check_assignee(&platform, &org, Some(assignee), "assigned_to").await?;
    }
    let changes = TodoChanges {
        title: input.title.as_deref().map(|t| t.trim().to_owned()),
        description: input.description.map(|d| d.filter(|d| !d.trim().is_empty())),
        priority: input.priority.as_deref().and_then(Priority::parse).map(Priority::stored),
        due_date: input
            .due_date
            .map(|d| present(d.as_deref()).map(|d| date(d, "due_date")).transpose())
            .transpose()?,
        assigned_to: assignee,
        completed: None,
        updated_at: Some(platform::clock::now_utc()),
    };
    let row = store::update(&platform.db, org.id(), &input.id, &changes)
        .await?
        .ok_or_else(todo_not_found)?;
    publish(&platform, &org, TodoEventKind::Updated, vec![row.id.clone()]).await;
    Ok(to_todo(row))
}

/// Marks a todo done, or not done again (`todos:update`).
pub async fn toggle(input: TodoInput) -> Result<Todo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosUpdate).await?;
    let row = store::toggle(&platform.db, org.id(), &input.id).await?.ok_or_else(todo_not_found)?;
    publish(&platform, &org, TodoEventKind::Updated, vec![row.id.clone()]).await;
    Ok(to_todo(row))
}

/// What an undo token stands for (kept in the cache for [`UNDO_SECONDS`]).
#[derive(Serialize, Deserialize)]
struct Undo {
    org: String,
    ids: Vec<String>,
    at: NaiveDateTime,
}

fn undo_key(token: &str) -> String {
    format!("todo-undo:{}", platform::token::hash_token(token))
}

/// Soft-deletes `ids` and hands out the token that restores them within [`UNDO_SECONDS`].
async fn delete_ids(
    platform: &Platform,
    org: &OrgScope,
    ids: Vec<String>,
    entry: Option<&orgs::AuditEntry>,
) -> Result<Deleted, AppError> {
    let at = platform::clock::now_utc();
    let deleted = store::soft_delete(&platform.db, org.id(), &ids, at, entry).await?;
    if deleted.is_empty() {
        return Err(todo_not_found());
    }
    let token = platform::token::new_token();
    let count = deleted.len();
    let undo = Undo { org: org.id().to_string(), ids: deleted, at };
    let ttl = std::time::Duration::from_secs(u64::try_from(UNDO_SECONDS).unwrap_or(10));
    let json = serde_json::to_string(&undo).map_err(AppError::internal)?;
    platform.cache.set(&undo_key(&token), &json, ttl).await?;
    publish(platform, org, TodoEventKind::Deleted, undo.ids).await;
    Ok(Deleted { undo_token: token, count })
}

/// Deletes a todo (`todos:delete`), undoably for [`UNDO_SECONDS`].
pub async fn delete(input: TodoInput) -> Result<Deleted, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosDelete).await?;
    delete_ids(&platform, &org, vec![input.id], None).await
}

/// Restores what a delete removed (`todos:delete`); an unknown, expired or another
/// organization's token is `BIZ_NOT_FOUND`.
pub async fn undo(input: UndoInput) -> Result<usize, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosDelete).await?;
    let key = undo_key(&input.token);
    let gone = || AppError::not_found("undo");
    let undo: Undo = platform
        .cache
        .get(&key)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok())
        .ok_or_else(gone)?;
    let fresh = platform::clock::now_utc() - undo.at <= chrono::Duration::seconds(UNDO_SECONDS);
    if undo.org != org.id().as_str() || !fresh {
        return Err(gone());
    }
    platform.cache.delete(&key).await?;
    let restored = store::restore(&platform.db, org.id(), &undo.ids, undo.at).await?;
    if restored > 0 {
        publish(&platform, &org, TodoEventKind::Restored, undo.ids).await;
    }
    Ok(restored)
}
