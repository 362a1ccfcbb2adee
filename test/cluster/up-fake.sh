#!/usr/bin/env bash
# Fake-node mode for scale benchmarks: kwokctl (binary runtime, our binaries) with N kwok nodes.
# Writes the same .cluster/kubeconfig as the real node; one mode runs at a time.
# Usage: up-fake.sh [N]   (npm run cluster:up -- --fake [N])
set -euo pipefail
source "$(dirname "$0")/lib.sh"
((EUID == 0)) || die "the local cluster needs root (routes)"
nodes=${1:-3}
"$HERE/build.sh" kubernetes etcd kwok
kwokctl=$(bin kwokctl)
export PATH="$(dirname "$(bin kubectl)"):$PATH" KWOK_KUBE_VERSION="$KUBERNETES_VERSION"
kwok_kc() { "$(bin kubectl)" --kubeconfig "$STATE/kubeconfig" "$@"; }

if [[ "$(cat "$HOST_DIR/mode" 2>/dev/null)" == fake ]] && "$kwokctl" get clusters 2>/dev/null | grep -qx "$KWOK_CLUSTER" \
  && ip route show "$KWOK_CIDR" | grep -q "dev $KWOK_DUMMY" \
  && "$kwokctl" get kubeconfig --name "$KWOK_CLUSTER" >"$STATE/kubeconfig" 2>/dev/null && kwok_kc get --raw /readyz >/dev/null 2>&1; then
  log "a healthy fake-node cluster is running: reusing it"
else
  [[ -e $HOST_DIR || -e $RUN_DIR ]] || "$kwokctl" get clusters 2>/dev/null | grep -qx "$KWOK_CLUSTER" && {
    log "another cluster (or what a crash left) is here: tearing it down first"; "$HERE/down.sh"; }
  # kwokctl's Service range and kwok's fake pod IPs: routed to a dummy device, which drops them.
  log "network: dummy $KWOK_DUMMY, route for $KWOK_CIDR"
  ip link show "$KWOK_DUMMY" >/dev/null 2>&1 || ip link add "$KWOK_DUMMY" type dummy
  ip link set "$KWOK_DUMMY" up
  ip route replace "$KWOK_CIDR" dev "$KWOK_DUMMY"
  mkdir -p "$HOST_DIR"; echo fake >"$HOST_DIR/mode"
  log "kwokctl: creating cluster $KWOK_CLUSTER"
  "$kwokctl" create cluster --name "$KWOK_CLUSTER" --runtime binary --wait 2m \
    --kube-apiserver-binary "$(bin kube-apiserver)" --kube-controller-manager-binary "$(bin kube-controller-manager)" \
    --kube-scheduler-binary "$(bin kube-scheduler)" --etcd-binary "$(bin etcd)" --kwok-controller-binary "$(bin kwok)" \
    --extra-args kube-apiserver=advertise-address=127.0.0.1 >"$HOST_DIR/kwokctl.log" 2>&1 \
    || { tail -20 "$HOST_DIR/kwokctl.log" >&2; die "kwokctl create cluster failed"; }
  "$kwokctl" get kubeconfig --name "$KWOK_CLUSTER" >"$STATE/kubeconfig"
fi
chmod 600 "$STATE/kubeconfig"
# Node IPs on loopback: kwok's default node addresses are on this machine's real network.
log "kwok: scaling to $nodes nodes"
"$kwokctl" scale node --name "$KWOK_CLUSTER" --replicas "$nodes" --param '.nodeIPs=["127.0.0.2"]' >/dev/null
wait_for "$nodes kwok nodes Ready" 60 kwok_kc wait --for=condition=Ready nodes --all --timeout=5s
rm -f "$STATE/ingress-address"; echo fake >"$STATE/mode"
log "cluster:up --fake done in $(($(date +%s) - T0)) s"
