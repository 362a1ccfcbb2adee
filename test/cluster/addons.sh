#!/usr/bin/env bash
# Installs the real node's add-ons: CoreDNS (cluster names only), metrics-server, Traefik.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

log "coredns: kubeadm addon with a Corefile that has no upstream"
"$(bin kubeadm)" init phase addon coredns --config "$HOST_DIR/kubeadm.yaml" >>"$HOST_DIR/logs/kubeadm-init.log" 2>&1
kc apply -f "$HERE/manifests/coredns-corefile.yaml" >/dev/null
kc -n kube-system scale deployment coredns --replicas=1 >/dev/null
kc -n kube-system rollout restart deployment coredns >/dev/null

log "metrics-server: the kustomize base shipped in its module, image renamed"
base=$(cd / && GOFLAGS= go mod download -json "sigs.k8s.io/metrics-server@$METRICS_SERVER_VERSION" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
[[ -d $base/manifests/base ]] || die "metrics-server manifests not found in the module cache ($base)"
k="$HOST_DIR/metrics-server"; rm -rf "$k"; mkdir -p "$k"; cp -r "$base/manifests/base" "$k/base"; chmod -R u+w "$k"
cat >"$k/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [base]
images:
  - name: registry.k8s.io/metrics-server/metrics-server
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
kc apply -k "$k" >/dev/null

log "traefik: Ingress controller, IngressClass 'traefik' (default), NodePort $INGRESS_NODE_PORT"
sed -e "s/TRAEFIK_VERSION/$TRAEFIK_VERSION/" -e "s/INGRESS_NODE_PORT/$INGRESS_NODE_PORT/" "$HERE/manifests/traefik.yaml" | kc apply -f - >/dev/null
