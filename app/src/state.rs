//! The state every server function reaches through Leptos context.

use leptos::prelude::*;
use platform::Platform;

use crate::error::AppError;

/// Built once at start-up by the server, provided to every request.
#[derive(Clone)]
pub struct AppState {
    /// Leptos' site options (address, site root, pkg dir).
    pub leptos_options: LeptosOptions,
    /// Configuration, database, cache, pub/sub, rate limiter.
    pub platform: Platform,
}

impl AppState {
    /// The state of the current request.
    pub fn get() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| AppError::internal("AppState missing from context"))
    }

    /// The platform (database, cache, mail…) of the current request.
    pub fn platform() -> Result<Platform, AppError> {
        Ok(Self::get()?.platform)
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
