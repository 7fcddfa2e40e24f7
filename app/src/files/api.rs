//! File server functions: the attachments of a todo, and removing a picture or an attachment
//! (plain forms post to them; `DELETE /api/avatars` and `DELETE /api/orgs/logo` do the same for
//! programs). Uploads are HTTP routes of their own ([`super::http`]).

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{Attachment, AttachmentInput, AttachmentsInput, LogoInput};
use crate::error::AppError;

/// `GET /api/todos/attachments?org=…&todo=…` — the todo's attachments, oldest first
/// (`todos:read`).
#[server(prefix = "/api", endpoint = "todos/attachments", input = GetUrl)]
pub async fn list_attachments(
    #[server(flatten)] input: AttachmentsInput,
) -> Result<Vec<Attachment>, AppError> {
    super::service::list_attachments(input).await
}

/// `POST /api/todos/attachments/delete` — `org`, `id` (`todos:update`).
#[server(prefix = "/api", endpoint = "todos/attachments/delete", input = PostUrl)]
pub async fn delete_attachment(#[server(flatten)] input: AttachmentInput) -> Result<(), AppError> {
    super::service::delete_attachment(input).await
}

/// `POST /api/avatars/delete` — the caller's picture removed.
#[server(prefix = "/api", endpoint = "avatars/delete", input = PostUrl)]
pub async fn delete_avatar() -> Result<(), AppError> {
    super::service::delete_avatar().await
}

/// `POST /api/orgs/logo/delete` — `org` (`organization:update`).
#[server(prefix = "/api", endpoint = "orgs/logo/delete", input = PostUrl)]
pub async fn delete_logo(#[server(flatten)] input: LogoInput) -> Result<(), AppError> {
    super::service::delete_logo(input).await
}
