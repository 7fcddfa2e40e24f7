#!/usr/bin/env bash
# Builds the release (wasm through wasm-opt, as deployed) and runs the Playwright suite against
# it; Playwright starts the server on a temporary data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/build.sh
cd end2end
npx playwright test "$@"
