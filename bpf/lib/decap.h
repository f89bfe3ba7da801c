/* Decapsulation checks shared by the TC and XDP entry points: is this LISP
 * data (UDP 4341) to one of our RLOCs, is its header acceptable, is the inner
 * packet for one of our EIDs. Hook-agnostic (lib/ctx.h); how the outer
 * headers are removed and where the packet goes is in decap_tc.h and
 * decap_xdp.h. */
#ifndef LISPD_BPF_DECAP_H
#define LISPD_BPF_DECAP_H

#include "lib/ctx.h"
#include "lib/defs.h"
#include "lib/mapcache.h"
#include "lib/miss.h"
#include "lib/parse.h"

/* What the outer headers told us. */
struct lispd_outer_info {
	__u8 family;
	__u8 ttl;
	__u16 l3_len;
};

/* A packet to decapsulate: outer facts and the parsed inner header. */
struct lispd_decap_info {
	struct lispd_outer_info o;
	struct lispd_flow in;
};

enum lispd_decap_class {
	LISPD_DC_DELIVER,   /* ours: strip and deliver */
	LISPD_DC_PASS,      /* not ours (or for the daemon): untouched */
	LISPD_DC_DROP,
};

/* A classification as the hook's verdict when the packet stops here (pass
 * or drop, counted under stat), else LISPD_GO_ON: a packet to deliver. */
static __always_inline int lispd_decap_verdict(enum lispd_decap_class c, __u32 stat, int pass,
					       int drop)
{
	if (c == LISPD_DC_PASS)
		return lispd_verdict(stat, pass);
	if (c == LISPD_DC_DROP)
		return lispd_verdict(stat, drop);
	return LISPD_GO_ON;
}

/* Bytes between the Ethernet header and the inner IP header. */
static __always_inline __u32 lispd_outer_len(const struct lispd_outer_info *o)
{
	return o->l3_len + LISPD_UDP_HLEN + LISPD_LISP_HLEN;
}

/* Is dst (family's length) one of our RLOCs: the config's sources or an
 * address of another RLOC interface (lispd_rlocs)? */
static __always_inline int lispd_is_our_rloc(const struct lispd_dp_config *cfg, __u8 family,
					     const __u8 *dst)
{
	struct lispd_rloc_key k = { .family = family };

	if (family == LISPD_AF_INET) {
		if ((cfg->flags & LISPD_CFG_RLOC4) && lispd_bytes_eq(dst, cfg->rloc4, 4))
			return 1;
		__builtin_memcpy(k.addr, dst, 4);
	} else {
		if ((cfg->flags & LISPD_CFG_RLOC6) && lispd_bytes_eq(dst, cfg->rloc6, 16))
			return 1;
		__builtin_memcpy(k.addr, dst, 16);
	}
	return bpf_map_lookup_elem(&lispd_rlocs, &k) != NULL;
}

/* 0 when the packet is IP/UDP 4341 to our RLOC (fields filled), 1 when it is
 * somebody else's business. */
static __always_inline int lispd_outer_for_us(void *ctx, int hook, const struct lispd_dp_config *cfg,
					      __u8 family, struct lispd_outer_info *o)
{
	__u8 h[LISPD_IP6_HLEN];
	__be16 ports[2];

	o->family = family;
	if (family == LISPD_AF_INET) {
		if (lispd_load(ctx, hook, LISPD_ETH_HLEN, h, LISPD_IP4_HLEN))
			return 1;
		if ((h[0] >> 4) != 4 || (h[0] & 0x0f) < 5 || h[9] != LISPD_IPPROTO_UDP)
			return 1;
		/* Fragments go to the stack, which reassembles them. */
		if ((h[6] & 0x3f) || h[7] || (h[6] & 0x20))
			return 1;
		if (!lispd_is_our_rloc(cfg, LISPD_AF_INET, &h[16]))
			return 1;
		o->l3_len = (h[0] & 0x0f) * 4;
		o->ttl = h[8];
	} else {
		if (lispd_load(ctx, hook, LISPD_ETH_HLEN, h, LISPD_IP6_HLEN))
			return 1;
		/* Extension headers before UDP: not ours to parse here. */
		if ((h[0] >> 4) != 6 || h[6] != LISPD_IPPROTO_UDP)
			return 1;
		if (!lispd_is_our_rloc(cfg, LISPD_AF_INET6, &h[24]))
			return 1;
		o->l3_len = LISPD_IP6_HLEN;
		o->ttl = h[7];
	}
	if (lispd_load(ctx, hook, LISPD_ETH_HLEN + o->l3_len, ports, sizeof(ports)))
		return 1;
	return ports[1] != bpf_htons(LISPD_DATA_PORT);
}

/* The checks every decapsulating role shares (outer headers for our RLOC,
 * LISP header, instance-id, a readable inner IP header); DELIVER means they
 * passed and says nothing yet about the inner addresses, which each role
 * judges itself (the MN: destination a local EID; a PETR: source inside
 * the EID space). *stat is the counter of a PASS or DROP verdict. */
static __always_inline enum lispd_decap_class
lispd_decap_classify_lisp(void *ctx, int hook, const struct lispd_dp_config *cfg,
			  struct lispd_decap_info *d, __u32 *stat)
{
	__u8 lh[LISPD_UDP_HLEN + LISPD_LISP_HLEN];
	__u32 off, iid, want_iid;
	__be16 inner_len;
	__u16 udp_len;
	__u8 family, first, inner_family;

	*stat = LISPD_STAT_DECAP_PASS;
	family = lispd_family_of_eth(lispd_eth_proto(ctx, hook));
	if (family == LISPD_AF_NONE || lispd_outer_for_us(ctx, hook, cfg, family, &d->o))
		return LISPD_DC_PASS;

	*stat = LISPD_STAT_DROP_DECAP_TRUNC;
	off = LISPD_ETH_HLEN + d->o.l3_len;
	if (lispd_load(ctx, hook, off, lh, sizeof(lh)))
		return LISPD_DC_DROP;
	udp_len = (__u16)((lh[4] << 8) | lh[5]);
	if (udp_len < sizeof(lh) || udp_len > lispd_ctx_len(ctx, hook) - off)
		return LISPD_DC_DROP;
	/* The UDP checksum is not verified (RFC 9300 §5.3 lets the ETR skip it);
	 * N+V both set is read as N, and neither nonce nor versions are used. */
	if (lh[8] & LISPD_LISP_KK) {
		*stat = LISPD_STAT_DROP_DECAP_KEY_ID;
		return LISPD_DC_DROP;
	}
	iid = 0;
	if (lh[8] & LISPD_LISP_I) {
		iid = ((__u32)lh[12] << 16) | ((__u32)lh[13] << 8) | lh[14];
		if (iid == LISPD_IID_DATA_MAP_NOTIFY) {
			*stat = LISPD_STAT_DECAP_PUNT_DMN;
			return LISPD_DC_PASS;
		}
	}
	want_iid = lispd_cfg_iid(cfg);
	if (iid != want_iid) {
		*stat = LISPD_STAT_DROP_DECAP_IID;
		return LISPD_DC_DROP;
	}

	off += sizeof(lh);
	if (lispd_load(ctx, hook, off, &first, 1))
		return LISPD_DC_DROP;
	if ((first >> 4) == 4) {
		inner_family = LISPD_AF_INET;
	} else if ((first >> 4) == 6) {
		inner_family = LISPD_AF_INET6;
	} else {
		*stat = LISPD_STAT_DROP_DECAP_INNER_PROTO;
		return LISPD_DC_DROP;
	}
	if (lispd_parse_ip(ctx, hook, off, inner_family, &d->in))
		return LISPD_DC_DROP;
	/* The inner packet's own length must fit in the UDP datagram that
	 * carried it: delivered or forwarded, a longer claim is a truncated
	 * packet (found by tests/fuzz/fuzz_bpf). */
	if (lispd_load(ctx, hook, off + (inner_family == LISPD_AF_INET ? 2 : 4), &inner_len,
		       sizeof(inner_len)))
		return LISPD_DC_DROP;
	udp_len -= sizeof(lh);
	if (inner_family == LISPD_AF_INET) {
		if (bpf_ntohs(inner_len) < d->in.l3_len || bpf_ntohs(inner_len) > udp_len)
			return LISPD_DC_DROP;
	} else if ((__u32)bpf_ntohs(inner_len) + LISPD_IP6_HLEN > udp_len) {
		return LISPD_DC_DROP;
	}
	*stat = LISPD_STAT_DECAP_OK;
	return LISPD_DC_DELIVER;
}

/* Is the address a (family, 4 words; IPv4 in a[0]) one of the set's
 * locators? Every locator listed counts, up or down, whatever its
 * priority: a peer may send from any RLOC of its mapping. */
static __always_inline int lispd_locset_has(const struct lispd_locset *ls, __u8 family,
					    const __u32 *a)
{
	__u32 n = ls->n_locators;
	int i;

#pragma unroll
	for (i = 0; i < LISPD_MAX_LOCATORS; i++) {
		const struct lispd_locator *l = &ls->loc[i];
		const __u32 *la = (const __u32 *)l->addr;

		if (i >= n)
			break;
		if (l->family != family || la[0] != a[0])
			continue;
		if (family == LISPD_AF_INET || (la[1] == a[1] && la[2] == a[2] && la[3] == a[3]))
			return 1;
	}
	return 0;
}

/* Anti-spoofing (LISPD_CFG_DECAP_SRC_CHECK): the outer source must be a
 * locator of the map-cache entry covering the inner source. 0 when it is,
 * else the drop counter. No entry is a drop too: with the check on, a
 * peer's packets arrive only once we have resolved its mapping, so the
 * drop asks for it (a miss event for the inner source, from our EID, under
 * the same per-destination and overall rates as any miss). */
static __always_inline __u32 lispd_decap_src_check(void *ctx, int hook,
						   const struct lispd_dp_config *cfg,
						   struct lispd_decap_info *d)
{
	const struct lispd_mc_value *v;
	__u32 src[4] = {};
	__u8 eid[16];

	v = lispd_mc_lookup_addr(lispd_cfg_iid(cfg), d->in.family, d->in.src);
	if (!v) {
		/* The way back: to the inner source, from the inner destination
		 * (d is not used after a drop; swapped in place to keep the
		 * stack small). */
		__builtin_memcpy(eid, d->in.src, sizeof(eid));
		__builtin_memcpy(d->in.src, d->in.dst, sizeof(eid));
		__builtin_memcpy(d->in.dst, eid, sizeof(eid));
		lispd_miss_notify(cfg, lispd_cfg_iid(cfg), &d->in, LISPD_MISS_NO_ENTRY);
		return LISPD_STAT_DROP_DECAP_SRC_UNKNOWN;
	}
	if (d->o.family == LISPD_AF_INET) {
		if (lispd_load(ctx, hook, LISPD_ETH_HLEN + 12, src, 4))
			return LISPD_STAT_DROP_DECAP_TRUNC;
	} else if (lispd_load(ctx, hook, LISPD_ETH_HLEN + 8, src, 16)) {
		return LISPD_STAT_DROP_DECAP_TRUNC;
	}
	return lispd_locset_has(&v->ls, d->o.family, src) ? 0 : LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC;
}

/* Decides what happens to the frame at the mobile node; *stat is the
 * counter of a PASS or DROP verdict (a DELIVER is counted by the caller
 * once delivery worked). */
static __always_inline enum lispd_decap_class
lispd_decap_classify(void *ctx, int hook, const struct lispd_dp_config *cfg,
		     struct lispd_decap_info *d, __u32 *stat)
{
	enum lispd_decap_class c = lispd_decap_classify_lisp(ctx, hook, cfg, d, stat);

	if (c != LISPD_DC_DELIVER)
		return c;
	/* Never an open relay: only our own EIDs are delivered. */
	if (!lispd_is_local_eid(lispd_cfg_iid(cfg), d->in.family, d->in.dst)) {
		*stat = LISPD_STAT_DROP_DECAP_NOT_OUR_EID;
		return LISPD_DC_DROP;
	}
	/* Optional anti-spoofing: the outer source vouched for by the map-cache. */
	if (cfg->flags & LISPD_CFG_DECAP_SRC_CHECK) {
		__u32 drop = lispd_decap_src_check(ctx, hook, cfg, d);

		if (drop) {
			*stat = drop;
			return LISPD_DC_DROP;
		}
	}
	return LISPD_DC_DELIVER;
}

#endif
