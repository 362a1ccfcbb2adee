#!/usr/bin/env bash
# Installs the real node's add-ons: CoreDNS (cluster names only), metrics-server, Traefik.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# Runs a command, showing its output (kubectl's deprecation warnings) only if it fails.
quiet() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; die "failed: $*"; }; echo "$out" >>"$HOST_DIR/logs/addons.log"; }

log "coredns: kubeadm addon with a Corefile that has no upstream"
quiet "$(bin kubeadm)" init phase addon coredns --config "$HOST_DIR/kubeadm.yaml"
quiet kc apply -f "$HERE/manifests/coredns-corefile.yaml"
quiet kc -n kube-system scale deployment coredns --replicas=1
quiet kc -n kube-system rollout restart deployment coredns

log "metrics-server: the kustomize base shipped in its module, image renamed"
base=$(cd / && GOFLAGS= go mod download -json "sigs.k8s.io/metrics-server@$METRICS_SERVER_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
[[ -d $base/manifests/base ]] || die "metrics-server manifests not found in the module cache ($base)"
k="$HOST_DIR/metrics-server"; rm -rf "$k"; mkdir -p "$k"; cp -r "$base/manifests/base" "$k/base"; chmod -R u+w "$k"
# The base names a staging image (e.g. gcr.io/k8s-staging-metrics-server/metrics-server:master).
upstream_image=$(awk '$1 == "image:" {print $2; exit}' "$k/base/deployment.yaml")
[[ -n $upstream_image ]] || die "no image in the metrics-server base deployment"
cat >"$k/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [base]
images:
  - name: ${upstream_image%:*}
    newName: localhost/metrics-server
    newTag: $METRICS_SERVER_VERSION
patches:
  - target: { kind: Deployment, name: metrics-server }
    patch: |
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --kubelet-insecure-tls
      - op: add
        path: /spec/template/spec/containers/0/imagePullPolicy
        value: Never
YAML
quiet kc apply -k "$k"

log "traefik: Ingress controller, IngressClass 'traefik' (default), NodePort $INGRESS_NODE_PORT"
sed -e "s/TRAEFIK_VERSION/$TRAEFIK_VERSION/" -e "s/INGRESS_NODE_PORT/$INGRESS_NODE_PORT/" "$HERE/manifests/traefik.yaml" >"$HOST_DIR/traefik.yaml"
quiet kc apply -f "$HOST_DIR/traefik.yaml"
