# Shared environment for scripts/*.sh (sourced, not executed).
# Puts cargo-installed tools and node_modules/.bin (wasm-opt from binaryen,
# playwright) on PATH and tells every tool never to download anything.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Tool versions. wasm-bindgen-cli must match the wasm-bindgen crate in
# Cargo.lock (install.sh reads it from there when it can).
TRUNK_VERSION="0.21.14"
WASM_PACK_VERSION="0.15.1"
WASM_BINDGEN_FALLBACK="0.2.130"

export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# wasm-bindgen-test-runner gives a whole suite 20 s by default; the app's
# suite takes ~18 s on this machine and a slower one timed out (CI, 2026-12-04).
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
export TRUNK_SKIP_VERSION_CHECK=true
export TRUNK_COLOR=never
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

# Prints a visible section header.
if [[ -t 1 ]]; then
  step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
else
  step() { printf '\n==> %s\n' "$*"; }
fi
note() { printf '    %s\n' "$*"; }

# Waits (sync) until what the builds wrote is on disk. The kernel writes it
# back on its own once it is 30 s old, so a measurement started just after a
# build shares the machine with that: with 1.5 GB left to write (dd, no
# build), the bare Yew counter itself had a 56 ms start-up task in 1 of 15
# cold loads (scripts/bench-paint.sh). Prints how long it waited, and for what.
settle() {
  local kb t
  kb=$(awk '/^(Dirty|Writeback):/ { kb += $2 } END { print kb + 0 }' /proc/meminfo 2>/dev/null || echo 0)
  t=$(date +%s%N)
  sync
  note "waited $(( ($(date +%s%N) - t) / 1000000 )) ms for ${kb} kB still to be written to disk (sync), so the measurement does not share the machine with it"
}

# The wasm-bindgen version locked in Cargo.lock (falls back to the pin above).
wasm_bindgen_version() {
  local v=""
  if [[ -f "$ROOT/Cargo.lock" ]]; then
    v="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  fi
  echo "${v:-$WASM_BINDGEN_FALLBACK}"
}
