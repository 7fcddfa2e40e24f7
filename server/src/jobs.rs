//! Periodic maintenance inside the server. Every instance runs the loop; a lease in the database
//! makes sure one instance at a time does the work.

use std::time::Duration;

use platform::{Platform, lease};

/// How often the maintenance runs.
const PERIOD: Duration = Duration::from_secs(60 * 60);
/// How long one instance keeps the job to itself.
const LEASE: Duration = Duration::from_secs(50 * 60);
const JOB: &str = "auth-purge";
/// How long an expired invitation stays listed before the purge deletes it.
const INVITATION_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);
/// How long a soft-deleted todo is kept before the purge deletes it for good.
const DELETED_TODO_RETENTION: chrono::TimeDelta = chrono::TimeDelta::days(30);

/// Starts the maintenance loop in the background.
pub fn spawn(platform: Platform) -> tokio::task::JoinHandle<()> {
    let holder = platform::clock::new_id();
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            run_once(&platform, &holder).await;
        }
    })
}

/// One round: if this instance gets the lease, deletes expired sessions, one-time tokens,
/// long-expired invitations and todos deleted more than 30 days ago.
pub async fn run_once(platform: &Platform, holder: &str) -> bool {
    match lease::try_acquire(&platform.db, JOB, holder, LEASE).await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(error) => {
            tracing::warn!(%error, job = JOB, "could not take the job lease");
            return false;
        }
    }
    let purged = async {
        let (sessions, tokens) = app::auth::server::store::purge_expired(&platform.db).await?;
        // Expired invitations stay listed (to be resent) for a while before they go.
        let cutoff = platform::clock::now_utc() - INVITATION_RETENTION;
        let invitations = app::invitations::store::purge_expired(&platform.db, cutoff).await?;
        let cutoff = platform::clock::now_utc() - DELETED_TODO_RETENTION;
        let todos = app::todos::store::purge_deleted(&platform.db, cutoff).await?;
        Ok::<_, platform::DbError>((sessions, tokens, invitations, todos))
    };
    match purged.await {
        Ok((sessions, tokens, invitations, todos)) => {
            tracing::info!(
                job = JOB,
                sessions,
                tokens,
                invitations,
                todos,
                "expired records purged"
            );
            true
        }
        Err(error) => {
            tracing::warn!(%error, job = JOB, "purge failed");
            false
        }
    }
}
