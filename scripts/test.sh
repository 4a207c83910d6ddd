#!/usr/bin/env bash
# Runs every check, in order, stopping at the first failure:
#   install -> fmt -> clippy (native, wasm32) -> cargo test (native)
#   -> conformance against the real programs (tests/conformance)
#   -> wasm browser tests (core, app) -> native and in-browser figures
#      (criterion; the worker's and the page's release builds)
#   -> trunk build --release -> dist sizes
#   -> Playwright e2e against dist/ served under /stackscope/
#   -> interaction to next paint (the e2e clicks, Event Timing API)
#   -> first paint vs a bare Yew app (builds bench/counter; target 1.3x;
#      fails above 2.5x, or the live app's paint above 4x)
#   -> Lighthouse (mobile, a warm-up run printed and not counted, then 5
#      runs: the median run's every category >= 95 and every run's
#      performance >= 95; desktop, 3 runs: median >= 99, worst >= 90,
#      target 100)
#   -> benches compile
#
#   ./scripts/test.sh            # everything
#   SKIP_INSTALL=1 ./scripts/test.sh   # assume tools are installed
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

if [[ "${CI:-}" == "true" ]]; then
  export PROPTEST_CASES="${PROPTEST_CASES:-10000}"
  export CARGO_TERM_PROGRESS_WHEN=never
  # A clean clone is built once: incremental caches only take disk.
  export CARGO_INCREMENTAL=0
fi

# Free disk where target/ lives, and target/'s size: printed at the start
# and at the end (a full disk shows up as a linker's SIGBUS, not as ENOSPC).
disk() {
  local free used
  # Never fails (set -e, pipefail): before the first build target/ is absent.
  free=$(df -Pk "$ROOT" 2>/dev/null | awk 'NR == 2 { printf "%.1f GiB", $4 / 1048576 }') || true
  used=$( (du -sk "$ROOT/target" 2>/dev/null || true) | awk '{ printf "%.1f GiB", $1 / 1048576 }') || true
  printf '    disk: %s free; target/ %s\n' "$free" "${used:-0 GiB}"
}

T0=$SECONDS
declare -a SUMMARY=()
CURRENT=""
# Each step's output is also kept here: a failure's own lines (a failed
# test's name, its assertion, a panic, a compiler error) are printed again
# at the very end, where a CI log's tail shows them.
STEP_LOG="$(mktemp)"
FLAKY=""
on_exit() {
  local rc=$?
  if ((${#SUMMARY[@]})); then
    printf '\n%-48s %s\n' "step" "seconds"
    printf '%s\n' "${SUMMARY[@]}"
  fi
  disk
  if ((rc != 0)); then
    printf '\nFAILED at step: %s (exit %d) after %ds\n' "${CURRENT:-?}" "$rc" $((SECONDS - T0))
    printf 'what failed (from the step'"'"'s output):\n'
    grep -E '✘|^ +[0-9]+\) \[|Error:|panicked at|^test .* FAILED|^error(\[|:)|^ +(Expected|Received)|[0-9]+ (failed|flaky)' "$STEP_LOG" |
      cut -c1-240 | head -n 24 || true
  else
    printf '\nALL CHECKS PASSED in %ds\n' $((SECONDS - T0))
  fi
  if [[ -n "$FLAKY" ]]; then
    printf 'e2e tests that passed only on their retry (flaky):\n%s\n' "$FLAKY"
  fi
  rm -f "$STEP_LOG"
}
trap on_exit EXIT

# run <label> <command...>: prints a header, runs, records the duration.
run() {
  local label="$1"
  shift
  CURRENT="$label"
  step "$label"
  printf '    $ %s\n' "$*"
  local t=$SECONDS
  "$@" 2>&1 | tee "$STEP_LOG"
  SUMMARY+=("$(printf '%-48s %5d' "$label" $((SECONDS - t)))")
  disk
}

dist_sizes() {
  local total_raw=0 total_gz=0 raw gz f first=0
  printf '    %-48s %10s %10s\n' "file" "bytes" "gzip -9"
  while IFS= read -r f; do
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + gz))
    printf '    %-48s %10d %10d\n' "${f#dist/}" "$raw" "$gz"
    [[ "$f" == dist/stackscope_bg.wasm ]] && first=$gz
  done < <(find dist -type f | sort)
  printf '    %-48s %10d %10d\n' "TOTAL" "$total_raw" "$total_gz"
  # The page's first module: at most 250 KB gzip (issue 15), a stable
  # figure, so it is gated (244,584 B on 2026-12-06; 0 when it is missing).
  printf '    first module (stackscope_bg.wasm): %d B gzip; target 250,000 B: %s\n' \
    "$first" "$( ((first > 0 && first <= 250000)) && echo met || echo missed)"
  ((first > 0 && first <= 250000))
}

# The million requests in the worker's build against criterion's native
# figure (issue 15's target: 1.5x). The first run in a fresh module includes
# V8's optimising compile and is printed; the fastest of three after it is
# what criterion's warmed-up samples compare with, and fails above 2x (a
# regression guard with room for a busy machine: 1.08x idle here).
load_ratio() {
  local line="${LOAD_1M:-}" first warm
  first=${line#*first=}
  first=${first%% *}
  warm=${line##*warm=}
  if [[ -z "$line" || -z "${NATIVE_1M_MS:-}" ]]; then
    echo "    no figure to compare (native: '${NATIVE_1M_MS:-}', browser: '$line')"
    return 1
  fi
  awk -v n="$NATIVE_1M_MS" -v f="$first" -v w="$warm" 'BEGIN {
    printf "    native %.0f ms (criterion); in the browser: first run %.0f ms (%.2fx), warm %.0f ms (%.2fx); target 1.5x: %s\n",
      n, f, f / n, w, w / n, (w / n <= 1.5 ? "met" : "missed")
    exit (w / n > 2.0) }'
}

# Criterion's middle estimate for the benchmark named $1 (the start of its
# line in the step's log; the time may be on the next line when the name is
# long), in $2: ms or µs.
criterion_estimate() {
  awk -v name="$1" -v unit="$2" 'index($0, name) == 1 { on = 1 } on && /time:/ {
    gsub(/[][]/, ""); for (i = 1; i <= NF; i++) if ($i == "time:") { v = $(i + 3); u = $(i + 4) }
    us = v * (u == "s" ? 1e6 : u == "ms" ? 1e3 : u == "ns" ? 1e-3 : 1)
    print (unit == "ms" ? us / 1e3 : us); exit }' "$STEP_LOG"
}

# The warm home-page trace in the worker's build against criterion's native
# figure (issue 15's target: 2x). Printed, never failing: both are short
# measurements (criterion's 3 s, the browser's fastest of 3 rounds).
trace_ratio() {
  if [[ -z "${NATIVE_TRACE_US:-}" || -z "${BROWSER_TRACE_US:-}" ]]; then
    echo "    no figure to compare (native: '${NATIVE_TRACE_US:-}', browser: '${BROWSER_TRACE_US:-}')"
    return 0
  fi
  awk -v n="$NATIVE_TRACE_US" -v b="$BROWSER_TRACE_US" 'BEGIN {
    printf "    native %.1f µs (criterion); in the browser (the worker'"'"'s build) %.1f µs: %.2fx; target 2x: %s\n",
      n, b, b / n, (b / n <= 2.0 ? "met" : "missed") }'
}

disk
if [[ "${SKIP_INSTALL:-}" != "1" ]]; then
  run "install tools" "$ROOT/scripts/install.sh"
fi
# Trunk runs cargo with --offline (Trunk.toml), so fetch dependencies first.
run "cargo fetch" cargo fetch
run "cargo fmt --check" cargo fmt --all --check
run "clippy (native)" cargo clippy --workspace --all-targets -- -D warnings
# WASM_CLIPPY_TARGETS exists only for local triage (e.g. "--lib --bins --tests").
# shellcheck disable=SC2086
run "clippy (wasm32)" cargo clippy --workspace ${WASM_CLIPPY_TARGETS:---all-targets} --target wasm32-unknown-unknown -- -D warnings
# The page's build of the core: no SQL engine (the `engine` feature off).
run "clippy: core without its engine (native, wasm32)" bash -c \
  "cargo clippy -p stackscope-core --no-default-features --lib -- -D warnings && cargo clippy -p stackscope-core --no-default-features --lib --target wasm32-unknown-unknown -- -D warnings"
run "cargo test (native, PROPTEST_CASES=${PROPTEST_CASES:-default})" cargo test --workspace
# The models against the real programs (nginx, Knot DNS, MariaDB, h11,
# openssl s_client, nftables, promtool),
# each started as a child on 127.0.0.1 or a Unix socket; fails on any
# disagreement and prints the table.
run "conformance (nginx, knotd, mariadbd, h11, openssl, nft, promtool, tcpdump, haproxy)" cargo run -q -p stackscope-conformance
run "wasm tests: core (chromedriver)" cargo test -p stackscope-core --target wasm32-unknown-unknown
run "wasm tests: app (wasm-pack, headless chrome)" \
  wasm-pack --log-level warn test --headless --chrome --chromedriver "$CHROMEDRIVER" --mode no-install
# Figures only, side by side: the pipeline and the load engine natively
# (criterion, short runs), then in headless Chromium built as the worker is
# (profile worker-release: the traces and the load engine, which runs the
# load panel's jobs) and as the page is (release: decoding a reply).
run "native figures (criterion, short runs)" \
  cargo bench -p stackscope-core --bench pipeline -- --warm-up-time 1 --measurement-time 3 --noplot
# Criterion's estimate for the million requests, in ms (the middle figure).
NATIVE_1M_MS=$(criterion_estimate "load/1,000,000 simulated requests" ms) || true
# And for the warm home-page trace, in µs.
NATIVE_TRACE_US=$(criterion_estimate "home page trace, warm" µs) || true
# Each in-browser measurement is compiled first, then waits until what the
# compiler wrote is on disk (settle, scripts/env.sh), then runs. The clean-
# clone run of 2026-12-07 that measured the worker's warm trace straight
# after its compile had 104.0 µs, against 56.6-61.7 in the runs before; in
# the next, with the wait, 11-22 MB were left to write (16-26 ms) and the
# trace was 83.4 µs: the writes were not that spread's cause, which is
# still unknown, but no measurement shares the machine with them.
WORKER_TESTS=(env STACKSCOPE_BUILD="the worker's build, profile worker-release" cargo test -p stackscope --profile worker-release --target wasm32-unknown-unknown --test pipeline_speed --test load_speed)
PAGE_TESTS=(env STACKSCOPE_BUILD="the page's build, profile release" cargo test -p stackscope --release --target wasm32-unknown-unknown --test pipeline_speed)
run "in-browser measurements, worker's build: compile" "${WORKER_TESTS[@]}" --no-run
settle
run "in-browser measurements, worker's build (figures only)" "${WORKER_TESTS[@]}" -- --nocapture
LOAD_1M=$(grep -o 'load-1M-ms first=[0-9.]* warm=[0-9.]*' "$STEP_LOG" | tail -n 1) || true
BROWSER_TRACE_US=$(grep -o "worker's build, profile worker-release) in the browser: home page trace, warm: [0-9.]*" "$STEP_LOG" | grep -o '[0-9.]*$' | tail -n 1) || true
run "1M requests: the worker's build against native" load_ratio
run "warm home-page trace: the worker's build against native (figures only)" trace_ratio
run "in-browser measurements, page's build: compile" "${PAGE_TESTS[@]}" --no-run
settle
run "in-browser measurements, page's build (figures only)" "${PAGE_TESTS[@]}" -- --nocapture
run "trunk build --release" trunk build --release
run "dist sizes" dist_sizes
run "e2e (Playwright, dist/ at /stackscope/)" npx --no-install playwright test --config tests/e2e/playwright.config.mjs
# Playwright's summary names the tests that passed only on their retry (CI
# retries once): kept for the end of the log.
FLAKY=$(awk '/^ +[0-9]+ flaky$/ { on = 1; print; next } on && /^ +\[/ { print; next } { on = 0 }' "$STEP_LOG" | sed 's/ ─*$//' | head -n 12) || true
# The target is a p98 of 100 ms; a run fails above 150 ms (a busy machine's margin).
run "interaction to next paint (Event Timing, release build)" node tests/e2e/inp.mjs --loads 5 --max 150
# Builds the counter baseline (bench/counter) when needed, then compares the
# first paints of the diagram over 15 alternating cold loads against issue
# 15's target of 1.3x the counter's (printed, met or missed). The diagram is
# first painted from index.html's static first frame (the app's own first
# frame as HTML, scripts/static-frame.mjs): 1.61x idle and 2.00x in a
# clean-clone run on 2026-12-04 (136 and 161 ms against 85 and 80 ms), where
# the live app's paint, printed beside it, was 2.49x and 2.88x; one
# stylesheet instead of nine (scripts/css-bundle.mjs) made it 1.48x idle
# and 1.53x in a clean-clone run on 2026-12-05 (117 ms; the live app 3.04x).
# What is left is the frame's own style and layout (20-50 ms in a cold
# renderer, traces show), which the counter's one line of text does not
# have. A run fails above 2.5x for the first paint, or 4x for the live
# app's (which lays out the page a second time): regression guards with
# room for a busier machine than this one.
run "first paint vs bare Yew app" "$ROOT/scripts/bench-paint.sh" --runs 15 --max-ratio 2.5 --max-live-ratio 4
# Mobile: the target is 95 in every run (issue 15). Lighthouse's simulated
# LCP used to count the 470 KB module's download whenever it ended before the
# shell's paint (LCP 3.6 s against 1.1 s, the scores 67-91); the loader now
# fetches it after that paint, and the static first frame (with the
# inspector's paragraph, the largest text) is the LCP. Clean-clone runs of
# 5 scored 97-100 in every run since 2026-12-05; local batches had worst
# runs of 93 and 92 (the second beside a cargo build: TBT is where the
# noise goes, since under the 4x CPU slowdown a 13 ms task counts), and
# until 2026-12-07 about one run in 5-10 scored 82-89. Since then a new
# trace's lists come one a frame, the hex dump is one string of markup (a
# playback tick's script halved) and the inspector's explanation is one
# paragraph (a new one each step had moved the LCP as a first visit
# played): 40 local runs scored 96-100, the last 20 all 100; the test
# command's run then had one at 96, its LCP 2.8 s, which was the module's
# fetch starting just before the first paint (assets/loader.js now waits
# for the paint's entry): 10 more runs, all 100. Gated as the issue asks,
# on the minimum: every run at 95. The first run after Chromium starts pays
# for the browser's own cold start (TBT 187-271 ms, one task of 190-330 ms
# under the 4x slowdown): on 2026-12-07 the first run had the highest TBT
# in each of 8 invocations and scored under 100 in 5 (95, 95, 97, 97, 98;
# the test command's two clean-clone runs had 97 and 95 there), while the
# 24 runs after them all scored 100. So one warm-up run comes first,
# printed and not counted.
run "Lighthouse (mobile, a warm-up run, then 5 runs: every run >= 95)" node tests/e2e/lighthouse.mjs --floor 95 --runs 5 --gate median --worst-floor 95 --target 95 --warmup 1
# Desktop: the target is 100 in every category in every run. With the
# inspector in the static first frame its paragraph is the LCP at the
# frame's paint (311-354 ms; it was 832 ms, a stage later, and performance
# 99): clean-clone runs of 3 have scored 100, 100, 100 since 2026-12-05
# (one on 2026-12-02 scored 99, 100, 94). Gated: the median at 99, the
# worst at 90; every run is printed against 100.
run "Lighthouse (desktop, 3 runs: median >= 99, worst >= 90)" node tests/e2e/lighthouse.mjs --preset desktop --floor 99 --runs 3 --gate median --worst-floor 90 --target 100
run "benches compile" cargo bench -p stackscope-core --no-run
