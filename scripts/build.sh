#!/usr/bin/env bash
# Builds the release site as it is deployed: the server binary, and the client split by route
# (a wasm chunk per area of pages), with content-hashed file names (listed in hash.txt beside the
# binary) and brotli/gzip copies of every file, served as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo leptos build --release --split --precompress "$@"
