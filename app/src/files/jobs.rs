//! The files' maintenance: removals that failed (the store was unreachable) and uploads that
//! never finished (a crash, a client gone) are carried out, and their bytes released.

use platform::{DbError, Platform, clock::now_utc, job::Job};

/// The jobs of files.
pub const JOBS: [Job; 1] =
    [Job { name: "file-removals", run: |platform| Box::pin(removals(platform)) }];

/// One run of `file-removals`: how many files were taken out of storage.
pub async fn removals(platform: &Platform) -> Result<usize, DbError> {
    super::service::remove_due(platform, now_utc()).await
}
