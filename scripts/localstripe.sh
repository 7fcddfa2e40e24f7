#!/usr/bin/env bash
# Starts localstripe on 127.0.0.1:8420 unless something already answers there, and waits until
# it does. It keeps running after the tests (later runs reuse it); its log is in the cache dir.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

port="${LOCALSTRIPE_PORT:-8420}"
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

if ! answers; then
  echo "starting localstripe on 127.0.0.1:$port"
  log="$(dirname "$LOCALSTRIPE_VENV")/localstripe.log"
  nohup "$LOCALSTRIPE_VENV/bin/python" -c "
from aiohttp import web
from localstripe.server import app
web.run_app(app, host='127.0.0.1', port=$port, print=None)
" >>"$log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    answers && break
    sleep 0.1
  done
  answers || { echo "localstripe did not start; see $log" >&2; exit 1; }
fi
echo "http://127.0.0.1:$port"
