//! Organization flows: every one starts from the signed-in caller, and every one acting on an
//! existing organization goes through [`OrgContext::require`] and a permission check.

use platform::Platform;

use super::{
    context::OrgContext,
    model::{CreateOrgInput, OrgInput, OrgSummary, UpdateOrgInput, check_slug, slugify},
    permissions::{Permission, Role},
    store,
};
use crate::{
    auth::server::{AuthContext, service::redirect_after},
    error::{AppError, ErrorCode},
    state::AppState,
    validation::validate,
};

fn platform() -> Result<Platform, AppError> {
    Ok(AppState::get()?.platform)
}

fn slug_taken() -> AppError {
    AppError::new(ErrorCode::BizDuplicateEntry).with_field("slug", ErrorCode::BizDuplicateEntry)
}

fn map_unique(error: platform::DbError) -> AppError {
    match error {
        platform::DbError::UniqueViolation { .. } => slug_taken(),
        other => other.into(),
    }
}

/// The caller's organizations.
pub async fn list() -> Result<Vec<OrgSummary>, AppError> {
    let auth = AuthContext::require()?;
    let platform = platform()?;
    let rows = store::organizations_of(&platform.db, &auth.user.id).await?;
    rows.into_iter()
        .map(|(org, role)| {
            let role: Role =
                role.parse().map_err(|()| AppError::internal(format!("unknown role {role}")))?;
            Ok(OrgSummary { id: org.id, name: org.name, slug: org.slug, role })
        })
        .collect()
}

/// A free slug made from `name`: its slugified form, else `org`, with `-2`, `-3`… when taken.
async fn free_slug(platform: &Platform, name: &str) -> Result<String, AppError> {
    let mut base = slugify(name);
    if check_slug(&base).is_err() {
        base = if base.len() >= 2 { format!("{base}-org") } else { "org".to_owned() };
        base.truncate(40);
    }
    for n in 1..=50_u32 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        if check_slug(&candidate).is_ok() && !store::slug_taken(&platform.db, &candidate).await? {
            return Ok(candidate);
        }
    }
    Ok(format!("{base}-{}", &platform::clock::new_id()[..8]))
}

/// Creates an organization owned by the caller.
pub async fn create(mut input: CreateOrgInput) -> Result<OrgSummary, AppError> {
    let auth = AuthContext::require()?;
    input.name = input.name.trim().to_owned();
    input.slug = input.slug.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    validate(&input)?;
    let platform = platform()?;
    let slug = match input.slug {
        Some(slug) if store::slug_taken(&platform.db, &slug).await? => return Err(slug_taken()),
        Some(slug) => slug,
        None => free_slug(&platform, &input.name).await?,
    };
    let id = platform::clock::new_id();
    store::create(&platform.db, &id, &input.name, &slug, &auth.user.id)
        .await
        .map_err(map_unique)?;
    tracing::info!(org_id = %id, user_id = %auth.user.id, "organization created");
    redirect_after(None, "/orgs");
    Ok(OrgSummary { id, name: input.name, slug, role: Role::Owner })
}

/// Renames an organization and sets its slug (`organization:update`).
pub async fn update(mut input: UpdateOrgInput) -> Result<OrgSummary, AppError> {
    let auth = AuthContext::require()?;
    input.name = input.name.trim().to_owned();
    input.slug = input.slug.trim().to_owned();
    validate(&input)?;
    let platform = platform()?;
    let org = OrgContext::require(&platform, &auth, &input.org).await?;
    org.require_permission(Permission::OrganizationUpdate)?;
    if input.slug != org.slug && store::slug_taken(&platform.db, &input.slug).await? {
        return Err(slug_taken());
    }
    store::update(&platform.db, &org.organization_id, &input.name, &input.slug)
        .await
        .map_err(map_unique)?;
    tracing::info!(org_id = %org.organization_id, user_id = %auth.user.id, "organization updated");
    Ok(OrgSummary { id: org.organization_id, name: input.name, slug: input.slug, role: org.role })
}

/// Deletes an organization (`organization:delete`, owners only) with everything in it.
pub async fn delete(input: OrgInput) -> Result<(), AppError> {
    let auth = AuthContext::require()?;
    validate(&input)?;
    let platform = platform()?;
    let org = OrgContext::require(&platform, &auth, &input.org).await?;
    org.require_permission(Permission::OrganizationDelete)?;
    ensure_no_paid_subscription(&platform, &org).await?;
    store::delete(&platform.db, &org.organization_id).await?;
    tracing::info!(org_id = %org.organization_id, user_id = %auth.user.id, "organization deleted");
    redirect_after(None, "/orgs");
    Ok(())
}

/// Refuses (`BIZ_INVALID_STATE`, `details.reason = "paid_subscription"`) to delete an
/// organization with an active paid subscription. Billing is not part of the schema yet, so no
/// organization has one; the billing module fills this in.
async fn ensure_no_paid_subscription(
    _platform: &Platform,
    _org: &OrgContext,
) -> Result<(), AppError> {
    Ok(())
}
