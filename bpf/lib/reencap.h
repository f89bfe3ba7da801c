/* Re-encapsulation: a LISP packet that arrived at TC ingress and passed the
 * checks every ETR makes (lispd_decap_classify_lisp) leaves again with new
 * outer headers written over its old ones, one hop further (inner TTL
 * min(inner, outer) - 1, copied into the new outer header, so a loop
 * ends). Shared by the PETR hairpin (lib/petr.h) and the RTR (lib/rtr.h).
 *
 * Written in place, not stripped and encapsulated again:
 * bpf_skb_adjust_room refuses to encapsulate an skb still marked as
 * encapsulated (-EALREADY), and a LISP packet that crossed veths and
 * routers from a local sender (a mobile node's own encap) is; the lab lost
 * every hairpinned packet that way. In place is also one store instead of
 * two memmoves, and needs no DECAP_L3 flag, so kernels before 6.3 take the
 * same path. Everything is decided before the packet is touched. Too big
 * once re-encapsulated: dropped, counted; an ICMP answer would be addressed
 * to an EID, which the network of this interface cannot route. */
#ifndef LISPD_BPF_REENCAP_H
#define LISPD_BPF_REENCAP_H

#include "lib/decap_tc.h"
#include "lib/encap.h"

/* The counters of a role that re-encapsulates: its verdicts and drops. */
struct lispd_reencap_stats {
	__u32 ok;           /* sent on to a locator of the destination */
	__u32 ok_petr;      /* sent on to a PETR */
	__u32 ttl;          /* the TTL would reach 0 */
	__u32 loop;         /* mapped to our own RLOC */
	__u32 too_big;      /* too big for the interface once re-encapsulated */
	__u32 gso_family;   /* a GSO packet whose outer family would change */
};

static __always_inline int lispd_is_own_rloc(const struct lispd_dp_config *cfg, __u8 family,
					     const __u8 *addr)
{
	if (family == LISPD_AF_INET)
		return (cfg->flags & LISPD_CFG_RLOC4) && lispd_bytes_eq(addr, cfg->rloc4, 4);
	if (family == LISPD_AF_INET6)
		return (cfg->flags & LISPD_CFG_RLOC6) && lispd_bytes_eq(addr, cfg->rloc6, 16);
	return 0;
}

/* The outer source address into src[16] (IPv4 in the first 4 bytes, the
 * rest left as it was). 0, or -1 when unreadable. */
static __always_inline int lispd_outer_src(struct __sk_buff *skb, const struct lispd_outer_info *o,
					   __u8 *src)
{
	if (o->family == LISPD_AF_INET)
		return lispd_load(skb, LISPD_HOOK_TC, LISPD_ETH_HLEN + 12, src, 4) ? -1 : 0;
	return lispd_load(skb, LISPD_HOOK_TC, LISPD_ETH_HLEN + 8, src, 16) ? -1 : 0;
}

/* The inner TTL after this hop: min(inner, outer) as on every decap, minus
 * this router; 0 when it would reach 0. */
static __always_inline __u8 lispd_reencap_ttl(const struct lispd_decap_info *d)
{
	__u8 ttl = d->in.ttl < d->o.ttl ? d->in.ttl : d->o.ttl;

	return ttl <= 1 ? 0 : ttl - 1;
}

/* Makes the outer headers exactly overhead bytes long for an outer header
 * of family. Same family (the usual case): nothing, or a shrink for outer
 * IPv4 options. Another family: bpf_skb_change_proto adds or removes the
 * 20 bytes and sets skb->protocol, which bpf_redirect_neigh goes by; it
 * would also relabel the GSO type (TCPV4 <-> TCPV6), which here describes
 * the inner packet, so a GSO packet is refused (gso_drop). Returns 0 or
 * the counter of the drop. */
static __always_inline __u32 lispd_reencap_resize(struct __sk_buff *skb,
						  const struct lispd_outer_info *o, __u8 family,
						  __u32 overhead, __u32 gso_drop)
{
	__s32 cur = (__s32)lispd_outer_len(o);

	if (family != o->family) {
		if (skb->gso_size)
			return gso_drop;
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

/* Everything before the new outer header is written: the packet must fit
 * ifindex with outer headers of overhead bytes, which it then has, and its
 * inner TTL is lowered to ttl. 0, or the counter of the drop: each caller
 * counts its verdict itself (a verdict returned through here made clang
 * join every exit in one block, and the 6.18 verifier walk 45% more
 * instructions for lispd_petr_decap). */
static __always_inline __u32 lispd_reencap_prepare(struct __sk_buff *skb,
						   const struct lispd_decap_info *d, __u32 overhead,
						   __u8 ttl, __u32 ifindex,
						   const struct lispd_reencap_stats *s)
{
	__u32 mtu = 0, drop;

	if (bpf_check_mtu(skb, ifindex, &mtu, (__s32)overhead - (__s32)lispd_outer_len(&d->o), 0) > 0)
		return s->too_big;
	drop = lispd_reencap_resize(skb, &d->o,
				    overhead == LISPD_OVERHEAD4 ? LISPD_AF_INET : LISPD_AF_INET6,
				    overhead, s->gso_family);
	if (drop)
		return drop;
	if (lispd_lower_inner_ttl_tc(skb, &d->in, LISPD_ETH_HLEN + overhead, ttl))
		return LISPD_STAT_DROP_ENCAP_ADJUST;
	return 0;
}

/* Then the new outer header (built for the frame as it now is) goes in
 * and the packet out of ifindex, counted ok. The TC verdict. */
static __always_inline int lispd_reencap_send(struct __sk_buff *skb, const struct lispd_outer *outer,
					      __u32 overhead, __u32 ifindex, __u32 ok)
{
	/* Two constant lengths: the helper's size must be known. */
	if (overhead == LISPD_OVERHEAD4) {
		if (bpf_skb_store_bytes(skb, 12, outer->b, 2 + LISPD_OVERHEAD4, LISPD_F_RECOMPUTE_CSUM))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	} else if (bpf_skb_store_bytes(skb, 12, outer->b, 2 + LISPD_OVERHEAD6, LISPD_F_RECOMPUTE_CSUM)) {
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	}
	lispd_stat_inc(ok);
	return (int)bpf_redirect_neigh(ifindex, NULL, 0, 0);
}

/* Re-encapsulates toward a locator of ls (the destination's map-cache
 * entry, or the PETRs when petr) from our RLOC of its family, as every
 * encapsulation here (lispd_build_outer4/6: UDP 4341 from a port of the
 * flow hash). f is the inner flow (a copy: its TTL is set here). The TC
 * verdict, counted. */
static __always_inline int lispd_reencap_to_locset(struct __sk_buff *skb,
						   const struct lispd_dp_config *cfg,
						   const struct lispd_decap_info *d,
						   const struct lispd_locset *ls, int petr,
						   struct lispd_flow *f, const struct lispd_reencap_stats *s)
{
	const struct lispd_locator *lp;
	struct lispd_locator loc;
	struct lispd_outer outer;
	__u32 hash, overhead, ifindex, drop;

	f->ttl = lispd_reencap_ttl(d);
	if (!f->ttl)
		return lispd_verdict(s->ttl, LISPD_TC_ACT_SHOT);
	hash = lispd_flow_hash(f);
	lp = lispd_pick_locator(ls, hash);
	if (!lp)
		return lispd_verdict(LISPD_STAT_DROP_NO_LOCATOR, LISPD_TC_ACT_SHOT);
	__builtin_memcpy(&loc, lp, sizeof(loc));
	if (lispd_is_own_rloc(cfg, loc.family, loc.addr))
		return lispd_verdict(s->loop, LISPD_TC_ACT_SHOT);
	if (loc.family == LISPD_AF_INET && (cfg->flags & LISPD_CFG_RLOC4))
		overhead = LISPD_OVERHEAD4;
	else if (loc.family == LISPD_AF_INET6 && (cfg->flags & LISPD_CFG_RLOC6))
		overhead = LISPD_OVERHEAD6;
	else
		return lispd_verdict(LISPD_STAT_DROP_NO_RLOC, LISPD_TC_ACT_SHOT);

	ifindex = lispd_out_ifindex(cfg, overhead);
	drop = lispd_reencap_prepare(skb, d, overhead, f->ttl, ifindex, s);
	if (drop)
		return lispd_verdict(drop, LISPD_TC_ACT_SHOT);
	if (overhead == LISPD_OVERHEAD4)
		lispd_build_outer4(&outer, cfg, &loc, f, hash, skb->len);
	else
		lispd_build_outer6(&outer, cfg, &loc, f, hash, skb->len);
	return lispd_reencap_send(skb, &outer, overhead, ifindex, petr ? s->ok_petr : s->ok);
}

#endif
