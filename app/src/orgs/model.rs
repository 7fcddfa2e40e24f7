//! Organization types and inputs, shared by server and browser.

use garde::Validate;
use serde::{Deserialize, Serialize};

use super::permissions::Role;
use crate::{error::ErrorCode, files::model::Picture, validation::rule_error};

/// Longest organization name.
pub const ORG_NAME_MAX_CHARS: usize = 100;
/// Shortest and longest slug.
pub const SLUG_MIN: usize = 2;
/// Longest slug.
pub const SLUG_MAX: usize = 48;

/// Slugs that would shadow a route or mislead: refused for organizations.
pub const RESERVED_SLUGS: [&str; 24] = [
    "account",
    "admin",
    "api",
    "app",
    "auth",
    "billing",
    "dashboard",
    "help",
    "invitations",
    "login",
    "logout",
    "new",
    "o",
    "orgs",
    "pkg",
    "root",
    "settings",
    "sign-in",
    "sign-up",
    "static",
    "support",
    "system",
    "team",
    "www",
];

/// An organization the caller belongs to, with the caller's role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// The caller's role in it.
    pub role: Role,
    /// Its logo, if it has one.
    #[serde(default)]
    pub logo: Option<Picture>,
}

/// Whether `slug` has the form `[a-z0-9-]{2,48}` and is not reserved; the code says why not.
pub fn check_slug(slug: &str) -> Result<(), ErrorCode> {
    if slug.is_empty() {
        return Err(ErrorCode::ValRequiredField);
    }
    if slug.len() > SLUG_MAX {
        return Err(ErrorCode::ValTooLong);
    }
    let well_formed = slug.len() >= SLUG_MIN
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed || RESERVED_SLUGS.contains(&slug) {
        return Err(ErrorCode::ValInvalidFormat);
    }
    Ok(())
}

/// A slug made from a name: lower-case ASCII letters and digits, other runs become `-`.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        let c = match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    slug.chars().take(SLUG_MAX).collect::<String>().trim_end_matches('-').to_owned()
}

#[allow(clippy::ref_option)] // garde hands custom rules a reference to the field
fn optional_slug_rule(value: &Option<String>) -> garde::Result {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(()),
        Some(slug) => check_slug(slug).map_err(rule_error),
    }
}

fn slug_rule(value: &str) -> garde::Result {
    check_slug(value.trim()).map_err(rule_error)
}

/// Input of `POST /api/orgs/create`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct CreateOrgInput {
    /// Display name, 1–100 characters.
    #[garde(length(chars, min = 1, max = ORG_NAME_MAX_CHARS))]
    pub name: String,
    /// URL name; made from the name when empty.
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| optional_slug_rule(v)))]
    pub slug: Option<String>,
}

/// Input of `POST /api/orgs/update`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct UpdateOrgInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// New display name.
    #[garde(length(chars, min = 1, max = ORG_NAME_MAX_CHARS))]
    pub name: String,
    /// New URL name.
    #[garde(custom(|v: &String, (): &()| slug_rule(v)))]
    pub slug: String,
}

/// Input of `GET /api/orgs/by-slug`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SlugInput {
    /// The organization's slug.
    #[garde(length(min = 1, max = SLUG_MAX))]
    pub slug: String,
}

/// Input naming one organization.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct OrgInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_rules() {
        assert_eq!(check_slug("acme-2"), Ok(()));
        assert_eq!(check_slug("a"), Err(ErrorCode::ValInvalidFormat));
        assert_eq!(check_slug("Acme"), Err(ErrorCode::ValInvalidFormat));
        assert_eq!(check_slug("admin"), Err(ErrorCode::ValInvalidFormat));
        assert_eq!(check_slug(&"a".repeat(49)), Err(ErrorCode::ValTooLong));
        assert_eq!(check_slug(""), Err(ErrorCode::ValRequiredField));
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(slugify("Acme, Inc."), "acme-inc");
        assert_eq!(slugify("  Señor Café  "), "senor-cafe");
        assert_eq!(slugify("日本"), "");
        assert_eq!(slugify(&"x".repeat(60)).len(), SLUG_MAX);
    }
}

/// A member of an organization, as the team page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    /// The member's user id.
    pub user_id: String,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Role in the organization.
    pub role: Role,
    /// Joined (`YYYY-MM-DD`).
    pub joined_at: String,
    /// The member's picture, if they uploaded one.
    #[serde(default)]
    pub avatar: Option<Picture>,
}

fn role_rule(value: &str) -> garde::Result {
    if value.trim().is_empty() {
        Err(rule_error(ErrorCode::ValRequiredField))
    } else if value.parse::<Role>().is_err() {
        Err(rule_error(ErrorCode::ValInvalidFormat))
    } else {
        Ok(())
    }
}

/// Input naming one member of one organization.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct MemberInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The member's user id.
    #[garde(length(min = 1, max = 64))]
    pub user_id: String,
}

/// Input of `POST /api/orgs/members/role`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct ChangeRoleInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// The member's user id.
    #[garde(length(min = 1, max = 64))]
    pub user_id: String,
    /// The new role: `owner`, `admin`, `member` or `viewer`.
    #[garde(length(max = 16), custom(|v: &String, (): &()| role_rule(v)))]
    pub role: String,
}

/// Every action the audit log records (`AuditEvent::action`).
pub const AUDIT_ACTIONS: [&str; 24] = [
    "organization.created",
    "organization.updated",
    "organization.deleted",
    "organization.logo_changed",
    "organization.logo_removed",
    "member.invited",
    "member.joined",
    "member.removed",
    "member.role_changed",
    "member.left",
    "ownership.transferred",
    "invitation.cancelled",
    "invitation.declined",
    "todos.bulk_deleted",
    "billing.subscribed",
    "billing.ended",
    "billing.plan_changed",
    "billing.cancel_scheduled",
    "billing.resumed",
    "billing.status_changed",
    "billing.invoice_paid",
    "billing.payment_failed",
    "billing.payment_action_required",
    "billing.trial_ending",
];

/// The translation key of an audit action's label.
pub fn audit_action_key(action: &str) -> String {
    format!("audit-{}", action.replace(['.', '_'], "-"))
}

/// One entry of an organization's audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Entry id (time-ordered).
    pub id: String,
    /// What happened, e.g. `member.role_changed`.
    pub action: String,
    /// Who did it (name, or email when the account is gone: `None`).
    pub actor: Option<String>,
    /// Whom it concerned, if a person.
    pub target: Option<String>,
    /// Particulars (old and new values).
    pub details: serde_json::Value,
    /// When (`YYYY-MM-DD HH:MM` UTC).
    pub created_at: String,
}

/// One page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The entries.
    pub events: Vec<AuditEvent>,
    /// Pass as `before` for the next (older) page; `None` on the last page.
    pub next: Option<String>,
}

/// Input of `GET /api/orgs/audit`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct AuditInput {
    /// The organization's id.
    #[garde(length(min = 1, max = 64))]
    pub org: String,
    /// Only entries older than this entry id (from `next`).
    #[serde(default)]
    #[garde(inner(length(max = 64)))]
    pub before: Option<String>,
}
