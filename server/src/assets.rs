//! The built client (`<site root>/pkg`: wasm, its chunks, JS and CSS) and the public files.
//!
//! With hashed file names (`hash-files`, as cargo-leptos builds the release), every file in
//! `pkg/` carries its content's hash, so it is cached for a year and never revalidated; a new
//! build has new names. Brotli and gzip copies made at build time (`--precompress`) are sent
//! to clients that accept them, so nothing is compressed per request. Everything else the
//! server answers — pages, API — is `no-store` unless its handler says otherwise.

use std::path::{Path, PathBuf};

use axum::{
    Router,
    http::{HeaderValue, Response, StatusCode, header},
};
use leptos::config::LeptosOptions;
use tower_http::{
    services::{ServeDir, fs::ServeFileSystemResponseBody},
    set_header::SetResponseHeader,
};

/// Cache policy of a file whose name changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of the client files when their names are not hashed (development builds).
pub const REVALIDATE: &str = "no-cache";
/// Cache policy of the public files (`favicon.svg`…), whose names stay the same.
pub const PUBLIC_FILE: &str = "public, max-age=3600";
/// Cache policy of every other answer: pages and API responses carry per-user data.
pub const NOT_STORED: &str = "no-store";

/// The router serving `/<pkg dir>/…` from the built site.
pub fn pkg_router<S: Clone + Send + Sync + 'static>(options: &LeptosOptions) -> Router<S> {
    let dir = pkg_dir(options);
    let cache = if options.hash_files { IMMUTABLE } else { REVALIDATE };
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    // A missing file is never cached: the next deployment may bring it.
    let policy = move |response: &Response<ServeFileSystemResponseBody>| {
        let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
        Some(HeaderValue::from_static(if found { cache } else { NOT_STORED }))
    };
    Router::new().nest_service(
        &format!("/{}", options.site_pkg_dir),
        SetResponseHeader::overriding(files, header::CACHE_CONTROL, policy),
    )
}

/// Where the built client files are.
pub fn pkg_dir(options: &LeptosOptions) -> PathBuf {
    Path::new(&*options.site_root).join(&*options.site_pkg_dir)
}

/// Checks, at start-up, that the hash file naming the built files is where leptos reads it
/// (beside the server binary): without it every page would fail.
pub fn check_hash_file(options: &LeptosOptions) -> Result<(), String> {
    if !options.hash_files {
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.parent().unwrap_or(Path::new(".")).join(&*options.hash_file);
    if path.is_file() {
        Ok(())
    } else {
        Err(format!(
            "hash files are on but {} does not exist: build the site with `cargo leptos build \
             --release --split --precompress`, or set LEPTOS_HASH_FILES=false",
            path.display()
        ))
    }
}
