//! Invitation types and inputs, shared by server and browser. The token itself never leaves
//! the server except in the mailed link.

use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::{auth::model::token_rule, error::ErrorCode, orgs::permissions::Role};

/// How long an invitation link works.
pub const INVITATION_TTL_HOURS: i64 = 48;

/// The roles an invitation may grant: never `owner` (ownership is transferred, not mailed).
pub const INVITABLE_ROLES: [Role; 3] = [Role::Admin, Role::Member, Role::Viewer];

/// The role an invitation may grant (never owner).
pub fn invitable_role(value: &str) -> Result<Role, ErrorCode> {
    match value.trim().parse::<Role>() {
        _ if value.trim().is_empty() => Err(ErrorCode::ValRequiredField),
        Ok(role) if INVITABLE_ROLES.contains(&role) => Ok(role),
        _ => Err(ErrorCode::ValInvalidFormat),
    }
}

/// An open invitation, as owners and admins see it on the team page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationInfo {
    /// Id.
    pub id: String,
    /// The invited address.
    pub email: String,
    /// The role it grants.
    pub role: Role,
    /// Who sent it (name), if their account still exists.
    pub invited_by: Option<String>,
    /// Sent (`YYYY-MM-DD HH:MM` UTC).
    pub created_at: String,
    /// Expires (`YYYY-MM-DD HH:MM` UTC).
    pub expires_at: String,
    /// Whether it can no longer be accepted (resend it to renew).
    pub expired: bool,
}

/// What the holder of an invitation link is invited to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    /// The organization's name.
    pub organization: String,
    /// Who invited (name), if their account still exists.
    pub invited_by: Option<String>,
    /// The invited address: accepting needs an account with it.
    pub email: String,
    /// The role it grants.
    pub role: Role,
    /// Whether an account with that address exists (sign in) or not (sign up).
    pub has_account: bool,
}

/// Input of `POST /api/orgs/invitations/create`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct InviteInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The address to invite.
    #[garde(skip)] // parsed at the edge (`auth::model::Email`)
    pub email: String,
    /// `admin`, `member` or `viewer`.
    #[garde(length(max = 16))] // parsed at the edge (`invitable_role`)
    pub role: String,
}

/// Input naming one invitation of one organization.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct InvitationInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The invitation's id.
    #[garde(length(min = 1, max = 64))]
    pub invitation: String,
}

/// Input of the endpoints that act on an invitation link.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct InvitationTokenInput {
    /// The token from the link.
    #[garde(custom(|v: &String, (): &()| token_rule(v)))]
    pub token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_never_invited() {
        assert_eq!(invitable_role(" admin"), Ok(Role::Admin));
        assert_eq!(invitable_role("viewer"), Ok(Role::Viewer));
        assert_eq!(invitable_role("owner"), Err(ErrorCode::ValInvalidFormat));
        assert_eq!(invitable_role(""), Err(ErrorCode::ValRequiredField));
        assert_eq!(invitable_role("root"), Err(ErrorCode::ValInvalidFormat));
    }
}
