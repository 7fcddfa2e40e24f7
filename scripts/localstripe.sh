#!/usr/bin/env bash
# Starts localstripe on 127.0.0.1:8420 unless something already answers there, and prints its
# URL. It keeps running after the tests (later runs reuse it); its log is in the cache dir.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

port="${LOCALSTRIPE_PORT:-8420}"
start_once localstripe "$port" "$(dirname "$LOCALSTRIPE_VENV")/localstripe.log" \
  "$LOCALSTRIPE_VENV/bin/python" -c "
from aiohttp import web
from localstripe.server import app
web.run_app(app, host='127.0.0.1', port=$port, print=None)
"
