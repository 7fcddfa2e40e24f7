//! The accounts' maintenance: expired sessions, and one-time tokens a day after they expired.

use platform::job::Job;

/// The jobs of accounts.
pub const JOBS: [Job; 2] = [
    Job {
        name: "expired-sessions-purge",
        run: |platform| Box::pin(super::store::purge_expired_sessions(&platform.db)),
    },
    Job {
        name: "expired-tokens-purge",
        run: |platform| Box::pin(super::store::purge_expired_tokens(&platform.db)),
    },
];
