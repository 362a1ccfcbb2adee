#!/usr/bin/env bash
# Packs one static binary into a one-layer OCI image archive and imports it into containerd's k8s.io
# namespace under REF, so the node needs no registry. Usage: oci-image.sh REF BINARY [SOCKET]
# OCI_BIN_DIR (default usr/local/bin) is where the binary goes, for programs run by a fixed path.
set -euo pipefail
ref=$1 binary=$2 sock=${3:-/run/hello-operator/containerd/containerd.sock}
name=$(basename "$binary") bindir=${OCI_BIN_DIR:-usr/local/bin}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/$bindir" "$work/root/tmp" "$work/oci/blobs/sha256"
cp "$binary" "$work/root/$bindir/$name"
chmod 1777 "$work/root/tmp"
# Reproducible layer: fixed owner and mtime, sorted.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/root" -cf "$work/layer.tar" .
blob() { # file -> prints "digest size", stores the blob
  local d s; d=$(sha256sum "$1" | cut -d' ' -f1); s=$(stat -c %s "$1")
  cp "$1" "$work/oci/blobs/sha256/$d"; echo "$d $s"
}
read -r ld ls < <(blob "$work/layer.tar")
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/bin:/usr/bin:/bin"],"Entrypoint":["/%s/%s"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
  "$bindir" "$name" "$ld" >"$work/config.json"
read -r cd cs < <(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
  "$cd" "$cs" "$ld" "$ls" >"$work/manifest.json"
read -r md ms < <(blob "$work/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"amd64","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
  "$md" "$ms" "$ref" >"$work/oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
tar -C "$work/oci" -cf "$work/image.tar" oci-layout index.json blobs
ctr --address "$sock" -n k8s.io images import "$work/image.tar" >/dev/null
