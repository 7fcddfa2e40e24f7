//! [`OrgContext`]: the organization a server function acts in, proven by a membership.

use platform::Platform;

use super::{
    permissions::{Permission, Role},
    store,
};
use crate::{auth::server::AuthContext, error::AppError};

/// The organization a request acts in and the caller's role there. It can only be built from
/// an [`AuthContext`], so "authenticated, then organization" is enforced by the types, and
/// only after the membership was checked in the database on this very request.
#[derive(Clone, Debug)]
pub struct OrgContext {
    /// The organization's id: every scoped query filters on it.
    pub organization_id: String,
    /// Its display name.
    pub name: String,
    /// Its URL name.
    pub slug: String,
    /// The caller's role.
    pub role: Role,
    /// The signed-in caller.
    pub auth: AuthContext,
}

impl OrgContext {
    /// The caller's membership in `org_id`, or `BIZ_NOT_FOUND` (404) when there is none — the
    /// same answer as for an organization that does not exist, so nothing leaks.
    pub async fn require(
        platform: &Platform,
        auth: &AuthContext,
        org_id: &str,
    ) -> Result<Self, AppError> {
        let (org, role) = store::membership(&platform.db, org_id, &auth.user.id)
            .await?
            .ok_or_else(|| AppError::not_found("organization"))?;
        let role = store::stored_role(&role)?;
        Ok(Self {
            organization_id: org.id,
            name: org.name,
            slug: org.slug,
            role,
            auth: auth.clone(),
        })
    }

    /// Fails with `AUTH_FORBIDDEN` (403, the permission named in `details.permission`) unless
    /// the caller's role grants `permission`.
    pub fn require_permission(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(permission.as_str()))
        }
    }
}
