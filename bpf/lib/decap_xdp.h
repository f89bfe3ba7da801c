/* Decapsulation in XDP on the physical interface, for NICs with native XDP
 * where packet rate matters. Same checks as TC (lib/decap.h); the outer
 * headers are removed by moving the Ethernet header forward and
 * bpf_xdp_adjust_head, then XDP_PASS hands the inner packet to the stack.
 *
 * The packet then arrives on the physical interface, not on lmn: Linux
 * delivers it locally because its destination is a local address (the EID
 * on lmn; weak host model), but IPv4 strict rp_filter on the physical
 * interface drops it (the route back to the peer EID is via lmn), netfilter
 * sees iif = physical, and sockets bound to lmn with SO_BINDTODEVICE do not
 * receive it. See docs/DATAPATH.md. */
#ifndef LISPD_BPF_DECAP_XDP_H
#define LISPD_BPF_DECAP_XDP_H

#include "lib/csum.h"
#include "lib/decap.h"

/* Inner TTL = min(inner, outer); the IPv4 header checksum is updated
 * incrementally (no skb checksum state exists yet at XDP). */
static __always_inline int lispd_inner_ttl_xdp(struct xdp_md *ctx, const struct lispd_flow *in,
					       __u8 outer_ttl)
{
	__u32 off = LISPD_ETH_HLEN;
	__u8 h[4];   /* TTL, protocol, checksum */
	__u16 sum;

	if (outer_ttl >= in->ttl)
		return 0;
	if (in->family == LISPD_AF_INET6)
		return (int)bpf_xdp_store_bytes(ctx, off + 7, &outer_ttl, 1);
	if (lispd_load(ctx, LISPD_HOOK_XDP, off + 8, h, sizeof(h)))
		return -1;
	sum = lispd_csum16_replace((__u16)((h[2] << 8) | h[3]), (__u16)((h[0] << 8) | h[1]),
				   (__u16)((outer_ttl << 8) | h[1]));
	h[0] = outer_ttl;
	h[2] = (__u8)(sum >> 8);
	h[3] = (__u8)sum;
	return (int)bpf_xdp_store_bytes(ctx, off + 8, h, sizeof(h));
}

static __always_inline int lispd_do_decap_xdp(struct xdp_md *ctx)
{
	struct lispd_dp_config *cfg = lispd_config_get();
	enum lispd_decap_class c;
	struct lispd_decap_info d;
	__u8 eth[LISPD_ETH_HLEN];
	__u32 stat, diff;
	int rc;

	if (!cfg)
		return lispd_verdict(LISPD_STAT_DECAP_PASS, LISPD_XDP_PASS);
	c = lispd_decap_classify(ctx, LISPD_HOOK_XDP, cfg, &d, &stat);
	rc = lispd_decap_verdict(c, stat, LISPD_XDP_PASS, LISPD_XDP_DROP);
	if (rc != LISPD_GO_ON)
		return rc;

	/* The MAC addresses move forward to sit right before the inner header,
	 * with the inner EtherType; the outer headers then fall off the front. */
	diff = lispd_outer_len(&d.o);
	if (lispd_load(ctx, LISPD_HOOK_XDP, 0, eth, 12))
		return lispd_verdict(LISPD_STAT_DROP_DECAP_ADJUST, LISPD_XDP_DROP);
	eth[12] = d.in.family == LISPD_AF_INET ? (LISPD_ETH_P_IP >> 8) : (LISPD_ETH_P_IPV6 >> 8);
	eth[13] = d.in.family == LISPD_AF_INET ? (LISPD_ETH_P_IP & 0xff) : (LISPD_ETH_P_IPV6 & 0xff);
	if (bpf_xdp_store_bytes(ctx, diff, eth, sizeof(eth)) ||
	    bpf_xdp_adjust_head(ctx, (int)diff) ||
	    lispd_inner_ttl_xdp(ctx, &d.in, d.o.ttl))
		return lispd_verdict(LISPD_STAT_DROP_DECAP_ADJUST, LISPD_XDP_DROP);

	lispd_stat_inc(LISPD_STAT_DECAP_OK);
	return LISPD_XDP_PASS;
}

#endif
