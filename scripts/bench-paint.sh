#!/usr/bin/env bash
# First paint of Stackscope against a bare Yew app: builds the counter
# baseline (bench/counter, `trunk build --release` in its directory) when its
# dist/ is missing or older than its sources, then runs
# `tests/e2e/first-paint.mjs --compare` against ./dist (which must already be
# built: `trunk build --release`) and bench/counter/dist, in one headless
# Chromium, alternating cold loads. Fails when the ratio of the medians
# (Stackscope / counter) exceeds 1.3 (--max-ratio), or the live app's exceeds
# --max-live-ratio when given (first-paint.mjs says what each measures).
#
#   ./scripts/bench-paint.sh                           # 9 loads of each, --max-ratio 1.3
#   ./scripts/bench-paint.sh --runs 15 --max-long-task 50   # extra args go to first-paint.mjs
#   ./scripts/bench-paint.sh --root /tmp/other-dist         # measure another build of the app
#   FORCE_COUNTER_BUILD=1 ./scripts/bench-paint.sh     # rebuild the counter anyway
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

COUNTER="$ROOT/bench/counter"
STAMP="$COUNTER/dist/index.html" # Trunk writes dist/ as a whole, at the end

if [[ ! -f "$ROOT/dist/index.html" ]]; then
  echo "error: no dist/index.html: build the app first (trunk build --release)" >&2
  exit 1
fi

# Everything the counter's dist/ depends on: its sources, the workspace's
# release profile (root Cargo.toml) and the lock file.
counter_stale() {
  [[ "${FORCE_COUNTER_BUILD:-}" == "1" || ! -f "$STAMP" ]] && return 0
  [[ -n "$(find "$COUNTER" -path "$COUNTER/dist" -prune -o -type f ! -name '*.md' -newer "$STAMP" -print -quit)" ]] && return 0
  [[ "$ROOT/Cargo.toml" -nt "$STAMP" || "$ROOT/Cargo.lock" -nt "$STAMP" ]] && return 0
  return 1
}

if counter_stale; then
  step "trunk build --release (bench/counter)"
  # Trunk runs cargo with --offline (Trunk.toml), so fetch dependencies first.
  cargo fetch
  (cd "$COUNTER" && trunk build --release)
else
  note "bench/counter/dist is up to date"
fi

# The counter's build above (about 40 s of compiling on a clean clone) goes
# on being written to disk for a while: the loads wait until it is (settle,
# scripts/env.sh, which says what it did to cold loads). After sync (0.8 s
# for 1.5 GB left by dd), two runs had no long task in either app (few runs:
# likely, not proven).
settle

step "first paint: Stackscope (dist/) vs the bare Yew counter (bench/counter/dist/)"
node tests/e2e/first-paint.mjs --compare "$@"
