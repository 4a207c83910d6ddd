#!/usr/bin/env bash
# Lighthouse audit of the release build (mobile preset): prints the scores of
# performance, accessibility, best practices and SEO, and fails below 90.
#
#   ./scripts/audit.sh            # install what is missing, build, audit
#   SKIP_INSTALL=1 SKIP_BUILD=1 ./scripts/audit.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
if [[ "${SKIP_INSTALL:-}" != "1" ]]; then "$ROOT/scripts/install.sh"; fi
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  step "trunk build --release"
  cargo fetch
  trunk build --release
fi
step "Lighthouse 12.2.3 (mobile preset) against dist/ served at /stackscope/"
node tests/e2e/lighthouse.mjs --floor "${LIGHTHOUSE_FLOOR:-90}" --runs "${LIGHTHOUSE_RUNS:-3}"
