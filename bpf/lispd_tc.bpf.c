// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Entry points of the LISP data plane; the logic lives in lib/. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "lispd_maps.h"
#include "lib/decap_tc.h"
#include "lib/decap_xdp.h"
#include "lib/encap.h"

/* Egress of lmn: encapsulate toward the RLOC of the destination EID. */
SEC("tc")
int lispd_encap(struct __sk_buff *skb)
{
	return lispd_do_encap(skb);
}

/* Ingress of the physical interface: decapsulate LISP data for our EIDs. */
SEC("tc")
int lispd_decap(struct __sk_buff *skb)
{
	return lispd_do_decap(skb);
}

/* The XDP variant of lispd_decap, for NICs with native XDP; attach one or
 * the other. Delivery differs: see lib/decap_xdp.h. */
SEC("xdp")
int lispd_decap_xdp(struct xdp_md *ctx)
{
	return lispd_do_decap_xdp(ctx);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
