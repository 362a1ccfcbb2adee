#!/usr/bin/env bash
# Builds every binary the local cluster needs from Go modules into a per-version cache outside the
# repository (HELLO_CACHE_DIR, default ~/.cache/hello-operator), skipping what is already there.
# Usage: build.sh [piece...]   pieces: debs kubernetes etcd pause coredns metrics-server traefik kwok
#                                      kube-score kubeconform helm actionlint prometheus
#                                      prometheus-operator kstatus kube-network-policies registry
#                                      victorialogs alertmanager prometheus-adapter
#                                      (default: all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v go >/dev/null || die "Go is not installed (need Go >= 1.26 on PATH; see README 'Local cluster')"
gov=$(go env GOVERSION); gominor=${gov#go1.}; gominor=${gominor%%.*}
[[ $gominor =~ ^[0-9]+$ ]] && ((gominor >= 25)) || die "Go $gov is too old: Kubernetes $KUBERNETES_VERSION needs Go >= 1.25"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
LOGS="$CACHE/logs"; SRC="$CACHE/src"
mkdir -p "$LOGS" "$SRC"
# One build at a time (the real-node and fake-node setups may both ask at once). The lock is taken
# only when something is missing, so a run that finds everything built never waits for another's.
LOCKED=false
take_lock() {
  $LOCKED && return
  exec 9>"$CACHE/.build.lock"
  flock -n 9 || { log "waiting for another build (lock $CACHE/.build.lock)"; flock -w 5400 9; } \
    || die "another build holds $CACHE/.build.lock"
  LOCKED=true
}

# Runs one build step with its output in a log; on failure names what went wrong.
run_logged() {
  local name=$1; shift
  local logf="$LOGS/$name.log"
  if ! "$@" >"$logf" 2>&1; then
    tail -n 25 "$logf" >&2
    if grep -qiE '403 Forbidden|410 Gone|404 Not Found|unknown revision|invalid version' "$logf"; then
      die "$name: the Go module proxy refused a module (see above; full log $logf). Pick another version in versions.env."
    fi
    die "$name: build failed (full log $logf)"
  fi
}

all_built() { local b; for b in "$@"; do [[ -x "$(bin "$b")" ]] || return 1; done; }
# Whether these binaries are built; when not, takes the lock and looks again (another build may have
# just made them) before the caller builds.
have() { all_built "$@" && return; take_lock; all_built "$@"; }

# Moves freshly built binaries into place only when all of them built, so a crash never leaves a
# half-built piece that looks done.
install_into() {
  local dest=$1 tmp=$2; mkdir -p "$dest"; mv "$tmp"/* "$dest"/; rm -rf "$tmp"
}

gomod_path() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'; }

build_kubernetes() {
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy kubeadm)
  have "${cmds[@]}" && { log "kubernetes $KUBERNETES_VERSION: cached"; return; }
  log "kubernetes $KUBERNETES_VERSION: building ${cmds[*]} (cold: ~20 min on 2 cores)"
  local dir="$SRC/kubernetes-$KUBERNETES_VERSION" staging="v0.${KUBERNETES_VERSION#v1.}"
  rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  local upstream; upstream=$(gomod_path "k8s.io/kubernetes@$KUBERNETES_VERSION") \
    || die "the Go module proxy refused k8s.io/kubernetes@$KUBERNETES_VERSION"
  # A wrapper module: k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them
  # with local paths, which `go install pkg@version` refuses. The replace lines are derived from
  # its go.mod, never hand-written.
  {
    echo "module hello-operator/kubernetes-wrapper"
    grep -E '^(go|godebug) ' "$upstream"
    echo "replace ("
    grep -E '^[[:space:]]+k8s\.io/[^ ]+ v0\.0\.0$' "$upstream" | awk -v v="$staging" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } >go.mod
  log "  wrapper module: $(grep -c '=>' go.mod) staging replace lines"
  local pkgs=(); for c in "${cmds[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$c"); done
  run_logged kubernetes-get env GOFLAGS="$GOFLAGS -mod=mod" go get "${pkgs[@]/%/@$KUBERNETES_VERSION}"
  local minor=${KUBERNETES_VERSION#v1.} ld="" p; minor=${minor%%.*}
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitVersion=$KUBERNETES_VERSION"
    ld+=" -X $p.gitCommit=0000000000000000000000000000000000000000 -X $p.gitTreeState=clean"
    ld+=" -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  mkdir -p out
  run_logged kubernetes-build env GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "-s -w$ld" -o out/ "${pkgs[@]}"
  install_into "$(cache_dir_of kubeadm)" out
  log "kubernetes $KUBERNETES_VERSION: built ($("$(bin kubectl)" version --client 2>/dev/null | head -1))"
}

build_etcd() {
  have etcd && { log "etcd $ETCD_VERSION: cached"; return; }
  log "etcd $ETCD_VERSION: building (cold: ~2 min)"
  # go.etcd.io/etcd/server/v3 has replace lines to sibling folders, so it needs a wrapper too.
  local dir="$SRC/etcd-$ETCD_VERSION"; rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  printf 'module hello-operator/etcd-wrapper\n\ngo 1.25\n' >go.mod
  run_logged etcd-get env GOFLAGS="$GOFLAGS -mod=mod" go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  mkdir -p out
  run_logged etcd-build env GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}" -o out/etcd go.etcd.io/etcd/server/v3
  install_into "$(cache_dir_of etcd)" out
}

# A Go program of ours (a folder beside this script, pinned by its go.mod): the pause image's
# binary, and kstatus (ten lines around sigs.k8s.io/cli-utils's status.Compute, what Flux, kpt and
# Helm 4 compute).
build_ours() {
  local name=$1 version=$2
  have "$name" && { log "$name $version: cached"; return; }
  log "$name $version: building"
  local out; out=$(mktemp -d)
  (cd "$HERE/$name" && run_logged "$name" go build -trimpath -ldflags "-s -w" -o "$out/$name" .)
  install_into "$(cache_dir_of "$name")" "$out"
}

# Plain `go install module/cmd@version` into the cache.
go_install() {
  local name=$1 pkg=$2 version=$3; shift 3
  local bins=("$name"); (($#)) && bins=("$@")
  have "${bins[@]}" && { log "$name $version: cached"; return; }
  log "$name $version: building"
  local out; out=$(mktemp -d)
  local p; for p in $pkg; do
    run_logged "$name" env GOBIN="$out" go install -trimpath -ldflags "-s -w" "$p@$version"
  done
  install_into "$(cache_dir_of "${bins[0]}")" "$out"
}

build_traefik() {
  have traefik && { log "traefik $TRAEFIK_VERSION: cached"; return; }
  log "traefik $TRAEFIK_VERSION: building (cold: ~10 min)"
  local dir="$SRC/traefik-$TRAEFIK_VERSION" mod=github.com/traefik/traefik/v3
  rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  local upstream; upstream=$(gomod_path "$mod@$TRAEFIK_VERSION") || die "the Go module proxy refused $mod@$TRAEFIK_VERSION"
  # Traefik's go.mod replaces a few forks; a dependent module must repeat them (copied from it).
  {
    echo "module hello-operator/traefik-wrapper"
    grep -E '^go ' "$upstream"
    awk '/^replace \($/{b=1; print; next} b&&/^\)$/{b=0; print; next} b||/^replace [^(]/{print}' "$upstream"
  } >go.mod
  run_logged traefik-get env GOFLAGS="$GOFLAGS -mod=mod" go get "$mod/cmd/traefik@$TRAEFIK_VERSION"
  mkdir -p out
  run_logged traefik-build env GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath \
    -ldflags "-s -w -X $mod/pkg/version.Version=$TRAEFIK_VERSION" -o out/traefik "$mod/cmd/traefik"
  install_into "$(cache_dir_of traefik)" out
}

build_helm() {
  have helm && { log "helm $HELM_VERSION: cached"; return; }
  # Helm 4 needs a newer Go than Kubernetes does; say so rather than fail deep in the build.
  ((gominor >= 26)) || die "Go $gov is too old: helm $HELM_VERSION needs Go >= 1.26"
  log "helm $HELM_VERSION: building (cold: ~4 min)"
  local out; out=$(mktemp -d)
  # The version goes in by ldflags as helm's Makefile does: charts and `helm version` read it.
  run_logged helm env GOBIN="$out" go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
  install_into "$(cache_dir_of helm)" "$out"
}

build_prometheus() {
  have prometheus promtool && { log "prometheus $PROMETHEUS_VERSION: cached"; return; }
  log "prometheus $PROMETHEUS_VERSION: building prometheus, promtool (cold: ~15 min on 2 cores)"
  local mod=github.com/prometheus/prometheus out; out=$(mktemp -d)
  # Only Kubernetes service discovery: the other discoverers pull in a module the proxy refuses.
  local tags=remove_all_sd,enable_kubernetes_sd v=${PROMETHEUS_VERSION#v0.}
  # Module v0.316.0 is Prometheus 3.16.0.
  local ld="-s -w -X github.com/prometheus/common/version.Version=3.$((${v%%.*} - 300)).${v#*.}"
  run_logged prometheus env GOBIN="$out" nice -n 10 go install -trimpath -tags "$tags" -ldflags "$ld" \
    "$mod/cmd/prometheus@$PROMETHEUS_VERSION" "$mod/cmd/promtool@$PROMETHEUS_VERSION"
  install_into "$(cache_dir_of prometheus)" "$out"
  log "prometheus: built ($("$(bin promtool)" --version 2>&1 | head -1))"
}

build_prometheus_operator() {
  local dest; dest=$(cache_dir_of prometheus-operator)
  have prometheus-operator prometheus-config-reloader && [[ -d $dest/crds ]] \
    && { log "prometheus-operator $PROMETHEUS_OPERATOR_VERSION: cached"; return; }
  take_lock
  log "prometheus-operator $PROMETHEUS_OPERATOR_VERSION: building operator, config-reloader (cold: ~10 min)"
  local mod=github.com/prometheus-operator/prometheus-operator v=$PROMETHEUS_OPERATOR_VERSION
  local dir="$SRC/prometheus-operator-$v"; rm -rf "$dir"; mkdir -p "$dir/out/crds"; cd "$dir"
  # Its go.mod replaces its own submodules with folders, which `go install pkg@version` refuses;
  # a wrapper module takes the published submodules at the same version instead.
  printf 'module hello-operator/prometheus-operator-wrapper\n\ngo 1.25\n' >go.mod
  run_logged prometheus-operator-get env GOFLAGS="$GOFLAGS -mod=mod" go get \
    "$mod@$v" "$mod/pkg/apis/monitoring@$v" "$mod/pkg/client@$v"
  local ld="-s -w -X github.com/prometheus/common/version.Version=${v#v}"
  run_logged prometheus-operator-build env GOFLAGS="$GOFLAGS -mod=mod" nice -n 10 go build -trimpath \
    -ldflags "$ld" -o out/ "$mod/cmd/operator" "$mod/cmd/prometheus-config-reloader"
  mv out/operator out/prometheus-operator
  # The monitoring.coreos.com CRDs ship in the module's files.
  local src; src=$(go mod download -json "$mod@$v" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  cp "$src"/example/prometheus-operator-crd/monitoring.coreos.com_*.yaml out/crds/
  chmod u+w out/crds/*
  log "  $(ls out/crds | wc -l) CRDs"
  rm -rf "$dest"; install_into "$dest" out
}

# kube-network-policies: our wrapper's main (test/cluster/network-policies) around its controller,
# built from a vendored copy with two fixes (network-policies/patch-vendor.sh says which and why).
build_network_policies() {
  have kube-network-policies && { log "kube-network-policies $KUBE_NETWORK_POLICIES_VERSION: cached"; return; }
  log "kube-network-policies $KUBE_NETWORK_POLICIES_VERSION: building (cold: ~3 min)"
  local dir="$SRC/kube-network-policies-$KUBE_NETWORK_POLICIES_VERSION"
  rm -rf "$dir"; cp -r "$HERE/network-policies" "$dir"; cd "$dir"
  run_logged kube-network-policies-vendor go mod vendor
  run_logged kube-network-policies-patch ./patch-vendor.sh
  mkdir -p out
  run_logged kube-network-policies-build go build -mod=vendor -trimpath -ldflags "-s -w" -o out/kube-network-policies .
  install_into "$(cache_dir_of kube-network-policies)" out
}

# VictoriaLogs: the store and the node collector from one module, its version stamped as its
# Makefile does (the store's /metrics and its startup line report it).
build_victorialogs() {
  have victoria-logs vlagent && { log "victorialogs $VICTORIALOGS_VERSION: cached"; return; }
  log "victorialogs $VICTORIALOGS_VERSION: building victoria-logs, vlagent (cold: ~1 min on 2 cores)"
  local mod=github.com/VictoriaMetrics/VictoriaLogs out; out=$(mktemp -d)
  local ld="-s -w -X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-$VICTORIALOGS_VERSION"
  run_logged victorialogs env GOBIN="$out" nice -n 10 go install -trimpath -ldflags "$ld" \
    "$mod/app/victoria-logs@$VICTORIALOGS_VERSION" "$mod/app/vlagent@$VICTORIALOGS_VERSION"
  install_into "$(cache_dir_of victoria-logs)" "$out"
}

build_alertmanager() {
  have alertmanager && { log "alertmanager $ALERTMANAGER_VERSION: cached"; return; }
  log "alertmanager $ALERTMANAGER_VERSION: building (cold: ~4 min on 2 cores)"
  local out; out=$(mktemp -d)
  run_logged alertmanager env GOBIN="$out" nice -n 10 go install -trimpath \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=${ALERTMANAGER_VERSION#v}" \
    "github.com/prometheus/alertmanager/cmd/alertmanager@$ALERTMANAGER_VERSION"
  install_into "$(cache_dir_of alertmanager)" "$out"
}

# prometheus-adapter (custom.metrics.k8s.io from Prometheus, for request-rate autoscaling). A wrapper
# module, as for etcd: `go install pkg@version` asks the proxy for the module's version list (to
# report deprecation), which the proxy refuses for this module; `go get` of a pinned version does not.
build_prometheus_adapter() {
  have prometheus-adapter && { log "prometheus-adapter $PROMETHEUS_ADAPTER_VERSION: cached"; return; }
  log "prometheus-adapter $PROMETHEUS_ADAPTER_VERSION: building (cold: ~5 min on 2 cores)"
  local dir="$SRC/prometheus-adapter-$PROMETHEUS_ADAPTER_VERSION" pkg=sigs.k8s.io/prometheus-adapter/cmd/adapter
  rm -rf "$dir"; mkdir -p "$dir"; cd "$dir"
  printf 'module hello-operator/prometheus-adapter-wrapper\n\ngo 1.25\n' >go.mod
  run_logged prometheus-adapter-get env GOFLAGS="$GOFLAGS -mod=mod" go get "$pkg@$PROMETHEUS_ADAPTER_VERSION"
  mkdir -p out
  run_logged prometheus-adapter-build env GOFLAGS="$GOFLAGS -mod=mod" nice -n 10 go build -trimpath \
    -ldflags "-s -w" -o out/prometheus-adapter "$pkg"
  install_into "$(cache_dir_of prometheus-adapter)" out
}

build_debs() { "$HERE/install-debs.sh"; }

ALL=(debs kubernetes etcd pause coredns metrics-server kwok traefik kube-score kubeconform helm actionlint
  prometheus prometheus-operator kstatus kube-network-policies registry victorialogs alertmanager
  prometheus-adapter)
pieces=("$@"); ((${#pieces[@]})) || pieces=("${ALL[@]}")
for piece in "${pieces[@]}"; do
  t=$(date +%s)
  case "$piece" in
    debs) build_debs ;;
    kubernetes) build_kubernetes ;;
    etcd) build_etcd ;;
    pause) build_ours pause "$PAUSE_VERSION" ;;
    coredns) go_install coredns github.com/coredns/coredns "$COREDNS_VERSION" ;;
    metrics-server) go_install metrics-server sigs.k8s.io/metrics-server/cmd/metrics-server "$METRICS_SERVER_VERSION" ;;
    kwok) go_install kwok "sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl" "$KWOK_VERSION" kwok kwokctl ;;
    traefik) build_traefik ;;
    kube-score) go_install kube-score github.com/zegl/kube-score/cmd/kube-score "$KUBE_SCORE_VERSION" ;;
    kubeconform) go_install kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION" ;;
    helm) build_helm ;;
    actionlint) go_install actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION" ;;
    prometheus) build_prometheus ;;
    prometheus-operator) build_prometheus_operator ;;
    kstatus) build_ours kstatus "$KSTATUS_VERSION" ;;
    kube-network-policies) build_network_policies ;;
    registry) go_install registry github.com/distribution/distribution/v3/cmd/registry "$REGISTRY_VERSION" ;;
    victorialogs) build_victorialogs ;;
    alertmanager) build_alertmanager ;;
    prometheus-adapter) build_prometheus_adapter ;;
    *) die "unknown piece '$piece' (known: ${ALL[*]})" ;;
  esac
  cd "$REPO"
  (($(date +%s) - t > 2)) && log "$piece: $(($(date +%s) - t)) s"
done
log "build: all done (cache $CACHE)"
