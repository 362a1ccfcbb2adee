#!/usr/bin/env bash
# Installs Prometheus the way most clusters run it, through prometheus-operator, on the real node:
# the monitoring.coreos.com CRDs, prometheus-operator and one Prometheus, all built from Go modules
# (build.sh prometheus prometheus-operator) and loaded into the node as one-binary images.
#   monitoring.sh up NAMESPACE [SELECTOR]   SELECTOR: label=value that namespaces must carry for
#                                            their ServiceMonitors and PrometheusRules to be used
#                                            (default: every namespace)
#   monitoring.sh down NAMESPACE [--crds]    removes what `up` made (the CRDs, and with them every
#                                            ServiceMonitor in the cluster, only with --crds)
# KUBECONFIG (default .cluster/kubeconfig) names the cluster; Prometheus answers on the pod's :9090.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cmd=${1:-}; ns=${2:-}
[[ ($cmd == up || $cmd == down) && -n $ns ]] || die "usage: monitoring.sh up|down NAMESPACE [SELECTOR|--crds]"
export KUBECONFIG=${KUBECONFIG:-$STATE/kubeconfig}
k() { "$(bin kubectl)" "$@"; }
op_dir=$(cache_dir_of prometheus-operator)
prom_tag=$PROMETHEUS_VERSION op_tag=$PROMETHEUS_OPERATOR_VERSION
# Cluster-scoped names carry the namespace, so two installs never share them.
cr="hello-prometheus-$ns" cr_op="hello-prometheus-operator-$ns"

if [[ $cmd == down ]]; then
  log "monitoring: removing Prometheus and prometheus-operator from $ns"
  k delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  k delete clusterrole,clusterrolebinding "$cr" "$cr_op" --ignore-not-found >/dev/null
  if [[ ${3:-} == --crds ]]; then
    log "monitoring: removing the monitoring.coreos.com CRDs"
    k delete -f "$op_dir/crds" --ignore-not-found >/dev/null
  fi
  exit 0
fi
selector=${3:-}

"$HERE/build.sh" prometheus prometheus-operator
t=$(date +%s)
pids=()
"$HERE/oci-image.sh" "localhost/prometheus:$prom_tag" "$(bin prometheus)" "$SOCK" & pids+=($!)
"$HERE/oci-image.sh" "localhost/prometheus-operator:$op_tag" "$(bin prometheus-operator)" "$SOCK" & pids+=($!)
# prometheus-operator runs the reloader as /bin/prometheus-config-reloader.
OCI_BIN_DIR=bin "$HERE/oci-image.sh" "localhost/prometheus-config-reloader:$op_tag" \
  "$(bin prometheus-config-reloader)" "$SOCK" & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || die "importing an image into containerd failed"; done
log "monitoring: 3 images loaded into the node in $(($(date +%s) - t)) s"

log "monitoring: CRDs ($(ls "$op_dir/crds" | wc -l) from prometheus-operator $op_tag)"
k apply --server-side --force-conflicts -f "$op_dir/crds" >/dev/null
k wait --for=condition=Established -f "$op_dir/crds" --timeout=60s >/dev/null

# The operator's ClusterRole is the one its module ships (example/rbac), applied as it is.
src=$(cd / && GOFLAGS= go mod download -json "github.com/prometheus-operator/prometheus-operator@$op_tag" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
role="$src/example/rbac/prometheus-operator/prometheus-operator-cluster-role.yaml"
[[ -f $role ]] || die "prometheus-operator's ClusterRole not found in the module cache ($src)"
ns_selector='{}'
[[ -n $selector ]] && ns_selector="{matchLabels: {\"${selector%%=*}\": \"${selector#*=}\"}}"
prom_version="v3.$((10#$(cut -d. -f2 <<<"$prom_tag") - 300)).${prom_tag##*.}"

log "monitoring: prometheus-operator and Prometheus $prom_version in $ns"
k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >/dev/null
sed -e "s/^  name: prometheus-operator$/  name: $cr_op/" "$role" | k apply -f - >/dev/null
k apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus-operator}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $cr_op}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $cr_op}
subjects: [{kind: ServiceAccount, name: prometheus-operator, namespace: $ns}]
---
# What Prometheus needs for Kubernetes service discovery (as the module's example/rbac/prometheus).
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: $cr}
rules:
  - apiGroups: [""]
    resources: [services, endpoints, pods]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $cr}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $cr}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: $ns}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus-operator
  labels: {app.kubernetes.io/name: prometheus-operator}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: prometheus-operator}
  template:
    metadata:
      labels: {app.kubernetes.io/name: prometheus-operator}
    spec:
      serviceAccountName: prometheus-operator
      securityContext: {runAsNonRoot: true, runAsUser: 65534, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: prometheus-operator
          image: localhost/prometheus-operator:$op_tag
          imagePullPolicy: Never
          args:
            - --prometheus-config-reloader=localhost/prometheus-config-reloader:$op_tag
            - --prometheus-default-base-image=localhost/prometheus
          resources:
            requests: {cpu: 20m, memory: 64Mi}
            limits: {memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: hello}
spec:
  image: localhost/prometheus:$prom_tag
  version: $prom_version
  replicas: 1
  serviceAccountName: prometheus
  scrapeInterval: 10s
  evaluationInterval: 10s
  serviceMonitorSelector: {}
  serviceMonitorNamespaceSelector: $ns_selector
  ruleSelector: {}
  ruleNamespaceSelector: $ns_selector
  # The Alertmanager that alertmanager.sh adds beside it, when it does (none: nothing is sent).
  alerting:
    alertmanagers:
      - {namespace: $ns, name: alertmanager-operated, port: web}
  resources:
    requests: {cpu: 50m, memory: 128Mi}
    limits: {memory: 1Gi}
YAML
wait_for "prometheus-operator" 180 k -n "$ns" rollout status deploy/prometheus-operator --timeout=5s
wait_for "Prometheus pod" 240 k -n "$ns" wait --for=condition=Ready pod -l app.kubernetes.io/name=prometheus --timeout=5s
log "monitoring: Prometheus ready at http://$(k -n "$ns" get pod -l app.kubernetes.io/name=prometheus -o jsonpath='{.items[0].status.podIP}'):9090"
