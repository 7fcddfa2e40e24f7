//! Todo flows: each enters the organization through [`OrgScope`] with a permission of the
//! table, and touches only that organization's rows.

use chrono::NaiveDateTime;
use platform::Platform;
use serde::{Deserialize, Serialize};
use tracing::field::Empty;

use super::{
    input::{self, ListQuery, TodoDraft},
    model::{
        BulkCompleteInput, BulkCreateInput, BulkIdsInput, CreateTodoInput, Deleted, ListTodosInput,
        Priority, Todo, TodoEvent, TodoEventKind, TodoInput, TodoPage, UNDO_SECONDS, UndoInput,
        UpdateTodoInput,
    },
    store::{self, NewTodo, TodoRow},
};
use crate::{
    audit::AuditEntry,
    auth::server::AuthContext,
    error::{AppError, ErrorCode},
    orgs::{
        feed::Feed,
        permissions::Permission,
        scope::{OrgId, OrgScope},
    },
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
);

/// The todos' live feed, `GET /api/ws/todos?org=…`: what changed, to members with
/// `todos:read`.
pub const FEED: Feed = Feed { prefix: "todos", permission: Permission::TodosRead };

/// The pub/sub channel of an organization's todo events.
pub fn events_channel(org_id: OrgId<'_>) -> String {
    FEED.channel(org_id.as_str())
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
    if !org.has_member(platform, assignee).await? {
        return Err(AppError::invalid_field(field, ErrorCode::ValInvalidFormat));
    }
    Ok(())
}

/// A parsed new todo whose assignee was checked, ready to insert.
struct Prepared {
    id: String,
    draft: TodoDraft,
}

impl Prepared {
    fn new_todo<'a>(&'a self, org: &'a OrgScope, now: NaiveDateTime) -> NewTodo<'a> {
        let draft = &self.draft;
        NewTodo {
            id: &self.id,
            title: &draft.title,
            description: draft.description.as_deref(),
            priority: draft.priority.stored(),
            due_date: draft.due_date,
            assigned_to: draft.assigned_to.as_deref(),
            completed: false,
            created_by: Some(org.user_id()),
            created_at: now,
            updated_at: now,
        }
    }

    fn into_todo(self, org: &OrgScope, now: NaiveDateTime) -> Todo {
        let TodoDraft { title, description, priority, due_date, assigned_to } = self.draft;
        Todo {
            id: self.id,
            title,
            description,
            priority,
            due_date: due_date.map(|d| d.to_string()),
            assigned_to,
            completed: false,
            created_by: Some(org.user_id().to_owned()),
            created_at: timestamp(now),
            updated_at: timestamp(now),
        }
    }
}

/// Checks what only the database knows (the assignee) of a parsed draft; errors name fields
/// with `prefix` (`items[3].` in bulk).
async fn prepare(
    platform: &Platform,
    org: &OrgScope,
    draft: TodoDraft,
    prefix: &str,
) -> Result<Prepared, AppError> {
    let field = format!("{prefix}assigned_to");
    check_assignee(platform, org, draft.assigned_to.as_deref(), &field).await?;
    Ok(Prepared { id: platform::clock::new_id(), draft })
}

/// What an export streams to `auth` (`todos:read`, checked as every read is): the
/// organization and the parsed filters and order. The caller pages through [`store::list`].
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn export_query(
    platform: &Platform,
    auth: &AuthContext,
    input: &ListTodosInput,
) -> Result<(OrgScope, ListQuery), AppError> {
    OrgScope::check_parsed(platform, auth, input, Permission::TodosRead).await
}

/// A page of the organization's todos (`todos:read`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn list(input: ListTodosInput) -> Result<TodoPage, AppError> {
    let (platform, org, query) = OrgScope::enter_parsed(&input, Permission::TodosRead).await?;
    let ListQuery { filters, sort, desc, cursor, limit } = query;
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
        rows.last().map(|row| input::cursor_text(&store::cursor_of(row, sort)))
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
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn get(input: TodoInput) -> Result<Todo, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosRead).await?;
    let row = store::get(&platform.db, org.id(), &input.id).await?.ok_or_else(todo_not_found)?;
    Ok(to_todo(row))
}

/// Creates a todo (`todos:create`; assigning to someone else needs `todos:assign`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn create(input: CreateTodoInput) -> Result<Todo, AppError> {
    let (platform, org, draft) = OrgScope::enter_parsed(&input, Permission::TodosCreate).await?;
    let todo = prepare(&platform, &org, draft, "").await?;
    let now = platform::clock::now_utc();
    store::insert_all(&platform.db, org.id(), &[todo.new_todo(&org, now)]).await??;
    let todo = todo.into_todo(&org, now);
    publish(&platform, &org, TodoEventKind::Created, vec![todo.id.clone()]).await;
    Ok(todo)
}

/// Creates 1–100 todos in one transaction: all of them, or none when any item is invalid
/// (its errors are named `items[i].field`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn bulk_create(input: BulkCreateInput) -> Result<Vec<Todo>, AppError> {
    let (platform, org, drafts) = OrgScope::enter_parsed(&input, Permission::TodosCreate).await?;
    let mut prepared = Vec::with_capacity(drafts.len());
    for (index, draft) in drafts.into_iter().enumerate() {
        prepared.push(prepare(&platform, &org, draft, &format!("items[{index}].")).await?);
    }
    let now = platform::clock::now_utc();
    let rows: Vec<NewTodo<'_>> = prepared.iter().map(|todo| todo.new_todo(&org, now)).collect();
    store::insert_all(&platform.db, org.id(), &rows).await??;
    tracing::info!(org_id = %org.id(), count = rows.len(), "todos created in bulk");
    let todos: Vec<Todo> = prepared.into_iter().map(|todo| todo.into_todo(&org, now)).collect();
    let ids = todos.iter().map(|todo| todo.id.clone()).collect();
    publish(&platform, &org, TodoEventKind::Created, ids).await;
    Ok(todos)
}

/// Deletes 1–100 todos (`todos:delete`), undoably for [`UNDO_SECONDS`], recorded in the
/// organization's audit log in the same transaction.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn bulk_delete(input: BulkIdsInput) -> Result<Deleted, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosDelete).await?;
    let entry = AuditEntry::new("todos.bulk_deleted", org.user_id());
    delete_ids(&platform, &org, input.ids, Some(&entry)).await
}

/// Marks 1–100 todos done (or, with `completed: false`, not done) (`todos:update`); answers
/// how many of the ids are live todos of the organization, `BIZ_NOT_FOUND` when none is.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
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
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn update(input: UpdateTodoInput) -> Result<Todo, AppError> {
    let (platform, org, mut changes) =
        OrgScope::enter_parsed(&input, Permission::TodosUpdate).await?;
    if let Some(Some(assignee)) = &changes.assigned_to {
        check_assignee(&platform, &org, Some(assignee), "assigned_to").await?;
    }
    changes.updated_at = Some(platform::clock::now_utc());
    let row = store::update(&platform.db, org.id(), &input.id, &changes)
        .await?
        .ok_or_else(todo_not_found)?;
    publish(&platform, &org, TodoEventKind::Updated, vec![row.id.clone()]).await;
    Ok(to_todo(row))
}

/// Marks a todo done, or not done again (`todos:update`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
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
    entry: Option<&AuditEntry>,
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
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn delete(input: TodoInput) -> Result<Deleted, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::TodosDelete).await?;
    delete_ids(&platform, &org, vec![input.id], None).await
}

/// Restores what a delete removed (`todos:delete`); an unknown, expired or another
/// organization's token is `BIZ_NOT_FOUND`.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
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
