/* Encapsulation on lmn egress: IP from a local EID -> map-cache -> locator
 * -> outer IP/UDP/LISP, then out of the physical interface. The part after
 * admission (lispd_encap_flow) is shared with the PITR (lib/pitr.h). */
#ifndef LISPD_BPF_ENCAP_H
#define LISPD_BPF_ENCAP_H

#include "lib/csum.h"
#include "lib/defs.h"
#include "lib/hash.h"
#include "lib/icmp.h"
#include "lib/mapcache.h"
#include "lib/miss.h"
#include "lib/parse.h"

/* Who encapsulates: a compile-time constant at each entry point.
 *  MN:   lmn egress; packets from a local EID; natively-forward entries go
 *        to the PETR; too-big answers go back up lmn.
 *  PITR: ingress of the non-LISP-facing interface; the caller has checked
 *        that the destination is EID space; a natively-forward entry means
 *        "not LISP after all": the packet goes on natively (TC_ACT_OK,
 *        counted pitr_natively_forward); too-big answers leave the arrival
 *        interface toward the sender. */
#define LISPD_ENCAP_MN 0
#define LISPD_ENCAP_PITR 1

/* Which locator set serves this packet; NULL with *drop set to the counter
 * of the reason (LISPD_STAT_PITR_NATIVE_FORWARD: not a drop, forward
 * natively). *petr tells whether it is the PETR set. */
static __always_inline const struct lispd_locset *
lispd_encap_locset(const struct lispd_dp_config *cfg, __u32 iid, const struct lispd_flow *f,
		   int role, __u32 *drop, int *petr)
{
	struct lispd_mc_value *v = lispd_mc_lookup(iid, f);
	const struct lispd_locset *ls;

	*petr = 0;
	if (!v) {
		lispd_stat_inc(LISPD_STAT_MISS);
		lispd_miss_notify(cfg, iid, f, LISPD_MISS_NO_ENTRY);
		if (cfg->miss_policy != LISPD_MISS_PETR) {
			*drop = LISPD_STAT_DROP_MISS_POLICY;
			return NULL;
		}
		*petr = 1;
	} else {
		switch (v->action) {
		case LISPD_ACT_ENCAP:
			break;
		case LISPD_ACT_NATIVE_FORWARD:
			lispd_stat_inc(LISPD_STAT_NEG_NATIVE_FORWARD);
			if (role == LISPD_ENCAP_PITR) {
				*drop = LISPD_STAT_PITR_NATIVE_FORWARD;
				return NULL;
			}
			*petr = 1;
			break;
		case LISPD_ACT_SEND_MAP_REQUEST:
			lispd_stat_inc(LISPD_STAT_NEG_SEND_MAP_REQUEST);
			lispd_miss_notify(cfg, iid, f, LISPD_MISS_NEG_SMR);
			if (cfg->miss_policy != LISPD_MISS_PETR) {
				*drop = LISPD_STAT_DROP_MISS_POLICY;
				return NULL;
			}
			*petr = 1;
			break;
		case LISPD_ACT_DROP:
			*drop = LISPD_STAT_DROP_NEG_DROP;
			return NULL;
		case LISPD_ACT_DROP_POLICY:
			*drop = LISPD_STAT_DROP_NEG_POLICY;
			return NULL;
		case LISPD_ACT_DROP_AUTH:
			*drop = LISPD_STAT_DROP_NEG_AUTH;
			return NULL;
		default:
			*drop = LISPD_STAT_DROP_NEG_UNKNOWN;
			return NULL;
		}
	}
	ls = *petr ? &cfg->petr : &v->ls;
	if (ls->n_slots == 0) {
		*drop = *petr ? LISPD_STAT_DROP_NO_PETR : LISPD_STAT_DROP_NO_LOCATOR;
		return NULL;
	}
	return ls;
}

/* Outer headers written in one store from the Ethernet type on: 2 bytes of
 * EtherType, then IP, UDP and LISP. */
struct lispd_outer {
	__u8 b[2 + LISPD_OVERHEAD6];
};

static __always_inline void lispd_put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

/* Source port from the flow hash in the dynamic range: stable per flow,
 * spreads flows over ECMP paths and receive queues. */
static __always_inline __u16 lispd_flow_sport(__u32 hash)
{
	return (__u16)(0xC000 | ((hash ^ (hash >> 16)) & 0x3FFF));
}

/* UDP, LISP: the 16 bytes after the outer IP header at p. */
static __always_inline void lispd_build_udp_lisp(__u8 *p, const struct lispd_dp_config *cfg,
						 __u16 sport, __u16 dport, __u16 udp_len, __u32 rnd)
{
	lispd_put16(p, sport);
	lispd_put16(p + 2, dport);
	lispd_put16(p + 4, udp_len);
	lispd_put16(p + 6, 0);
	p[8] = LISPD_LISP_N;
	p[9] = (__u8)(rnd >> 16);
	p[10] = (__u8)(rnd >> 8);
	p[11] = (__u8)rnd;
	if (cfg->flags & LISPD_CFG_USE_IID) {
		__u32 iid = cfg->iid & LISPD_IID_MASK;

		p[8] |= LISPD_LISP_I;
		p[12] = (__u8)(iid >> 16);
		p[13] = (__u8)(iid >> 8);
		p[14] = (__u8)iid;
	} else {
		p[12] = 0;
		p[13] = 0;
		p[14] = 0;
	}
	p[15] = 0;
}

/* An outer IPv4 header from src to dst (their 4 bytes as they lie in
 * memory) with UDP sport -> dport: the RTR sends to a NATed node from
 * other addresses and ports than an ITR. */
static __always_inline void lispd_build_ip4(struct lispd_outer *o, const struct lispd_dp_config *cfg,
					    __u32 src, __u32 dst, __u16 sport, __u16 dport, __u8 tos,
					    __u8 ttl, __u32 pkt_len)
{
	__u8 *ip = &o->b[2];
	__u32 rnd = bpf_get_prandom_u32();
	__u16 csum;

	lispd_put16(o->b, LISPD_ETH_P_IP);
	ip[0] = 0x45;
	ip[1] = tos;
	lispd_put16(ip + 2, (__u16)(pkt_len - LISPD_ETH_HLEN));
	lispd_put16(ip + 4, (__u16)(rnd >> 8));
	ip[6] = 0x40;  /* DF */
	ip[7] = 0;
	ip[8] = ttl;
	ip[9] = LISPD_IPPROTO_UDP;
	ip[10] = 0;
	ip[11] = 0;
	__builtin_memcpy(ip + 12, &src, 4);
	__builtin_memcpy(ip + 16, &dst, 4);
	csum = lispd_ip4_hdr_csum(ip);
	lispd_put16(ip + 10, csum);
	lispd_build_udp_lisp(ip + LISPD_IP4_HLEN, cfg, sport, dport,
			     (__u16)(pkt_len - LISPD_ETH_HLEN - LISPD_IP4_HLEN), rnd);
}

/* The outer IPv4 header of every encapsulation to a locator. */
static __always_inline void lispd_build_outer4(struct lispd_outer *o, const struct lispd_dp_config *cfg,
					       const struct lispd_locator *loc,
					       const struct lispd_flow *f, __u32 hash, __u32 pkt_len)
{
	__u32 src, dst;

	__builtin_memcpy(&src, cfg->rloc4, 4);
	__builtin_memcpy(&dst, loc->addr, 4);
	lispd_build_ip4(o, cfg, src, dst, lispd_flow_sport(hash), LISPD_DATA_PORT, f->tos, f->ttl,
			pkt_len);
}

static __always_inline void lispd_build_outer6(struct lispd_outer *o, const struct lispd_dp_config *cfg,
					       const struct lispd_locator *loc,
					       const struct lispd_flow *f, __u32 hash, __u32 pkt_len)
{
	__u8 *ip = &o->b[2];
	__u32 label = hash & 0xFFFFF;   /* RFC 6438: flow label from the inner flow */
	__u16 plen = (__u16)(pkt_len - LISPD_ETH_HLEN - LISPD_IP6_HLEN);

	lispd_put16(o->b, LISPD_ETH_P_IPV6);
	ip[0] = (__u8)(0x60 | (f->tos >> 4));
	ip[1] = (__u8)((f->tos << 4) | (label >> 16));
	lispd_put16(ip + 2, (__u16)label);
	lispd_put16(ip + 4, plen);
	ip[6] = LISPD_IPPROTO_UDP;
	ip[7] = f->ttl;
	__builtin_memcpy(ip + 8, cfg->rloc6, 16);
	__builtin_memcpy(ip + 24, loc->addr, 16);
	lispd_build_udp_lisp(ip + LISPD_IP6_HLEN, cfg, lispd_flow_sport(hash), LISPD_DATA_PORT, plen,
			     bpf_get_prandom_u32());
}

/* The interface packets of an outer family leave by: with several RLOC
 * interfaces the best IPv6 one may not be the best IPv4 one. */
static __always_inline __u32 lispd_out_ifindex(const struct lispd_dp_config *cfg, __u32 overhead)
{
	if (overhead == LISPD_OVERHEAD6 && cfg->phys6_ifindex)
		return cfg->phys6_ifindex;
	return cfg->phys_ifindex;
}

/* Everything after the role's own admission check: map-cache, locator,
 * MTU, outer headers, redirect out of the physical interface. */
static __always_inline int lispd_encap_flow(struct __sk_buff *skb, const struct lispd_dp_config *cfg,
					    const struct lispd_flow *f, __u32 iid, int role)
{
	const struct lispd_locset *ls;
	const struct lispd_locator *lp;
	struct lispd_locator loc;
	struct lispd_outer outer;
	__u32 hash, drop = 0, overhead, mtu = 0, out_ifindex;
	__u64 flags;
	int petr;

	hash = lispd_flow_hash(f);
	ls = lispd_encap_locset(cfg, iid, f, role, &drop, &petr);
	if (!ls && drop == LISPD_STAT_PITR_NATIVE_FORWARD)
		return lispd_verdict(drop, LISPD_TC_ACT_OK);
	if (!ls)
		return lispd_verdict(drop, LISPD_TC_ACT_SHOT);
	lp = lispd_pick_locator(ls, hash);
	if (!lp)
		return lispd_verdict(petr ? LISPD_STAT_DROP_NO_PETR : LISPD_STAT_DROP_NO_LOCATOR,
				     LISPD_TC_ACT_SHOT);
	__builtin_memcpy(&loc, lp, sizeof(loc));

	if (loc.family == LISPD_AF_INET && (cfg->flags & LISPD_CFG_RLOC4)) {
		overhead = LISPD_OVERHEAD4;
		flags = LISPD_F_ADJ_ENCAP_L3_IPV4;
	} else if (loc.family == LISPD_AF_INET6 && (cfg->flags & LISPD_CFG_RLOC6)) {
		overhead = LISPD_OVERHEAD6;
		flags = LISPD_F_ADJ_ENCAP_L3_IPV6;
	} else {
		return lispd_verdict(LISPD_STAT_DROP_NO_RLOC, LISPD_TC_ACT_SHOT);
	}

	/* Checked before touching the packet. The helper passes GSO packets
	 * whatever their total length: their segments were sized by the stack
	 * to lmn's MTU, which leaves room for the overhead. On failure mtu is
	 * the physical MTU. */
	out_ifindex = lispd_out_ifindex(cfg, overhead);
	if (bpf_check_mtu(skb, out_ifindex, &mtu, (__s32)overhead, 0) > 0)
		return lispd_icmp_too_big_dir(skb, f, mtu > overhead ? mtu - overhead : 0,
					      role == LISPD_ENCAP_PITR ? 0 : LISPD_F_INGRESS);

	flags |= LISPD_F_ADJ_FIXED_GSO | LISPD_F_ADJ_ENCAP_L4_UDP |
		 LISPD_F_ADJ_ENCAP_L2(LISPD_LISP_HLEN);
	if (bpf_skb_adjust_room(skb, (__s32)overhead, LISPD_ADJ_ROOM_MAC, flags))
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);

	if (overhead == LISPD_OVERHEAD4) {
		lispd_build_outer4(&outer, cfg, &loc, f, hash, skb->len);
		if (bpf_skb_store_bytes(skb, 12, outer.b, 2 + LISPD_OVERHEAD4, 0))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	} else {
		lispd_build_outer6(&outer, cfg, &loc, f, hash, skb->len);
		if (bpf_skb_store_bytes(skb, 12, outer.b, 2 + LISPD_OVERHEAD6, 0))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	}
	lispd_stat_inc(petr ? LISPD_STAT_ENCAP_PETR : LISPD_STAT_ENCAP_OK);
	return (int)bpf_redirect_neigh(out_ifindex, NULL, 0, 0);
}

/* A packet at an encapsulating entry point: the config, the packet's flow
 * and our instance-id. */
struct lispd_encap_pkt {
	struct lispd_dp_config *cfg;
	struct lispd_flow f;
	__u32 iid;
};

/* What an encapsulating entry point leaves untouched, counted per role. */
static __always_inline int lispd_encap_pass(int role)
{
	return lispd_verdict(role == LISPD_ENCAP_PITR ? LISPD_STAT_PITR_PASS : LISPD_STAT_ENCAP_PASS,
			     LISPD_TC_ACT_OK);
}

/* The first step of every encapsulating entry point: the config and the
 * packet's IP header into p. LISPD_GO_ON, or the verdict, counted: without
 * a config the MN drops and the PITR passes, what is not IP passes, an
 * unreadable IP header is dropped. */
static __always_inline int lispd_encap_start(struct __sk_buff *skb, int role,
					     struct lispd_encap_pkt *p)
{
	__u8 family;

	p->cfg = lispd_config_get();
	if (!p->cfg)
		return role == LISPD_ENCAP_PITR ? lispd_encap_pass(role)
						: lispd_verdict(LISPD_STAT_DROP_NO_CONFIG, LISPD_TC_ACT_SHOT);
	family = lispd_family_of_eth(lispd_eth_proto(skb, LISPD_HOOK_TC));
	if (family == LISPD_AF_NONE)
		return lispd_encap_pass(role);
	if (lispd_parse_ip(skb, LISPD_HOOK_TC, LISPD_ETH_HLEN, family, &p->f))
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_TRUNC, LISPD_TC_ACT_SHOT);
	p->iid = lispd_cfg_iid(p->cfg);
	return LISPD_GO_ON;
}

/* The last step: a packet the role admits is encapsulated, any other
 * passes untouched. */
static __always_inline int lispd_encap_admitted(struct __sk_buff *skb, int role,
						const struct lispd_encap_pkt *p, int admitted)
{
	if (!admitted)
		return lispd_encap_pass(role);
	return lispd_encap_flow(skb, p->cfg, &p->f, p->iid, role);
}

static __always_inline int lispd_do_encap(struct __sk_buff *skb)
{
	struct lispd_encap_pkt p;
	int rc = lispd_encap_start(skb, LISPD_ENCAP_MN, &p);

	if (rc != LISPD_GO_ON)
		return rc;
	/* Link-local chatter (ND, MLD) and anything not sourced from our EID
	 * stays on lmn as it is. */
	return lispd_encap_admitted(skb, LISPD_ENCAP_MN, &p,
				    lispd_is_local_eid(p.iid, p.f.family, p.f.src));
}

#endif
