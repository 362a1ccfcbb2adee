#!/usr/bin/env bash
# Installs the Debian packages the local cluster and the image build need, when missing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
# command -> package that provides it
declare -A PKG=(
  [containerd]=containerd [runc]=runc [/usr/lib/cni/bridge]=containernetworking-plugins
  [iptables]=iptables [conntrack]=conntrack [buildah]=buildah [ip]=iproute2
  [ldd]=libc-bin [mount]=mount [socat]=socat [ethtool]=ethtool [ipset]=ipset [nft]=nftables [htpasswd]=apache2-utils
)
missing=()
for c in "${!PKG[@]}"; do
  if [[ $c == /* ]]; then [[ -e $c ]] || missing+=("${PKG[$c]}"); else command -v "$c" >/dev/null || missing+=("${PKG[$c]}"); fi
done
if ((${#missing[@]} == 0)); then log "debian packages: present"; exit 0; fi
((EUID == 0)) || die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})"
log "debian packages: installing ${missing[*]}"
apt-get update -qq >/dev/null || die "apt-get update failed"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null \
  || die "apt-get install failed for: ${missing[*]}"
log "debian packages: installed"
