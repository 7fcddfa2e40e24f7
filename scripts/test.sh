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
step "cargo clippy (server and browser)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown --locked -- -D warnings
step "cargo test"
cargo test --workspace --locked
step "end-to-end"
scripts/e2e.sh
