//! The invitations' maintenance: expired invitations stay listed (to be resent) for
//! [`RETENTION`], then go.

use platform::job::Job;

/// How long an expired invitation stays listed.
pub const RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// The jobs of invitations.
pub const JOBS: [Job; 1] = [Job {
    name: "expired-invitations-purge",
    run: |platform| {
        Box::pin(super::store::purge_expired(&platform.db, platform::clock::now_utc() - RETENTION))
    },
}];
