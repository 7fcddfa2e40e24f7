#!/usr/bin/env bash
# Builds the release and serves it on http://127.0.0.1:3000 (PORT overrides) with the embedded
# default: an SQLite file in ./data, in-process cache. Set DATABASE_URL / REDIS_URL to scale out.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
scripts/build.sh
mkdir -p "${DATA_DIR:-data}"
exec "$CARGO_TARGET_DIR/release/server"
