//! The HTTP server: configuration, state, router, layers and the HTTP-only routes.

pub mod assets;
pub mod form_values;
pub mod health;
pub mod jobs;
pub mod layers;
pub mod router;
pub mod session_layer;
pub mod settings;
pub mod telemetry;

use std::time::Duration;

use anyhow::Context as _;
use app::state::AppState;
use platform::Platform;
use tokio::net::TcpListener;

/// How long in-flight requests may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

/// Loads the settings, starts the platform and serves until SIGINT or SIGTERM.
pub async fn run() -> anyhow::Result<()> {
    let settings = settings::Settings::load()?;
    telemetry::init(settings.config.log_format);
    assets::check_hash_file(&settings.leptos)
        .map_err(|reason| anyhow::anyhow!("LEPTOS_HASH_FILES: {reason}"))?;
    let platform = Platform::start(settings.config).await?;
    let backends = platform.backends();
    let addr = settings.leptos.site_addr;
    let maintenance = jobs::spawn(platform.clone());
    let state = AppState { leptos_options: settings.leptos, platform };
    let app = router::build(state);

    let listener =
        TcpListener::bind(addr).await.with_context(|| format!("PORT: cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    tracing::info!(%backends, "listening on http://{local}");

    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    maintenance.abort();
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM; then gives in-flight requests [`SHUTDOWN_GRACE`] to finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
    // A second guard: if connections do not drain in time, leave anyway.
    tokio::spawn(async {
        tokio::time::sleep(SHUTDOWN_GRACE).await;
        tracing::warn!("in-flight requests did not finish in time; exiting");
        std::process::exit(1);
    });
}
