// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Entry points of the PxTR data plane (operating-mode = PxTR): a separate
 * object from the mobile node's, sharing its maps by name (pinned) plus the
 * EID-space trie. The logic lives in lib/petr.h and lib/pitr.h. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "lispd_maps.h"
#include "lib/petr.h"
#include "lib/pitr.h"

/* Ingress of the RLOC interface: decapsulate LISP data from EID space and
 * hand it to the stack to forward natively. */
SEC("tc")
int lispd_petr_decap(struct __sk_buff *skb)
{
	return lispd_do_petr_decap(skb);
}

/* Ingress of the non-LISP-facing interface: encapsulate traffic to EIDs. */
SEC("tc")
int lispd_pitr_encap(struct __sk_buff *skb)
{
	return lispd_do_pitr_encap(skb);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
