#!/usr/bin/env bash
# Client benchmarks against the release build: every page's initial load (raw and brotli, by
# kind of file) and the todos page's time to interactive, cold cache. Prints markdown tables.
#   scripts/bench-client.sh            build the release first
#   SKIP_BUILD=1 scripts/bench-client.sh   measure the build in place
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [[ -z "${SKIP_BUILD:-}" ]]; then
  scripts/build.sh
fi
cd end2end
npx playwright test --config playwright.bench.config.ts "$@"
