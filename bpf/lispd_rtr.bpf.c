// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Entry point of the RTR data plane (operating-mode = RTR): a separate
 * object from the mobile node's and the PxTR's, sharing their map layouts
 * plus the NATed nodes it serves (lispd_nat). The logic lives in
 * lib/rtr.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "lispd_maps.h"
#include "lib/rtr.h"

/* Ingress of every RTR interface: LISP data to or from a NATed node,
 * re-encapsulated. */
SEC("tc")
int lispd_rtr(struct __sk_buff *skb)
{
	return lispd_do_rtr(skb);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
