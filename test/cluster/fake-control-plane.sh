#!/usr/bin/env bash
# The fake-node cluster's control plane, for tests that need an API server going away: kube-apiserver,
# etcd and the controllers stop at once (as in a crash; etcd keeps its data) and start again with
# the same address and certificates. `compact` compacts etcd's history up to now, so a watch resumed
# from an older resourceVersion gets 410 Gone. Usage: fake-control-plane.sh stop|start|restart|compact
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kwokctl=$(bin kwokctl)
[[ -x $kwokctl ]] || die "kwokctl is not built: npm run cluster:build"
"$kwokctl" get clusters 2>/dev/null | grep -qx "$KWOK_CLUSTER" || die "no fake-node cluster: npm run cluster:up -- --fake"

stop() {
  log "fake control plane: stopping"
  "$kwokctl" --name "$KWOK_CLUSTER" stop cluster >/dev/null 2>&1
}
# Serving already (kwokctl start on a running cluster waits 2 min, then does nothing).
serving() {
  local kc; kc=$(mktemp); "$kwokctl" get kubeconfig --name "$KWOK_CLUSTER" >"$kc" 2>/dev/null
  "$(bin kubectl)" --kubeconfig "$kc" get --raw /readyz >/dev/null 2>&1; local rc=$?; rm -f "$kc"; return $rc
}
start() {
  if serving; then log "fake control plane: already serving"; return; fi
  log "fake control plane: starting"
  "$kwokctl" --name "$KWOK_CLUSTER" start cluster --wait 2m >/dev/null 2>&1 || die "the fake control plane did not start"
  # The killed kwok controller still holds its nodes' Leases (200 s): the new one would leave every
  # new pod Pending until they expire. They are ours to drop; it takes the nodes back at once.
  local kc; kc=$(mktemp); "$kwokctl" get kubeconfig --name "$KWOK_CLUSTER" >"$kc"
  "$(bin kubectl)" --kubeconfig "$kc" delete leases -n kube-node-lease --all >/dev/null; rm -f "$kc"
  log "fake control plane: ready"
}
# etcd's v3 JSON gateway on its client port (kwokctl's etcd serves plain HTTP on loopback).
compact() {
  local config="$HOME/.kwok/clusters/$KWOK_CLUSTER/kwok.yaml" url revision
  url=$(grep -o 'listen-client-urls=http://[^ ",]*' "$config" | head -1 | sed 's#.*=http://0.0.0.0#http://127.0.0.1#; s#.*=##')
  [[ -n $url ]] || die "no etcd client URL in $config"
  revision=$(curl -fsS -X POST "$url/v3/kv/range" -d '{"key":"AA=="}' | sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')
  [[ -n $revision ]] || die "could not read etcd's revision from $url"
  curl -fsS -X POST "$url/v3/kv/compaction" -d "{\"revision\":\"$revision\",\"physical\":true}" >/dev/null
  log "fake etcd: compacted up to revision $revision"
  echo "$revision"
}

case "${1:-}" in
  stop) stop ;;
  start) start ;;
  restart) stop; start ;;
  compact) compact ;;
  *) die "usage: fake-control-plane.sh stop|start|restart|compact" ;;
esac
