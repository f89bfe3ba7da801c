/* Reading the inner IP packet of lmn egress (or the inner header after the
 * LISP header on decap) into a flat flow record. Loads go through the load
 * helpers (lib/ctx.h) so non-linear skbs and multi-buffer XDP frames parse
 * the same as linear ones. */
#ifndef LISPD_BPF_PARSE_H
#define LISPD_BPF_PARSE_H

#include "lib/ctx.h"
#include "lib/defs.h"

struct lispd_flow {
	__u8 family;     /* enum lispd_family */
	__u8 proto;      /* IPv4 protocol / IPv6 next header */
	__u8 ttl;
	__u8 tos;        /* IPv4 TOS / IPv6 traffic class (DSCP + ECN) */
	__u16 l3_len;    /* header bytes (IPv4 ihl * 4, IPv6 40) */
	__u16 pad;
	__be16 sport;    /* TCP/UDP ports, 0 when absent (fragment, other proto) */
	__be16 dport;
	__u8 src[16];
	__u8 dst[16];
};

/* Parses the IP header at off whose version must match family.
 * Returns 0, -1 when truncated or not the announced version. */
static __always_inline int lispd_parse_ip(void *ctx, int hook, __u32 off, __u8 family,
					  struct lispd_flow *f)
{
	__u8 h[LISPD_IP6_HLEN];
	__u32 l4 = 0;

	__builtin_memset(f, 0, sizeof(*f));
	f->family = family;
	if (family == LISPD_AF_INET) {
		if (lispd_load(ctx, hook, off, h, LISPD_IP4_HLEN))
			return -1;
		if ((h[0] >> 4) != 4 || (h[0] & 0x0f) < 5)
			return -1;
		f->l3_len = (h[0] & 0x0f) * 4;
		f->tos = h[1];
		f->ttl = h[8];
		f->proto = h[9];
		__builtin_memcpy(f->src, &h[12], 4);
		__builtin_memcpy(f->dst, &h[16], 4);
		/* Ports only in the first fragment; later ones hash by address. */
		if (!(((h[6] & 0x3f) << 8) | h[7]) && !(h[6] & 0x20))
			l4 = off + f->l3_len;
	} else {
		if (lispd_load(ctx, hook, off, h, LISPD_IP6_HLEN))
			return -1;
		if ((h[0] >> 4) != 6)
			return -1;
		f->l3_len = LISPD_IP6_HLEN;
		f->tos = (__u8)((h[0] << 4) | (h[1] >> 4));
		f->proto = h[6];
		f->ttl = h[7];
		__builtin_memcpy(f->src, &h[8], 16);
		__builtin_memcpy(f->dst, &h[24], 16);
		l4 = off + LISPD_IP6_HLEN;
	}
	if (l4 && (f->proto == LISPD_IPPROTO_TCP || f->proto == LISPD_IPPROTO_UDP)) {
		__be16 ports[2];

		if (!lispd_load(ctx, hook, l4, ports, sizeof(ports))) {
			f->sport = ports[0];
			f->dport = ports[1];
		}
	}
	return 0;
}

/* clang 14 has no inline memcmp for BPF; n is a constant, so this unrolls. */
static __always_inline int lispd_bytes_eq(const __u8 *a, const __u8 *b, int n)
{
	__u8 diff = 0;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* Ethernet type of the frame in host order, 0 when unreadable. */
static __always_inline __u16 lispd_eth_proto(void *ctx, int hook)
{
	__be16 proto;

	if (lispd_load(ctx, hook, 12, &proto, sizeof(proto)))
		return 0;
	return bpf_ntohs(proto);
}

static __always_inline __u8 lispd_family_of_eth(__u16 proto)
{
	if (proto == LISPD_ETH_P_IP)
		return LISPD_AF_INET;
	if (proto == LISPD_ETH_P_IPV6)
		return LISPD_AF_INET6;
	return LISPD_AF_NONE;
}

#endif
