//! Logging: pretty lines in development, JSON lines with `LOG_FORMAT=json`; `RUST_LOG` filters.

use std::io::IsTerminal as _;

use platform::config::LogFormat;
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// The filter used when `RUST_LOG` is unset.
const DEFAULT_FILTER: &str = "info,tower_http=info";

/// Installs the global subscriber (a second call is a no-op, for tests).
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Pretty => {
            let ansi = std::io::stdout().is_terminal();
            registry.with(fmt::layer().compact().with_ansi(ansi)).try_init()
        }
        LogFormat::Json => registry
            .with(fmt::layer().json().flatten_event(true).with_current_span(true))
            .try_init(),
    };
    drop(result);
}
