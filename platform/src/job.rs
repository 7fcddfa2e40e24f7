//! Periodic maintenance jobs: a feature declares what it keeps tidy as [`Job`]s, the server runs
//! each one every hour, under a lease of the job's own name (see [`crate::lease`]) so that one
//! instance at a time does it however many are up.

use std::{future::Future, pin::Pin};

use crate::{DbError, Platform};

/// What one run of a job returns: how many records it removed or changed.
pub type JobRun<'a> = Pin<Box<dyn Future<Output = Result<usize, DbError>> + Send + 'a>>;

/// A periodic job.
#[derive(Clone, Copy)]
pub struct Job {
    /// Named for what it does (`expired-sessions-purge`): its lease and its log lines.
    pub name: &'static str,
    /// One run.
    pub run: for<'a> fn(&'a Platform) -> JobRun<'a>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("name", &self.name).finish_non_exhaustive()
    }
}
