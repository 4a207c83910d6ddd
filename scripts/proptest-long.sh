#!/usr/bin/env bash
# Every property test at 1,000,000 cases (not part of CI: it takes hours
# on two cores). Any failure is printed with proptest's minimal input.
#
#   ./scripts/proptest-long.sh               # 1,000,000 cases each
#   PROPTEST_CASES=100000 ./scripts/proptest-long.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
export PROPTEST_CASES="${PROPTEST_CASES:-1000000}"
export STACKSCOPE_PROPTEST_LONG=1
t=$SECONDS
cargo test --release -p stackscope-core --test properties --test editing -- --test-threads 2 --nocapture
printf 'every property test passed at %s cases in %d s\n' "$PROPTEST_CASES" $((SECONDS - t))
