//! Organization flows: every one starts from the signed-in caller, and every one acting on an
//! existing organization enters it through [`OrgScope`] with the permission it needs.

use platform::Platform;
use tracing::field::Empty;

use super::{
    model::{
        AuditEvent, AuditInput, AuditPage, ChangeRoleInput, CreateOrgInput, MemberInfo,
        MemberInput, OrgInput, OrgSummary, SlugInput, UpdateOrgInput, check_slug, slugify,
    },
    permissions::{Permission, Role},
    scope::OrgScope,
    store::{self, ChangeRefused, MembershipChange},
};
use crate::{
    audit::AuditEntry,
    auth::server::{AuthContext, service::redirect_after},
    error::{AppError, ErrorCode},
    files::model::Picture,
    state::AppState,
    validation::validate,
};

crate::org_inputs!(OrgInput, UpdateOrgInput, ChangeRoleInput, MemberInput, AuditInput);

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
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn list() -> Result<Vec<OrgSummary>, AppError> {
    let auth = AuthContext::require()?;
    let platform = AppState::platform()?;
    let rows = store::organizations_of(&platform.db, &auth.user.id).await?;
    rows.into_iter()
        .map(|(org, role)| {
            let role = Role::from_stored(&role)?;
            Ok(OrgSummary { logo: org.logo(), id: org.id, name: org.name, slug: org.slug, role })
        })
        .collect()
}

/// The caller's organization with this slug (404 when there is none or they are not a member).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn by_slug(input: SlugInput) -> Result<OrgSummary, AppError> {
    let auth = AuthContext::require()?;
    validate(&input)?;
    let platform = AppState::platform()?;
    let org_id = store::org_id_by_slug(&platform.db, input.slug.trim())
        .await?
        .ok_or_else(|| AppError::not_found("organization"))?;
    let org = OrgScope::require(&platform, &auth, &org_id, Permission::OrganizationRead).await?;
    Ok(org.summary())
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
    // Ids are UUIDv7: the time comes first, the random bits last.
    let id = platform::clock::new_id();
    Ok(format!("{base}-{}", &id[id.len() - 8..]))
}

/// Creates an organization owned by the caller.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn create(mut input: CreateOrgInput) -> Result<OrgSummary, AppError> {
    let auth = AuthContext::require()?;
    input.name = input.name.trim().to_owned();
    input.slug = input.slug.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    validate(&input)?;
    let platform = AppState::platform()?;
    let slug = match input.slug {
        Some(slug) if store::slug_taken(&platform.db, &slug).await? => return Err(slug_taken()),
        Some(slug) => slug,
        None => free_slug(&platform, &input.name).await?,
    };
    let id = platform::clock::new_id();
    let entry = AuditEntry::new("organization.created", &auth.user.id)
        .details(serde_json::json!({ "name": input.name, "slug": slug }));
    store::create(&platform.db, &id, &input.name, &slug, &auth.user.id, &entry)
        .await
        .map_err(map_unique)?;
    tracing::info!(org_id = %id, user_id = %auth.user.id, "organization created");
    redirect_after(None, &format!("/o/{slug}"));
    Ok(OrgSummary { id, name: input.name, slug, role: Role::Owner, logo: None })
}

/// Renames an organization and sets its slug (`organization:update`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn update(mut input: UpdateOrgInput) -> Result<OrgSummary, AppError> {
    input.name = input.name.trim().to_owned();
    input.slug = input.slug.trim().to_owned();
    let (platform, org) = OrgScope::enter(&input, Permission::OrganizationUpdate).await?;
    if input.slug != org.slug() && store::slug_taken(&platform.db, &input.slug).await? {
        return Err(slug_taken());
    }
    let entry = AuditEntry::new("organization.updated", org.user_id()).details(serde_json::json!({
        "name": { "from": org.name(), "to": input.name },
        "slug": { "from": org.slug(), "to": input.slug },
    }));
    store::update(&platform.db, org.id(), &input.name, &input.slug, &entry)
        .await
        .map_err(map_unique)?;
    tracing::info!(org_id = %org.id(), user_id = %org.user_id(), "organization updated");
    redirect_after(None, &format!("/o/{}/settings", input.slug));
    Ok(OrgSummary { name: input.name, slug: input.slug, ..org.summary() })
}

/// Deletes an organization (`organization:delete`, owners only) with everything in it.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn delete(input: OrgInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::OrganizationDelete).await?;
    crate::billing::service::ensure_no_paid_subscription(&platform, &org).await?;
    let entry = AuditEntry::new("organization.deleted", org.user_id())
        .details(serde_json::json!({ "name": org.name(), "slug": org.slug() }));
    store::delete(&platform.db, org.id(), &entry).await?;
    // Its logo and attachments (failures wait for the maintenance job).
    crate::files::service::remove_due(&platform, platform::clock::now_utc()).await?;
    tracing::info!(org_id = %org.id(), user_id = %org.user_id(), "organization deleted");
    redirect_after(None, "/orgs");
    Ok(())
}

fn refused(error: ChangeRefused) -> AppError {
    match error {
        ChangeRefused::NotMember => AppError::not_found("member"),
        ChangeRefused::LastOwner => {
            AppError::new(ErrorCode::BizInvalidState).with_detail("reason", "last_owner")
        }
        ChangeRefused::Db(error) => error.into(),
    }
}

/// The role `user_id` has in the caller's organization, or `BIZ_NOT_FOUND`.
async fn role_of(platform: &Platform, org: &OrgScope, user_id: &str) -> Result<Role, AppError> {
    let (_, role) = store::membership(&platform.db, org.id().as_str(), user_id)
        .await?
        .ok_or_else(|| AppError::not_found("member"))?;
    Role::from_stored(&role)
}

/// The members of an organization (any member may see them).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn members(input: OrgInput) -> Result<Vec<MemberInfo>, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::OrganizationRead).await?;
    let rows = store::members(&platform.db, org.id()).await?;
    rows.into_iter()
        .map(|(user_id, name, email, role, joined, avatar, avatar_small)| {
            let role = Role::from_stored(&role)?;
            Ok(MemberInfo {
                user_id,
                name,
                email,
                role,
                joined_at: joined.format("%Y-%m-%d").to_string(),
                avatar: Picture::of(avatar.as_deref(), avatar_small.as_deref()),
            })
        })
        .collect()
}

/// The names of `org`'s members by user id, for other features that show people next to their
/// ids (the todos export). The caller's scope is the proof it may read the organization.
#[tracing::instrument(skip_all, fields(org_id = %org.id().as_str()))]
pub async fn member_names(
    platform: &Platform,
    org: &OrgScope,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    let rows = store::members(&platform.db, org.id()).await?;
    Ok(rows.into_iter().map(|(user_id, name, ..)| (user_id, name)).collect())
}

/// Changes a member's role (`member:update`). Admins manage admins, members and viewers; only
/// owners make or unmake owners. The last owner keeps the role.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn change_role(input: ChangeRoleInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::MemberUpdate).await?;
    let role: Role = input
        .role
        .parse()
        .map_err(|()| AppError::invalid_field("role", ErrorCode::ValInvalidFormat))?;
    let target = role_of(&platform, &org, &input.user_id).await?;
    if org.role() != Role::Owner && (role == Role::Owner || target == Role::Owner) {
        return Err(AppError::forbidden("member:update").with_detail("reason", "owners_only"));
    }
    let entry = AuditEntry::new("member.role_changed", org.user_id())
        .target(&input.user_id)
        .details(serde_json::json!({ "to": role.as_str() }));
    store::change_membership(
        &platform.db,
        org.id(),
        &input.user_id,
        MembershipChange::SetRole(role.as_str()),
        &entry,
    )
    .await
    .map_err(refused)?;
    tracing::info!(org_id = %org.id(), member = %input.user_id, role = %role, "role changed");
    Ok(())
}

/// Removes a member (`member:delete`). Only owners remove owners; the last owner stays.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn remove_member(input: MemberInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::MemberDelete).await?;
    let target = role_of(&platform, &org, &input.user_id).await?;
    if org.role() != Role::Owner && target == Role::Owner {
        return Err(AppError::forbidden("member:delete").with_detail("reason", "owners_only"));
    }
    let entry = AuditEntry::new("member.removed", org.user_id()).target(&input.user_id);
    store::change_membership(
        &platform.db,
        org.id(),
        &input.user_id,
        MembershipChange::Remove,
        &entry,
    )
    .await
    .map_err(refused)?;
    tracing::info!(org_id = %org.id(), member = %input.user_id, "member removed");
    Ok(())
}

/// Leaves an organization (any member; not its last owner).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn leave(input: OrgInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::OrganizationLeave).await?;
    let entry = AuditEntry::new("member.left", org.user_id()).target(org.user_id());
    store::change_membership(
        &platform.db,
        org.id(),
        org.user_id(),
        MembershipChange::Remove,
        &entry,
    )
    .await
    .map_err(refused)?;
    tracing::info!(org_id = %org.id(), user_id = %org.user_id(), "left organization");
    redirect_after(None, "/orgs");
    Ok(())
}

/// Hands ownership to another member (owners only): they become an owner, the caller an admin.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn transfer(input: MemberInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::OrganizationTransfer).await?;
    if input.user_id == org.user_id() {
        return Err(AppError::invalid_field("user_id", ErrorCode::BizInvalidState));
    }
    let entry = AuditEntry::new("ownership.transferred", org.user_id()).target(&input.user_id);
    let moved =
        store::transfer_ownership(&platform.db, org.id(), org.user_id(), &input.user_id, &entry)
            .await?;
    if !moved {
        return Err(AppError::not_found("member"));
    }
    tracing::info!(org_id = %org.id(), to = %input.user_id, "ownership transferred");
    Ok(())
}

/// Entries per audit-log page.
pub const AUDIT_PAGE_SIZE: i64 = 50;

/// One page of an organization's audit log, newest first (`audit:read`: owners and admins).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn audit(input: AuditInput) -> Result<AuditPage, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::AuditRead).await?;
    let before = input.before.as_deref().map(str::trim).filter(|b| !b.is_empty());
    let mut rows = store::audit_page(&platform.db, org.id(), before, AUDIT_PAGE_SIZE + 1).await?;
    let more = rows.len() > usize::try_from(AUDIT_PAGE_SIZE).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(AUDIT_PAGE_SIZE).unwrap_or(usize::MAX));
    let ids: Vec<String> = rows
        .iter()
        .flat_map(|(_, actor, _, target, _, _)| actor.iter().chain(target.iter()).cloned())
        .collect();
    let names = store::user_names(&platform.db, &ids).await?;
    let name = |id: &Option<String>| id.as_ref().and_then(|id| names.get(id).cloned());
    let next = if more { rows.last().map(|row| row.0.clone()) } else { None };
    let events = rows
        .into_iter()
        .map(|(id, actor, action, target, details, created_at)| AuditEvent {
            actor: name(&actor),
            target: name(&target),
            details: serde_json::from_str(&details).unwrap_or_default(),
            created_at: created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            id,
            action,
        })
        .collect();
    Ok(AuditPage { events, next })
}

/// The organizations `user_id` solely owns while others are members (their account cannot go
/// before ownership is handed over).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn solely_owned_with_others(
    platform: &Platform,
    user_id: &str,
) -> Result<Vec<String>, AppError> {
    Ok(store::solely_owned_with_others(&platform.db, user_id).await?)
}

/// Deletes the organizations whose only member is `user_id` (their account is being deleted).
#[tracing::instrument(skip_all, fields(user_id = %user_id))]
pub async fn delete_where_only_member(platform: &Platform, user_id: &str) -> Result<(), AppError> {
    Ok(store::delete_where_only_member(&platform.db, user_id).await?)
}
