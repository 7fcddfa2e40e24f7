#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already present.
#   scripts/setup.sh          build tools (wasm target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/setup.sh --test   also Chromium, the Inter font and the end-to-end test packages
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "cargo is missing: install Rust with rustup first (https://rustup.rs)" >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos 0.3.11+ needs a newer rustc; 0.3.10 works the same for this project. Its own
# release profile (full LTO) doubles the install time for no benefit to us.
if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"0.3.10"* ]]; then
  step "installing cargo-leptos 0.3.10"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=2 \
    cargo install cargo-leptos --version 0.3.10 --locked
fi

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb_version" ]]; then
  step "installing wasm-bindgen-cli $wb_version"
  # Not --locked: its lock file names a crate version the registry no longer has.
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$wb_version" --force
fi

# wasm-opt from binaryen 132 (npm). Never Debian's binaryen (108): its output does not hydrate.
if [[ "$("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)" != *"version 132"* ]]; then
  step "installing wasm-opt (binaryen 132)"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --no-save --no-audit --no-fund binaryen@132.0.0 >/dev/null
fi

if $want_test; then
  if [[ ! -x "$CHROMIUM" ]]; then
    step "installing Chromium"
    if [[ $(id -u) -eq 0 ]]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
    fi
  fi
  # One font for the screenshots: the stylesheet names Inter first, so the baselines do not
  # depend on what else the machine has.
  if ! dpkg -s fonts-inter >/dev/null 2>&1; then
    step "installing the Inter font"
    if [[ $(id -u) -eq 0 ]]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-inter
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-inter
    fi
  fi
  # localstripe (PyPI): a stateful fake of the Stripe API that signs the webhooks it sends.
  if ! "$LOCALSTRIPE_VENV/bin/python" -c 'import localstripe' 2>/dev/null; then
    step "installing localstripe (a fake Stripe for the tests)"
    python3 -m venv "$LOCALSTRIPE_VENV"
    "$LOCALSTRIPE_VENV/bin/pip" install --quiet --disable-pip-version-check localstripe==1.15.10
  fi
  # moto (PyPI) in server mode: an S3-compatible server for the file storage tests.
  if [[ ! -x "$MOTO_VENV/bin/moto_server" ]]; then
    step "installing moto (an S3-compatible server for the tests)"
    python3 -m venv "$MOTO_VENV"
    "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.6'
  fi
  if [[ ! -d end2end/node_modules/@playwright/test ]] || ! cmp -s end2end/package-lock.json end2end/node_modules/.package-lock.json.copy; then
    step "installing end-to-end test packages"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null \
      && cp package-lock.json node_modules/.package-lock.json.copy)
  fi
fi
