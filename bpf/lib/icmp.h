/* Answering a packet that will not fit the physical MTU once encapsulated:
 * the skb itself is reshaped into ICMP "fragmentation needed" (IPv4, type 3
 * code 4) or ICMPv6 Packet Too Big carrying MTU - overhead, and sent back
 * into lmn's ingress, where the local stack (the only sender on lmn)
 * receives it and lowers its path MTU for the destination.
 *
 * Source of the ICMP: the original destination (the peer EID). Linux takes
 * the new MTU from the quoted header and the socket it names, not from the
 * ICMP source; but it drops, as a martian, an IPv4 packet arriving from
 * outside with one of its own addresses as source, so our RLOC or EID would
 * not do. The peer EID routes via lmn, so strict rp_filter on lmn accepts it.
 *
 * Not answered (counted drop_too_big): ICMP errors (RFC 1122 §3.2.2, never
 * an error about an error) and IPv4 non-first fragments (no transport header
 * to name a socket). IPv4 without DF is answered too, see docs/DATAPATH.md. */
#ifndef LISPD_BPF_ICMP_H
#define LISPD_BPF_ICMP_H

#include "lib/csum.h"
#include "lib/defs.h"
#include "lib/maps.h"
#include "lib/parse.h"

#define LISPD_ICMP_HLEN 8
/* As much of the original as the reply may carry: 576 bytes in all for
 * IPv4 (RFC 1812 §4.3.2.3), 1280 for IPv6 (RFC 4443 §2.4 c). */
#define LISPD_ICMP4_QUOTE_MAX (576 - LISPD_IP4_HLEN - LISPD_ICMP_HLEN)
#define LISPD_ICMP6_QUOTE_MAX (1280 - LISPD_IP6_HLEN - LISPD_ICMP_HLEN)
#define LISPD_CSUM_CHUNK 128
#define LISPD_ICMP_TTL 64

#define LISPD_ICMP_DEST_UNREACH 3
#define LISPD_ICMP_FRAG_NEEDED 4
#define LISPD_ICMP6_PKT_TOO_BIG 2
#define LISPD_ICMP6_INFO_MIN 128   /* ICMPv6 types below are errors */

/* Ones' complement sum of len bytes of the skb at off, added to seed, as
 * bpf_csum_diff returns it (32 bits, not folded, native byte order); -1 on
 * error. A length that is not a multiple of 4 is summed as if zero-padded,
 * which is RFC 1071's rule when these bytes end the checksummed data. */
static __always_inline __s64 lispd_csum_skb(struct __sk_buff *skb, __u32 off, __u32 len,
					    __u32 seed)
{
	__u8 buf[LISPD_CSUM_CHUNK];
	/* 64-bit sizes: a 32-bit one gets zero-extended into a copy, and the
	 * verifier would then see the bounds check on one register and the
	 * unchecked copy passed to the helper. */
	__u64 body = len & ~3u, tail = len & 3u, done = 0, n;
	__u32 last = 0;
	__s64 sum = seed;
	int i;

	__builtin_memset(buf, 0, sizeof(buf));
	for (i = 0; i < LISPD_ICMP6_QUOTE_MAX / LISPD_CSUM_CHUNK + 1; i++) {
		if (done >= body)
			break;
		n = body - done;
		lispd_barrier_var(n);
		if (n > LISPD_CSUM_CHUNK)
			n = LISPD_CSUM_CHUNK;
		lispd_barrier_var(n);
		if (n == 0 || n > LISPD_CSUM_CHUNK)
			return -1;
		/* Verifiers before 6.8 learn no lower bound from "n == 0" (seen on
		 * 6.1: "invalid zero-sized read"); the same n, written so that its
		 * range is [1, LISPD_CSUM_CHUNK] for them too (a power of 2). */
		lispd_barrier_var(n);
		n = ((n - 1) & (LISPD_CSUM_CHUNK - 1)) + 1;
		if (bpf_skb_load_bytes(skb, off + (__u32)done, buf, (__u32)n))
			return -1;
		sum = bpf_csum_diff(NULL, 0, (__be32 *)buf, (__u32)n, (__u32)sum);
		if (sum < 0)
			return -1;
		done += n;
	}
	if (done < body)
		return -1;
	if (tail) {
		/* As above, for "tail != 0": range [1, 4] for the verifier. */
		lispd_barrier_var(tail);
		n = ((tail - 1) & 3) + 1;
		if (bpf_skb_load_bytes(skb, off + (__u32)body, &last, (__u32)n))
			return -1;
		sum = bpf_csum_diff(NULL, 0, &last, sizeof(last), (__u32)sum);
	}
	return sum;
}

/* 1 when RFC 1122 forbids answering this packet with an ICMP error. */
static __always_inline int lispd_icmp_forbidden(struct __sk_buff *skb, const struct lispd_flow *f)
{
	__u8 b[2];

	if (f->family == LISPD_AF_INET) {
		if (bpf_skb_load_bytes(skb, LISPD_ETH_HLEN + 6, b, 2))
			return 1;
		if (((b[0] & 0x1f) << 8) | b[1])
			return 1;   /* not the first fragment */
		if (f->proto != LISPD_IPPROTO_ICMP)
			return 0;
		if (bpf_skb_load_bytes(skb, LISPD_ETH_HLEN + f->l3_len, b, 1))
			return 1;
		return b[0] == 3 || b[0] == 4 || b[0] == 5 || b[0] == 11 || b[0] == 12;
	}
	if (f->proto != LISPD_IPPROTO_ICMPV6)
		return 0;
	if (bpf_skb_load_bytes(skb, LISPD_ETH_HLEN + LISPD_IP6_HLEN, b, 1))
		return 1;
	return b[0] < LISPD_ICMP6_INFO_MIN;
}

/* Ethernet + IP + ICMP header of the reply, written in one store. */
struct lispd_icmp_reply {
	__u8 b[LISPD_ETH_HLEN + LISPD_IP6_HLEN + LISPD_ICMP_HLEN];
};

/* IPv6 pseudo header (RFC 8200 §8.1). */
struct lispd_pseudo6 {
	__u8 src[16];
	__u8 dst[16];
	__be32 len;
	__u8 zero[3];
	__u8 next;
};

/* Builds the IP + ICMP part at r->b[14] for a quote of qlen bytes and
 * returns the length of that part, or 0. */
static __always_inline __u32 lispd_icmp_build(struct __sk_buff *skb, struct lispd_icmp_reply *r,
					       const struct lispd_flow *f, __u32 next_mtu, __u32 qlen)
{
	__u8 *ip = &r->b[LISPD_ETH_HLEN];
	__u8 *icmp;
	__u32 hl;
	__s64 sum;
	__u16 csum;

	if (f->family == LISPD_AF_INET) {
		hl = LISPD_IP4_HLEN;
		icmp = ip + hl;
		r->b[12] = LISPD_ETH_P_IP >> 8;
		r->b[13] = LISPD_ETH_P_IP & 0xff;
		ip[0] = 0x45;
		ip[1] = 0xc0;   /* internetwork control, as Linux's own ICMP errors */
		ip[2] = (__u8)((hl + LISPD_ICMP_HLEN + qlen) >> 8);
		ip[3] = (__u8)(hl + LISPD_ICMP_HLEN + qlen);
		ip[4] = ip[5] = ip[6] = ip[7] = 0;
		ip[8] = LISPD_ICMP_TTL;
		ip[9] = LISPD_IPPROTO_ICMP;
		ip[10] = ip[11] = 0;
		__builtin_memcpy(ip + 12, f->dst, 4);
		__builtin_memcpy(ip + 16, f->src, 4);
		csum = lispd_ip4_hdr_csum(ip);
		ip[10] = (__u8)(csum >> 8);
		ip[11] = (__u8)csum;
		icmp[0] = LISPD_ICMP_DEST_UNREACH;
		icmp[1] = LISPD_ICMP_FRAG_NEEDED;
		icmp[4] = icmp[5] = 0;
		icmp[6] = (__u8)(next_mtu >> 8);
		icmp[7] = (__u8)next_mtu;
		sum = 0;
	} else {
		struct lispd_pseudo6 ph;

		hl = LISPD_IP6_HLEN;
		icmp = ip + hl;
		r->b[12] = LISPD_ETH_P_IPV6 >> 8;
		r->b[13] = LISPD_ETH_P_IPV6 & 0xff;
		ip[0] = 0x60;
		ip[1] = ip[2] = ip[3] = 0;
		ip[4] = (__u8)((LISPD_ICMP_HLEN + qlen) >> 8);
		ip[5] = (__u8)(LISPD_ICMP_HLEN + qlen);
		ip[6] = LISPD_IPPROTO_ICMPV6;
		ip[7] = LISPD_ICMP_TTL;
		__builtin_memcpy(ip + 8, f->dst, 16);
		__builtin_memcpy(ip + 24, f->src, 16);
		icmp[0] = LISPD_ICMP6_PKT_TOO_BIG;
		icmp[1] = 0;
		icmp[4] = (__u8)(next_mtu >> 24);
		icmp[5] = (__u8)(next_mtu >> 16);
		icmp[6] = (__u8)(next_mtu >> 8);
		icmp[7] = (__u8)next_mtu;
		__builtin_memcpy(ph.src, f->dst, 16);
		__builtin_memcpy(ph.dst, f->src, 16);
		ph.len = bpf_htonl(LISPD_ICMP_HLEN + qlen);
		ph.zero[0] = ph.zero[1] = ph.zero[2] = 0;
		ph.next = LISPD_IPPROTO_ICMPV6;
		sum = bpf_csum_diff(NULL, 0, (__be32 *)&ph, sizeof(ph), 0);
		if (sum < 0)
			return 0;
	}
	icmp[2] = icmp[3] = 0;
	sum = bpf_csum_diff(NULL, 0, (__be32 *)icmp, LISPD_ICMP_HLEN, (__u32)sum);
	if (sum < 0)
		return 0;
	/* The quote is still where the original packet starts. */
	sum = lispd_csum_skb(skb, LISPD_ETH_HLEN, qlen, (__u32)sum);
	if (sum < 0)
		return 0;
	/* A native-order sum stored in native order gives the wire bytes. */
	csum = (__u16)~lispd_csum_fold((__u32)sum);
	__builtin_memcpy(icmp + 2, &csum, 2);
	return hl + LISPD_ICMP_HLEN;
}

/* Turns the too-big packet into the ICMP answer and sends it back through
 * the device it is on: redirect_flags LISPD_F_INGRESS for a packet leaving
 * lmn (the reply goes up lmn's stack), 0 for a packet that arrived on an
 * interface's ingress (a PITR: the reply leaves that interface toward the
 * sender, whose MAC the swap below puts as destination). next_mtu: the
 * largest inner packet that fits. Returns the TC verdict, counted. */
static __always_inline int lispd_icmp_too_big_dir(struct __sk_buff *skb, const struct lispd_flow *f,
						  __u32 next_mtu, __u64 redirect_flags)
{
	struct lispd_icmp_reply r;
	__u32 qlen, qmax, hlen, stat;
	__u8 frag;

	if (lispd_icmp_forbidden(skb, f))
		return lispd_verdict(LISPD_STAT_DROP_TOO_BIG, LISPD_TC_ACT_SHOT);
	if (f->family == LISPD_AF_INET) {
		if (bpf_skb_load_bytes(skb, LISPD_ETH_HLEN + 6, &frag, 1))
			return lispd_verdict(LISPD_STAT_DROP_TOO_BIG, LISPD_TC_ACT_SHOT);
		stat = (frag & 0x40) ? LISPD_STAT_ICMP_FRAG_NEEDED : LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF;
		qmax = LISPD_ICMP4_QUOTE_MAX;
	} else {
		stat = LISPD_STAT_ICMP6_PKT_TOO_BIG;
		qmax = LISPD_ICMP6_QUOTE_MAX;
	}
	qlen = skb->len - LISPD_ETH_HLEN;
	if (qlen > qmax)
		qlen = qmax;

	/* MACs swapped: the reply is addressed to lmn itself, or the stack
	 * would see PACKET_OTHERHOST and drop it. */
	if (bpf_skb_load_bytes(skb, 0, &r.b[6], 6) || bpf_skb_load_bytes(skb, 6, &r.b[0], 6))
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	hlen = lispd_icmp_build(skb, &r, f, next_mtu, qlen);
	if (hlen == 0)
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);

	if (bpf_skb_change_tail(skb, LISPD_ETH_HLEN + qlen, 0) ||
	    bpf_skb_adjust_room(skb, (__s32)hlen, LISPD_ADJ_ROOM_MAC, 0))
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	if (hlen == LISPD_IP4_HLEN + LISPD_ICMP_HLEN) {
		if (bpf_skb_store_bytes(skb, 0, r.b, LISPD_ETH_HLEN + LISPD_IP4_HLEN + LISPD_ICMP_HLEN, 0))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	} else {
		if (bpf_skb_store_bytes(skb, 0, r.b, LISPD_ETH_HLEN + LISPD_IP6_HLEN + LISPD_ICMP_HLEN, 0))
			return lispd_verdict(LISPD_STAT_DROP_ENCAP_ADJUST, LISPD_TC_ACT_SHOT);
	}
	lispd_stat_inc(stat);
	return (int)bpf_redirect(skb->ifindex, redirect_flags);
}

/* The mobile node's case: the reply goes back up lmn. */
static __always_inline int lispd_icmp_too_big(struct __sk_buff *skb, const struct lispd_flow *f,
					      __u32 next_mtu)
{
	return lispd_icmp_too_big_dir(skb, f, next_mtu, LISPD_F_INGRESS);
}

#endif
