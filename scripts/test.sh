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
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
step "cargo test"
# The Stripe adapter's suite runs against localstripe.
TEST_STRIPE_API_BASE="${TEST_STRIPE_API_BASE:-$(scripts/localstripe.sh | tail -n1)}"
export TEST_STRIPE_API_BASE
# The file storage suites run on local disk and on moto's S3.
TEST_S3_ENDPOINT="${TEST_S3_ENDPOINT:-$(scripts/moto.sh | tail -n1)}"
export TEST_S3_ENDPOINT
cargo test --workspace --exclude frontend --locked 2>&1 | tee "$logs/rust.log"
step "end-to-end"
scripts/e2e.sh 2>&1 | tee "$logs/e2e.log"

# One closing line for the whole run (each step above has already failed the script on error).
rust=$(grep -E '^test result: ok\.' "$logs/rust.log" | awk '{ sum += $4 } END { print sum + 0 }')
e2e=$(grep -E '^ +[0-9]+ passed' "$logs/e2e.log" | awk '{ sum += $1 } END { print sum + 0 }')
echo "rust: $rust passed, end-to-end: $e2e passed"
echo "tests: $((rust + e2e)) passed, 0 failed"
