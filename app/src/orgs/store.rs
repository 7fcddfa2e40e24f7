//! Organization storage: every query names the organization it is about.

use chrono::NaiveDateTime;
use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
use platform::{
    Db, DbError,
    clock::now_utc,
    db::schema::{audit_log, memberships, organizations},
};

use super::{id::OrgId, lock::lock_org};
use crate::{
    audit::{AuditEntry, org_audit},
    files::model::Picture,
};

/// An organization as stored.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = organizations)]
pub struct OrgRow {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The logo's 256-pixel storage key.
    pub logo_key: Option<String>,
    /// The logo's 64-pixel storage key.
    pub logo_small_key: Option<String>,
}

impl OrgRow {
    /// The logo's addresses, if there is one.
    pub fn logo(&self) -> Option<Picture> {
        Picture::of(self.logo_key.as_deref(), self.logo_small_key.as_deref())
    }
}

#[derive(diesel::Insertable)]
#[diesel(table_name = organizations)]
struct NewOrg<'a> {
    id: &'a str,
    name: &'a str,
    slug: &'a str,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(diesel::Insertable)]
#[diesel(table_name = memberships)]
struct NewMembership<'a> {
    organization_id: &'a str,
    user_id: &'a str,
    role: &'a str,
    created_at: NaiveDateTime,
}

/// The organizations `user_id` belongs to, with the role in each, by name.
pub async fn organizations_of(db: &Db, user_id: &str) -> Result<Vec<(OrgRow, String)>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        organizations::table
            .inner_join(memberships::table)
            .filter(memberships::user_id.eq(user_id))
            .order((organizations::name.asc(), organizations::id.asc()))
            .select((OrgRow::as_select(), memberships::role))
            .load(conn)
            .await?
    }))
}

/// The organization `org_id` and `user_id`'s role in it, if they are a member.
pub async fn membership(
    db: &Db,
    org_id: &str,
    user_id: &str,
) -> Result<Option<(OrgRow, String)>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        organizations::table
            .inner_join(memberships::table)
            .filter(organizations::id.eq(org_id))
            .filter(memberships::user_id.eq(user_id))
            .select((OrgRow::as_select(), memberships::role))
            .first(conn)
            .await
            .optional()?
    }))
}

/// The id of the organization with `slug`.
pub async fn org_id_by_slug(db: &Db, slug: &str) -> Result<Option<String>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        organizations::table
            .filter(organizations::slug.eq(slug))
            .select(organizations::id)
            .first(conn)
            .await
            .optional()?
    }))
}

/// Whether an organization uses `slug`.
pub async fn slug_taken(db: &Db, slug: &str) -> Result<bool, DbError> {
    let count: i64 = platform::with_conn!(db, conn => {
        organizations::table.filter(organizations::slug.eq(slug)).count().get_result(conn).await?
    });
    Ok(count > 0)
}

/// Creates an organization with `owner_id` as its owner, both or neither.
pub async fn create(
    db: &Db,
    id: &str,
    name: &str,
    slug: &str,
    owner_id: &str,
    entry: &AuditEntry,
) -> Result<(), DbError> {
    let now = now_utc();
    platform::transaction!(db, conn => {
        diesel::insert_into(organizations::table)
            .values(NewOrg { id, name, slug, created_at: now, updated_at: now })
            .execute(conn)
            .await?;
        diesel::insert_into(memberships::table)
            .values(NewMembership { organization_id: id, user_id: owner_id, role: "owner", created_at: now })
            .execute(conn)
            .await?;
        org_audit!(conn, id, entry)?;
        Ok(())
    })
}

/// Renames an organization and sets its slug.
pub async fn update(
    db: &Db,
    org_id: OrgId<'_>,
    name: &str,
    slug: &str,
    entry: &AuditEntry,
) -> Result<(), DbError> {
    let now = now_utc();
    platform::transaction!(db, conn => {
        diesel::update(organizations::table.find(org_id.as_str()))
            .set((
                organizations::name.eq(name),
                organizations::slug.eq(slug),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        org_audit!(conn, org_id.as_str(), entry)?;
        Ok(())
    })
}

/// Deletes an organization; memberships, todos and attachments go with it (the delete
/// triggers make its files due for removal), the audit log (with this entry) stays.
pub async fn delete(db: &Db, org_id: OrgId<'_>, entry: &AuditEntry) -> Result<(), DbError> {
    platform::transaction!(db, conn => {
        diesel::delete(organizations::table.find(org_id.as_str())).execute(conn).await?;
        org_audit!(conn, org_id.as_str(), entry)?;
        Ok(())
    })
}

/// The organizations `user_id` is the only owner of while others are members too.
pub async fn solely_owned_with_others(db: &Db, user_id: &str) -> Result<Vec<String>, DbError> {
    let owned: Vec<String> = platform::with_conn!(db, conn => {
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::role.eq("owner"))
            .select(memberships::organization_id)
            .load(conn)
            .await?
    });
    let mut blocking = Vec::new();
    for org_id in owned {
        let roles: Vec<String> = platform::with_conn!(db, conn => {
            memberships::table
                .filter(memberships::organization_id.eq(&org_id))
                .select(memberships::role)
                .load(conn)
                .await?
        });
        let owners = roles.iter().filter(|role| *role == "owner").count();
        if owners == 1 && roles.len() > 1 {
            blocking.push(org_id);
        }
    }
    Ok(blocking)
}

/// Deletes the organizations whose only member is `user_id` (before the user goes).
pub async fn delete_where_only_member(db: &Db, user_id: &str) -> Result<(), DbError> {
    let mine: Vec<String> = platform::with_conn!(db, conn => {
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .select(memberships::organization_id)
            .load(conn)
            .await?
    });
    for org_id in mine {
        let members: i64 = platform::with_conn!(db, conn => {
            memberships::table
                .filter(memberships::organization_id.eq(&org_id))
                .count()
                .get_result(conn)
                .await?
        });
        if members == 1 {
            let entry = AuditEntry::new("organization.deleted", user_id)
                .details(serde_json::json!({ "reason": "account_deleted" }));
            delete(db, OrgId::trusted(&org_id), &entry).await?;
        }
    }
    Ok(())
}

/// The members of `org_id` with their account, by name.
pub async fn members(db: &Db, org_id: OrgId<'_>) -> Result<Vec<MemberRow>, DbError> {
    use platform::db::schema::users;
    Ok(platform::with_conn!(db, conn => {
        memberships::table
            .inner_join(users::table)
            .filter(memberships::organization_id.eq(org_id.as_str()))
            .order((users::name.asc(), users::id.asc()))
            .select((
                users::id,
                users::name,
                users::email,
                memberships::role,
                memberships::created_at,
                users::avatar_key,
                users::avatar_small_key,
            ))
            .load(conn)
            .await?
    }))
}

/// A member as [`members`] lists them: user id, name, address, role, joined, picture keys.
pub type MemberRow =
    (String, String, String, String, NaiveDateTime, Option<String>, Option<String>);

/// What a change to the owners of an organization would leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MembershipChange {
    /// Give the member this role.
    SetRole(&'static str),
    /// Remove the member.
    Remove,
}

/// Why a membership change was refused.
#[derive(Debug)]
pub enum ChangeRefused {
    /// The user is not a member.
    NotMember,
    /// It would leave the organization without an owner.
    LastOwner,
    /// The database failed.
    Db(DbError),
}

impl From<DbError> for ChangeRefused {
    fn from(error: DbError) -> Self {
        Self::Db(error)
    }
}

impl From<diesel::result::Error> for ChangeRefused {
    fn from(error: diesel::result::Error) -> Self {
        Self::Db(error.into())
    }
}

/// Changes (or ends) `user_id`'s membership of `org_id`, unless that would leave the
/// organization without an owner. The organization's row is locked first inside the
/// transaction: on PostgreSQL that row lock serialises concurrent changes to one organization
/// (SQLite's write transaction does it anyway), so two owners demoting each other at once
/// cannot both succeed. Returns the member's previous role.
pub async fn change_membership(
    db: &Db,
    org_id: OrgId<'_>,
    user_id: &str,
    change: MembershipChange,
    entry: &AuditEntry,
) -> Result<String, ChangeRefused> {
    let outcome: Result<Result<String, ChangeRefused>, DbError> = platform::transaction!(db, conn => {
        lock_org!(conn, org_id.as_str())?;
        let current: Option<String> = memberships::table
            .find((org_id.as_str(), user_id))
            .select(memberships::role)
            .first(conn)
            .await
            .optional()?;
        let Some(current) = current else { return Ok(Err(ChangeRefused::NotMember)) };
        let stays_owner = matches!(change, MembershipChange::SetRole("owner"));
        if current == "owner" && !stays_owner {
            let owners: i64 = memberships::table
                .filter(memberships::organization_id.eq(org_id.as_str()))
                .filter(memberships::role.eq("owner"))
                .count()
                .get_result(conn)
                .await?;
            if owners <= 1 {
                return Ok(Err(ChangeRefused::LastOwner));
            }
        }
        match change {
            MembershipChange::SetRole(role) => {
                diesel::update(memberships::table.find((org_id.as_str(), user_id)))
                    .set(memberships::role.eq(role))
                    .execute(conn)
                    .await?;
            }
            MembershipChange::Remove => {
                diesel::delete(memberships::table.find((org_id.as_str(), user_id))).execute(conn).await?;
            }
        }
        let mut entry = entry.clone();
        if let Some(details) = entry.details.as_object_mut() {
            details.insert("from".into(), current.clone().into());
        }
        org_audit!(conn, org_id.as_str(), &entry)?;
        Ok(Ok(current))
    });
    outcome?
}

/// Makes `to` an owner and `from` an admin, both or neither (`from` must be an owner, `to` a
/// member). Returns `false` when `to` is not a member.
pub async fn transfer_ownership(
    db: &Db,
    org_id: OrgId<'_>,
    from: &str,
    to: &str,
    entry: &AuditEntry,
) -> Result<bool, DbError> {
    platform::transaction!(db, conn => {
        lock_org!(conn, org_id.as_str())?;
        let promoted = diesel::update(memberships::table.find((org_id.as_str(), to)))
            .set(memberships::role.eq("owner"))
            .execute(conn)
            .await?;
        if promoted == 0 {
            return Ok(false);
        }
        diesel::update(memberships::table.find((org_id.as_str(), from)))
            .set(memberships::role.eq("admin"))
            .execute(conn)
            .await?;
        org_audit!(conn, org_id.as_str(), entry)?;
        Ok(true)
    })
}

/// A stored audit entry: id, actor, action, target, details (JSON text), time.
pub type AuditRow = (String, Option<String>, String, Option<String>, String, NaiveDateTime);

/// Up to `limit` entries of `org_id`'s log older than entry `before`, newest first.
pub async fn audit_page(
    db: &Db,
    org_id: OrgId<'_>,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    Ok(platform::with_conn!(db, conn => {
        let mut query = audit_log::table
            .filter(audit_log::organization_id.eq(org_id.as_str()))
            .into_boxed();
        if let Some(before) = before {
            query = query.filter(audit_log::id.lt(before));
        }
        query
            .order(audit_log::id.desc())
            .limit(limit)
            .select((
                audit_log::id,
                audit_log::actor_user_id,
                audit_log::action,
                audit_log::target_user_id,
                audit_log::details,
                audit_log::created_at,
            ))
            .load(conn)
            .await?
    }))
}

/// Names (else emails) of these users, by id.
pub async fn user_names(
    db: &Db,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, DbError> {
    use platform::db::schema::users;
    let rows: Vec<(String, String)> = platform::with_conn!(db, conn => {
        users::table
            .filter(users::id.eq_any(ids))
            .select((users::id, users::name))
            .load(conn)
            .await?
    });
    Ok(rows.into_iter().collect())
}
