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

# start_once NAME PORT LOG COMMAND...: runs COMMAND in the background unless something already
# answers on 127.0.0.1:PORT, waits (up to 15 s) until something does, then prints its URL.
start_once() {
  local name=$1 port=$2 log=$3
  shift 3
  answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
  if ! answers; then
    echo "starting $name on 127.0.0.1:$port" >&2
    nohup "$@" >>"$log" 2>&1 </dev/null &
    for _ in $(seq 1 150); do
      answers && break
      sleep 0.1
    done
    answers || { echo "$name did not start; see $log" >&2; return 1; }
  fi
  echo "http://127.0.0.1:$port"
}
