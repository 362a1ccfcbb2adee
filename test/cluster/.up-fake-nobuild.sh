#!/usr/bin/env bash
# Fake-node mode for scale benchmarks: kwokctl (binary runtime, our binaries) with N kwok nodes.
# It can run beside the real node (own ports). For scale runs: no client QPS limits (the controller-
# manager's 20/s would pace every rollout) and a /16 Service range (the default /24 holds 254
# Services; the route below covers the /16). Writes .cluster/kubeconfig, or the file named by HELLO_KUBECONFIG_OUT (the fake-node tests use .cluster/fake-kubeconfig so they leave the real
# cluster's kubeconfig alone). Usage: up-fake.sh [N]   (npm run cluster:up -- --fake [N])
set -euo pipefail
source "$(dirname "$0")/lib.sh"
((EUID == 0)) || die "the local cluster needs root (routes)"
mkdir -p /run/lock; cluster_lock
nodes=${1:-3}
out=${HELLO_KUBECONFIG_OUT:-$STATE/kubeconfig}
: skipped build
kwokctl=$(bin kwokctl)
export PATH="$(dirname "$(bin kubectl)"):$PATH" KWOK_KUBE_VERSION="$KUBERNETES_VERSION"
kwok_kc() { "$(bin kubectl)" --kubeconfig "$out" "$@"; }
exists() { "$kwokctl" get clusters 2>/dev/null | grep -qx "$KWOK_CLUSTER"; }
mkdir -p "$(dirname "$out")"

if [[ -d $FAKE_DIR ]] && exists && ip route show "$KWOK_CIDR" | grep -q "dev $KWOK_DUMMY" \
  && "$kwokctl" get kubeconfig --name "$KWOK_CLUSTER" >"$out" 2>/dev/null && kwok_kc get --raw /readyz >/dev/null 2>&1; then
  log "a healthy fake-node cluster is running: reusing it"
else
  if [[ -d $FAKE_DIR ]] || exists; then
    log "a fake-node cluster (or what a crash left of one) is here but not healthy: tearing it down first"
    "$HERE/down.sh" fake
  fi
  # kwokctl's Service range and kwok's fake pod IPs: routed to a local device that goes nowhere.
  log "network: $KWOK_DUMMY, route for $KWOK_CIDR"
  # A kernel without the dummy driver (these VMs) gets an empty bridge: it drops them just the same.
  ip link show "$KWOK_DUMMY" >/dev/null 2>&1 || ip link add "$KWOK_DUMMY" type dummy 2>/dev/null \
    || ip link add "$KWOK_DUMMY" type bridge
  ip link set "$KWOK_DUMMY" up
  ip route replace "$KWOK_CIDR" dev "$KWOK_DUMMY"
  mkdir -p "$FAKE_DIR"
  log "kwokctl: creating cluster $KWOK_CLUSTER"
  "$kwokctl" create cluster --name "$KWOK_CLUSTER" --runtime binary --wait 2m \
    --kube-apiserver-binary "$(bin kube-apiserver)" --kube-controller-manager-binary "$(bin kube-controller-manager)" \
    --kube-scheduler-binary "$(bin kube-scheduler)" --etcd-binary "$(bin etcd)" --kwok-controller-binary "$(bin kwok)" \
    --extra-args kube-apiserver=advertise-address=127.0.0.1 \
    --extra-args kube-apiserver=service-cluster-ip-range=10.0.0.0/16 --disable-qps-limits \
    >"$FAKE_DIR/kwokctl.log" 2>&1 8>&- 9>&- \
    || { tail -20 "$FAKE_DIR/kwokctl.log" >&2; die "kwokctl create cluster failed"; }
  "$kwokctl" get kubeconfig --name "$KWOK_CLUSTER" >"$out"
fi
chmod 600 "$out"
# Node IPs on loopback: kwok's default node addresses are on this machine's real network.
log "kwok: scaling to $nodes nodes"
# Room for scale runs: the default template has no ephemeral-storage (pods that ask for some stay
# Pending) and 110 pods per node.
"$kwokctl" scale node --name "$KWOK_CLUSTER" --replicas "$nodes" --param '.nodeIPs=["127.0.0.2"]' \
  --param '.allocatable["ephemeral-storage"]="1Ti"' --param '.capacity["ephemeral-storage"]="1Ti"' \
  --param '.allocatable.pods="1000"' --param '.capacity.pods="1000"' \
  --param '.allocatable.cpu="1000"' --param '.capacity.cpu="1000"' >/dev/null
wait_for "$nodes kwok nodes Ready" 60 kwok_kc wait --for=condition=Ready nodes --all --timeout=5s
[[ $out == "$STATE/kubeconfig" ]] && { rm -f "$STATE/ingress-address"; echo fake >"$STATE/mode"; }
log "cluster:up --fake done in $(($(date +%s) - T0)) s"
