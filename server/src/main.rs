//! The server binary: load configuration, prepare the platform, serve until told to stop.

use std::process::ExitCode;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> ExitCode {
    match server::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Telemetry may not be up yet: the reason goes to stderr, once, with its causes.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
