#!/usr/bin/env bash
# Removes everything cluster:up made, real node or fake nodes: pods, containers, mounts, network
# namespaces, bridge, routes, iptables chains, state directories. Safe to run at any time.
# Usage: down.sh [all|real|fake]   (default all)
set -uo pipefail
source "$(dirname "$0")/lib.sh"
((EUID == 0)) || die "cluster:down needs root"
mkdir -p /run/lock; cluster_lock
what=${1:-all}

# Fake nodes
if [[ $what != real ]]; then
if [[ -x "$(bin kwokctl)" ]] && "$(bin kwokctl)" get clusters 2>/dev/null | grep -qx "$KWOK_CLUSTER"; then
  log "kwok: deleting cluster $KWOK_CLUSTER"
  "$(bin kwokctl)" delete cluster --name "$KWOK_CLUSTER" >/dev/null 2>&1 || true
fi
ip route del "$KWOK_CIDR" 2>/dev/null
ip link del "$KWOK_DUMMY" 2>/dev/null
rm -rf "$FAKE_DIR"
[[ "$(cat "$STATE/mode" 2>/dev/null)" == fake ]] && rm -f "$STATE/kubeconfig" "$STATE/mode"
rm -f "$STATE/fake-kubeconfig"
[[ $what == fake ]] && { log "cluster:down (fake) done"; exit 0; }
fi

# The nodes beyond the first, then the first: kubelet first (else it restarts what we remove), then
# every container.
for d in "$HOST_DIR"/node-*; do [[ -d $d ]] && "$HERE/node.sh" down "${d##*/node-}"; done
stop_daemon kubelet
stop_daemon kube-proxy
stop_network_policies 1
ctr_() { ctr --address "$SOCK" -n k8s.io "$@"; }
# After a crash containers may outlive containerd (their shims keep them): start it again so that it
# can kill them, rather than leaving a control plane holding its ports.
if [[ -f $HOST_DIR/containerd.toml ]] && ! ctr_ version >/dev/null 2>&1; then
  log "containerd: restarting it to clean up what it left"
  start_daemon containerd containerd --config "$HOST_DIR/containerd.toml"
  for _ in $(seq 30); do ctr_ version >/dev/null 2>&1 && break; sleep 0.5; done
fi
if ctr_ version >/dev/null 2>&1; then
  tasks=$(ctr_ tasks ls -q 2>/dev/null)
  [[ -n $tasks ]] && log "containerd: killing $(wc -w <<<"$tasks") tasks"
  for t in $tasks; do ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1; done
  for t in $tasks; do ctr_ tasks rm -f "$t" >/dev/null 2>&1; done
  for c in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$c" >/dev/null 2>&1; done
fi
# Mounts left under the kubelet and containerd state (deepest first).
for d in /var/lib/kubelet "$RUN_DIR" "$HOST_DIR"; do
  awk -v d="$d" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
done
for ns in $(ip netns list 2>/dev/null | awk '/^cni-/{print $1}'); do ip netns delete "$ns" 2>/dev/null; done
if [[ -x "$(bin kubeadm)" && ( -d /etc/kubernetes || -d /var/lib/etcd ) ]]; then
  log "kubeadm reset"
  "$(bin kubeadm)" reset -f --cri-socket "unix://$SOCK" >/dev/null 2>&1 || true
fi
stop_daemon containerd
[[ -x "$(bin kube-proxy)" ]] && "$(bin kube-proxy)" --cleanup >/dev/null 2>&1
# Leftover chains: CNI port mappings (pods were killed without a CNI DEL), the kubelet's canaries and
# firewall, kube-proxy's if its cleanup missed any, and our egress guard. Jumps first, then chains.
for ipt in iptables ip6tables; do
  for table in nat filter mangle; do
    "$ipt-save" -t "$table" 2>/dev/null | awk '/^-A .*-j (CNI-|HELLO-|KUBE-)/' | sed 's/^-A /-D /' \
      | while read -r rule; do eval "$ipt -t $table $rule" 2>/dev/null; done
    chains=$("$ipt-save" -t "$table" 2>/dev/null | awk '/^:(CNI-|HELLO-|KUBE-)/{print substr($1,2)}')
    for ch in $chains; do "$ipt" -t "$table" -F "$ch" 2>/dev/null; done
    for ch in $chains; do "$ipt" -t "$table" -X "$ch" 2>/dev/null; done
  done
done
ip route del "$SERVICE_CIDR" 2>/dev/null
ip route del "$POD_CIDR" 2>/dev/null
ip link del "$BRIDGE" 2>/dev/null
# kubeadm reset keeps some of these; our own state goes too.
rm -rf /etc/kubernetes /var/lib/kubelet /var/lib/etcd "$HOST_DIR" "$RUN_DIR" /var/log/pods /var/log/containers
# libcni caches each pod attachment (our "hello" network and containerd's loopback) here.
rm -f /var/lib/cni/results/hello-* /var/lib/cni/results/cni-loopback-*
[[ "$(cat "$STATE/mode" 2>/dev/null)" == real ]] && rm -f "$STATE/kubeconfig" "$STATE/mode"
rm -f "$STATE/ingress-address"
log "cluster:down done"
