#!/usr/bin/env bash
# Runs one of the binaries build.sh made, e.g. `npm run kubectl -- get pods -A` (against
# .cluster/kubeconfig unless KUBECONFIG is set), `bash test/cluster/tool.sh kubeconform -strict crds/`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
(($#)) || die "usage: tool.sh NAME [ARGS...]"
name=$1; shift
path=$(bin "$name")
[[ -x $path ]] || die "$name is not built yet: npm run cluster:build"
export KUBECONFIG=${KUBECONFIG:-$STATE/kubeconfig}
exec "$path" "$@"
