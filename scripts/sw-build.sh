#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): writes the service worker's build name
# and file list into the staged sw.js (assets/sw.js). The name is a hash of
# every file of the build, so any change gives a new cache and nothing of two
# builds is ever served together. A dev-server build (live reload) gets the
# name `dev`, which turns caching off.
#
#   TRUNK_STAGING_DIR=dir bash scripts/sw-build.sh    # what Trunk runs
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
sw="$dir/sw.js"
[ -f "$sw" ] || { echo "sw-build.sh: no sw.js in $dir" >&2; exit 1; }
if grep -q '__TRUNK_ADDRESS__' "$dir/index.html"; then
  build=dev
  files="./"
else
  cd "$dir"
  list=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
  build=$(for f in $list; do sha256sum "$f"; done | sha256sum | cut -c1-16)
  files="./', '$(echo "$list" | paste -sd '|' | sed "s/|/', '/g")"
fi
sed -i "s|__STACKSCOPE_BUILD__|$build|; s|__STACKSCOPE_FILES__|$files|" "$sw"
