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
 * Hairpin: an inner destination inside the EID space is another LISP site
 * (a mobile node sends to the PETR whatever misses its map-cache, other
 * EIDs included), which the underlay cannot route natively. Such a packet
 * is sent on toward the destination's RLOC out of this same interface,
 * chosen like the PITR does (same map-cache, negative entries and locator
 * choice) and with the same outer headers as every encapsulation
 * (lispd_build_outer4/6), written over the old ones (lib/reencap.h says
 * why not strip + lispd_encap_flow). A map-cache miss drops it,
 * counted (petr_hairpin_miss), and raises the usual miss event so the
 * daemon resolves the destination; a PETR never sends to a PETR. The inner
 * source's mapping is resolved too when missing (petr_hairpin_src_miss):
 * the destination's answer misses the same way and comes back through
 * here. Loops: never from or to our own RLOC (drop_petr_hairpin_loop), and
 * the inner TTL, which the outer header then copies, loses one per pass
 * (drop_petr_hairpin_ttl at 0). Too big once re-encapsulated: dropped,
 * counted (drop_petr_hairpin_too_big); an ICMP answer would be addressed
 * to an EID, which this interface's network cannot route. Everything is
 * decided before the packet is touched; natively-forward entries keep the
 * native path.
 *
 * Inlined, not a tail call: a program array is emptied by the kernel when
 * its last user-space reference goes, so it would need its own pin and
 * lifecycle; the inlined program verifies on its own (docs/DATAPATH.md).
 *
 * With a family change on kernels before 6.3 (no DECAP_L3 flags,
 * lispd_strip_outer_tc's fallback) skb->protocol still names the outer
 * family; then the native frame is redirected into this interface's
 * ingress once more, which recomputes the protocol from the rewritten
 * EtherType. The hairpin never strips the outer headers, so it needs no
 * such step; bpf_skb_change_proto sets skb->protocol when the outer family
 * changes. */
#ifndef LISPD_BPF_PETR_H
#define LISPD_BPF_PETR_H

#include "lib/eid_space.h"
#include "lib/reencap.h"

/* lispd_petr_hairpin's "not mine": go on with native delivery. */
#define LISPD_HAIRPIN_NATIVE (-1)

/* 1 when the outer source is one of our RLOCs (or unreadable): our own
 * packet come back, or a forgery of one. */
static __always_inline int lispd_outer_src_is_own(struct __sk_buff *skb,
						  const struct lispd_dp_config *cfg,
						  const struct lispd_outer_info *o)
{
	__u8 src[16];

	return lispd_outer_src(skb, o, src) || lispd_is_own_rloc(cfg, o->family, src);
}

/* The way back: the destination will answer the source, miss the same way
 * and send to this PETR; with the source's mapping asked for now, the
 * answer is hairpinned instead of dropped. */
static __always_inline void lispd_hairpin_resolve_src(const struct lispd_dp_config *cfg, __u32 iid,
						      const struct lispd_flow *in)
{
	struct lispd_flow back;

	__builtin_memcpy(&back, in, sizeof(back));
	__builtin_memcpy(back.src, in->dst, sizeof(back.src));
	__builtin_memcpy(back.dst, in->src, sizeof(back.dst));
	if (lispd_mc_lookup(iid, &back))
		return;
	lispd_stat_inc(LISPD_STAT_PETR_HAIRPIN_SRC_MISS);
	lispd_miss_notify(cfg, iid, &back, LISPD_MISS_NO_ENTRY);
}

/* A classified PETR packet whose inner destination is EID space: the TC
 * verdict (counted), or LISPD_HAIRPIN_NATIVE when a natively-forward entry
 * says the destination is not LISP after all. Re-encapsulated in place
 * (lib/reencap.h says why). */
static __always_inline int lispd_petr_hairpin(struct __sk_buff *skb, const struct lispd_dp_config *cfg,
					      struct lispd_decap_info *d, __u32 iid)
{
	const struct lispd_reencap_stats stats = {
		.ok = LISPD_STAT_PETR_HAIRPIN,
		.ok_petr = LISPD_STAT_PETR_HAIRPIN,
		.ttl = LISPD_STAT_DROP_PETR_HAIRPIN_TTL,
		.loop = LISPD_STAT_DROP_PETR_HAIRPIN_LOOP,
		.too_big = LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG,
		.gso_family = LISPD_STAT_DROP_PETR_HAIRPIN_GSO_FAMILY,
	};
	const struct lispd_locset *ls;
	struct lispd_mc_value *v;
	struct lispd_flow f;
	__u32 drop = 0;
	int petr;

	if (lispd_outer_src_is_own(skb, cfg, &d->o))
		return lispd_verdict(LISPD_STAT_DROP_PETR_HAIRPIN_LOOP, LISPD_TC_ACT_SHOT);
	v = lispd_mc_lookup(iid, &d->in);
	if (!v) {
		lispd_stat_inc(LISPD_STAT_MISS);
		lispd_miss_notify(cfg, iid, &d->in, LISPD_MISS_NO_ENTRY);
	}
	if (!v || v->action == LISPD_ACT_ENCAP)
		lispd_hairpin_resolve_src(cfg, iid, &d->in);
	if (!v)
		return lispd_verdict(LISPD_STAT_PETR_HAIRPIN_MISS, LISPD_TC_ACT_SHOT);

	/* Negative entries as at the PITR: drops counted by reason,
	 * send-map-request notifies, natively-forward goes native. */
	__builtin_memcpy(&f, &d->in, sizeof(f));
	ls = lispd_encap_locset(cfg, iid, &f, LISPD_ENCAP_PITR, &drop, &petr);
	if (!ls && drop == LISPD_STAT_PITR_NATIVE_FORWARD)
		return LISPD_HAIRPIN_NATIVE;
	if (!ls)
		return lispd_verdict(drop, LISPD_TC_ACT_SHOT);
	return lispd_reencap_to_locset(skb, cfg, d, ls, petr, &f, &stats);
}

static __always_inline int lispd_do_petr_decap(struct __sk_buff *skb)
{
	struct lispd_dp_config *cfg = lispd_config_get();
	enum lispd_decap_class c;
	struct lispd_decap_info d;
	__be16 proto;
	__u32 stat, iid;
	int rc;

	if (!cfg)
		return lispd_verdict(LISPD_STAT_DECAP_PASS, LISPD_TC_ACT_OK);
	c = lispd_decap_classify_lisp(skb, LISPD_HOOK_TC, cfg, &d, &stat);
	rc = lispd_decap_verdict(c, stat, LISPD_TC_ACT_OK, LISPD_TC_ACT_SHOT);
	if (rc != LISPD_GO_ON)
		return rc;
	iid = lispd_cfg_iid(cfg);
	if (!lispd_in_eid_space(iid, d.in.family, d.in.src))
		return lispd_verdict(LISPD_STAT_DROP_PETR_SRC_NOT_EID, LISPD_TC_ACT_SHOT);
	if (lispd_in_eid_space(iid, d.in.family, d.in.dst)) {
		rc = lispd_petr_hairpin(skb, cfg, &d, iid);
		if (rc != LISPD_HAIRPIN_NATIVE)
			return rc;
	}

	if (lispd_strip_outer_tc(skb, &d.o, d.in.family, &stat))
		return lispd_verdict(stat, LISPD_TC_ACT_SHOT);
	proto = bpf_htons(d.in.family == LISPD_AF_INET ? LISPD_ETH_P_IP : LISPD_ETH_P_IPV6);
	if (bpf_skb_store_bytes(skb, 12, &proto, sizeof(proto), 0) ||
	    lispd_lower_inner_ttl_tc(skb, &d.in, LISPD_ETH_HLEN, d.o.ttl))
		return lispd_verdict(LISPD_STAT_DROP_DECAP_ADJUST, LISPD_TC_ACT_SHOT);

	lispd_stat_inc(LISPD_STAT_PETR_DECAP_OK);
	if (skb->protocol != proto)
		return (int)bpf_redirect(skb->ifindex, LISPD_F_INGRESS);
	return LISPD_TC_ACT_OK;
}

#endif
