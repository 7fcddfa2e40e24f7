//! [`OrgId`]: an organization's id as only the organizations feature hands it out — through
//! an [`OrgScope`](super::scope::OrgScope) — and as every store function reading or writing an
//! organization's rows takes it.

use std::fmt;

/// An organization's id, proven by an [`OrgScope`](super::scope::OrgScope) (or, inside this
/// feature, where its rows are written for a reason a scope cannot state: [`OrgId::trusted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrgId<'a>(&'a str);

impl<'a> OrgId<'a> {
    /// The id, for a query's filter.
    pub fn as_str(self) -> &'a str {
        self.0
    }

    /// The id of a scope that proved it.
    pub(super) fn proven(id: &'a str) -> Self {
        Self(id)
    }

    /// An id proven otherwise: the organization being created (it has no member yet), or one
    /// whose only member is the account being deleted.
    pub(super) fn trusted(id: &'a str) -> Self {
        Self(id)
    }
}

impl fmt::Display for OrgId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
