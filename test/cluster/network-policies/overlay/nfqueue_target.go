// Copied by build.sh into kube-network-policies' networkpolicy package (package clause matches).
package networkpolicy

import (
	"encoding/binary"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
)

// nfqueueTarget sends a packet to userspace queue num as `queue num N [bypass]` does, through
// nft_compat and the xtables NFQUEUE target (revision 3: struct xt_NFQ_info_v3 {u16 queuenum,
// queues_total, flags}, padded to 8 bytes), for kernels built without nft_queue.
func nfqueueTarget(num uint16, bypass bool) expr.Any {
	info := make(xt.Unknown, 8)
	binary.NativeEndian.PutUint16(info[0:], num)
	binary.NativeEndian.PutUint16(info[2:], 1) // one queue, no fanout
	if bypass {
		binary.NativeEndian.PutUint16(info[4:], 1) // NFQ_FLAG_BYPASS
	}
	return &expr.Target{Name: "NFQUEUE", Rev: 3, Info: &info}
}
