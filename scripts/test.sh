#!/usr/bin/env bash
# Runs every check and test: format, lints, Rust unit and integration tests (SQLite always;
# PostgreSQL when TEST_DATABASE_URL is set; Redis when TEST_REDIS_URL is set), then the
# Playwright suite against a release build in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

step "cargo fmt"
cargo fmt --all -- --check
# The browser crate is checked on its own target: built together with the server crates, cargo
# would unify features and compile the app with `hydrate` and `ssr` at once.
step "cargo clippy (server)"
cargo clippy --workspace --exclude frontend --all-targets --locked -- -D warnings
step "cargo clippy (browser, wasm32)"
cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings
step "cargo test"
cargo test --workspace --exclude frontend --locked
step "end-to-end"
scripts/e2e.sh
