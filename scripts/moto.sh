#!/usr/bin/env bash
# Starts moto's S3-compatible server on 127.0.0.1:9000 unless something already answers there,
# and waits until it does. It keeps running after the tests (later runs reuse it, each test makes
# its own bucket); its log is in the cache dir.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

port="${MOTO_PORT:-9000}"
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

if ! answers; then
  echo "starting moto (S3) on 127.0.0.1:$port"
  log="$(dirname "$MOTO_VENV")/moto.log"
  nohup "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >>"$log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    answers && break
    sleep 0.1
  done
  answers || { echo "moto did not start; see $log" >&2; exit 1; }
fi
echo "http://127.0.0.1:$port"
