#!/usr/bin/env bash
# Installs what is missing, then runs the dev server (rebuilds on change and
# reloads the page: the dev build's CSP allows Trunk's reload client by nonce,
# scripts/dev-csp.sh; the release policy is unchanged).
#
#   ./scripts/serve.sh                 # http://127.0.0.1:8080/
#   ./scripts/serve.sh --port 9000     # extra args go to `trunk serve`
#   ./scripts/serve.sh --release
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

"$ROOT/scripts/install.sh"
# Trunk runs cargo with --offline (Trunk.toml), so fetch dependencies first.
step "cargo fetch"
cargo fetch
step "trunk serve"
echo "    Stackscope will be at http://127.0.0.1:8080/ (or the --port you gave) once built"
exec trunk serve "$@"
