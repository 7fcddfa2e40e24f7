//! Platform administration flows. Each enters through [`AdminScope`]: a signed-in account
//! whose confirmed address is in `ADMIN_EMAILS`, not acting as someone else.

use platform::Platform;
use tracing::field::Empty;

use super::{
    model::{
        ADMIN_PAGE_SIZE, AdminEvent, AdminOrg, AdminUser, BanInfo, BanInput, OrgPage, SearchInput,
        UserInput, UserPage,
    },
    scope::AdminScope,
    store,
};
use crate::{
    audit::AuditEntry,
    auth::server::{
        AuthContext,
        service::{self as accounts, redirect_after},
        session,
        store::UserRow,
    },
    billing::plans::Plan,
    error::{AppError, ErrorCode},
    state::AppState,
};

fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The search text (if any), the page and the offset of its first row.
fn page_of(input: &SearchInput) -> (Option<String>, i64, i64) {
    let q = input.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
    let page = super::model::page_number(input.page.as_deref()).unwrap_or(1);
    (q, page, (page - 1) * ADMIN_PAGE_SIZE)
}

fn pages(total: i64) -> i64 {
    ((total + ADMIN_PAGE_SIZE - 1) / ADMIN_PAGE_SIZE).max(1)
}

fn is_admin_account(platform: &Platform, user: &UserRow) -> bool {
    platform.config.admin_emails.contains(&user.email)
}

/// Accounts, newest first, searchable by address and name.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn users(input: SearchInput) -> Result<UserPage, AppError> {
    let (platform, admin) = AdminScope::enter(&input).await?;
    let (q, page, offset) = page_of(&input);
    let (rows, total) =
        store::search_users(&platform.db, &admin, q.as_deref(), offset, ADMIN_PAGE_SIZE).await?;
    let ids: Vec<String> = rows.iter().map(|user| user.id.clone()).collect();
    let counts = store::organization_counts(&platform.db, &admin, &ids).await?;
    let now = platform::clock::now_utc();
    let users = rows
        .into_iter()
        .map(|user| AdminUser {
            organizations: counts.get(&user.id).copied().unwrap_or(0),
            is_admin: is_admin_account(&platform, &user),
            banned: user.is_banned(now).then(|| BanInfo {
                reason: user.ban_reason.clone().unwrap_or_default(),
                until: user.banned_until.map(timestamp),
            }),
            email_verified: user.email_verified_at.is_some(),
            avatar: user.avatar(),
            created_at: user.created_at.format("%Y-%m-%d").to_string(),
            id: user.id,
            email: user.email,
            name: user.name,
        })
        .collect();
    Ok(UserPage { users, total, page, pages: pages(total) })
}

/// Organizations, newest first, searchable by name and slug, with member counts and plan.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn orgs(input: SearchInput) -> Result<OrgPage, AppError> {
    let (platform, admin) = AdminScope::enter(&input).await?;
    let (q, page, offset) = page_of(&input);
    let (rows, total) =
        store::search_orgs(&platform.db, &admin, q.as_deref(), offset, ADMIN_PAGE_SIZE).await?;
    let ids: Vec<String> = rows.iter().map(|org| org.id.clone()).collect();
    let counts = store::member_counts(&platform.db, &admin, &ids).await?;
    let plans = store::plans(&platform.db, &admin, &ids).await?;
    let orgs = rows
        .into_iter()
        .map(|org| AdminOrg {
            members: counts.get(&org.id).copied().unwrap_or(0),
            plan: plans.get(&org.id).copied().unwrap_or(Plan::Free).as_str().to_owned(),
            created_at: org.created_at.format("%Y-%m-%d").to_string(),
            logo: org.logo(),
            id: org.id,
            name: org.name,
            slug: org.slug,
        })
        .collect();
    Ok(OrgPage { orgs, total, page, pages: pages(total) })
}

/// The account an administrator acts on: it exists, is not the caller and not an
/// administrator (administrators are managed through `ADMIN_EMAILS`).
async fn target(
    platform: &Platform,
    admin: &AdminScope,
    user_id: &str,
) -> Result<UserRow, AppError> {
    let user = accounts::account_by_id(platform, user_id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))?;
    if user.id == admin.admin_id() || is_admin_account(platform, &user) {
        return Err(
            AppError::new(ErrorCode::BizInvalidState).with_detail("reason", "admin_account")
        );
    }
    Ok(user)
}

/// Bans an account: it cannot sign in, and every session ends now.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn ban(input: BanInput) -> Result<(), AppError> {
    let (platform, admin) = AdminScope::enter(&input).await?;
    let user = target(&platform, &admin, &input.user_id).await?;
    let reason = input.reason.trim();
    let until = match input.days.trim() {
        "" => None,
        days => {
            let days: i64 = days
                .parse()
                .map_err(|_| AppError::invalid_field("days", ErrorCode::ValInvalidFormat))?;
            Some(platform::clock::now_utc() + chrono::Duration::days(days))
        }
    };
    let entry = AuditEntry::new("user.banned", admin.admin_id())
        .target(&user.id)
        .details(serde_json::json!({ "reason": reason, "until": until.map(timestamp) }));
    store::set_ban(&platform.db, &admin, &user.id, Some(reason), until, &entry).await?;
    let ended = session::end_all(&platform, &user.id, None).await?;
    tracing::info!(user_id = %user.id, admin = %admin.admin_id(), ended, "account banned");
    Ok(())
}

/// Lifts a ban.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn unban(input: UserInput) -> Result<(), AppError> {
    let (platform, admin) = AdminScope::enter(&input).await?;
    let user = target(&platform, &admin, &input.user_id).await?;
    let entry = AuditEntry::new("user.unbanned", admin.admin_id()).target(&user.id);
    store::set_ban(&platform.db, &admin, &user.id, None, None, &entry).await?;
    tracing::info!(user_id = %user.id, admin = %admin.admin_id(), "ban lifted");
    Ok(())
}

/// Ends every session of an account.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn revoke_sessions(input: UserInput) -> Result<u64, AppError> {
    let (platform, admin) = AdminScope::enter(&input).await?;
    let user = target(&platform, &admin, &input.user_id).await?;
    let ended = session::end_all(&platform, &user.id, None).await?;
    let entry = AuditEntry::new("user.sessions_revoked", admin.admin_id())
        .target(&user.id)
        .details(serde_json::json!({ "sessions": ended }));
    store::record(&platform.db, &admin, &entry).await?;
    tracing::info!(user_id = %user.id, admin = %admin.admin_id(), ended, "sessions revoked");
    Ok(u64::try_from(ended).unwrap_or(0))
}

/// Acts as an account: this browser's session becomes one of that account, marked as the
/// administrator's and ending within the hour (the administrator's own session ends; stopping
/// signs the administrator in again).
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn impersonate(input: UserInput) -> Result<(), AppError> {
    let (platform, admin) = AdminScope::enter(&input).await?;
    let user = target(&platform, &admin, &input.user_id).await?;
    let entry = AuditEntry::new("impersonation.started", admin.admin_id()).target(&user.id);
    store::record(&platform.db, &admin, &entry).await?;
    session::start_as(&platform, &user.id, Some(admin.admin_id())).await?;
    tracing::warn!(user_id = %user.id, admin = %admin.admin_id(), "impersonation started");
    redirect_after(None, "/orgs");
    Ok(())
}

/// Ends an impersonation: back to the administrator's own account.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn stop_impersonating() -> Result<(), AppError> {
    let admin = AdminScope::impersonating(&AuthContext::require()?)?;
    let platform = AppState::platform()?;
    let (admin_id, auth) = (admin.admin_id(), admin.auth());
    let entry = AuditEntry::new("impersonation.stopped", admin_id).target(&auth.user.id);
    store::record(&platform.db, &admin, &entry).await?;
    // Ends the impersonation session (the request's) and signs the administrator in.
    session::start(&platform, admin_id).await?;
    tracing::warn!(user_id = %auth.user.id, admin = %admin_id, "impersonation stopped");
    redirect_after(None, "/admin");
    Ok(())
}

/// Entries of the administrators' log shown on `/admin`.
const EVENTS_SHOWN: i64 = 50;

/// The latest entries of the administrators' log.
#[tracing::instrument(skip_all, fields(user_id = Empty))]
pub async fn events() -> Result<Vec<AdminEvent>, AppError> {
    let (platform, admin) = AdminScope::enter_plain()?;
    let rows = store::recent_events(&platform.db, &admin, EVENTS_SHOWN).await?;
    let ids: Vec<String> = rows
        .iter()
        .flat_map(|(_, actor, _, target, _, _)| actor.iter().chain(target.iter()).cloned())
        .collect();
    let emails = store::emails(&platform.db, &admin, &ids).await?;
    let email = |id: &Option<String>| {
        id.as_ref().map(|id| emails.get(id).cloned().unwrap_or_else(|| id.clone()))
    };
    Ok(rows
        .into_iter()
        .map(|(id, actor, action, target, details, created_at)| AdminEvent {
            actor: email(&actor),
            target: email(&target),
            created_at: timestamp(created_at),
            id,
            action,
            details,
        })
        .collect())
}
