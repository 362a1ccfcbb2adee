#!/usr/bin/env bash
# More real nodes beside the control-plane node (issue 17), on the same machine. Node I (2, 3, ...)
# is hello-node-I: a containerd and a kubelet of its own (own config, socket, root, state, cgroup
# root /nodeI, kubelet ports), its own bridge cni<I-1> with 10.244.<I-1>.1/24 for its pods, and a
# mount namespace of its own where /var/log/pods and /var/log/containers are its own (two kubelets
# sharing them delete each other's pod logs). The host routes between the bridges, and kube-proxy
# on the host serves Services to them all; the egress guard keeps every bridge's traffic on the
# machine. It joins with a kubeconfig for system:node:hello-node-I signed by the cluster CA (what
# `kubeadm join` would write, without its fixed paths, which the first node's kubelet uses).
# Usage: node.sh up I | down I | kill I
#   up    start it (or leave it running when it is), load the images, wait for Ready
#   down  remove it: its pods and containers, processes, mounts, bridge, state, Node object
#   kill  stop it abruptly (kubelet, containerd, every container), as when a machine dies
set -euo pipefail
source "$(dirname "$0")/lib.sh"
((EUID == 0)) || die "nodes need root"
cmd=${1:-} i=${2:-}
[[ $i =~ ^[0-9]+$ ]] && ((i >= 2 && i <= 9)) || die "usage: node.sh up|down|kill I (I from 2 to 9)"

name=hello-node-$i
bridge=cni$((i - 1))
ip=10.244.$((i - 1)).1
subnet=10.244.$((i - 1)).0/24
dir=$HOST_DIR/node-$i
run=$RUN_DIR/node-$i
sock=$run/containerd/containerd.sock
ns=$run/ns/mnt
kubelet_port=$((10250 + 10 * i))
healthz_port=$((10248 + 10 * i))
ctr_() { ctr --address "$sock" -n k8s.io "$@"; }
in_ns() { nsenter --mount="$ns" -- "$@"; }

running() {
  daemon_pid "node-$i/containerd" >/dev/null && daemon_pid "node-$i/kubelet" >/dev/null \
    && daemon_pid "$(netpol_name "$i")" >/dev/null
}

# Every process of the node: its daemons, the shims of its containerd, and what runs in its pods.
node_pids() {
  local p
  for p in /proc/[0-9]*; do
    [[ ${p#/proc/} == "$$" ]] && continue
    if grep -qs ":/node$i/" "$p/cgroup" || tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qE -- "($run|$dir)/"; then
      echo "${p#/proc/}"
    fi
  done
}

up() {
  if running && [[ "$(kc get node "$name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]; then
    log "node $name: running"
    return
  fi
  [[ -s $HOST_DIR/kubeadm.yaml ]] || die "no control-plane node: npm run cluster:up first"
  down_quietly
  log "node $name: bridge $bridge $ip/24, containerd, kubelet on port $kubelet_port"
  ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
  ip addr replace "$ip/24" dev "$bridge"
  ip link set "$bridge" up
  egress_guard
  mkdir -p "$dir"/{cni/net.d,cni/ipam,kubelet,log/pods,log/containers} "$run/containerd" "$run/ns" "$HOST_DIR/logs/node-$i"
  mkdir -p /var/log/pods /var/log/containers

  # Its cgroup root in every hierarchy (cgroup v1); cpuset needs its CPUs and memory nodes set.
  local c
  for c in /sys/fs/cgroup/*/; do mkdir -p "$c/node$i"; done
  cp /sys/fs/cgroup/cpuset/cpuset.cpus /sys/fs/cgroup/cpuset/node$i/cpuset.cpus 2>/dev/null || true
  cp /sys/fs/cgroup/cpuset/cpuset.mems /sys/fs/cgroup/cpuset/node$i/cpuset.mems 2>/dev/null || true

  # The mount namespace, kept by a bind mount of it (on a private mount, as unshare requires).
  mount --bind "$run/ns" "$run/ns"
  mount --make-private "$run/ns"
  touch "$ns"
  unshare --mount="$ns" --propagation slave true
  in_ns mount --bind "$dir/log/pods" /var/log/pods
  in_ns mount --bind "$dir/log/containers" /var/log/containers

  cat >"$dir/cni/net.d/10-hello.conflist" <<JSON
{"cniVersion": "1.0.0", "name": "hello-n$i", "plugins": [
  {"type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$dir/cni/ipam",
            "ranges": [[{"subnet": "$subnet", "gateway": "$ip"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
  # The first node's containerd config, with this node's paths.
  sed -e "s#^root = .*#root = \"$dir/containerd\"#" -e "s#^state = .*#state = \"$run/containerd/state\"#" \
    -e "s#address = .*#address = \"$sock\"#" -e "s#conf_dir = .*#conf_dir = \"$dir/cni/net.d\"#" \
    "$HOST_DIR/containerd.toml" >"$dir/containerd.toml"
  start_daemon "node-$i/containerd" nsenter --mount="$ns" -- containerd --config "$dir/containerd.toml"
  wait_for "node $name: containerd" 30 ctr --address "$sock" version
  load_images

  "$(bin kubeadm)" kubeconfig user --client-name "system:node:$name" --org system:nodes \
    --config "$HOST_DIR/kubeadm.yaml" >"$dir/kubelet.conf" 2>/dev/null
  # The first node's kubelet config, with this node's runtime, ports and cgroup root, no static pods.
  sed -e "s#^containerRuntimeEndpoint: .*#containerRuntimeEndpoint: unix://$sock#" \
    -e "s#^healthzPort: .*#healthzPort: $healthz_port#" -e '/^staticPodPath:/d' \
    /var/lib/kubelet/config.yaml >"$dir/kubelet.yaml"
  printf 'port: %s\ncgroupRoot: /node%s\n' "$kubelet_port" "$i" >>"$dir/kubelet.yaml"
  start_daemon "node-$i/kubelet" nsenter --mount="$ns" -- "$(bin kubelet)" --config="$dir/kubelet.yaml" \
    --kubeconfig="$dir/kubelet.conf" --root-dir="$dir/kubelet" --cert-dir="$dir/kubelet/pki" \
    --hostname-override="$name" --node-ip="$ip"
  wait_for "node $name Ready" 120 kc wait --for=condition=Ready "node/$name" --timeout=5s
  start_network_policies "$i" "$name"
}

# Every image the first node has (ours, the add-ons', pause), into this node's containerd.
load_images() {
  local t archive refs; t=$(date +%s); archive=$(mktemp --suffix=.tar)
  refs=$(ctr --address "$SOCK" -n k8s.io images ls -q | grep -v '^sha256:' | grep -vE 'kube-apiserver|kube-controller-manager|kube-scheduler|/etcd:')
  # shellcheck disable=SC2086
  ctr --address "$SOCK" -n k8s.io images export "$archive" $refs
  ctr_ images import "$archive" >/dev/null
  rm -f "$archive"
  log "node $name: $(wc -w <<<"$refs") images loaded in $(($(date +%s) - t)) s"
}

kill_node() {
  local pids
  # Its NetworkPolicy instance dies with it; the table it leaves drops its pods' new connections,
  # as a dead machine would.
  pids="$(node_pids) $(daemon_pid "$(netpol_name "$i")")"
  [[ -n ${pids// } ]] && kill -9 $pids 2>/dev/null
  rm -f "$RUN_DIR/node-$i/containerd.pid" "$RUN_DIR/node-$i/kubelet.pid" "$RUN_DIR/$(netpol_name "$i").pid"
  log "node $name: killed ($(wc -w <<<"$pids") processes)"
}

# Best effort, every step: what a crash left may be partly gone already.
down_quietly() (
  set +e
  stop_network_policies "$i"
  stop_daemon "node-$i/kubelet"
  if [[ -S $sock ]] && ctr --address "$sock" version >/dev/null 2>&1; then
    local t
    for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1; ctr_ tasks rm -f "$t" >/dev/null 2>&1; done
    for t in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$t" >/dev/null 2>&1; done
  fi
  stop_daemon "node-$i/containerd"
  local pids n; pids=$(node_pids)
  [[ -n $pids ]] && kill -9 $pids 2>/dev/null
  # They take a moment to go; their cgroups can be removed only then.
  for n in $(seq 25); do [[ -z $(node_pids) ]] && break; sleep 0.2; done
  # Its cgroups, deepest first (empty once their processes are gone).
  local c
  for c in /sys/fs/cgroup/*/node"$i"; do
    [[ -d $c ]] && { find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || true; }
  done
  # The namespace goes with its last process and its bind mount; mounts the host sees go too.
  umount -l "$ns" 2>/dev/null || true
  umount -l "$run/ns" 2>/dev/null || true
  awk -v d="$dir" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  ip link del "$bridge" 2>/dev/null || true
  rm -rf "$dir" "$run" /var/lib/cni/results/hello-n"$i"-*
  return 0
)

case "$cmd" in
  up) up ;;
  down)
    down_quietly
    [[ -s $ADMIN_CONF ]] && kc delete node "$name" --ignore-not-found --wait=false >/dev/null 2>&1
    log "node $name: removed" ;;
  kill) kill_node ;;
  *) die "usage: node.sh up|down|kill I" ;;
esac
