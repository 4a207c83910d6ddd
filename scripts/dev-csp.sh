#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): the page's Content-Security-Policy
# (index.html's meta tag) for the build Trunk has just staged.
#
# - Served with live reload (`trunk serve`: Trunk has injected its inline
#   reload client, recognisable by its `__TRUNK_ADDRESS__` placeholder): the
#   policy also allows exactly that script, by the nonce Trunk gives it
#   (`create_nonce`; the dev server puts a fresh random nonce in place of the
#   placeholder, in the attribute and in this policy, on every page load).
# - Any other build (`trunk build --release`, what is deployed and tested):
#   the nonce attributes are removed again, so index.html's strict policy
#   and markup come out exactly as written. csp.spec.mjs checks both.
#
#   TRUNK_STAGING_DIR=dir bash scripts/dev-csp.sh    # what Trunk runs
set -euo pipefail
html="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}/index.html"
placeholder='{{__TRUNK NONCE__}}'
if grep -q '__TRUNK_ADDRESS__' "$html"; then
  sed -i "s/script-src 'self' 'wasm-unsafe-eval'/script-src 'self' 'wasm-unsafe-eval' 'nonce-${placeholder}'/" "$html"
  grep -q "'nonce-" "$html" || { echo "dev-csp.sh: no script-src to extend in $html" >&2; exit 1; }
else
  sed -i "s/ nonce=\"${placeholder}\"//g" "$html"
fi
