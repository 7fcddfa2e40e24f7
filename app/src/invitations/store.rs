//! Invitation storage. Every query names the organization, or the token that stands for one
//! invitation.

use chrono::NaiveDateTime;
use diesel::{
    ExpressionMethods, JoinOnDsl, NullableExpressionMethods, OptionalExtension, QueryDsl,
    SelectableHelper,
};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::schema::{invitations, memberships, organizations, users},
};

use crate::{
    audit::{AuditEntry, org_audit},
    billing::limits::{self, LimitReached, entitled_plan},
    orgs::{lock::lock_org, scope::OrgId},
};

/// An open invitation as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    /// Id.
    pub id: String,
    /// The organization it is for.
    pub organization_id: String,
    /// The invited (normalised) address.
    pub email: String,
    /// The role it grants.
    pub role: String,
    /// Who sent it.
    pub invited_by: Option<String>,
    /// Sent (or last resent).
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
}

/// A new invitation.
#[derive(Clone, Copy, Debug, diesel::Insertable)]
#[diesel(table_name = invitations)]
pub struct NewInvitation<'a> {
    /// Id.
    pub id: &'a str,
    /// The invited (normalised) address.
    pub email: &'a str,
    /// The role it grants.
    pub role: &'a str,
    /// SHA-256 of the mailed token.
    pub token_hash: &'a str,
    /// Who sends it.
    pub invited_by: Option<&'a str>,
    /// Now.
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
}

/// Why an invitation was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InviteRefused {
    /// The address already belongs to a member.
    AlreadyMember,
    /// Members plus open invitations would exceed the plan's limit.
    LimitReached(LimitReached),
}

/// Writes an invitation, replacing an open one for the same address, unless the address is a
/// member already or the plan's member limit (members plus unexpired invitations) is reached. Runs under the organization's row lock so concurrent invitations count right.
pub async fn invite(
    db: &Db,
    org_id: OrgId<'_>,
    new: NewInvitation<'_>,
    entry: &AuditEntry,
) -> Result<Result<(), InviteRefused>, DbError> {
    platform::transaction!(db, conn => {
        lock_org!(conn, org_id.as_str())?;
        let member: i64 = memberships::table
            .inner_join(users::table)
            .filter(memberships::organization_id.eq(org_id.as_str()))
            .filter(users::email.eq(new.email))
            .count()
            .get_result(conn)
            .await?;
        if member > 0 {
            return Ok(Err(InviteRefused::AlreadyMember));
        }
        let plan = entitled_plan!(conn, org_id.as_str(), new.created_at);
        if let Some(max) = plan.limits().members {
            let members: i64 = memberships::table
                .filter(memberships::organization_id.eq(org_id.as_str()))
                .count()
                .get_result(conn)
                .await?;
            let pending: i64 = invitations::table
                .filter(invitations::organization_id.eq(org_id.as_str()))
                .filter(invitations::expires_at.gt(new.created_at))
                // An open invitation to the same address is replaced, not added to.
                .filter(invitations::email.ne(new.email))
                .count()
                .get_result(conn)
                .await?;
            if let Err(reached) = limits::check("members", Some(max), members + pending, 1) {
                return Ok(Err(InviteRefused::LimitReached(reached)));
            }
        }
        diesel::delete(
            invitations::table
                .filter(invitations::organization_id.eq(org_id.as_str()))
                .filter(invitations::email.eq(new.email)),
        )
        .execute(conn)
        .await?;
        diesel::insert_into(invitations::table)
            .values((invitations::organization_id.eq(org_id.as_str()), new))
            .execute(conn)
            .await?;
        org_audit!(conn, org_id.as_str(), entry)?;
        Ok(Ok(()))
    })
}

/// The open (also expired, not yet purged) invitations of `org_id`, newest first, with the
/// name of who sent each.
pub async fn open_invitations(
    db: &Db,
    org_id: OrgId<'_>,
) -> Result<Vec<(InvitationRow, Option<String>)>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        invitations::table
            .left_join(users::table.on(users::id.nullable().eq(invitations::invited_by)))
            .filter(invitations::organization_id.eq(org_id.as_str()))
            .order((invitations::created_at.desc(), invitations::id.desc()))
            .select((InvitationRow::as_select(), users::name.nullable()))
            .load(conn)
            .await?
    }))
}

/// Gives invitation `id` of `org_id` a new token and a new expiry; returns it, or `None` when
/// the organization has no such invitation.
pub async fn renew(
    db: &Db,
    org_id: OrgId<'_>,
    id: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<Option<InvitationRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        diesel::update(
            invitations::table
                .filter(invitations::organization_id.eq(org_id.as_str()))
                .filter(invitations::id.eq(id)),
        )
        .set((
            invitations::token_hash.eq(token_hash),
            invitations::created_at.eq(now_utc()),
            invitations::expires_at.eq(expires_at),
        ))
        .returning(InvitationRow::as_returning())
        .get_result(conn)
        .await
        .optional()?
    }))
}

/// Deletes invitation `id` of `org_id` and records `entry` (with the address); returns whether
/// there was one.
pub async fn cancel(
    db: &Db,
    org_id: OrgId<'_>,
    id: &str,
    entry: &AuditEntry,
) -> Result<bool, DbError> {
    platform::transaction!(db, conn => {
        let email: Option<String> = diesel::delete(
            invitations::table
                .filter(invitations::organization_id.eq(org_id.as_str()))
                .filter(invitations::id.eq(id)),
        )
        .returning(invitations::email)
        .get_result(conn)
        .await
        .optional()?;
        let Some(email) = email else { return Ok(false) };
        let mut entry = entry.clone();
        if let Some(details) = entry.details.as_object_mut() {
            details.insert("email".into(), email.into());
        }
        org_audit!(conn, org_id.as_str(), &entry)?;
        Ok(true)
    })
}

/// The unexpired invitation with token hash `hash`, its organization's name and the name of
/// who sent it.
pub async fn by_token(
    db: &Db,
    hash: &str,
) -> Result<Option<(InvitationRow, String, Option<String>)>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        invitations::table
            .inner_join(organizations::table)
            .left_join(users::table.on(users::id.nullable().eq(invitations::invited_by)))
            .filter(invitations::token_hash.eq(hash))
            .filter(invitations::expires_at.gt(now_utc()))
            .select((InvitationRow::as_select(), organizations::name, users::name.nullable()))
            .first(conn)
            .await
            .optional()?
    }))
}

/// The outcome of accepting an invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Joined (or was a member already): the organization's id.
    Joined(String),
    /// No open invitation has this token.
    Invalid,
    /// The invitation is for another address; it stays open.
    OtherEmail,
    /// The organization's members already reach its plan's limit; the invitation stays open.
    LimitReached(LimitReached),
}

/// Accepts the invitation with token hash `hash` for `user_id` (whose address is `email`):
/// deletes it and adds the membership, both or neither. An invitation for another address is
/// left as it is.
pub async fn accept(db: &Db, hash: &str, user_id: &str, email: &str) -> Result<Accepted, DbError> {
    let now = now_utc();
    platform::transaction!(db, conn => {
        let invitation: Option<InvitationRow> = invitations::table
            .filter(invitations::token_hash.eq(hash))
            .filter(invitations::expires_at.gt(now))
            .select(InvitationRow::as_select())
            .first(conn)
            .await
            .optional()?;
        let Some(invitation) = invitation else { return Ok(Accepted::Invalid) };
        if invitation.email != email {
            return Ok(Accepted::OtherEmail);
        }
        let org_id = invitation.organization_id.clone();
        lock_org!(conn, &org_id)?;
        // Joining turns an open invitation into a member, so it is refused only when the
        // members alone reach the plan's limit (after a downgrade or a lapsed payment).
        let plan = entitled_plan!(conn, org_id.as_str(), now);
        let members: i64 = memberships::table
            .filter(memberships::organization_id.eq(&org_id))
            .count()
            .get_result(conn)
            .await?;
        let already: i64 = memberships::table
            .find((&org_id, user_id))
            .count()
            .get_result(conn)
            .await?;
        if already == 0
            && let Err(reached) = limits::check("members", plan.limits().members, members, 1)
        {
            return Ok(Accepted::LimitReached(reached));
        }
        // Deleting by id and token in the locked transaction: of two concurrent accepts, only
        // one deletes the row.
        let deleted = diesel::delete(
            invitations::table
                .filter(invitations::id.eq(&invitation.id))
                .filter(invitations::token_hash.eq(hash)),
        )
        .execute(conn)
        .await?;
        if deleted == 0 {
            return Ok(Accepted::Invalid);
        }
        let existing: i64 = memberships::table
            .find((&org_id, user_id))
            .count()
            .get_result(conn)
            .await?;
        if existing == 0 {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::organization_id.eq(&org_id),
                    memberships::user_id.eq(user_id),
                    memberships::role.eq(&invitation.role),
                    memberships::created_at.eq(now),
                ))
                .execute(conn)
                .await?;
            let mut entry = AuditEntry::new("member.joined", user_id)
                .target(user_id)
                .details(serde_json::json!({ "role": invitation.role }));
            entry.details["invited_by"] = invitation.invited_by.clone().into();
            org_audit!(conn, &org_id, &entry)?;
        }
        Ok(Accepted::Joined(org_id))
    })
}

/// Deletes the open invitation with token hash `hash` (declined by its recipient) and records
/// it; returns the organization's id if there was one.
pub async fn decline(db: &Db, hash: &str) -> Result<Option<String>, DbError> {
    let now = now_utc();
    platform::transaction!(db, conn => {
        let declined: Option<(String, String)> = diesel::delete(
            invitations::table
                .filter(invitations::token_hash.eq(hash))
                .filter(invitations::expires_at.gt(now)),
        )
        .returning((invitations::organization_id, invitations::email))
        .get_result(conn)
        .await
        .optional()?;
        let Some((org_id, email)) = declined else { return Ok(None) };
        let entry = AuditEntry {
            action: "invitation.declined",
            actor: None,
            target: None,
            details: serde_json::json!({ "email": email }),
        };
        org_audit!(conn, &org_id, &entry)?;
        Ok(Some(org_id))
    })
}

/// Deletes invitations that expired before `cutoff`; returns how many.
pub async fn purge_expired(db: &Db, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(platform::with_conn!(db, conn => {
        diesel::delete(invitations::table.filter(invitations::expires_at.le(cutoff)))
            .execute(conn)
            .await?
    }))
}
