//! Platform administration types and inputs, shared by server and browser.

use garde::Validate;
use serde::{Deserialize, Serialize};

use crate::{error::ErrorCode, files::model::Picture, validation::rule_error};

/// Rows per page of the administration tables.
pub const ADMIN_PAGE_SIZE: i64 = 25;
/// Longest ban reason.
pub const BAN_REASON_MAX_CHARS: usize = 500;
/// The ban lengths the form offers, in days (empty: until lifted).
pub const BAN_DAYS: [u32; 4] = [1, 7, 30, 365];

/// A ban in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BanInfo {
    /// Why.
    pub reason: String,
    /// Until (`YYYY-MM-DD HH:MM` UTC), or `None` until lifted.
    pub until: Option<String>,
}

/// An account, as the users table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUser {
    /// Id.
    pub id: String,
    /// Address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Whether the address is confirmed.
    pub email_verified: bool,
    /// Signed up (`YYYY-MM-DD`).
    pub created_at: String,
    /// Organizations it belongs to.
    pub organizations: i64,
    /// A platform administrator (cannot be banned or impersonated).
    pub is_admin: bool,
    /// The ban in force, if any.
    pub banned: Option<BanInfo>,
    /// The person's picture, if they uploaded one.
    #[serde(default)]
    pub avatar: Option<Picture>,
}

/// One page of accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    /// The accounts, newest first.
    pub users: Vec<AdminUser>,
    /// Accounts matching the search.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Pages in all.
    pub pages: i64,
}

/// An organization, as the organizations table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrg {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// Members.
    pub members: i64,
    /// The plan it is on now: `free`, `pro` or `business`.
    pub plan: String,
    /// Created (`YYYY-MM-DD`).
    pub created_at: String,
    /// Its logo, if it has one.
    #[serde(default)]
    pub logo: Option<Picture>,
}

/// One page of organizations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPage {
    /// The organizations, newest first.
    pub orgs: Vec<AdminOrg>,
    /// Organizations matching the search.
    pub total: i64,
    /// This page (from 1).
    pub page: i64,
    /// Pages in all.
    pub pages: i64,
}

/// One entry of the administrators' log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEvent {
    /// Id (time-ordered).
    pub id: String,
    /// What happened, e.g. `user.banned`.
    pub action: String,
    /// The administrator (address).
    pub actor: Option<String>,
    /// The account concerned (address).
    pub target: Option<String>,
    /// Particulars as JSON text.
    pub details: String,
    /// When (`YYYY-MM-DD HH:MM` UTC).
    pub created_at: String,
}

/// Every action of the administrators' log.
pub const ADMIN_ACTIONS: [&str; 5] = [
    "user.banned",
    "user.unbanned",
    "user.sessions_revoked",
    "impersonation.started",
    "impersonation.stopped",
];

/// The translation key of an administrators' log action.
pub fn admin_action_key(action: &str) -> String {
    format!("admin-event-{}", action.replace(['.', '_'], "-"))
}

/// The page number of a search, 1 when absent or empty; `None` when it is not one.
pub fn page_number(value: Option<&str>) -> Option<i64> {
    match value.map(str::trim) {
        None | Some("") => Some(1),
        Some(page) => page.parse().ok().filter(|page| (1..=100_000).contains(page)),
    }
}

#[allow(clippy::ref_option)] // garde hands custom rules a reference to the field
fn page_rule(value: &Option<String>) -> garde::Result {
    page_number(value.as_deref()).map(|_| ()).ok_or_else(|| rule_error(ErrorCode::ValInvalidFormat))
}

/// Input of the searchable tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct SearchInput {
    /// Part of an address, name or slug (case-insensitive).
    #[serde(default)]
    #[garde(inner(length(max = 100)))]
    pub q: Option<String>,
    /// Page, from 1 (text: query strings carry no numbers through `flatten`).
    #[serde(default)]
    #[garde(custom(|v: &Option<String>, (): &()| page_rule(v)))]
    pub page: Option<String>,
}

/// Input naming one account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct UserInput {
    /// The account's id.
    #[garde(length(min = 1, max = 64))]
    pub user_id: String,
}

fn days_rule(value: &str) -> garde::Result {
    match value.trim() {
        "" => Ok(()),
        days => match days.parse::<u32>() {
            Ok(1..=3650) => Ok(()),
            _ => Err(rule_error(ErrorCode::ValInvalidFormat)),
        },
    }
}

/// Input of `POST /api/admin/users/ban`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Validate)]
pub struct BanInput {
    /// The account's id.
    #[garde(length(min = 1, max = 64))]
    pub user_id: String,
    /// Why (1–500 characters), shown to administrators.
    #[garde(length(chars, min = 1, max = BAN_REASON_MAX_CHARS))]
    pub reason: String,
    /// Length in days (1–3650); empty: until lifted.
    #[serde(default)]
    #[garde(custom(|v: &String, (): &()| days_rule(v)))]
    pub days: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ban_lengths_are_days_or_nothing() {
        assert!(days_rule("").is_ok());
        assert!(days_rule("30").is_ok());
        assert!(days_rule("0").is_err());
        assert!(days_rule("-1").is_err());
        assert!(days_rule("forever").is_err());
        assert!(page_rule(&Some("0".into())).is_err());
        assert!(page_rule(&Some("x".into())).is_err());
        assert_eq!(page_number(Some("3")), Some(3));
        assert_eq!(page_number(None), Some(1));
    }
}
