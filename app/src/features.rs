//! What the features hand the server to host, besides their server functions and pages (which
//! register themselves): HTTP routes of their own and periodic jobs. A new feature adds its
//! entries here; the server mounts and runs whatever this lists.

use axum::routing::MethodRouter;
use platform::job::Job;

use crate::state::AppState;

/// The features' own HTTP routes, by path (under `/api/`, each checking its caller as the
/// server functions do; `/files/` serves stored pictures by their unguessable keys). The
/// tenancy tests read the same list.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    [crate::todos::http::routes(), crate::billing::http::routes(), crate::files::http::routes()]
        .concat()
}

/// Every feature's maintenance jobs.
pub fn jobs() -> Vec<Job> {
    [
        &crate::auth::server::jobs::JOBS[..],
        &crate::invitations::jobs::JOBS[..],
        &crate::todos::jobs::JOBS[..],
        &crate::billing::jobs::JOBS[..],
        // After the todos' purge, which hands it the files of the todos it removes.
        &crate::files::jobs::JOBS[..],
    ]
    .concat()
}
