//! Runs the features' maintenance jobs ([`app::features::jobs`]) inside the server. Every
//! instance runs the loop; a lease per job in the database makes sure one instance at a time
//! does each job.

use std::time::Duration;

use platform::{Platform, job::Job, lease};

/// How often the jobs run.
const PERIOD: Duration = Duration::from_secs(60 * 60);
/// How long one instance keeps a job to itself.
const LEASE: Duration = Duration::from_secs(50 * 60);

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

/// One round: runs each job whose lease this instance gets. Returns whether it ran any.
pub async fn run_once(platform: &Platform, holder: &str) -> bool {
    let mut ran = false;
    for job in app::features::jobs() {
        ran |= run_job(platform, holder, job).await;
    }
    ran
}

async fn run_job(platform: &Platform, holder: &str, job: Job) -> bool {
    match lease::try_acquire(&platform.db, job.name, holder, LEASE).await {
        Ok(true) => {}
        Ok(false) => return false,
        Err(error) => {
            tracing::warn!(%error, job = job.name, "could not take the job lease");
            return false;
        }
    }
    match (job.run)(platform).await {
        Ok(count) => tracing::info!(job = job.name, count, "job done"),
        Err(error) => tracing::warn!(%error, job = job.name, "job failed"),
    }
    true
}
