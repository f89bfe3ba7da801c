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
 * (lispd_build_outer4/6), written over the old ones (lispd_petr_hairpin
 * says why not strip + lispd_encap_flow). A map-cache miss drops it,
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

#include "lib/decap_tc.h"
#include "lib/eid_space.h"
#include "lib/encap.h"

/* lispd_petr_hairpin's "not mine": go on with native delivery. */
#define LISPD_HAIRPIN_NATIVE (-1)

static __always_inline int lispd_is_own_rloc(const struct lispd_dp_config *cfg, __u8 family,
					     const __u8 *addr)
{
	if (family == LISPD_AF_INET)
		return (cfg->flags & LISPD_CFG_RLOC4) && lispd_bytes_eq(addr, cfg->rloc4, 4);
	if (family == LISPD_AF_INET6)
		return (cfg->flags & LISPD_CFG_RLOC6) && lispd_bytes_eq(addr, cfg->rloc6, 16);
	return 0;
}

/* 1 when the outer source is one of our RLOCs (or unreadable): our own
 * packet come back, or a forgery of one. */
static __always_inline int lispd_outer_src_is_own(struct __sk_buff *skb,
						  const struct lispd_dp_config *cfg,
						  const struct lispd_outer_info *o)
{
	__u8 src[16];

	if (o->family == LISPD_AF_INET) {
		if (lispd_load(skb, LISPD_HOOK_TC, LISPD_ETH_HLEN + 12, src, 4))
			return 1;
	} else if (lispd_load(skb, LISPD_HOOK_TC, LISPD_ETH_HLEN + 8, src, 16)) {
		return 1;
	}
	return lispd_is_own_rloc(cfg, o->family, src);
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

/* Makes the outer headers exactly overhead bytes long for a locator of
 * family. Same family (the usual case): nothing, or a shrink for outer
 * IPv4 options. Another family: bpf_skb_change_proto adds or removes the
 * 20 bytes and sets skb->protocol, which bpf_redirect_neigh goes by; it
 * would also relabel the GSO type (TCPV4 <-> TCPV6), which here describes
 * the inner packet, so a GSO packet is refused (LISPD_STAT_...GSO_FAMILY).
 * Returns 0 or the counter of the drop. */
static __always_inline __u32 lispd_hairpin_resize(struct __sk_buff *skb,
						  const struct lispd_outer_info *o, __u8 family,
						  __u32 overhead)
{
	__s32 cur = (__s32)lispd_outer_len(o);

	if (family != o->family) {
		if (skb->gso_size)
			return LISPD_STAT_DROP_PETR_HAIRPIN_GSO_FAMILY;
		if (bpf_skb_change_proto(skb, bpf_htons(family == LISPD_AF_INET ? LISPD_ETH_P_IP
										: LISPD_ETH_P_IPV6), 0))
			return LISPD_STAT_DROP_ENCAP_ADJUST;
		cur += family == LISPD_AF_INET ? -20 : 20;
	}
	/* Never a grow: the old outer header is at least its family's minimum. */
	if (cur != (__s32)overhead &&
	    bpf_skb_adjust_room(skb, (__s32)overhead - cur, LISPD_ADJ_ROOM_MAC, LISPD_F_ADJ_FIXED_GSO))
		return LISPD_STAT_DROP_ENCAP_ADJUST;
	return 0;
}

/* A classified PETR packet whose inner destination is EID space: the TC
 * verdict (counted), or LISPD_HAIRPIN_NATIVE when a natively-forward entry
 * says the destination is not LISP after all.
 *
 * The packet keeps its outer headers and gets new ones written over them
 * (lispd_build_outer4/6, as every encapsulation here), not stripped and
 * encapsulated again: bpf_skb_adjust_room refuses to encapsulate an skb
 * still marked as encapsulated (-EALREADY), and a LISP packet that crossed
 * veths and routers from a local sender (the mobile node's own encap) is;
 * the lab lost every hairpinned packet that way. Rewriting in place is
 * also one store instead of two memmoves, and needs no DECAP_L3 flag. */
static __always_inline int lispd_petr_hairpin(struct __sk_buff *skb, const struct lispd_dp_config *cfg,
					      struct lispd_decap_info *d, __u32 iid)
{
	const struct lispd_locset *ls;
	const struct lispd_locator *lp;
	struct lispd_mc_value *v;
	struct lispd_locator loc;
	struct lispd_outer outer;
	struct lispd_flow f;
	__u32 hash, drop = 0, overhead, mtu = 0;
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

	/* One hop: min(inner, outer) as on every decap, minus this router;
	 * the new outer header copies it, so a loop ends. */
	f.ttl = d->in.ttl < d->o.ttl ? d->in.ttl : d->o.ttl;
	if (f.ttl <= 1)
		return lispd_verdict(LISPD_STAT_DROP_PETR_HAIRPIN_TTL, LISPD_TC_ACT_SHOT);
	f.ttl--;

	hash = lispd_flow_hash(&f);
	lp = lispd_pick_locator(ls, hash);
	if (!lp)
		return lispd_verdict(LISPD_STAT_DROP_NO_LOCATOR, LISPD_TC_ACT_SHOT);
	__builtin_memcpy(&loc, lp, sizeof(loc));
	if (lispd_is_own_rloc(cfg, loc.family, loc.addr))
		return lispd_verdict(LISPD_STAT_DROP_PETR_HAIRPIN_LOOP, LISPD_TC_ACT_SHOT);
	if (loc.family == LISPD_AF_INET && (cfg->flags & LISPD_CFG_RLOC4))
		overhead = LISPD_OVERHEAD4;
	else if (loc.family == LISPD_AF_INET6 && (cfg->flags & LISPD_CFG_RLOC6))
		overhead = LISPD_OVERHEAD6;
	else
		return lispd_verdict(LISPD_STAT_DROP_NO_RLOC, LISPD_TC_ACT_SHOT);
	if (bpf_check_mtu(skb, cfg->phys_ifindex, &mtu,
			  (__s32)overhead - (__s32)lispd_outer_len(&d->o), 0) > 0)
		return lispd_verdict(LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG, LISPD_TC_ACT_SHOT);

	drop = lispd_hairpin_resize(skb, &d->o, loc.family, overhead);
	if (drop)
		return lispd_verdict(drop, LISPD_TC_ACT_SHOT);
	if (lispd_lower_inner_ttl_tc(skb, &d->in, LISPD_ETH_HLEN + overhead, f.ttl))
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	if (overhead == LISPD_OVERHEAD4) {
		lispd_build_outer4(&outer, cfg, &loc, &f, hash, skb->len);
		if (bpf_skb_store_bytes(skb, 12, outer.b, 2 + LISPD_OVERHEAD4, LISPD_F_RECOMPUTE_CSUM))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	} else {
		lispd_build_outer6(&outer, cfg, &loc, &f, hash, skb->len);
		if (bpf_skb_store_bytes(skb, 12, outer.b, 2 + LISPD_OVERHEAD6, LISPD_F_RECOMPUTE_CSUM))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	}
	lispd_stat_inc(LISPD_STAT_PETR_HAIRPIN);
	return (int)bpf_redirect_neigh(cfg->phys_ifindex, NULL, 0, 0);
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
