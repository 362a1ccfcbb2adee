#!/usr/bin/env bash
# Adds Alertmanager beside the Prometheus of monitoring.sh, run by the same prometheus-operator: an
# Alertmanager object (one replica) whose configuration is CONFIG (an alertmanager.yaml), and the
# Prometheus there already sends to it (monitoring.sh points it at alertmanager-operated). Built
# from Go modules (build.sh alertmanager) and loaded into the node as a one-binary image.
#   alertmanager.sh up NAMESPACE CONFIG   NAMESPACE: monitoring.sh's; its `down` removes this too
# KUBECONFIG (default .cluster/kubeconfig) names the cluster; Alertmanager answers on its pod's :9093.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cmd=${1:-}; ns=${2:-}; config=${3:-}
[[ $cmd == up && -n $ns && -f $config ]] || die "usage: alertmanager.sh up NAMESPACE CONFIG"
export KUBECONFIG=${KUBECONFIG:-$STATE/kubeconfig}
k() { "$(bin kubectl)" "$@"; }
tag=$ALERTMANAGER_VERSION

"$HERE/build.sh" alertmanager
t=$(date +%s) n=0
# Into the first node (a node that joins later copies its images) and every other node that answers:
# the pod may be scheduled on any.
for sock in "$SOCK" "$RUN_DIR"/node-*/containerd/containerd.sock; do
  [[ $sock == "$SOCK" ]] || { ctr --address "$sock" version >/dev/null 2>&1 || continue; }
  "$HERE/oci-image.sh" "localhost/alertmanager:$tag" "$(bin alertmanager)" "$sock"; n=$((n + 1))
done
log "alertmanager: image loaded into $n node(s) in $(($(date +%s) - t)) s"

log "alertmanager: Alertmanager $tag in $ns"
k -n "$ns" create secret generic alertmanager-hello-config --from-file=alertmanager.yaml="$config" \
  --dry-run=client -o yaml | k apply -f - >/dev/null
k apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: hello}
spec:
  image: localhost/alertmanager:$tag
  version: $tag
  replicas: 1
  configSecret: alertmanager-hello-config
  resources:
    requests: {cpu: 20m, memory: 64Mi}
    limits: {memory: 256Mi}
YAML
wait_for "Alertmanager pod" 240 k -n "$ns" wait --for=condition=Ready pod -l app.kubernetes.io/name=alertmanager --timeout=5s
