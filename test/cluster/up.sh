#!/usr/bin/env bash
# Starts (or reuses) the local cluster and writes .cluster/kubeconfig and .cluster/ingress-address.
# Usage: up.sh            a real node: containerd + kubeadm + kubelet + kube-proxy + CoreDNS +
#                         metrics-server + Traefik, with our images loaded
#        up.sh --nodes N  the same, plus real nodes 2..N (node.sh), each its own containerd and kubelet
#        up.sh --fake [N] kwokctl with N (default 3) fake kwok nodes, for scale benchmarks
set -euo pipefail
source "$(dirname "$0")/lib.sh"
((EUID == 0)) || die "the local cluster needs root (containerd, kubelet, routes, iptables)"
mkdir -p /run/lock; cluster_lock
mkdir -p "$STATE"

if [[ ${1:-} == --fake ]]; then exec "$HERE/up-fake.sh" "${2:-3}"; fi
nodes=1
if [[ ${1:-} == --nodes ]]; then
  nodes=${2:-}
  [[ $nodes =~ ^[1-9]$ ]] || die "--nodes takes a number of nodes from 1 to 9, not '${2:-}'"
fi
# The nodes beyond the first (test/cluster/node.sh); nodes that run already stay.
more_nodes() {
  local i
  for ((i = 2; i <= nodes; i++)); do "$HERE/node.sh" up "$i"; done
}

write_outputs() {
  install -m 600 "$ADMIN_CONF" "$STATE/kubeconfig"
  echo "127.0.0.1:$INGRESS_NODE_PORT" >"$STATE/ingress-address"
  echo real >"$STATE/mode"
}

healthy() {
  [[ "$(cat "$HOST_DIR/mode" 2>/dev/null)" == real ]] || return 1
  daemon_pid containerd >/dev/null && daemon_pid kubelet >/dev/null && daemon_pid kube-proxy >/dev/null || return 1
  ip route show "$SERVICE_CIDR" | grep -q "dev $BRIDGE" || return 1
  kc get --raw /readyz >/dev/null 2>&1 || return 1
  [[ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

wait_addons() {
  wait_for "node $NODE_NAME Ready" 180 kc wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s
  local d
  for d in kube-system/coredns kube-system/metrics-server ingress/traefik; do
    wait_for "deployment $d" 240 kc -n "${d%/*}" rollout status "deployment/${d#*/}" --timeout=5s
  done
  wait_for "metrics API" 180 kc get --raw /apis/metrics.k8s.io/v1beta1/nodes
  wait_for "ingress at 127.0.0.1:$INGRESS_NODE_PORT" 120 curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$INGRESS_NODE_PORT/"
}

# HELLO_SKIP_BUILD=1: use the binaries as they are (e.g. while a build runs in the background).
[[ ${HELLO_SKIP_BUILD:-} == 1 ]] || "$HERE/build.sh" debs kubernetes etcd pause coredns metrics-server traefik kube-network-policies

if healthy; then
  log "a healthy real-node cluster is running: reusing it"
  # Its NetworkPolicy instance, started again if it is gone or runs an older build: a dead one's
  # table would drop every new connection of the node's policy pods.
  pid=$(daemon_pid "$(netpol_name 1)") || pid=""
  if [[ -z $pid || "$(readlink "/proc/$pid/exe")" != "$(bin kube-network-policies)" ]]; then
    start_network_policies 1 "$NODE_NAME"
    log "kube-network-policies: (re)started on $NODE_NAME"
  fi
  wait_addons
  write_outputs
  "$HERE/images.sh" || die "loading our images failed"
  more_nodes
  log "cluster:up done in $(($(date +%s) - T0)) s (reused)"
  exit 0
fi
if [[ -d $HOST_DIR || -d $RUN_DIR || -e /etc/kubernetes/manifests ]]; then
  log "a cluster (or what a crash left of one) is here but not healthy: tearing it down first"
  "$HERE/down.sh" real
fi

# --- network: routes to a local device before anything starts, so nothing can leave the machine
log "network: bridge $BRIDGE $NODE_IP/24, routes for $SERVICE_CIDR and $POD_CIDR"
sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
ip addr replace "$NODE_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up
ip route replace "$SERVICE_CIDR" dev "$BRIDGE"
ip route replace "$POD_CIDR" dev "$BRIDGE"
egress_guard

mkdir -p "$HOST_DIR"/{cni/net.d,cni/ipam,logs} "$RUN_DIR"
echo "nameserver 127.0.0.1" >"$HOST_DIR/resolv.conf"
echo real >"$HOST_DIR/mode"

# --- containerd with its own config, socket, root and state
cat >"$HOST_DIR/cni/net.d/10-hello.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "hello", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$HOST_DIR/cni/ipam",
            "ranges": [[{"subnet": "$NODE_POD_CIDR", "gateway": "$NODE_IP"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
cat >"$HOST_DIR/containerd.toml" <<TOML
version = 2
root = "$HOST_DIR/containerd"
state = "$RUN_DIR/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$SOCK"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:$PAUSE_VERSION"
  # These VMs lack CAP_SYS_RESOURCE: a negative oom_score_adj makes runc fail to start any pod.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$HOST_DIR/cni/net.d"
TOML
log "containerd: starting"
start_daemon containerd containerd --config "$HOST_DIR/containerd.toml"
wait_for "containerd" 30 ctr --address "$SOCK" version

# --- control-plane and add-on images: each static binary in a one-layer image, named as kubeadm expects
t=$(date +%s)
images=(
  "registry.k8s.io/kube-apiserver:$KUBERNETES_VERSION=kube-apiserver"
  "registry.k8s.io/kube-controller-manager:$KUBERNETES_VERSION=kube-controller-manager"
  "registry.k8s.io/kube-scheduler:$KUBERNETES_VERSION=kube-scheduler"
  "registry.k8s.io/etcd:$ETCD_VERSION=etcd"
  "registry.k8s.io/pause:$PAUSE_VERSION=pause"
  "registry.k8s.io/coredns/coredns:$COREDNS_VERSION=coredns"
  "localhost/metrics-server:$METRICS_SERVER_VERSION=metrics-server"
  "localhost/traefik:$TRAEFIK_VERSION=traefik"
)
pids=()
for i in "${images[@]}"; do "$HERE/oci-image.sh" "${i%=*}" "$(bin "${i##*=}")" "$SOCK" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || die "importing an image into containerd failed"; done
log "images: ${#images[@]} imported in $(($(date +%s) - t)) s"

# --- kubeadm init; the kubelet is started by us (no systemd) once kubeadm has written its config
cat >"$HOST_DIR/kubeadm.yaml" <<YAML
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: $NODE_IP
  bindPort: 6443
nodeRegistration:
  name: $NODE_NAME
  criSocket: unix://$SOCK
  imagePullPolicy: Never
  ignorePreflightErrors: [all]
  taints: []
  kubeletExtraArgs:
    - name: node-ip
      value: $NODE_IP
skipPhases: [addon/kube-proxy, addon/coredns]
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: $KUBERNETES_VERSION
clusterName: hello
networking:
  podSubnet: $POD_CIDR
  serviceSubnet: $SERVICE_CIDR
  dnsDomain: cluster.local
etcd:
  local:
    imageTag: $ETCD_VERSION
dns:
  imageTag: $COREDNS_VERSION
apiServer:
  certSANs: [127.0.0.1, localhost]
controllerManager:
  extraArgs:
    - name: horizontal-pod-autoscaler-sync-period
      value: 10s
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
resolvConf: $HOST_DIR/resolv.conf
# Our images cannot be pulled again: never garbage-collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
YAML
log "kubeadm init: starting"
"$(bin kubeadm)" init --config "$HOST_DIR/kubeadm.yaml" >"$HOST_DIR/logs/kubeadm-init.log" 2>&1 &
kubeadm_pid=$!
wait_for "kubelet config from kubeadm" 120 test -s /var/lib/kubelet/kubeadm-flags.env -a -s /var/lib/kubelet/config.yaml
# shellcheck disable=SC1091
source /var/lib/kubelet/kubeadm-flags.env
# shellcheck disable=SC2086
start_daemon kubelet "$(bin kubelet)" --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
  --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml $KUBELET_KUBEADM_ARGS
log "kubelet: started"
wait "$kubeadm_pid" || { tail -30 "$HOST_DIR/logs/kubeadm-init.log" >&2; die "kubeadm init failed (log $HOST_DIR/logs/kubeadm-init.log)"; }
log "kubeadm init: done"

# --- kube-proxy as a host process
cat >"$HOST_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $ADMIN_CONF
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: 127.0.0.1
metricsBindAddress: 127.0.0.1:10249
healthzBindAddress: 127.0.0.1:10256
conntrack:
  maxPerCore: 0
YAML
start_daemon kube-proxy "$(bin kube-proxy)" --config "$HOST_DIR/kube-proxy.yaml"
wait_for "kube-proxy" 60 curl -sf --max-time 2 http://127.0.0.1:10256/healthz

# --- NetworkPolicy enforcement, before any pod that a policy selects
start_network_policies 1 "$NODE_NAME"
log "kube-network-policies: enforcing NetworkPolicy on $NODE_NAME"

# --- add-ons
"$HERE/addons.sh"
wait_addons
write_outputs
"$HERE/images.sh" || die "loading our images failed"
more_nodes
log "cluster:up done in $(($(date +%s) - T0)) s"
