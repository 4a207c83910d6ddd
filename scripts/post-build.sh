#!/usr/bin/env bash
# Trunk's post_build hook: its steps in order. (Trunk runs the hooks of
# one stage at the same time: sw-build.sh once listed a temporary file of
# dev-csp.sh's `sed -i`, and the service worker's install then failed on it.)
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
node "$here/css-bundle.mjs"
bash "$here/dev-csp.sh"
bash "$here/sw-build.sh"
