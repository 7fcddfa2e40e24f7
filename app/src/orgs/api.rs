//! Organization server functions: `/api/orgs/*`. All need a signed-in user; those acting on an
//! organization need a membership (`BIZ_NOT_FOUND` otherwise) and a permission
//! (`AUTH_FORBIDDEN`, `details.permission`).

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{
    AuditInput, AuditPage, ChangeRoleInput, CreateOrgInput, MemberInfo, MemberInput, OrgInput,
    OrgSummary, SlugInput, UpdateOrgInput,
};
use crate::error::AppError;

/// `GET /api/orgs` — the caller's organizations with the caller's role, by name.
#[server(prefix = "/api", endpoint = "orgs", input = GetUrl)]
pub async fn list_orgs() -> Result<Vec<OrgSummary>, AppError> {
    super::service::list().await
}

/// `GET /api/orgs/by-slug?slug=…` — the caller's organization with this slug and the caller's
/// role: how a page at `/o/{slug}` learns which organization it shows. Errors: `BIZ_NOT_FOUND`
/// (no such organization, or not a member).
#[server(prefix = "/api", endpoint = "orgs/by-slug", input = GetUrl)]
pub async fn org_by_slug(#[server(flatten)] input: SlugInput) -> Result<OrgSummary, AppError> {
    super::service::by_slug(input).await
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

/// `GET /api/orgs/members?org=…` — the organization's members (any member). Errors:
/// `BIZ_NOT_FOUND`.
#[server(prefix = "/api", endpoint = "orgs/members", input = GetUrl)]
pub async fn list_members(#[server(flatten)] input: OrgInput) -> Result<Vec<MemberInfo>, AppError> {
    super::service::members(input).await
}

/// `POST /api/orgs/members/role` — `org`, `user_id`, `role` (`member:update`; only owners make
/// or unmake owners). Errors: `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`, `BIZ_INVALID_STATE`
/// (`last_owner`), `VAL_*`.
#[server(prefix = "/api", endpoint = "orgs/members/role", input = PostUrl)]
pub async fn change_member_role(#[server(flatten)] input: ChangeRoleInput) -> Result<(), AppError> {
    super::service::change_role(input).await
}

/// `POST /api/orgs/members/remove` — `org`, `user_id` (`member:delete`; only owners remove
/// owners). Errors: `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`, `BIZ_INVALID_STATE` (`last_owner`).
#[server(prefix = "/api", endpoint = "orgs/members/remove", input = PostUrl)]
pub async fn remove_member(#[server(flatten)] input: MemberInput) -> Result<(), AppError> {
    super::service::remove_member(input).await
}

/// `POST /api/orgs/leave` — `org`. Errors: `BIZ_NOT_FOUND`, `BIZ_INVALID_STATE` (`last_owner`).
#[server(prefix = "/api", endpoint = "orgs/leave", input = PostUrl)]
pub async fn leave_org(#[server(flatten)] input: OrgInput) -> Result<(), AppError> {
    super::service::leave(input).await
}

/// `POST /api/orgs/transfer` — `org`, `user_id`: the member becomes an owner and the caller an
/// admin (owners only). Errors: `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`, `BIZ_INVALID_STATE`.
#[server(prefix = "/api", endpoint = "orgs/transfer", input = PostUrl)]
pub async fn transfer_ownership(#[server(flatten)] input: MemberInput) -> Result<(), AppError> {
    super::service::transfer(input).await
}

/// `GET /api/orgs/audit?org=…&before=…` — the audit log, 50 entries a page, newest first
/// (`audit:read`: owners, admins); `next` is the `before` of the following page. Errors:
/// `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`.
#[server(prefix = "/api", endpoint = "orgs/audit", input = GetUrl)]
pub async fn audit_log(#[server(flatten)] input: AuditInput) -> Result<AuditPage, AppError> {
    super::service::audit(input).await
}
