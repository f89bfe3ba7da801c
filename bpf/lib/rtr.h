/* The RTR (Re-encapsulating Tunnel Router, docs/NAT.md 4.2) at TC ingress
 * of each of its interfaces. LISP data to one of its RLOCs passes the
 * checks every ETR makes (lispd_decap_classify_lisp; instance-id 0xFFFFFF
 * goes up to the stack, decap_punt_data_map_notify), then:
 *
 *  a) inner destination a NATed node (lispd_nat): re-encapsulated to the
 *     node's NAT, G:g1, from our RLOC R it registered through, UDP source
 *     port 4342: the reverse of the flow its ECM Map-Register opened, the
 *     one binding its NAT lets in (docs/NAT.md 2, 3.6). Whatever the outer
 *     source: any LISP peer's ITR sends here, since the map-server answers
 *     for the node with our RLOC; what makes it no open relay is that only
 *     committed EIDs are accepted.
 *  b) inner source a NATed node and outer source its NAT's address G (any
 *     port: the NAT's port for the node's data flow is known to nobody):
 *     the RTR is the node's ITR. The inner destination is looked up in our
 *     map-cache and sent on to its locator from our RLOC of that family,
 *     UDP 4341 from a port of the inner flow hash (RFC 9300 §5.3), as the
 *     PETR hairpin does (outer family changes included). A miss raises the
 *     usual miss event and is dropped (drop_miss_policy), or goes to the
 *     PETRs with miss policy petr; negative entries as at a mobile node
 *     (natively-forward: to the PETRs).
 *  c) anything else is dropped, counted by reason: neither address a NATed
 *     node (drop_rtr_unknown_eid), a NATed source from elsewhere than its
 *     NAT (drop_rtr_src_not_global), from one of our own RLOCs or mapped
 *     to one (drop_rtr_loop).
 *
 * The check of b) reads the inner source's own entry: one lookup the rule
 * needs anyway, and it ties the source EID to its own node's NAT, where a
 * set of every NAT address would let one node pass for another behind a
 * different NAT. Behind a carrier-grade NAT many nodes share G, so it ties
 * data to the NAT, not to the node; the draft asks no more (its section 6).
 *
 * Both ways the inner TTL loses one (min(inner, outer) - 1, drop_rtr_ttl
 * at 0) and the packet is rewritten in place (lib/reencap.h); too big once
 * re-encapsulated: drop_rtr_too_big. a) leaves by the interface holding R
 * (lispd_rlocs, where attach puts every RLOC of the RTR; R gone:
 * drop_no_rloc), b) by that of our RLOC of the outer family. */
#ifndef LISPD_BPF_RTR_H
#define LISPD_BPF_RTR_H

#include "lib/nat.h"
#include "lib/reencap.h"

/* a) To the NATed node n, from R:4342 to G:g1. */
static __always_inline int lispd_rtr_to_nat(struct __sk_buff *skb, const struct lispd_dp_config *cfg,
					    const struct lispd_decap_info *d,
					    const struct lispd_nat_entry *n,
					    const struct lispd_reencap_stats *s)
{
	struct lispd_rloc_key k = { .family = LISPD_AF_INET };
	const struct lispd_local_rloc *r;
	struct lispd_outer outer;
	__u32 src, dst, ifindex, drop;
	__u8 ttl = lispd_reencap_ttl(d);

	if (!ttl)
		return lispd_verdict(s->ttl, LISPD_TC_ACT_SHOT);
	__builtin_memcpy(k.addr, n->rtr_rloc, 4);
	r = bpf_map_lookup_elem(&lispd_rlocs, &k);
	if (!r)
		return lispd_verdict(LISPD_STAT_DROP_NO_RLOC, LISPD_TC_ACT_SHOT);
	ifindex = r->ifindex;
	drop = lispd_reencap_prepare(skb, d, LISPD_OVERHEAD4, ttl, ifindex, s);
	if (drop)
		return lispd_verdict(drop, LISPD_TC_ACT_SHOT);
	__builtin_memcpy(&src, n->rtr_rloc, 4);
	__builtin_memcpy(&dst, n->global_addr, 4);
	lispd_build_ip4(&outer, cfg, src, dst, LISPD_CTRL_PORT, n->global_port, d->in.tos, ttl,
			skb->len);
	return lispd_reencap_send(skb, &outer, LISPD_OVERHEAD4, ifindex, LISPD_STAT_RTR_TO_NAT);
}

/* b) From a NATed node whose NAT checked out: as its ITR. */
static __always_inline int lispd_rtr_from_nat(struct __sk_buff *skb,
					      const struct lispd_dp_config *cfg,
					      const struct lispd_decap_info *d, __u32 iid,
					      const struct lispd_reencap_stats *s)
{
	const struct lispd_locset *ls;
	struct lispd_flow f;
	__u32 drop = 0;
	int petr;

	__builtin_memcpy(&f, &d->in, sizeof(f));
	ls = lispd_encap_locset(cfg, iid, &f, LISPD_ENCAP_MN, &drop, &petr);
	if (!ls)
		return lispd_verdict(drop, LISPD_TC_ACT_SHOT);
	return lispd_reencap_to_locset(skb, cfg, d, ls, petr, &f, s);
}

static __always_inline int lispd_do_rtr(struct __sk_buff *skb)
{
	const struct lispd_reencap_stats stats = {
		.ok = LISPD_STAT_RTR_FROM_NAT,
		.ok_petr = LISPD_STAT_RTR_FROM_NAT_PETR,
		.ttl = LISPD_STAT_DROP_RTR_TTL,
		.loop = LISPD_STAT_DROP_RTR_LOOP,
		.too_big = LISPD_STAT_DROP_RTR_TOO_BIG,
		.gso_family = LISPD_STAT_DROP_RTR_GSO_FAMILY,
	};
	struct lispd_dp_config *cfg = lispd_config_get();
	const struct lispd_nat_entry *n;
	enum lispd_decap_class c;
	struct lispd_decap_info d;
	__u32 stat, iid;
	__u8 src[16];
	int rc;

	if (!cfg)
		return lispd_verdict(LISPD_STAT_DECAP_PASS, LISPD_TC_ACT_OK);
	c = lispd_decap_classify_lisp(skb, LISPD_HOOK_TC, cfg, &d, &stat);
	rc = lispd_decap_verdict(c, stat, LISPD_TC_ACT_OK, LISPD_TC_ACT_SHOT);
	if (rc != LISPD_GO_ON)
		return rc;
	if (lispd_outer_src(skb, &d.o, src))
		return lispd_verdict(LISPD_STAT_DROP_DECAP_TRUNC, LISPD_TC_ACT_SHOT);
	if (lispd_is_our_rloc(cfg, d.o.family, src))
		return lispd_verdict(LISPD_STAT_DROP_RTR_LOOP, LISPD_TC_ACT_SHOT);

	iid = lispd_cfg_iid(cfg);
	n = lispd_nat_lookup(iid, d.in.family, d.in.dst);
	if (n)
		return lispd_rtr_to_nat(skb, cfg, &d, n, &stats);
	n = lispd_nat_lookup(iid, d.in.family, d.in.src);
	if (!n)
		return lispd_verdict(LISPD_STAT_DROP_RTR_UNKNOWN_EID, LISPD_TC_ACT_SHOT);
	if (d.o.family != LISPD_AF_INET || !lispd_bytes_eq(src, n->global_addr, 4))
		return lispd_verdict(LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL, LISPD_TC_ACT_SHOT);
	return lispd_rtr_from_nat(skb, cfg, &d, iid, &stats);
}

#endif
