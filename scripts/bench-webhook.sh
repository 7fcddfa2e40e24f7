#!/usr/bin/env bash
# Webhook handling time of the release build on Stripe (against localstripe): N organizations
# subscribe, localstripe's signed events reach the webhook; prints a markdown table of the
# handler's time per event.
#   scripts/bench-webhook.sh [N=20]   (run scripts/build.sh first; DATABASE_URL=postgres://…
#                                      measures PostgreSQL instead of a fresh SQLite file)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test >/dev/null
STRIPE_BASE="$(scripts/localstripe.sh | tail -n1)"
export STRIPE_BASE
exec "$LOCALSTRIPE_VENV/bin/python" scripts/bench-webhook.py "$@"
