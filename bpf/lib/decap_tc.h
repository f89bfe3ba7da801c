/* Decapsulation at TC ingress of the physical interface: strip the outer
 * headers with bpf_skb_adjust_room (GSO metadata kept) and deliver into lmn
 * with bpf_redirect(BPF_F_INGRESS), so sockets bound to the EID receive the
 * packet as arriving on lmn. */
#ifndef LISPD_BPF_DECAP_TC_H
#define LISPD_BPF_DECAP_TC_H

#include "lib/decap.h"

/* Lowers the TTL / hop limit of the inner header at off to ttl (never
 * raises it). The IPv4 checksum is fixed incrementally (TTL and checksum
 * cancel out in a CHECKSUM_COMPLETE sum); IPv6 has no header checksum, but
 * a CHECKSUM_COMPLETE skb still needs its sum adjusted, hence
 * RECOMPUTE_CSUM. */
static __always_inline int lispd_lower_inner_ttl_tc(struct __sk_buff *skb,
						    const struct lispd_flow *in, __u32 off, __u8 ttl)
{
	if (ttl >= in->ttl)
		return 0;
	if (in->family == LISPD_AF_INET) {
		__u16 old = (__u16)((in->ttl << 8) | in->proto);
		__u16 new = (__u16)((ttl << 8) | in->proto);

		if (bpf_skb_store_bytes(skb, off + 8, &ttl, 1, 0))
			return -1;
		return (int)bpf_l3_csum_replace(skb, off + 10, bpf_htons(old), bpf_htons(new), 2);
	}
	return (int)bpf_skb_store_bytes(skb, off + 7, &ttl, 1, LISPD_F_RECOMPUTE_CSUM);
}

/* Strips outer IP + UDP + LISP. Kernels before 6.3 reject the DECAP_L3 flags
 * (-EINVAL before touching the skb). All the flag does is set skb->protocol
 * to the inner family (GSO fields are handled alike with or without it), and
 * every caller ends in a redirect into an ingress, whose eth_type_trans sets
 * skb->protocol from the rewritten EtherType; so without the flag the shrink
 * is retried plainly, GSO packets included (verified on 6.1: TCP over a
 * family change, tests/e2e/test_static_mapping.sh). */
static __always_inline int lispd_strip_outer_tc(struct __sk_buff *skb,
						const struct lispd_outer_info *o,
						__u8 inner_family, __u32 *stat)
{
	__s32 diff = -(__s32)lispd_outer_len(o);
	__u64 family_flag = 0;

	if (inner_family != o->family)
		family_flag = inner_family == LISPD_AF_INET ? LISPD_F_ADJ_DECAP_L3_IPV4
							    : LISPD_F_ADJ_DECAP_L3_IPV6;
	if (!bpf_skb_adjust_room(skb, diff, LISPD_ADJ_ROOM_MAC, LISPD_F_ADJ_FIXED_GSO | family_flag))
		return 0;
	if (!family_flag) {
		*stat = LISPD_STAT_DROP_DECAP_ADJUST;
		return -1;
	}
	if (bpf_skb_adjust_room(skb, diff, LISPD_ADJ_ROOM_MAC, LISPD_F_ADJ_FIXED_GSO)) {
		*stat = LISPD_STAT_DROP_DECAP_ADJUST;
		return -1;
	}
	lispd_stat_inc(LISPD_STAT_DECAP_L3_FALLBACK);
	return 0;
}

/* The Ethernet header of the delivered frame, in one store: the inner
 * EtherType, and lmn's MAC as destination so lmn's stack takes the frame as
 * its own (PACKET_HOST; it arrived addressed to the physical interface).
 * The source is zeroed: the frame no longer comes from the router's link. */
static __always_inline int lispd_decap_eth_tc(struct __sk_buff *skb,
					      const struct lispd_dp_config *cfg, __u8 inner_family)
{
	struct {
		__u8 dst[6];
		__u8 src[6];
		__be16 proto;
	} eth;

	eth.proto = bpf_htons(inner_family == LISPD_AF_INET ? LISPD_ETH_P_IP : LISPD_ETH_P_IPV6);
	if (!(cfg->flags & LISPD_CFG_LMN_MAC))
		return (int)bpf_skb_store_bytes(skb, 12, &eth.proto, sizeof(eth.proto), 0);
	__builtin_memcpy(eth.dst, cfg->lmn_mac, sizeof(eth.dst));
	__builtin_memset(eth.src, 0, sizeof(eth.src));
	return (int)bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0);
}

static __always_inline int lispd_do_decap(struct __sk_buff *skb)
{
	struct lispd_dp_config *cfg = lispd_config_get();
	enum lispd_decap_class c;
	struct lispd_decap_info d;
	__u32 stat;
	int rc;

	if (!cfg)
		return lispd_verdict(LISPD_STAT_DECAP_PASS, LISPD_TC_ACT_OK);
	c = lispd_decap_classify(skb, LISPD_HOOK_TC, cfg, &d, &stat);
	rc = lispd_decap_verdict(c, stat, LISPD_TC_ACT_OK, LISPD_TC_ACT_SHOT);
	if (rc != LISPD_GO_ON)
		return rc;

	if (lispd_strip_outer_tc(skb, &d.o, d.in.family, &stat))
		return lispd_verdict(stat, LISPD_TC_ACT_SHOT);
	/* Inner TTL = min(inner, outer) (RFC 9300 §5.3). */
	if (lispd_decap_eth_tc(skb, cfg, d.in.family) ||
	    lispd_lower_inner_ttl_tc(skb, &d.in, LISPD_ETH_HLEN, d.o.ttl))
		return lispd_verdict(LISPD_STAT_DROP_DECAP_ADJUST, LISPD_TC_ACT_SHOT);

	lispd_stat_inc(LISPD_STAT_DECAP_OK);
	return (int)bpf_redirect(cfg->lmn_ifindex, LISPD_F_INGRESS);
}

#endif
