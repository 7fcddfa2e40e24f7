#!/usr/bin/env bash
# Attachment upload throughput and server memory of the release build; prints a markdown table.
#   scripts/bench-uploads.sh [N=10] [SIZE_MB=25] [CONCURRENT=8]   (run scripts/build.sh first;
#   DATABASE_URL / REDIS_URL / S3_* in the environment measure those backends instead)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec python3 scripts/bench-uploads.py "$@"
