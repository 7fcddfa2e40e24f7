//! Organization server functions: `/api/orgs/*`. All need a signed-in user; those acting on an
//! organization need a membership (`BIZ_NOT_FOUND` otherwise) and a permission
//! (`AUTH_FORBIDDEN`, `details.permission`).

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{CreateOrgInput, OrgInput, OrgSummary, UpdateOrgInput};
use crate::error::AppError;

/// `GET /api/orgs` — the caller's organizations with the caller's role, by name.
#[server(prefix = "/api", endpoint = "orgs", input = GetUrl)]
pub async fn list_orgs() -> Result<Vec<OrgSummary>, AppError> {
    super::service::list().await
}

/// `POST /api/orgs/create` — `name`, optional `slug` (made from the name when empty). The
/// caller becomes its owner. Errors: `VAL_*`, `BIZ_DUPLICATE_ENTRY` (`slug`).
#[server(prefix = "/api", endpoint = "orgs/create", input = PostUrl)]
pub async fn create_org(#[server(flatten)] input: CreateOrgInput) -> Result<OrgSummary, AppError> {
    super::service::create(input).await
}

/// `POST /api/orgs/update` — `org`, `name`, `slug` (`organization:update`). Errors: `VAL_*`,
/// `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`, `BIZ_DUPLICATE_ENTRY` (`slug`).
#[server(prefix = "/api", endpoint = "orgs/update", input = PostUrl)]
pub async fn update_org(#[server(flatten)] input: UpdateOrgInput) -> Result<OrgSummary, AppError> {
    super::service::update(input).await
}

/// `POST /api/orgs/delete` — `org` (`organization:delete`: owners). Errors: `BIZ_NOT_FOUND`,
/// `AUTH_FORBIDDEN`, `BIZ_INVALID_STATE` (`paid_subscription`).
#[server(prefix = "/api", endpoint = "orgs/delete", input = PostUrl)]
pub async fn delete_org(#[server(flatten)] input: OrgInput) -> Result<(), AppError> {
    super::service::delete(input).await
}
