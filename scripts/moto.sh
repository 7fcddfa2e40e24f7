#!/usr/bin/env bash
# Starts moto's S3-compatible server on 127.0.0.1:9000 unless something already answers there,
# and prints its URL. It keeps running after the tests (later runs reuse it, each test makes its
# own bucket); its log is in the cache dir.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

port="${MOTO_PORT:-9000}"
start_once moto "$port" "$(dirname "$MOTO_VENV")/moto.log" \
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port"
