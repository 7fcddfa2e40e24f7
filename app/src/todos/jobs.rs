//! The todos' maintenance: a soft-deleted todo is kept [`RETENTION`], then deleted for good.

use platform::job::Job;

/// How long a soft-deleted todo is kept.
pub const RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// The jobs of todos.
pub const JOBS: [Job; 1] = [Job {
    name: "deleted-todos-purge",
    run: |platform| {
        Box::pin(super::store::purge_deleted(&platform.db, platform::clock::now_utc() - RETENTION))
    },
}];
