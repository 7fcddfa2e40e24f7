//! [`AdminScope`]: proof that the caller administers the platform — the one way to the
//! administration store, which reads across tenants: each of its functions takes one.

use platform::Platform;
use serde::Serialize;

use crate::{auth::server::AuthContext, error::AppError, state::AppState, validation::validate};

/// A platform administrator's request: a signed-in account whose confirmed address is in
/// `ADMIN_EMAILS`, not acting as someone else — or, to end an impersonation, the
/// administrator behind it.
#[derive(Clone, Debug)]
pub struct AdminScope {
    admin_id: String,
    auth: AuthContext,
}

impl AdminScope {
    /// Signed in (401), an administrator (`AUTH_FORBIDDEN`, `platform:admin`), the input
    /// valid (400).
    pub async fn enter<I>(input: &I) -> Result<(Platform, Self), AppError>
    where
        I: garde::Validate<Context = ()> + Serialize,
    {
        let scope = Self::require(&AuthContext::require()?)?;
        validate(input)?;
        Ok((AppState::platform()?, scope))
    }

    /// [`AdminScope::enter`] for a function without input.
    pub fn enter_plain() -> Result<(Platform, Self), AppError> {
        let scope = Self::require(&AuthContext::require()?)?;
        Ok((AppState::platform()?, scope))
    }

    /// `auth` as an administrator, or `AUTH_FORBIDDEN` (`platform:admin`).
    pub fn require(auth: &AuthContext) -> Result<Self, AppError> {
        if auth.user.is_admin && auth.impersonator_id.is_none() {
            Ok(Self { admin_id: auth.user.id.clone(), auth: auth.clone() })
        } else {
            Err(AppError::forbidden("platform:admin"))
        }
    }

    /// The administrator behind an impersonation session (to end it), or
    /// `BIZ_INVALID_STATE` (`not_impersonating`).
    pub fn impersonating(auth: &AuthContext) -> Result<Self, AppError> {
        let Some(admin_id) = auth.impersonator_id.clone() else {
            return Err(AppError::new(crate::error::ErrorCode::BizInvalidState)
                .with_detail("reason", "not_impersonating"));
        };
        Ok(Self { admin_id, auth: auth.clone() })
    }

    /// The administrator's account id.
    pub fn admin_id(&self) -> &str {
        &self.admin_id
    }

    /// The request's signed-in account (the impersonated one while impersonating).
    pub fn auth(&self) -> &AuthContext {
        &self.auth
    }
}
