# Shared environment of the scripts (sourced, not run).
# Tools installed from npm live outside the checkout so every clone reuses them.
export TOOLS_DIR="${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/saas-foundation/tools}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# Where cargo builds; CI points it outside the clone so later runs reuse it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
# The fake Stripe the tests run against (installed by setup.sh --test, started by test.sh).
export LOCALSTRIPE_VENV="${LOCALSTRIPE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/saas-foundation/localstripe-venv}"
# The S3-compatible server the storage tests run against (moto; installed and started likewise).
export MOTO_VENV="${MOTO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/saas-foundation/moto-venv}"
