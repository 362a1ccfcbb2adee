#!/usr/bin/env bash
# Installs central logs (deploy/logging: VictoriaLogs and the vlagent DaemonSet) on the real node(s)
# for a test, from binaries built from Go modules (build.sh victorialogs) loaded into every node as
# one-binary images. Everything is the shipped kustomization, through an overlay that changes only
# what a shared test cluster needs:
#   - its own namespace, and cluster-scoped names carrying it, so two installs never share objects;
#   - the locally loaded images (never pulled);
#   - the store's data in a hostPath directory (the test cluster has no volume provisioner; it
#     survives the store's pod, so a test can stop the store and find its data again);
#   - the collector's state directory per install and per node (the nodes share this machine's disk);
#   - only the namespaces matching KEEP (a regular expression) collected, so that a test reads its
#     own lines and not every other test's.
#   - with HELLO_LOGGING_NODE=NAME, the collector and the store on that node only (nodes of a shared
#     test cluster may come and go under other tests; a test pins its own pods there too).
#   logging.sh up NAMESPACE [KEEP]    prints nothing; the store answers on its pod's :9428
#   logging.sh down NAMESPACE         removes what `up` made, its node directories too
# KUBECONFIG (default .cluster/kubeconfig) names the cluster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cmd=${1:-}; ns=${2:-}; keep=${3:-}
[[ ($cmd == up || $cmd == down) && -n $ns ]] || die "usage: logging.sh up|down NAMESPACE [KEEP]"
[[ $ns =~ ^[a-z0-9-]+$ ]] || die "bad namespace '$ns'"
export KUBECONFIG=${KUBECONFIG:-$STATE/kubeconfig}
k() { "$(bin kubectl)" "$@"; }
data="/var/lib/hello-logging/$ns" tag=$VICTORIALOGS_VERSION role="hello-logging-vlagent-$ns"

if [[ $cmd == down ]]; then
  log "logging: removing VictoriaLogs and vlagent from $ns"
  k delete namespace "$ns" --ignore-not-found --timeout=120s >/dev/null || true
  k delete clusterrole,clusterrolebinding "$role" --ignore-not-found >/dev/null
  rm -rf "$data"
  exit 0
fi

"$HERE/build.sh" victorialogs
t=$(date +%s) pids=()
# Into the first node's containerd (a node that joins later copies its images) and every other node
# that answers: the collector runs on each.
for sock in "$SOCK" "$RUN_DIR"/node-*/containerd/containerd.sock; do
  [[ $sock == "$SOCK" ]] || { ctr --address "$sock" version >/dev/null 2>&1 || continue; }
  "$HERE/oci-image.sh" "localhost/victoria-logs:$tag" "$(bin victoria-logs)" "$sock" & pids+=($!)
  "$HERE/oci-image.sh" "localhost/vlagent:$tag" "$(bin vlagent)" "$sock" & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || die "importing an image into containerd failed"; done
log "logging: images loaded into $((${#pids[@]} / 2)) node(s) in $(($(date +%s) - t)) s"

# The store runs as 65534; a hostPath directory is not chowned by fsGroup.
mkdir -p "$data/store"; chown 65534:65534 "$data/store"
exclude='kubernetes.pod_name:=%{HOSTNAME}'
[[ -n $keep ]] && exclude+=" or !kubernetes.pod_namespace:~\"$keep\""
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cat >"$dir/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: $ns
resources: [$(realpath --relative-to="$dir" "$REPO/deploy/logging")]
labels:
  - pairs: {hello-operator.test: "true"}
images:
  - {name: victoriametrics/victoria-logs, newName: localhost/victoria-logs, newTag: $tag}
  - {name: victoriametrics/vlagent, newName: localhost/vlagent, newTag: $tag}
patches:
  - target: {kind: ClusterRole|ClusterRoleBinding}
    patch: |
      - {op: replace, path: /metadata/name, value: $role}
  - target: {kind: ClusterRoleBinding}
    patch: |
      - {op: replace, path: /roleRef/name, value: $role}
      - {op: replace, path: /subjects/0/namespace, value: $ns}
  - target: {kind: StatefulSet, name: victoria-logs}
    patch: |
      - {op: add, path: /spec/template/spec/containers/0/imagePullPolicy, value: Never}
      - {op: remove, path: /spec/volumeClaimTemplates}
      - {op: add, path: /spec/template/spec/volumes, value: [{name: data, hostPath: {path: $data/store, type: Directory}}]}
  - target: {kind: DaemonSet, name: vlagent}
    patch: |
      - {op: add, path: /spec/template/spec/containers/0/imagePullPolicy, value: Never}
      - {op: replace, path: /spec/template/spec/volumes/2/hostPath/path, value: $data/vlagent}
      - {op: add, path: /spec/template/spec/containers/0/env/-, value: {name: NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}}
      - {op: add, path: /spec/template/spec/containers/0/volumeMounts/2/subPathExpr, value: \$(NODE_NAME)}
      # (the test op fails the apply if deploy/logging's arguments move)
      - {op: test, path: /spec/template/spec/containers/0/args/7, value: '-kubernetesCollector.excludeFilter=kubernetes.pod_name:=%{HOSTNAME}'}
      - {op: replace, path: /spec/template/spec/containers/0/args/7, value: '-kubernetesCollector.excludeFilter=$exclude'}
YAML
if [[ -n ${HELLO_LOGGING_NODE:-} ]]; then
  cat >>"$dir/kustomization.yaml" <<YAML
  - target: {kind: StatefulSet|DaemonSet}
    patch: |
      - {op: add, path: /spec/template/spec/nodeSelector, value: {kubernetes.io/hostname: $HELLO_LOGGING_NODE}}
YAML
fi
log "logging: VictoriaLogs $tag and vlagent in $ns${keep:+ (collecting namespaces matching $keep)}"
k apply --server-side -k "$dir" >/dev/null
wait_for "VictoriaLogs" 180 k -n "$ns" rollout status statefulset/victoria-logs --timeout=5s
wait_for "vlagent on every node" 180 k -n "$ns" rollout status daemonset/vlagent --timeout=5s
