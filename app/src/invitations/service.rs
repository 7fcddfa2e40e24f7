//! Invitation flows. Sending, listing, resending and cancelling act in an organization
//! ([`OrgScope`] with a permission); the link's holder previews, accepts or declines with the
//! token, which stands for that one invitation.

use platform::{Platform, token};
use tracing::field::Empty;

use super::{
    model::{
        INVITATION_TTL_HOURS, InvitationInfo, InvitationInput, InvitationPreview,
        InvitationTokenInput, InviteInput,
    },
    store::{self, Accepted, InviteRefused, NewInvitation},
};
use crate::{
    audit::AuditEntry,
    auth::server::{
        AuthContext,
        limits::{self, email_key},
        mail::{Payload, compose_message},
        service::{
            self as accounts, MailContext, redirect_after, send_in_background, token_invalid,
        },
    },
    error::{AppError, ErrorCode},
    orgs::{
        model::{OrgInput, OrgSummary},
        permissions::{Permission, Role},
        scope::{OrgId, OrgScope},
    },
    state::AppState,
    validation::validate,
};

crate::org_inputs!(InviteInput, InvitationInput);

/// Invitations (sent or resent) per organization per hour.
const INVITES_PER_ORG: platform::RateLimit =
    platform::RateLimit { limit: 50, window: std::time::Duration::from_secs(3600) };
/// Invitations (sent or resent) to one address per hour, across organizations.
const INVITES_PER_EMAIL: platform::RateLimit =
    platform::RateLimit { limit: 5, window: std::time::Duration::from_secs(3600) };

fn ttl() -> chrono::Duration {
    chrono::Duration::hours(INVITATION_TTL_HOURS)
}

fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// When `REQUIRE_EMAIL_VERIFICATION` is on, only people with a confirmed address send
/// invitations (so nobody sends mail in the name of an address they do not own).
fn require_verified(platform: &Platform, auth: &AuthContext) -> Result<(), AppError> {
    if platform.config.require_email_verification && !auth.user.email_verified {
        return Err(
            AppError::new(ErrorCode::AuthForbidden).with_detail("reason", "email_unverified")
        );
    }
    Ok(())
}

async fn invite_limits(
    platform: &Platform,
    org_id: OrgId<'_>,
    email: &str,
) -> Result<(), AppError> {
    limits::enforce(
        platform,
        &[
            (format!("invite:org:{org_id}"), INVITES_PER_ORG),
            (format!("invite:email:{}", email_key(email)), INVITES_PER_EMAIL),
        ],
    )
    .await
}

/// Mails the invitation link to `email` in the recipient's language (their account's, else
/// the sender's request's).
async fn send_invitation(
    platform: &Platform,
    org: &OrgScope,
    email: &str,
    role: Role,
    secret: &str,
) -> Result<(), AppError> {
    let context = MailContext::of_request()?;
    let recipient = accounts::account_by_email(platform, email).await?;
    let locale = context.locale_for(recipient.as_ref().map(|user| user.locale.as_str()));
    let name = recipient.as_ref().map_or(email, |user| user.name.as_str());
    let link = Payload::Link(context.link(&format!("/invitations/accept?token={secret}")));
    let role_name = crate::i18n::t(locale, role.label_key());
    let mail = compose_message(
        "invite",
        locale,
        email,
        name,
        &link,
        &[
            ("organization", org.name().to_owned().into()),
            ("inviter", org.auth().user.name.clone().into()),
            ("role", role_name.into()),
        ],
    );
    send_in_background(platform, mail);
    Ok(())
}

/// Invites `email` to the organization with a role (`invitation:create`; never as owner).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn create(input: InviteInput) -> Result<InvitationInfo, AppError> {
    let (platform, org, (email, role)) =
        OrgScope::enter_parsed(&input, Permission::InvitationCreate).await?;
    require_verified(&platform, org.auth())?;
    invite_limits(&platform, org.id(), email.as_str()).await?;

    let secret = token::new_token();
    let hash = token::hash_token(&secret);
    let id = platform::clock::new_id();
    let now = platform::clock::now_utc();
    let expires_at = now + ttl();
    let entry = AuditEntry::new("member.invited", org.user_id())
        .details(serde_json::json!({ "email": email.as_str(), "role": role.as_str() }));
    let new = NewInvitation {
        id: &id,
        email: email.as_str(),
        role: role.as_str(),
        token_hash: &hash,
        invited_by: Some(org.user_id()),
        created_at: now,
        expires_at,
    };
    match store::invite(&platform.db, org.id(), new, &entry).await? {
        Ok(()) => {}
        Err(InviteRefused::AlreadyMember) => {
            return Err(AppError::new(ErrorCode::BizDuplicateEntry)
                .with_field("email", ErrorCode::BizDuplicateEntry)
                .with_detail("reason", "already_member"));
        }
        Err(InviteRefused::LimitReached(reached)) => return Err(reached.into()),
    }
    send_invitation(&platform, &org, email.as_str(), role, &secret).await?;
    tracing::info!(org_id = %org.id(), invitation = %id, "invitation sent");
    Ok(InvitationInfo {
        id,
        email: email.into(),
        role,
        invited_by: Some(org.auth().user.name.clone()),
        created_at: timestamp(now),
        expires_at: timestamp(expires_at),
        expired: false,
    })
}

/// The organization's open invitations (`invitation:create`).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn list(input: OrgInput) -> Result<Vec<InvitationInfo>, AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::InvitationCreate).await?;
    let now = platform::clock::now_utc();
    store::open_invitations(&platform.db, org.id())
        .await?
        .into_iter()
        .map(|(row, invited_by)| {
            Ok(InvitationInfo {
                role: Role::from_stored(&row.role)?,
                expired: row.expires_at <= now,
                created_at: timestamp(row.created_at),
                expires_at: timestamp(row.expires_at),
                id: row.id,
                email: row.email,
                invited_by,
            })
        })
        .collect()
}

/// Sends an invitation again with a new link and a new 48-hour expiry (`invitation:create`);
/// the old link stops working.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn resend(input: InvitationInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::InvitationCreate).await?;
    require_verified(&platform, org.auth())?;
    // Counted per invitation (its address is only known once it is renewed).
    invite_limits(&platform, org.id(), &input.invitation).await?;
    let secret = token::new_token();
    let expires_at = platform::clock::now_utc() + ttl();
    let row = store::renew(
        &platform.db,
        org.id(),
        &input.invitation,
        &token::hash_token(&secret),
        expires_at,
    )
    .await?
    .ok_or_else(|| AppError::not_found("invitation"))?;
    let role = Role::from_stored(&row.role)?;
    send_invitation(&platform, &org, &row.email, role, &secret).await?;
    tracing::info!(org_id = %org.id(), invitation = %row.id, "invitation resent");
    Ok(())
}

/// Withdraws an invitation (`invitation:cancel`); its link stops working.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn cancel(input: InvitationInput) -> Result<(), AppError> {
    let (platform, org) = OrgScope::enter(&input, Permission::InvitationCancel).await?;
    let entry = AuditEntry::new("invitation.cancelled", org.user_id());
    if !store::cancel(&platform.db, org.id(), &input.invitation, &entry).await? {
        return Err(AppError::not_found("invitation"));
    }
    tracing::info!(org_id = %org.id(), invitation = %input.invitation, "invitation cancelled");
    Ok(())
}

/// What the link's holder is invited to (no sign-in needed: the token is the credential).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn preview(input: InvitationTokenInput) -> Result<InvitationPreview, AppError> {
    validate(&input)?;
    let platform = AppState::platform()?;
    let (row, organization, invited_by) =
        store::by_token(&platform.db, &token::hash_token(&input.token))
            .await?
            .ok_or_else(token_invalid)?;
    let has_account = accounts::account_by_email(&platform, &row.email).await?.is_some();
    Ok(InvitationPreview {
        organization,
        invited_by,
        role: Role::from_stored(&row.role)?,
        email: row.email,
        has_account,
    })
}

/// Joins the organization of an invitation addressed to the signed-in user. Following the
/// mailed link proves the address, so it also counts as confirming it.
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn accept(input: InvitationTokenInput) -> Result<OrgSummary, AppError> {
    let auth = AuthContext::require()?;
    validate(&input)?;
    let platform = AppState::platform()?;
    let hash = token::hash_token(&input.token);
    let org_id = match store::accept(&platform.db, &hash, &auth.user.id, &auth.user.email).await? {
        Accepted::Joined(org_id) => org_id,
        Accepted::Invalid => return Err(token_invalid()),
        Accepted::LimitReached(reached) => return Err(reached.into()),
        Accepted::OtherEmail => {
            return Err(AppError::new(ErrorCode::AuthForbidden)
                .with_detail("reason", "invitation_other_email"));
        }
    };
    accounts::confirm_email(&platform, &auth.user.id, &auth.user.email).await?;
    let org = OrgScope::require(&platform, &auth, &org_id, Permission::OrganizationRead).await?;
    tracing::info!(org_id = %org.id(), user_id = %auth.user.id, "invitation accepted");
    redirect_after(None, &format!("/o/{}", org.slug()));
    Ok(org.summary())
}

/// Declines an invitation (no sign-in needed: the token is the credential).
#[tracing::instrument(skip_all, fields(org_id = Empty, user_id = Empty))]
pub async fn decline(input: InvitationTokenInput) -> Result<(), AppError> {
    validate(&input)?;
    let platform = AppState::platform()?;
    let org_id = store::decline(&platform.db, &token::hash_token(&input.token))
        .await?
        .ok_or_else(token_invalid)?;
    tracing::info!(%org_id, "invitation declined");
    redirect_after(None, "/?invitation_declined=1");
    Ok(())
}
