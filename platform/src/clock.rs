//! Time and identifiers, in the one format every table uses.

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// The current UTC time, truncated to microseconds so it round-trips through both databases.
pub fn now_utc() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new time-ordered identifier (UUIDv7) as text: ids are TEXT on both backends.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
