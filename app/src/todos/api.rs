//! Todo server functions: `/api/todos*`. Each needs a signed-in member of `org` (`BIZ_NOT_FOUND`
//! otherwise, also for another organization's todo) and the permission of the table
//! (`AUTH_FORBIDDEN`, `details.permission`).

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, Json, PostUrl},
};

use super::model::{
    BulkCompleteInput, BulkCreateInput, BulkIdsInput, CreateTodoInput, Deleted, ListTodosInput,
    Todo, TodoInput, TodoPage, UndoInput, UpdateTodoInput,
};
use crate::error::AppError;

/// `GET /api/todos?org=…` — a page of todos (`todos:read`): `sort` (`created`, `due`,
/// `priority`, `title`), `dir` (`asc`, `desc`), `status` (`all`, `open`, `done`), `priority`,
/// `assignee`, `creator`, `due_before`, `due_after`, `q`, `limit` (1–100), `cursor`.
#[server(prefix = "/api", endpoint = "todos", input = GetUrl)]
pub async fn list_todos(#[server(flatten)] input: ListTodosInput) -> Result<TodoPage, AppError> {
    super::service::list(input).await
}

/// `GET /api/todos/get?org=…&id=…` (`todos:read`).
#[server(prefix = "/api", endpoint = "todos/get", input = GetUrl)]
pub async fn get_todo(#[server(flatten)] input: TodoInput) -> Result<Todo, AppError> {
    super::service::get(input).await
}

/// `POST /api/todos/create` — `org`, `title`, optional `description`, `priority`, `due_date`,
/// `assigned_to` (`todos:create`; others than oneself: `todos:assign`).
#[server(prefix = "/api", endpoint = "todos/create", input = PostUrl)]
pub async fn create_todo(#[server(flatten)] input: CreateTodoInput) -> Result<Todo, AppError> {
    super::service::create(input).await
}

/// `POST /api/todos/update` — JSON: `org`, `id` and the fields to change; `null` clears
/// `description`, `due_date` or `assigned_to` (`todos:update`).
#[server(prefix = "/api", endpoint = "todos/update", input = Json)]
pub async fn update_todo(#[server(flatten)] input: UpdateTodoInput) -> Result<Todo, AppError> {
    super::service::update(input).await
}

/// `POST /api/todos/toggle` — `org`, `id` (`todos:update`).
#[server(prefix = "/api", endpoint = "todos/toggle", input = PostUrl)]
pub async fn toggle_todo(#[server(flatten)] input: TodoInput) -> Result<Todo, AppError> {
    super::service::toggle(input).await
}

/// `POST /api/todos/delete` — `org`, `id` (`todos:delete`): soft delete, answering an
/// `undo_token` valid for 10 seconds.
#[server(prefix = "/api", endpoint = "todos/delete", input = PostUrl)]
pub async fn delete_todo(#[server(flatten)] input: TodoInput) -> Result<Deleted, AppError> {
    super::service::delete(input).await
}

/// `POST /api/todos/undo` — `org`, `token` (`todos:delete`): restores what the delete
/// removed; answers how many. Errors: `BIZ_NOT_FOUND` (`undo`: unknown, expired, used).
#[server(prefix = "/api", endpoint = "todos/undo", input = PostUrl)]
pub async fn undo_delete(#[server(flatten)] input: UndoInput) -> Result<usize, AppError> {
    super::service::undo(input).await
}

/// `POST /api/todos/bulk-create` — JSON `{"org", "items": [{title, description, priority,
/// due_date, assigned_to}, …]}`, 1–100 items, one transaction: all or none (`todos:create`).
/// Errors name the item: `fields["items[57].title"]`.
#[server(prefix = "/api", endpoint = "todos/bulk-create", input = Json)]
pub async fn bulk_create_todos(
    #[server(flatten)] input: BulkCreateInput,
) -> Result<Vec<Todo>, AppError> {
    super::service::bulk_create(input).await
}

/// `POST /api/todos/bulk-delete` — JSON `{"org", "ids": […]}` (1–100, `todos:delete`):
/// soft delete with one undo token for all; recorded in the audit log.
#[server(prefix = "/api", endpoint = "todos/bulk-delete", input = Json)]
pub async fn bulk_delete_todos(
    #[server(flatten)] input: BulkIdsInput,
) -> Result<Deleted, AppError> {
    super::service::bulk_delete(input).await
}

/// `POST /api/todos/bulk-complete` — JSON `{"org", "ids": […], "completed": true}`
/// (`todos:update`); answers how many of the ids are the organization's live todos
/// (`BIZ_NOT_FOUND` when none).
#[server(prefix = "/api", endpoint = "todos/bulk-complete", input = Json)]
pub async fn bulk_complete_todos(
    #[server(flatten)] input: BulkCompleteInput,
) -> Result<usize, AppError> {
    super::service::bulk_complete(input).await
}
