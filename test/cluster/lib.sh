# Shared by the cluster scripts: versions, cache layout, binary lookup, logging.
# Sourced, not executed.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
CACHE="${HELLO_CACHE_DIR:-$HOME/.cache/hello-operator}"
STATE="$REPO/.cluster"
export T0=${T0:-$(date +%s)}

log() { printf '[%4ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Where a binary is cached: one folder per piece and version.
cache_dir_of() {
  case "$1" in
    kube-apiserver|kube-controller-manager|kube-scheduler|kubectl|kubelet|kube-proxy|kubeadm)
      echo "$CACHE/kubernetes-$KUBERNETES_VERSION" ;;
    etcd) echo "$CACHE/etcd-$ETCD_VERSION" ;;
    kwok|kwokctl) echo "$CACHE/kwok-$KWOK_VERSION" ;;
    metrics-server) echo "$CACHE/metrics-server-$METRICS_SERVER_VERSION" ;;
    traefik) echo "$CACHE/traefik-$TRAEFIK_VERSION" ;;
    coredns) echo "$CACHE/coredns-$COREDNS_VERSION" ;;
    kube-score) echo "$CACHE/kube-score-$KUBE_SCORE_VERSION" ;;
    kubeconform) echo "$CACHE/kubeconform-$KUBECONFORM_VERSION" ;;
    helm) echo "$CACHE/helm-$HELM_VERSION" ;;
    actionlint) echo "$CACHE/actionlint-$ACTIONLINT_VERSION" ;;
    pause) echo "$CACHE/pause-$PAUSE_VERSION" ;;
    kstatus) echo "$CACHE/kstatus-$KSTATUS_VERSION" ;;
    registry) echo "$CACHE/registry-$REGISTRY_VERSION" ;;
    # Our wrapper and overlay change the binary as much as the version does: both name the cache.
    kube-network-policies)
      echo "$CACHE/kube-network-policies-$KUBE_NETWORK_POLICIES_VERSION-$(cat "$HERE"/network-policies/{go.mod,go.sum,*.go,*.sh,overlay/*.go} | sha256sum | cut -c1-12)" ;;
    prometheus|promtool) echo "$CACHE/prometheus-$PROMETHEUS_VERSION" ;;
    victoria-logs|vlagent) echo "$CACHE/victorialogs-$VICTORIALOGS_VERSION" ;;
    alertmanager) echo "$CACHE/alertmanager-$ALERTMANAGER_VERSION" ;;
    prometheus-adapter) echo "$CACHE/prometheus-adapter-$PROMETHEUS_ADAPTER_VERSION" ;;
    prometheus-operator|prometheus-config-reloader|monitoring-crds)
      echo "$CACHE/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION" ;;
    *) die "unknown binary $1" ;;
  esac
}

# A user may point at a binary they already have: HELLO_BIN_KUBE_APISERVER=/path/to/kube-apiserver,
# or at a folder holding all seven Kubernetes binaries: HELLO_KUBE_BIN_DIR=/path.
bin() {
  local var="HELLO_BIN_$(echo "$1" | tr 'a-z-' 'A-Z_')"
  if [[ -n "${!var:-}" ]]; then echo "${!var}"; return; fi
  case "$1" in
    kube-*|kubectl|kubelet|kubeadm)
      if [[ -n "${HELLO_KUBE_BIN_DIR:-}" && "$1" != kube-score ]]; then echo "$HELLO_KUBE_BIN_DIR/$1"; return; fi ;;
  esac
  echo "$(cache_dir_of "$1")/$1"
}
source "$HERE/node.env"

kc() { "$(bin kubectl)" --kubeconfig "$ADMIN_CONF" "$@"; }

# Starts a daemon in its own session (it outlives the script) with a pid file and a log.
start_daemon() {
  local name=$1; shift
  mkdir -p "$RUN_DIR" "$HOST_DIR/logs"
  # Closing fds 8 and 9 keeps our locks from living on in the daemon.
  setsid "$@" >>"$HOST_DIR/logs/$name.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$RUN_DIR/$name.pid"
}
# Pid of a daemon we started, if it still runs the same program.
daemon_pid() {
  local f="$RUN_DIR/$1.pid" pid
  [[ -f $f ]] || return 1
  pid=$(<"$f"); [[ -d /proc/$pid ]] || return 1
  [[ "$(tr '\0' ' ' </proc/"$pid"/cmdline)" == *"$1"* ]] || return 1
  echo "$pid"
}
stop_daemon() {
  local pid i
  pid=$(daemon_pid "$1") || { rm -f "$RUN_DIR/$1.pid"; return 0; }
  kill "$pid" 2>/dev/null || true
  for i in $(seq 50); do [[ -d /proc/$pid ]] || break; sleep 0.2; done
  [[ -d /proc/$pid ]] && kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN_DIR/$1.pid"
}
# Polls a command until it succeeds or the timeout (s) passes.
wait_for() {
  local what=$1 timeout=$2 t; shift 2; t=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    (($(date +%s) - t > timeout)) && die "timed out after ${timeout}s waiting for $what"
    sleep 1
  done
  log "$what: ready"
}

# Pods may talk to each other (on any node's bridge cni*), to Services and to the nodes, never
# beyond: whatever comes in on a bridge and would leave through another device is refused.
egress_guard() {
  iptables -N HELLO-NO-EGRESS 2>/dev/null || iptables -F HELLO-NO-EGRESS
  iptables -A HELLO-NO-EGRESS -i cni+ ! -o cni+ -j REJECT
  iptables -C FORWARD -j HELLO-NO-EGRESS 2>/dev/null || iptables -I FORWARD 1 -j HELLO-NO-EGRESS
}

# NetworkPolicy enforcement for node I (named NODE): its own kube-network-policies instance, with
# its own nftables table and queue, because every node shares this network namespace (see
# test/cluster/network-policies/main.go). The daemon and the table share one name.
netpol_name() { echo "kube-network-policies-node$1"; }
start_network_policies() {
  local i=$1 node=$2 name; name=$(netpol_name "$1")
  stop_network_policies "$i"
  start_daemon "$name" "$(bin kube-network-policies)" --kubeconfig "$ADMIN_CONF" --node-name "$node" \
    --nfqueue-id $((100 + i)) --nftables-table "$name"
  wait_for "$name: its nftables table" 60 nft list table inet "$name"
}
# Its table goes too: a table left without its process drops the node's policy-bound connections.
stop_network_policies() {
  local name; name=$(netpol_name "$1")
  stop_daemon "$name"
  nft delete table inet "$name" 2>/dev/null || true
}

# One up/down at a time on this machine (a nested call from a script that holds it goes through).
cluster_lock() {
  [[ -n ${HELLO_CLUSTER_LOCKED:-} ]] && return 0
  exec 8>/run/lock/hello-operator-cluster.lock
  flock -w 900 8 || die "another cluster:up/down is running (lock /run/lock/hello-operator-cluster.lock)"
  export HELLO_CLUSTER_LOCKED=1
}
