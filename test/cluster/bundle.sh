#!/usr/bin/env bash
# Bundles the workload and the operator with esbuild into dist/<app>/main.mjs (one file each, no
# node_modules). An app whose entry does not exist yet is skipped with a message.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
# CJS dependencies inside an ESM bundle still call require(): give them one.
version=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)
banner="import { createRequire as __hello_createRequire } from 'node:module'; const require = __hello_createRequire(import.meta.url);"
for app in "$@"; do
  entry="$app/main.ts"
  if [[ ! -f $entry ]]; then log "bundle $app: skipped, $entry does not exist yet"; continue; fi
  "$REPO/node_modules/.bin/esbuild" "$entry" --bundle --platform=node --format=esm --target=node24 --minify --keep-names --legal-comments=none \
    --banner:js="$banner" --define:HELLO_WORKLOAD_VERSION="\"$version\"" --outfile="dist/$app/main.mjs" --log-level=warning
  log "bundle $app: dist/$app/main.mjs $(du -h "dist/$app/main.mjs" | cut -f1)"
done
