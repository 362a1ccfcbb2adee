#!/usr/bin/env bash
# Two changes to the vendored kube-network-policies v0.8.0 (run by build.sh in a copy of this folder,
# after `go mod vendor`); each refuses to go on if upstream's code no longer has the shape it expects.
# 1. Its nftables `queue` statements become the xtables NFQUEUE target (overlay/nfqueue_target.go):
#    these kernels have nft_compat and NFQUEUE but not nft_queue, so upstream's rules fail to load.
# 2. A packet from or to an address no pod in the informer has (a pod whose IP the API server has not
#    reported yet) is looked up in its NRI plugin, which is nil with NRI off: the process panicked,
#    leaving its table to drop every new connection of its node's policy pods. Nil now means "no pod".
set -euo pipefail
pkg=vendor/sigs.k8s.io/kube-network-policies/pkg/networkpolicy
fail() { echo "patch-vendor.sh: $*; update test/cluster/network-policies/patch-vendor.sh" >&2; exit 1; }

before=$(grep -c 'queue := &expr.Queue{' "$pkg/controller.go" || true)
perl -0pi -e 's/queue := &expr\.Queue\{Num: uint16\(c\.config\.QueueID\)\}\n\tif c\.config\.FailOpen \{\n\t\tqueue\.Flag = expr\.QueueFlagBypass\n\t\}/queue := nfqueueTarget(uint16(c.config.QueueID), c.config.FailOpen)/g' "$pkg/controller.go"
[[ $before -gt 0 ]] && ! grep -q 'expr.Queue{' "$pkg/controller.go" || fail "its queue statements changed shape"
cp overlay/nfqueue_target.go "$pkg/"

perl -0pi -e 's/(func \(p \*nriPlugin\) GetPodFromIP\(ip string\) string \{\n)/$1\tif p == nil {\n\t\treturn ""\n\t}\n/' "$pkg/nri.go"
grep -q 'if p == nil {' "$pkg/nri.go" || fail "nriPlugin.GetPodFromIP changed shape"
