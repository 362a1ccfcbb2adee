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
t=$(date +%s)
"$HERE/oci-image.sh" "localhost/alertmanager:$tag" "$(bin alertmanager)" "$SOCK"
log "alertmanager: image loaded into the node in $(($(date +%s) - t)) s"

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
