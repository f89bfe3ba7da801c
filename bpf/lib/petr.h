/* Proxy-ETR decapsulation (RFC 6832 §5), TC ingress of the PxTR's RLOC
 * interface: LISP data to our RLOC passes the checks every ETR makes
 * (lispd_decap_classify_lisp), then its inner SOURCE must lie inside the
 * EID space we serve — a PETR forwards for LISP sites only, never as an
 * open relay for whoever can reach port 4341 — else counted drop
 * (drop_petr_src_not_eid). The inner destination is anybody: that is the
 * point of a PETR.
 *
 * Delivery: the outer headers are removed, the Ethernet addresses kept as
 * they arrived (the frame was addressed to this interface, so the stack
 * takes it as PACKET_HOST), the EtherType rewritten, and TC_ACT_OK hands the
 * inner packet to the stack, which routes it like any packet received on
 * this interface (ip_forward needed; TTL decremented, netfilter and the
 * routing policy applied, as for native traffic). Chosen over a FIB lookup
 * + bpf_redirect_neigh in BPF, which would bypass the forwarding sysctls,
 * TTL and netfilter of a router.
 *
 * With a family change on kernels before 6.3 (no DECAP_L3 flags,
 * lispd_strip_outer_tc's fallback) skb->protocol still names the outer
 * family; then the frame is redirected into this interface's ingress once
 * more, which recomputes the protocol from the rewritten EtherType. */
#ifndef LISPD_BPF_PETR_H
#define LISPD_BPF_PETR_H

#include "lib/decap_tc.h"
#include "lib/eid_space.h"

static __always_inline int lispd_do_petr_decap(struct __sk_buff *skb)
{
	struct lispd_dp_config *cfg = lispd_config_get();
	struct lispd_decap_info d;
	__be16 proto;
	__u32 stat;

	if (!cfg)
		return lispd_verdict(LISPD_STAT_DECAP_PASS, LISPD_TC_ACT_OK);
	switch (lispd_decap_classify_lisp(skb, LISPD_HOOK_TC, cfg, &d, &stat)) {
	case LISPD_DC_PASS:
		return lispd_verdict(stat, LISPD_TC_ACT_OK);
	case LISPD_DC_DROP:
		return lispd_verdict(stat, LISPD_TC_ACT_SHOT);
	default:
		break;
	}
	if (!lispd_in_eid_space(lispd_cfg_iid(cfg), d.in.family, d.in.src))
		return lispd_verdict(LISPD_STAT_DROP_PETR_SRC_NOT_EID, LISPD_TC_ACT_SHOT);

	if (lispd_strip_outer_tc(skb, &d.o, d.in.family, &stat))
		return lispd_verdict(stat, LISPD_TC_ACT_SHOT);
	proto = bpf_htons(d.in.family == LISPD_AF_INET ? LISPD_ETH_P_IP : LISPD_ETH_P_IPV6);
	if (bpf_skb_store_bytes(skb, 12, &proto, sizeof(proto), 0) ||
	    lispd_inner_ttl_tc(skb, &d.in, d.o.ttl))
		return lispd_verdict(LISPD_STAT_DROP_DECAP_ADJUST, LISPD_TC_ACT_SHOT);

	lispd_stat_inc(LISPD_STAT_PETR_DECAP_OK);
	if (skb->protocol != proto)
		return (int)bpf_redirect(skb->ifindex, LISPD_F_INGRESS);
	return LISPD_TC_ACT_OK;
}

#endif
