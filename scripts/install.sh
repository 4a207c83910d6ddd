#!/usr/bin/env bash
# Installs everything needed to build, serve and test Stackscope. Idempotent:
# each step checks what is already there (and at which version) and skips it.
#
#   ./scripts/install.sh
#
# Debian packages: clang + llvm (SQLite's C for wasm32), chromium +
# chromium-driver (browser tests), nodejs + npm if missing; nginx-light,
# knot, mariadb-server/-client, tcpdump, haproxy and python3-h11 (the conformance suite's
# real programs, never started as services).
# Rust: the wasm32-unknown-unknown target, rustfmt, clippy; cargo-installed
# trunk, wasm-bindgen-cli (same version as Cargo.lock), wasm-pack.
# npm: `npm ci` (binaryen's wasm-opt for trunk, @playwright/test).
# Nothing is downloaded from anywhere but Debian, crates.io and npm: no
# `playwright install`, no prebuilt wasm-bindgen/wasm-opt/chromedriver.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

# --- Debian packages --------------------------------------------------------
step "Debian packages"
apt_missing=()
need_pkg() { # need_pkg <package> <command that proves it is installed>
  if command -v "$2" >/dev/null 2>&1; then
    note "skip $1 ($2 found)"
  else
    apt_missing+=("$1")
  fi
}
need_pkg clang clang
need_pkg llvm llvm-ar
need_pkg chromium chromium
need_pkg chromium-driver chromedriver
need_pkg gzip gzip
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt_missing+=(nodejs npm)
else
  note "skip nodejs/npm (node $(node --version), npm $(npm --version))"
fi
if ! fc-list 2>/dev/null | grep -qi 'liberation\|dejavu'; then
  apt_missing+=(fonts-liberation fonts-dejavu-core)
fi
# The real programs the conformance suite (tests/conformance) compares the
# models with. They run only as children of the suite, never as services.
need_pkg nginx-light nginx
need_pkg knot knotd
need_pkg mariadb-server mariadbd
need_pkg mariadb-client mariadb
need_pkg openssl openssl
need_pkg nftables nft
# tcpdump reads the balancer pair's VRRP adverts back and checks their sums.
need_pkg tcpdump tcpdump
# HAProxy 2.6's `show stat` is what the balancer's monitoring agent reads.
need_pkg haproxy haproxy
need_pkg iproute2 ip
# promtool (Prometheus 2.42's rule engine) checks the monitoring alert rule.
need_pkg prometheus promtool
if ! /usr/bin/python3 -c 'import h11' >/dev/null 2>&1; then
  apt_missing+=(python3-h11)
else
  note "skip python3-h11 (importable by /usr/bin/python3)"
fi
if ((${#apt_missing[@]})); then
  note "installing: ${apt_missing[*]}"
  # Packages must not start (or restart) system services: the suite starts
  # its own copies. A policy-rc.d that says "no" is Debian's way to ask that.
  made_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${apt_missing[@]}"
  if [[ -n "$made_policy" ]]; then $SUDO rm -f /usr/sbin/policy-rc.d; fi
fi

# --- Rust toolchain pieces --------------------------------------------------
step "Rust toolchain"
if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
  echo "error: cargo/rustup not found; install the Rust toolchain with rustup first" >&2
  exit 1
fi
note "$(rustc --version)"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  note "skip target wasm32-unknown-unknown (installed)"
else
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  if rustup component list --installed | grep -q "^$comp"; then
    note "skip component $comp (installed)"
  else
    rustup component add "$comp"
  fi
done

# cargo_tool <binary> <expected version> <crate> <cargo install args...>
# Skips if `<binary> --version` already reports the expected version.
cargo_tool() {
  local bin="$1" want="$2" crate="$3"
  shift 3
  local have=""
  if command -v "$bin" >/dev/null 2>&1; then
    have="$("$bin" --version 2>/dev/null | head -n1 | awk '{print $2}')"
  fi
  if [[ "$have" == "$want" ]]; then
    note "skip $crate $want ($bin found)"
    return 0
  fi
  note "installing $crate $want (found: ${have:-none}) — this compiles from source and takes minutes"
  cargo install --force "$@"
}

cargo_tool trunk "$TRUNK_VERSION" trunk --locked "trunk@$TRUNK_VERSION"

WBG="$(wasm_bindgen_version)"
# wasm-bindgen-cli's own lock file names a crate version missing from the
# registry, so it is installed without --locked.
cargo_tool wasm-bindgen "$WBG" wasm-bindgen-cli wasm-bindgen-cli --version "=$WBG"
tr_have="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}')"
if [[ "$tr_have" != "$WBG" ]]; then
  echo "error: wasm-bindgen-test-runner reports '${tr_have:-nothing}', expected $WBG" >&2
  exit 1
fi

if ! cargo_tool wasm-pack "$WASM_PACK_VERSION" wasm-pack --locked "wasm-pack@$WASM_PACK_VERSION"; then
  note "wasm-pack --locked failed; retrying without --locked"
  cargo install --force "wasm-pack@$WASM_PACK_VERSION"
fi

# Trunk.toml must pin the same wasm-bindgen as Cargo.lock.
trunk_wbg="$(sed -n 's/^wasm_bindgen *= *"\(.*\)".*/\1/p' Trunk.toml)"
if [[ -n "$trunk_wbg" && "$trunk_wbg" != "$WBG" ]]; then
  echo "error: Trunk.toml pins wasm_bindgen = \"$trunk_wbg\" but Cargo.lock has $WBG" >&2
  exit 1
fi

# --- npm --------------------------------------------------------------------
step "npm packages"
stamp="node_modules/.stackscope-lock.sha256"
want_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want_sum" && -x node_modules/.bin/wasm-opt ]]; then
  note "skip npm ci (node_modules matches package-lock.json)"
else
  npm ci --no-audit --no-fund
  echo "$want_sum" >"$stamp"
fi
note "$(wasm-opt --version)"

step "Tools ready"
note "$(trunk --version)"
note "$(wasm-bindgen --version)"
note "$(wasm-pack --version)"
note "$(chromium --version 2>/dev/null)"
note "$(chromedriver --version)"
