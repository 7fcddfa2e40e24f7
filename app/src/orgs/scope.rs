//! [`OrgScope`]: the one way into an organization. A scope proves, for one request, that the
//! caller is signed in, a member of the organization, and allowed the permission asked for;
//! [`OrgId`], the organization's id as only a scope hands it out, is what every store
//! function reading or writing an organization's rows takes — a query that skipped the check
//! does not compile.
//!
//! ```ignore
//! let (platform, scope) = OrgScope::enter(&input, Permission::TodosCreate).await?;
//! store::insert(&platform.db, scope.id(), new).await?;
//! ```

use platform::Platform;
use serde::Serialize;

pub use super::id::OrgId;
use super::{
    model::OrgSummary,
    permissions::{Permission, Role},
    store,
};
use crate::{
    auth::server::AuthContext,
    error::AppError,
    files::model::Picture,
    state::AppState,
    validation::{Parse, parse, validate},
};

/// The input of an organization-scoped function: it names its organization (`org`).
pub trait ScopedInput: garde::Validate<Context = ()> + Serialize {
    /// The organization's id, as sent.
    fn org(&self) -> &str;
}

/// Implements [`ScopedInput`] for input types whose organization is their `org` field.
#[macro_export]
macro_rules! org_inputs {
    ($($input:ty),+ $(,)?) => {
        $(impl $crate::orgs::scope::ScopedInput for $input {
            fn org(&self) -> &str {
                &self.org
            }
        })+
    };
}

/// The organization a request acts in, the caller's role there, and the permission checked.
/// Built only by [`OrgScope::require`], after the membership was read on this very request.
#[derive(Clone, Debug)]
pub struct OrgScope {
    id: String,
    name: String,
    slug: String,
    role: Role,
    logo: Option<Picture>,
    auth: AuthContext,
}

impl OrgScope {
    /// Everything an organization-scoped server function checks, in order: signed in
    /// (`AUTH_UNAUTHENTICATED`, 401), the input valid (`VAL_*`, 400), a member of its
    /// organization (`BIZ_NOT_FOUND`, 404), allowed `permission` (`AUTH_FORBIDDEN`, 403).
    pub async fn enter<I: ScopedInput>(
        input: &I,
        permission: Permission,
    ) -> Result<(Platform, Self), AppError> {
        let (platform, scope, ()) = Self::entered(input, permission, validate).await?;
        Ok((platform, scope))
    }

    /// [`OrgScope::enter`] for an input the edge parses ([`Parse`]): the parsed value in
    /// place of the text, its field errors at the same step as validation's.
    pub async fn enter_parsed<I: ScopedInput + Parse>(
        input: &I,
        permission: Permission,
    ) -> Result<(Platform, Self, I::Parsed), AppError> {
        Self::entered(input, permission, parse).await
    }

    async fn entered<I: ScopedInput, P>(
        input: &I,
        permission: Permission,
        check: impl FnOnce(&I) -> Result<P, AppError>,
    ) -> Result<(Platform, Self, P), AppError> {
        let auth = AuthContext::require()?;
        let platform = AppState::platform()?;
        let checked = check(input)?;
        let scope = Self::require(&platform, &auth, input.org(), permission).await?;
        Ok((platform, scope, checked))
    }

    /// [`OrgScope::enter`] for a handler that has the platform and the caller already (the
    /// realtime socket): the input valid, then [`OrgScope::require`].
    pub async fn check<I: ScopedInput>(
        platform: &Platform,
        auth: &AuthContext,
        input: &I,
        permission: Permission,
    ) -> Result<Self, AppError> {
        validate(input)?;
        Self::require(platform, auth, input.org(), permission).await
    }

    /// [`OrgScope::check`] for an input the edge parses (the export's list query).
    pub async fn check_parsed<I: ScopedInput + Parse>(
        platform: &Platform,
        auth: &AuthContext,
        input: &I,
        permission: Permission,
    ) -> Result<(Self, I::Parsed), AppError> {
        let parsed = parse(input)?;
        Ok((Self::require(platform, auth, input.org(), permission).await?, parsed))
    }

    /// `auth`'s membership in `org_id` with a role granting `permission`: `BIZ_NOT_FOUND`
    /// (404) without a membership — the same answer as for an organization that does not
    /// exist, so nothing leaks — and `AUTH_FORBIDDEN` (403, `details.permission`) without the
    /// permission. For handlers that check the session and input themselves.
    pub async fn require(
        platform: &Platform,
        auth: &AuthContext,
        org_id: &str,
        permission: Permission,
    ) -> Result<Self, AppError> {
        // The tenant and caller of the service span this runs in (`#[tracing::instrument]`
        // declares both fields empty), recorded before the check so a refusal is attributed.
        let span = tracing::Span::current();
        span.record("org_id", org_id);
        span.record("user_id", auth.user.id.as_str());
        let (org, role) = store::membership(&platform.db, org_id, &auth.user.id)
            .await?
            .ok_or_else(|| AppError::not_found("organization"))?;
        let scope = Self {
            role: Role::from_stored(&role)?,
            logo: org.logo(),
            id: org.id,
            name: org.name,
            slug: org.slug,
            auth: auth.clone(),
        };
        scope.also(permission)?;
        Ok(scope)
    }

    /// Whether `user_id` belongs to this organization (an assignee, a recipient).
    pub async fn has_member(&self, platform: &Platform, user_id: &str) -> Result<bool, AppError> {
        Ok(store::membership(&platform.db, &self.id, user_id).await?.is_some())
    }

    /// A further permission that only some requests need (assigning a todo to someone else).
    pub fn also(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(permission.as_str()))
        }
    }

    /// The organization, for its store functions.
    pub fn id(&self) -> OrgId<'_> {
        OrgId::proven(&self.id)
    }

    /// Its display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its URL name.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The signed-in caller.
    pub fn auth(&self) -> &AuthContext {
        &self.auth
    }

    /// The organization as the caller sees it.
    pub fn summary(&self) -> OrgSummary {
        OrgSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            slug: self.slug.clone(),
            role: self.role,
            logo: self.logo.clone(),
        }
    }

    /// The caller's user id.
    pub fn user_id(&self) -> &str {
        &self.auth.user.id
    }
}
