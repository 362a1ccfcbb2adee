#!/usr/bin/env bash
# Builds our images offline with buildah and loads them into the node's containerd:
#   localhost/hello-workload:dev (Dockerfile.workload), localhost/hello-operator:dev (Dockerfile.operator)
# HELLO_IMAGE_TAG=other builds :other instead (a second tree's images beside the first's).
# Usage: images.sh [--push REGISTRY[/PREFIX]] [--platform OS/ARCH]
#   --push: push both images to REGISTRY[/PREFIX]/hello-{workload,operator}:<tag> instead of loading
#   them into the node, and print each reference pinned by digest on stdout, one per line. A
#   registry on loopback is spoken to over plain HTTP (HELLO_REGISTRY_INSECURE=1 for another);
#   credentials come from buildah's auth file (`buildah login REGISTRY`, or REGISTRY_AUTH_FILE).
#   --platform: the local base is made from this machine's node binary, so only this machine's
#   platform (e.g. linux/amd64) can be built here.
# The base is a local image made from the npm `node` binary and the glibc libraries it links, laid
# out like the default upstream base (node at /nodejs/bin/node, user nonroot 65532, no shell).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO"
push=""; platform=""
while (($#)); do
  case "$1" in
    --push) push=${2:-}; [[ -n $push ]] || die "--push needs a registry: --push REGISTRY[/PREFIX]"; shift 2 ;;
    --push=*) push=${1#--push=}; shift ;;
    --platform) platform=${2:-}; shift 2 ;;
    --platform=*) platform=${1#--platform=}; shift ;;
    *) die "unknown argument '$1' (usage: images.sh [--push REGISTRY[/PREFIX]] [--platform OS/ARCH])" ;;
  esac
done
here_platform="linux/$(case "$(uname -m)" in x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) uname -m ;; esac)"
if [[ -n $platform && $platform != "$here_platform" ]]; then
  die "--platform $platform: the local base is made from this machine's node binary ($here_platform); build $platform on such a machine, or with a base for it: buildah bud --platform $platform -f Dockerfile.operator ."
fi
tls_verify=true
case "${push%%/*}" in
  localhost|localhost:*|127.*|\[::1\]*) tls_verify=false ;;
esac
[[ ${HELLO_REGISTRY_INSECURE:-} == 1 ]] && tls_verify=false
command -v buildah >/dev/null || "$HERE/install-debs.sh"
NODE_BIN=${HELLO_NODE_BIN:-$REPO/node_modules/node/bin/node}
[[ -x $NODE_BIN ]] || die "no Node binary at $NODE_BIN (run npm ci: the node@24 devDependency provides it)"
node_version=$("$NODE_BIN" --version)
BASE="localhost/node-base:${node_version#v}"

if buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  log "base $BASE: present"
else
  log "base $BASE: building from $NODE_BIN"
  root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{nodejs/bin,etc,tmp,home/nonroot}
  chmod 1777 "$root/tmp"; chown 65532:65532 "$root/home/nonroot"
  cp "$NODE_BIN" "$root/nodejs/bin/node"
  # The dynamic loader and every library node links, at the same paths as on this machine.
  for lib in $(ldd "$NODE_BIN" | awk '/=>/ {print $3} !/=>/ && /^\t\// {print $1}'); do
    mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$root/etc/group"
  c=$(buildah from --pull=never scratch)
  buildah copy --quiet "$c" "$root" / >/dev/null
  buildah config --user 65532:65532 --workingdir /home/nonroot --entrypoint '["/nodejs/bin/node"]' \
    --env PATH=/nodejs/bin:/usr/bin:/bin --label "org.opencontainers.image.version=$node_version" "$c"
  buildah commit --quiet --rm "$c" "$BASE" >/dev/null
  buildah tag "$BASE" localhost/node-base:24
fi

"$HERE/bundle.sh" workload operator
node_up=false; [[ -S $SOCK ]] && ctr --address "$SOCK" version >/dev/null 2>&1 && node_up=true
for app in workload operator; do
  img="localhost/hello-$app:${HELLO_IMAGE_TAG:-dev}"
  if [[ ! -f dist/$app/main.mjs || ! -f $app/main.ts ]]; then log "image $img: skipped ($app/main.ts does not exist yet)"; continue; fi
  t=$(date +%s)
  buildah bud --quiet --pull=never --layers=false --build-arg "BASE=$BASE" -f "Dockerfile.$app" -t "$img" . >/dev/null
  size=$(buildah images --format '{{.Size}}' "$img" | head -1)
  log "image $img: built in $(($(date +%s) - t)) s, $size (our layer: bundle of $(du -h "dist/$app/main.mjs" | cut -f1))"
  if [[ -n $push ]]; then
    ref="$push/hello-$app:${HELLO_IMAGE_TAG:-dev}" digestfile=$(mktemp)
    buildah push --quiet --tls-verify="$tls_verify" --digestfile "$digestfile" "$img" "docker://$ref" >/dev/null \
      || die "pushing $ref failed (credentials: buildah login ${push%%/*}; plain HTTP: HELLO_REGISTRY_INSECURE=1)"
    log "image $img: pushed as $ref@$(<"$digestfile")"
    echo "$ref@$(<"$digestfile")"
    rm -f "$digestfile"
  elif $node_up; then
    archive=$(mktemp --suffix=.tar); rm -f "$archive"
    buildah push --quiet "$img" "oci-archive:$archive:$img" >/dev/null
    ctr --address "$SOCK" -n k8s.io images import "$archive" >/dev/null
    # And into the nodes beyond the first (node.sh), when there are any.
    for sock in "$RUN_DIR"/node-*/containerd/containerd.sock; do
      [[ -S $sock ]] && ctr --address "$sock" -n k8s.io images import "$archive" >/dev/null
    done
    log "image $img: loaded into the node ($(du -h "$archive" | cut -f1) archive)"
    rm -f "$archive"
  fi
done
[[ -n $push ]] || $node_up || log "no real node running: images built, not loaded (cluster:up loads them)"
