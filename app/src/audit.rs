//! The audit logs: one entry type, written in the transaction of the change it describes.
//!
//! There are two logs of that one shape, for two readers: an organization's (`audit_log`,
//! [`org_audit!`]), which its owners and admins read on its audit page and which goes with
//! the organization; and the administrators' (`admin_audit_log`, [`admin_audit!`]): bans,
//! session revocations, impersonations — platform actions no organization may read, kept
//! when the organizations they touched are gone.

/// An audit entry to write with the change it describes (same transaction).
#[derive(Clone, Debug)]
pub struct AuditEntry {
    /// What happened, e.g. `member.removed`.
    pub action: &'static str,
    /// Who did it.
    pub actor: Option<String>,
    /// Whom it concerned.
    pub target: Option<String>,
    /// Particulars, a JSON object.
    pub details: serde_json::Value,
}

impl AuditEntry {
    /// An entry for `action` by `actor`.
    pub fn new(action: &'static str, actor: &str) -> Self {
        Self { action, actor: Some(actor.to_owned()), target: None, details: serde_json::json!({}) }
    }

    /// An entry for `action` done by no one in particular (a payment provider, a job).
    pub fn system(action: &'static str) -> Self {
        Self { action, actor: None, target: None, details: serde_json::json!({}) }
    }

    /// Names the person the action concerned.
    #[must_use]
    pub fn target(mut self, user_id: &str) -> Self {
        self.target = Some(user_id.to_owned());
        self
    }

    /// Adds particulars.
    #[must_use]
    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Writes `$entry` to the log of organization `$org_id` on `$conn` (inside the caller's
/// transaction).
macro_rules! org_audit {
    ($conn:expr, $org_id:expr, $entry:expr) => {{
        use platform::db::schema::audit_log;
        let entry: &$crate::audit::AuditEntry = $entry;
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::id.eq(platform::clock::new_id()),
                audit_log::organization_id.eq($org_id),
                audit_log::actor_user_id.eq(entry.actor.as_deref()),
                audit_log::action.eq(entry.action),
                audit_log::target_user_id.eq(entry.target.as_deref()),
                audit_log::details.eq(entry.details.to_string()),
                audit_log::created_at.eq(platform::clock::now_utc()),
            ))
            .execute($conn)
            .await
    }};
}
pub(crate) use org_audit;

/// Writes `$entry` to the administrators' log on `$conn` (inside the caller's transaction).
macro_rules! admin_audit {
    ($conn:expr, $entry:expr) => {{
        use platform::db::schema::admin_audit_log;
        let entry: &$crate::audit::AuditEntry = $entry;
        diesel::insert_into(admin_audit_log::table)
            .values((
                admin_audit_log::id.eq(platform::clock::new_id()),
                admin_audit_log::actor_user_id.eq(entry.actor.as_deref()),
                admin_audit_log::action.eq(entry.action),
                admin_audit_log::target_user_id.eq(entry.target.as_deref()),
                admin_audit_log::details.eq(entry.details.to_string()),
                admin_audit_log::created_at.eq(platform::clock::now_utc()),
            ))
            .execute($conn)
            .await
    }};
}
pub(crate) use admin_audit;
