#!/usr/bin/env bash
# Installs prometheus-adapter beside the Prometheus that monitoring.sh runs, as a pod on the real node
# (built from its Go module by build.sh, loaded as a one-binary image), with the rule users copy from
# deploy/monitoring/prometheus-adapter/config.yaml, and registers it as the custom metrics API
# (APIServices v1beta1 and v1beta2.custom.metrics.k8s.io).
#   prometheus-adapter.sh up NAMESPACE PROMETHEUS_NAMESPACE   the adapter in NAMESPACE, reading the
#                                                             Prometheus in PROMETHEUS_NAMESPACE
#   prometheus-adapter.sh down NAMESPACE                      removes what `up` made
# KUBECONFIG (default .cluster/kubeconfig) names the cluster. RELIST (default 15s) is how often the
# adapter looks for new series: its own default (10m) would hide a new HelloService's metric.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cmd=${1:-}; ns=${2:-}
[[ ($cmd == up || $cmd == down) && -n $ns ]] || die "usage: prometheus-adapter.sh up NAMESPACE PROMETHEUS_NAMESPACE | down NAMESPACE"
export KUBECONFIG=${KUBECONFIG:-$STATE/kubeconfig}
k() { "$(bin kubectl)" "$@"; }
tag=$PROMETHEUS_ADAPTER_VERSION
# Cluster-scoped names carry the namespace, so two installs never share them; the APIServices are one
# per cluster: `down` removes them only while they point at this namespace.
cr="hello-prometheus-adapter-$ns"
apiservices=(v1beta1.custom.metrics.k8s.io v1beta2.custom.metrics.k8s.io)

if [[ $cmd == down ]]; then
  log "prometheus-adapter: removing it from $ns"
  for a in "${apiservices[@]}"; do
    [[ $(k get apiservice "$a" -o jsonpath='{.spec.service.namespace}' 2>/dev/null) == "$ns" ]] \
      && k delete apiservice "$a" --ignore-not-found >/dev/null
  done
  k delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  k delete clusterrole,clusterrolebinding "$cr" --ignore-not-found >/dev/null
  k delete clusterrolebinding "$cr-auth-delegator" --ignore-not-found >/dev/null
  k -n kube-system delete rolebinding "$cr-auth-reader" --ignore-not-found >/dev/null
  exit 0
fi
prom_ns=${3:-}
[[ -n $prom_ns ]] || die "usage: prometheus-adapter.sh up NAMESPACE PROMETHEUS_NAMESPACE"
relist=${RELIST:-15s}

"$HERE/build.sh" prometheus-adapter
"$HERE/oci-image.sh" "localhost/prometheus-adapter:$tag" "$(bin prometheus-adapter)" "$SOCK"
log "prometheus-adapter $tag in $ns, reading Prometheus in $prom_ns (relist every $relist)"
k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >/dev/null
k -n "$ns" create configmap adapter-config --from-file=config.yaml="$REPO/deploy/monitoring/prometheus-adapter/config.yaml" \
  --dry-run=client -o yaml | k apply -f - >/dev/null
# The front proxy's client CA, which it reads from kube-system (its own namespace is another).
k apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: $cr-auth-reader, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{kind: ServiceAccount, name: prometheus-adapter, namespace: $ns}]
YAML
k apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus-adapter}
---
# An aggregated API server checks each request's token and permission with the API server.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $cr-auth-delegator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:auth-delegator}
subjects: [{kind: ServiceAccount, name: prometheus-adapter, namespace: $ns}]
---
# The objects the rule's labels name (namespace, pod), which the adapter looks up.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: $cr}
rules:
  - apiGroups: [""]
    resources: [namespaces, pods, services]
    verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: $cr}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: $cr}
subjects: [{kind: ServiceAccount, name: prometheus-adapter, namespace: $ns}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus-adapter
  labels: {app.kubernetes.io/name: prometheus-adapter}
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: prometheus-adapter}
  template:
    metadata:
      labels: {app.kubernetes.io/name: prometheus-adapter}
    spec:
      serviceAccountName: prometheus-adapter
      securityContext: {runAsNonRoot: true, runAsUser: 65534, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: prometheus-adapter
          image: localhost/prometheus-adapter:$tag
          imagePullPolicy: Never
          args:
            - --prometheus-url=http://prometheus-operated.$prom_ns.svc:9090
            - --config=/etc/adapter/config.yaml
            - --metrics-relist-interval=$relist
            - --secure-port=6443
            # A self-signed certificate made at start (the APIService skips verifying it: test cluster).
            - --cert-dir=/tmp/cert
          ports: [{name: https, containerPort: 6443}]
          readinessProbe:
            httpGet: {path: /readyz, port: https, scheme: HTTPS}
            periodSeconds: 2
          resources:
            requests: {cpu: 20m, memory: 64Mi}
            limits: {memory: 256Mi}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          volumeMounts:
            - {name: config, mountPath: /etc/adapter, readOnly: true}
            - {name: tmp, mountPath: /tmp}
      volumes:
        - {name: config, configMap: {name: adapter-config}}
        - {name: tmp, emptyDir: {}}
---
apiVersion: v1
kind: Service
metadata: {name: prometheus-adapter}
spec:
  selector: {app.kubernetes.io/name: prometheus-adapter}
  ports: [{name: https, port: 443, targetPort: https}]
YAML
for a in "${apiservices[@]}"; do
  k apply -f - >/dev/null <<YAML
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: $a}
spec:
  group: custom.metrics.k8s.io
  version: ${a%%.*}
  service: {name: prometheus-adapter, namespace: $ns, port: 443}
  insecureSkipTLSVerify: true
  groupPriorityMinimum: 100
  versionPriority: $([[ $a == v1beta2* ]] && echo 200 || echo 100)
YAML
done
wait_for "prometheus-adapter" 120 k -n "$ns" rollout status deploy/prometheus-adapter --timeout=5s
wait_for "the custom metrics API" 60 k wait --for=condition=Available "${apiservices[@]/#/apiservice/}" --timeout=5s
