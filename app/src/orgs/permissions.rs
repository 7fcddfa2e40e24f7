//! Roles and what each may do: the one table every permission check reads. The server enforces
//! it (`OrgScope::require`); the UI only uses it to hide what a role cannot do.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A member's role in an organization, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including deleting the organization. There is always at least one.
    Owner,
    /// Runs the organization: settings, members, invitations, billing.
    Admin,
    /// Works in the organization.
    Member,
    /// Reads only.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Self; 4] = [Self::Owner, Self::Admin, Self::Member, Self::Viewer];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
            Self::Viewer => "viewer",
        }
    }

    /// The translation key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Owner => "role-owner",
            Self::Admin => "role-admin",
            Self::Member => "role-member",
            Self::Viewer => "role-viewer",
        }
    }

    /// A role as read from the database; anything else is corrupt data, not user input.
    #[cfg(feature = "ssr")]
    pub fn from_stored(role: &str) -> Result<Self, crate::error::AppError> {
        role.parse().map_err(|()| crate::error::AppError::internal(format!("unknown role {role}")))
    }

    /// Whether this role grants `permission`.
    pub fn can(self, permission: Permission) -> bool {
        use Permission as P;
        use Role::{Admin, Member, Owner, Viewer};
        match permission {
            P::OrganizationDelete | P::OrganizationTransfer => self == Owner,
            P::OrganizationUpdate
            | P::MemberCreate
            | P::MemberUpdate
            | P::MemberDelete
            | P::InvitationCreate
            | P::InvitationCancel
            | P::TodosAssign
            | P::BillingManage
            | P::AuditRead => matches!(self, Owner | Admin),
            P::TodosCreate | P::TodosUpdate | P::TodosDelete => {
                matches!(self, Owner | Admin | Member)
            }
            P::OrganizationRead | P::OrganizationLeave | P::TodosRead | P::BillingRead => {
                matches!(self, Owner | Admin | Member | Viewer)
            }
        }
    }
}

impl FromStr for Role {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|role| role.as_str() == s.trim()).ok_or(())
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a member may be allowed to do in an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// See the organization and its members.
    OrganizationRead,
    /// Leave it (refused to its last owner).
    OrganizationLeave,
    /// Rename, change the slug.
    OrganizationUpdate,
    /// Delete the organization.
    OrganizationDelete,
    /// Hand ownership to another member.
    OrganizationTransfer,
    /// Add members.
    MemberCreate,
    /// Change members' roles.
    MemberUpdate,
    /// Remove members.
    MemberDelete,
    /// Invite by email.
    InvitationCreate,
    /// Cancel or resend invitations.
    InvitationCancel,
    /// See todos.
    TodosRead,
    /// Create todos.
    TodosCreate,
    /// Edit todos.
    TodosUpdate,
    /// Delete todos.
    TodosDelete,
    /// Assign todos to anyone.
    TodosAssign,
    /// See the plan and invoices.
    BillingRead,
    /// Change the plan.
    BillingManage,
    /// Read the organization's audit log.
    AuditRead,
}

impl Permission {
    /// Every permission.
    pub const ALL: [Self; 18] = [
        Self::OrganizationRead,
        Self::OrganizationLeave,
        Self::OrganizationUpdate,
        Self::OrganizationDelete,
        Self::OrganizationTransfer,
        Self::MemberCreate,
        Self::MemberUpdate,
        Self::MemberDelete,
        Self::InvitationCreate,
        Self::InvitationCancel,
        Self::TodosRead,
        Self::TodosCreate,
        Self::TodosUpdate,
        Self::TodosDelete,
        Self::TodosAssign,
        Self::BillingRead,
        Self::BillingManage,
        Self::AuditRead,
    ];

    /// The translation key of what the permission allows.
    pub fn label_key(self) -> String {
        format!("permission-{}", self.as_str().replace(':', "-"))
    }

    /// The name errors report in `details.permission`, e.g. `organization:update`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrganizationRead => "organization:read",
            Self::OrganizationLeave => "organization:leave",
            Self::OrganizationUpdate => "organization:update",
            Self::OrganizationDelete => "organization:delete",
            Self::OrganizationTransfer => "organization:transfer",
            Self::MemberCreate => "member:create",
            Self::MemberUpdate => "member:update",
            Self::MemberDelete => "member:delete",
            Self::InvitationCreate => "invitation:create",
            Self::InvitationCancel => "invitation:cancel",
            Self::TodosRead => "todos:read",
            Self::TodosCreate => "todos:create",
            Self::TodosUpdate => "todos:update",
            Self::TodosDelete => "todos:delete",
            Self::TodosAssign => "todos:assign",
            Self::BillingRead => "billing:read",
            Self::BillingManage => "billing:manage",
            Self::AuditRead => "audit:read",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Permission as P, Role};

    #[test]
    fn the_table_matches_the_specification() {
        let granted = |role: Role| -> Vec<&str> {
            P::ALL.into_iter().filter(|p| role.can(*p)).map(P::as_str).collect()
        };
        assert_eq!(granted(Role::Owner).len(), P::ALL.len());
        assert_eq!(
            granted(Role::Admin),
            P::ALL
                .into_iter()
                .filter(|p| !matches!(p, P::OrganizationDelete | P::OrganizationTransfer))
                .map(P::as_str)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            granted(Role::Member),
            [
                "organization:read",
                "organization:leave",
                "todos:read",
                "todos:create",
                "todos:update",
                "todos:delete",
                "billing:read"
            ]
        );
        assert_eq!(
            granted(Role::Viewer),
            ["organization:read", "organization:leave", "todos:read", "billing:read"]
        );
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
