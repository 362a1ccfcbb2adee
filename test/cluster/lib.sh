# Shared by the cluster scripts: versions, cache layout, binary lookup, logging.
# Sourced, not executed.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=versions.env
source "$HERE/versions.env"
CACHE="${HELLO_CACHE_DIR:-$HOME/.cache/hello-operator}"
STATE="$REPO/.cluster"
T0=${T0:-$(date +%s)}

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
    pause) echo "$CACHE/pause-$PAUSE_VERSION" ;;
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
