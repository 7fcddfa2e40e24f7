//! Invitation server functions. Those of an organization (`/api/orgs/invitations/*`) need a
//! signed-in member with the permission; those of a link (`/api/invitations/*`) take its token.

use leptos::{
    prelude::*,
    server_fn::codec::{GetUrl, PostUrl},
};

use super::model::{
    InvitationInfo, InvitationInput, InvitationPreview, InvitationTokenInput, InviteInput,
};
use crate::{
    error::AppError,
    orgs::model::{OrgInput, OrgSummary},
};

/// `GET /api/orgs/invitations?org=…` — open invitations, newest first, expired ones flagged
/// (`invitation:create`). Errors: `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`.
#[server(prefix = "/api", endpoint = "orgs/invitations", input = GetUrl)]
pub async fn list_invitations(
    #[server(flatten)] input: OrgInput,
) -> Result<Vec<InvitationInfo>, AppError> {
    super::service::list(input).await
}

/// `POST /api/orgs/invitations/create` — `org`, `email`, `role` (`admin`, `member`, `viewer`)
/// (`invitation:create`). Mails a link valid for 48 hours; an open invitation to the same
/// address is replaced. Errors: `VAL_*`, `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN` (also
/// `reason: email_unverified`), `BIZ_DUPLICATE_ENTRY` (`email`: already a member),
/// `BIZ_LIMIT_EXCEEDED` (`limit: members`), `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "orgs/invitations/create", input = PostUrl)]
pub async fn invite_member(
    #[server(flatten)] input: InviteInput,
) -> Result<InvitationInfo, AppError> {
    super::service::create(input).await
}

/// `POST /api/orgs/invitations/resend` — `org`, `invitation` (`invitation:create`): a new link,
/// valid for 48 hours; the old one stops working. Errors: `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`,
/// `SYS_RATE_LIMIT`.
#[server(prefix = "/api", endpoint = "orgs/invitations/resend", input = PostUrl)]
pub async fn resend_invitation(#[server(flatten)] input: InvitationInput) -> Result<(), AppError> {
    super::service::resend(input).await
}

/// `POST /api/orgs/invitations/cancel` — `org`, `invitation` (`invitation:cancel`). Errors:
/// `BIZ_NOT_FOUND`, `AUTH_FORBIDDEN`.
#[server(prefix = "/api", endpoint = "orgs/invitations/cancel", input = PostUrl)]
pub async fn cancel_invitation(#[server(flatten)] input: InvitationInput) -> Result<(), AppError> {
    super::service::cancel(input).await
}

/// `GET /api/invitations/preview?token=…` — what the link invites to. Errors:
/// `BIZ_INVALID_STATE` (`reason: token_invalid`: unknown, expired or used).
#[server(prefix = "/api", endpoint = "invitations/preview", input = GetUrl)]
pub async fn preview_invitation(
    #[server(flatten)] input: InvitationTokenInput,
) -> Result<InvitationPreview, AppError> {
    super::service::preview(input).await
}

/// `POST /api/invitations/accept` — `token`: the signed-in user joins with the invited role.
/// Errors: `AUTH_UNAUTHENTICATED`, `BIZ_INVALID_STATE` (`token_invalid`), `AUTH_FORBIDDEN`
/// (`reason: invitation_other_email`: signed in with another address).
#[server(prefix = "/api", endpoint = "invitations/accept", input = PostUrl)]
pub async fn accept_invitation(
    #[server(flatten)] input: InvitationTokenInput,
) -> Result<OrgSummary, AppError> {
    super::service::accept(input).await
}

/// `POST /api/invitations/decline` — `token`. Errors: `BIZ_INVALID_STATE` (`token_invalid`).
#[server(prefix = "/api", endpoint = "invitations/decline", input = PostUrl)]
pub async fn decline_invitation(
    #[server(flatten)] input: InvitationTokenInput,
) -> Result<(), AppError> {
    super::service::decline(input).await
}
