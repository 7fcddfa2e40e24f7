//! Where the running app's settings come from.
//!
//! `Leptos.toml` holds the runtime settings: leptos' own (`[package.metadata.leptos]`: site
//! address, site root, pkg dir) and the app's defaults (`[app]`). Environment variables override
//! both: `LEPTOS_*` for leptos' settings (cargo-leptos sets them when it runs the server), `PORT`
//! for the port, and the variables of [`platform::Config`] for the rest.

use std::path::Path;

use leptos::config::{LeptosOptions, get_configuration};
use platform::{Config, ConfigError, config::AppDefaults};

/// The file holding the runtime settings, relative to the working directory.
pub const SETTINGS_FILE: &str = "Leptos.toml";

/// Everything the server needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Leptos' site options.
    pub leptos: LeptosOptions,
    /// The application's configuration.
    pub config: Config,
}

impl Settings {
    /// Reads `Leptos.toml` (or `$LEPTOS_CONFIG`) and the environment.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var("LEPTOS_CONFIG").unwrap_or_else(|_| SETTINGS_FILE.to_owned());
        let path = Path::new(&file);
        let (leptos, defaults) = if path.exists() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::new("LEPTOS_CONFIG", format!("{file}: {e}")))?;
            let leptos = leptos_from_file(&file)?;
            (leptos, AppDefaults::from_toml(&text)?)
        } else {
            let leptos = get_configuration(None)
                .map_err(|e| ConfigError::new("LEPTOS_OUTPUT_NAME", e.to_string()))?
                .leptos_options;
            (leptos, AppDefaults::default())
        };
        let leptos = with_port(leptos, std::env::var("PORT").ok())?;
        let config = Config::from_env(defaults)?;
        Ok(Self { leptos, config })
    }
}

fn leptos_from_file(file: &str) -> Result<LeptosOptions, ConfigError> {
    get_configuration(Some(file))
        .map(|conf| conf.leptos_options)
        .map_err(|e| ConfigError::new(file, e.to_string()))
}

/// Applies `PORT`, if set, to the site address.
pub fn with_port(
    mut leptos: LeptosOptions,
    port: Option<String>,
) -> Result<LeptosOptions, ConfigError> {
    if let Some(port) = port.filter(|p| !p.trim().is_empty()) {
        let port: u16 = port
            .trim()
            .parse()
            .map_err(|_| ConfigError::new("PORT", format!("`{port}` is not a port number")))?;
        leptos.site_addr.set_port(port);
    }
    Ok(leptos)
}
