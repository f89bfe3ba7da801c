/* Frames for the data-plane programs, built and read independently of the
 * BPF code: Ethernet, IPv4/IPv6, UDP/TCP with valid checksums, LISP data
 * frames (LISP header by the user-space codec), and readers of the frames
 * the programs emit (encapsulated LISP, ICMP too big) that recompute every
 * length and checksum. Shared by the BPF program tests, fuzz_bpf and
 * bench_dp. Header-only (static inline): each program links on its own.
 *
 * The readers return NULL when the frame is well-formed, else a text
 * naming what is wrong: the caller fails its own way (cmocka, abort). */
#ifndef BPF_FRAME_H
#define BPF_FRAME_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisp_msg.h"
#include "lisp_wire.h"
#include "lispd_maps.h"

#define TB_PKT_MAX 2048

static const uint8_t TB_MAC_DST[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t TB_MAC_SRC[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/* Address text of family into 16 bytes (IPv4 in the first 4); aborts on
 * text that does not parse (a bug in the test itself). */
static inline void tb_addr(uint8_t *out, uint8_t family, const char *text)
{
	memset(out, 0, 16);
	if (inet_pton(family == LISPD_AF_INET ? AF_INET : AF_INET6, text, out) != 1) {
		fprintf(stderr, "bad address %s\n", text);
		abort();
	}
}

static inline uint16_t tb_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint16_t tb_ethertype(uint8_t family)
{
	return family == LISPD_AF_INET ? 0x0800 : 0x86DD;
}

/* ---- building ------------------------------------------------------------- */

struct tb_ip {
	uint8_t family;
	uint8_t src[16], dst[16];
	uint8_t proto;       /* 6 TCP, 17 UDP, anything else: raw payload */
	uint8_t ttl, tos;
	uint16_t sport, dport;
	uint16_t payload;    /* bytes after the L4 header */
	uint16_t frag;       /* IPv4 flags+offset field */
};

static inline void tb_ip_init(struct tb_ip *p, uint8_t family, const char *src, const char *dst)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	tb_addr(p->src, family, src);
	tb_addr(p->dst, family, dst);
	p->proto = 17;
	p->ttl = 64;
	p->sport = 40000;
	p->dport = 53;
	p->payload = 32;
}

static inline uint16_t tb_csum(const uint8_t *b, size_t n, uint32_t sum)
{
	return csum_fold(csum_add(sum, b, n));
}

static inline uint32_t tb_pseudo(const struct tb_ip *p, size_t l4len)
{
	uint8_t ph[40];
	size_t alen = p->family == LISPD_AF_INET ? 4 : 16;

	memcpy(ph, p->src, alen);
	memcpy(ph + alen, p->dst, alen);
	return csum_add((uint32_t)p->proto + (uint32_t)l4len, ph, 2 * alen);
}

/* The transport checksum over len bytes at l4 with the pseudo header of
 * the IP header ip (version from its first nibble): 0 when it verifies. */
static inline uint16_t tb_l4_sum(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t proto)
{
	uint32_t sum = (uint32_t)proto + (uint32_t)len;

	if ((ip[0] >> 4) == 4)
		sum = csum_add(sum, ip + 12, 8);
	else
		sum = csum_add(sum, ip + 8, 32);
	return tb_csum(l4, len, sum);
}

/* A valid IPv4 header checksum (IHL words) sums to 0. */
static inline bool tb_ip4_csum_ok(const uint8_t *ip)
{
	return tb_csum(ip, (size_t)(ip[0] & 0x0f) * 4, 0) == 0;
}

/* An IP packet with a valid header and L4 checksum; returns its length. */
static inline size_t tb_build_ip(uint8_t *b, const struct tb_ip *p)
{
	size_t hl = p->family == LISPD_AF_INET ? 20 : 40, l4h = p->proto == 6 ? 20 : 8, l4len, off;

	if (p->proto != 6 && p->proto != 17)
		l4h = 0;
	l4len = l4h + p->payload;
	memset(b, 0, hl + l4len);
	for (size_t i = 0; i < p->payload; i++)
		b[hl + l4h + i] = (uint8_t)(i * 7 + 1);
	if (p->family == LISPD_AF_INET) {
		off = 0;
		put_u8(b, 20, &off, 0x45, NULL, "v");
		put_u8(b, 20, &off, p->tos, NULL, "tos");
		put_u16(b, 20, &off, (uint16_t)(20 + l4len), NULL, "len");
		put_u16(b, 20, &off, 0x1234, NULL, "id");
		put_u16(b, 20, &off, p->frag, NULL, "frag");
		put_u8(b, 20, &off, p->ttl, NULL, "ttl");
		put_u8(b, 20, &off, p->proto, NULL, "proto");
		off += 2;
		memcpy(b + 12, p->src, 4);
		memcpy(b + 16, p->dst, 4);
		off = 10;
		put_u16(b, 20, &off, tb_csum(b, 20, 0), NULL, "csum");
	} else {
		b[0] = (uint8_t)(0x60 | (p->tos >> 4));
		b[1] = (uint8_t)(p->tos << 4);
		off = 4;
		put_u16(b, 40, &off, (uint16_t)l4len, NULL, "plen");
		b[6] = p->proto;
		b[7] = p->ttl;
		memcpy(b + 8, p->src, 16);
		memcpy(b + 24, p->dst, 16);
	}
	if (l4h) {
		uint8_t *l4 = b + hl;
		size_t csum_at = p->proto == 6 ? 16 : 6;

		off = 0;
		put_u16(l4, l4len, &off, p->sport, NULL, "sport");
		put_u16(l4, l4len, &off, p->dport, NULL, "dport");
		if (p->proto == 17)
			put_u16(l4, l4len, &off, (uint16_t)l4len, NULL, "ulen");
		else
			l4[12] = 0x50;
		off = csum_at;
		put_u16(l4, l4len, &off, tb_csum(l4, l4len, tb_pseudo(p, l4len)), NULL, "l4csum");
	}
	return hl + l4len;
}

/* Ethernet frame around l3[0..len). */
static inline size_t tb_build_eth(uint8_t *b, uint16_t type, const uint8_t *l3, size_t len)
{
	memcpy(b, TB_MAC_DST, 6);
	memcpy(b + 6, TB_MAC_SRC, 6);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	memcpy(b + 14, l3, len);
	return 14 + len;
}

/* Ethernet frame of an IP packet described by p. */
static inline size_t tb_frame(uint8_t *b, const struct tb_ip *p)
{
	uint8_t l3[TB_PKT_MAX];
	size_t n = tb_build_ip(l3, p);

	return tb_build_eth(b, tb_ethertype(p->family), l3, n);
}

/* Rewrites the IPv4 header checksum of the header at ip. */
static inline void tb_ip4_fix_csum(uint8_t *ip)
{
	size_t off = 10;

	ip[10] = ip[11] = 0;
	put_u16(ip, 20, &off, tb_csum(ip, 20, 0), NULL, "csum");
}

/* A LISP data frame: outer IP (family/addresses/ttl/tos from outer, its
 * proto/ports ignored) + UDP sport->dport + LISP header + inner[0..len). */
static inline size_t tb_lisp_frame(uint8_t *b, const struct tb_ip *outer, uint16_t dport,
				   const struct lisp_data_hdr *h, const uint8_t *inner, size_t len)
{
	uint8_t l3[TB_PKT_MAX];
	size_t hl = outer->family == LISPD_AF_INET ? 20 : 40, off;
	struct tb_ip o = *outer;

	o.proto = 250;  /* build the IP header only, payload filled below */
	o.payload = (uint16_t)(8 + 8 + len);
	tb_build_ip(l3, &o);
	l3[outer->family == LISPD_AF_INET ? 9 : 6] = 17;
	if (outer->family == LISPD_AF_INET)
		tb_ip4_fix_csum(l3);
	off = hl;
	put_u16(l3, sizeof(l3), &off, outer->sport, NULL, "sport");
	put_u16(l3, sizeof(l3), &off, dport, NULL, "dport");
	put_u16(l3, sizeof(l3), &off, (uint16_t)(16 + len), NULL, "ulen");
	put_u16(l3, sizeof(l3), &off, 0, NULL, "ucsum");
	if (lisp_data_hdr_encode(l3 + off, 8, h, NULL)) {
		fprintf(stderr, "lisp header encode failed\n");
		abort();
	}
	memcpy(l3 + off + 8, inner, len);
	return tb_build_eth(b, tb_ethertype(outer->family), l3, hl + 16 + len);
}

/* What an xTR sends to an RLOC: an inner packet in outer IP/UDP/LISP. */
struct tb_lisp {
	struct tb_ip inner, outer;
	struct lisp_data_hdr lh;
	uint16_t dport;
};

/* inner isrc -> idst (family ifam) inside outer osrc -> odst (ofam), UDP
 * 0xC123 -> 4341, outer TTL 200 (above the inner 64), N bit and a nonce. */
static inline void tb_lisp_init(struct tb_lisp *l, uint8_t ifam, const char *isrc, const char *idst,
				uint8_t ofam, const char *osrc, const char *odst)
{
	memset(l, 0, sizeof(*l));
	tb_ip_init(&l->inner, ifam, isrc, idst);
	tb_ip_init(&l->outer, ofam, osrc, odst);
	l->outer.sport = 0xC123;
	l->outer.ttl = 200;
	l->lh.n = true;
	l->lh.nonce = 0xabcdef;
	l->dport = LISPD_DATA_PORT;
}

/* What a router one hop further leaves of the inner packet: its TTL (and
 * IPv4 checksum) rewritten. Returns its length. */
static inline size_t tb_inner_ttl(uint8_t *b, const struct tb_ip *inner, uint8_t ttl)
{
	struct tb_ip ip = *inner;

	ip.ttl = ttl;
	return tb_build_ip(b, &ip);
}

/* Builds the frame of l; its inner IP packet goes to inner/inner_len. */
static inline size_t tb_lisp_build(const struct tb_lisp *l, uint8_t *frame, uint8_t *inner,
				   size_t *inner_len)
{
	*inner_len = tb_build_ip(inner, &l->inner);
	return tb_lisp_frame(frame, &l->outer, l->dport, &l->lh, inner, *inner_len);
}

/* ---- reading ---------------------------------------------------------------- */

/* A LISP data frame as a receiver reads it. */
struct tb_lisp_seen {
	uint8_t family;            /* of the outer header */
	size_t hl;                 /* outer IP header length */
	uint8_t ttl, tos, df;
	uint8_t src[16], dst[16];  /* IPv4 in the first 4 bytes */
	uint32_t flow_label;
	uint16_t sport, dport, udp_len, udp_csum;
	struct lisp_data_hdr lisp;
	const uint8_t *inner;      /* what follows the LISP header */
	size_t inner_len;
};

/* Reads f[0..n) as Ethernet + outer IPv4/IPv6 (no options, no fragment)
 * + UDP + LISP, every length matching the frame, the IPv4 header checksum
 * and a UDP checksum (when not 0) verifying, the LISP header decodable. */
static inline const char *tb_read_lisp(const uint8_t *f, size_t n, struct tb_lisp_seen *o)
{
	const uint8_t *ip = f + 14, *udp;

	memset(o, 0, sizeof(*o));
	if (n < 14 + 20 + 16)
		return "encapsulated frame shorter than its headers";
	if (tb_get16(f + 12) == 0x0800) {
		o->family = LISPD_AF_INET;
		o->hl = 20;
		if (ip[0] != 0x45)
			return "outer IPv4 version/IHL";
		if (tb_get16(ip + 2) != n - 14)
			return "outer IPv4 total length != frame";
		if (!tb_ip4_csum_ok(ip))
			return "outer IPv4 header checksum";
		if ((tb_get16(ip + 6) & 0xbfff) != 0)
			return "outer IPv4 fragment bits";
		if (ip[9] != 17)
			return "outer IPv4 protocol not UDP";
		o->df = (ip[6] & 0x40) != 0;
		o->tos = ip[1];
		o->ttl = ip[8];
		memcpy(o->src, ip + 12, 4);
		memcpy(o->dst, ip + 16, 4);
	} else if (tb_get16(f + 12) == 0x86DD) {
		o->family = LISPD_AF_INET6;
		o->hl = 40;
		if (n < 14 + 40 + 16)
			return "IPv6 encapsulated frame too short";
		if ((ip[0] >> 4) != 6)
			return "outer IPv6 version";
		if (tb_get16(ip + 4) != n - 14 - 40)
			return "outer IPv6 payload length != frame";
		if (ip[6] != 17)
			return "outer IPv6 next header not UDP";
		o->tos = (uint8_t)((ip[0] << 4) | (ip[1] >> 4));
		o->flow_label = ((uint32_t)(ip[1] & 0x0f) << 16) | (uint32_t)tb_get16(ip + 2);
		o->ttl = ip[7];
		memcpy(o->src, ip + 8, 16);
		memcpy(o->dst, ip + 24, 16);
	} else {
		return "encapsulated frame neither IPv4 nor IPv6";
	}
	udp = ip + o->hl;
	o->sport = tb_get16(udp);
	o->dport = tb_get16(udp + 2);
	o->udp_len = tb_get16(udp + 4);
	o->udp_csum = tb_get16(udp + 6);
	if (o->udp_len != n - 14 - o->hl)
		return "outer UDP length != frame";
	if (o->udp_csum && tb_l4_sum(ip, udp, n - 14 - o->hl, 17) != 0)
		return "outer UDP checksum";
	if (lisp_data_hdr_decode(udp + 8, 8, &o->lisp, NULL))
		return "LISP header undecodable";
	o->inner = udp + 16;
	o->inner_len = n - 14 - o->hl - 16;
	return NULL;
}

/* Reads out[0..n) as the ICMP "fragmentation needed" (IPv4) or ICMPv6
 * Packet Too Big answering the frame in[0..in_len): MACs swapped, the
 * original's EtherType, addresses reversed, a TTL that lets it arrive,
 * lengths and checksums right, within 576 / 1280 bytes, the quote the
 * start of the original IP packet. *mtu is the MTU it announces. */
static inline const char *tb_read_too_big(const uint8_t *out, size_t n, const uint8_t *in,
					  size_t in_len, uint32_t *mtu)
{
	const uint8_t *ip = out + 14, *orig = in + 14, *icmp;
	size_t hl, quote;

	if (n <= 14 + 20 + 8)
		return "ICMP frame too short";
	if (memcmp(out, in + 6, 6) || memcmp(out + 6, in, 6))
		return "ICMP frame MACs not swapped";
	if (tb_get16(out + 12) != tb_get16(in + 12))
		return "ICMP EtherType not the original's";
	if (tb_get16(out + 12) == 0x0800) {
		hl = 20;
		icmp = ip + hl;
		if (ip[0] != 0x45 || ip[9] != 1)
			return "ICMP IPv4 header";
		if (tb_get16(ip + 2) != n - 14 || n - 14 > 576)
			return "ICMP IPv4 length";
		if (!tb_ip4_csum_ok(ip))
			return "ICMP IPv4 header checksum";
		if (tb_get16(ip + 6) & 0x3fff)
			return "ICMP IPv4 packet is a fragment";
		if (ip[8] <= 1)
			return "ICMP IPv4 TTL";
		if (memcmp(ip + 12, orig + 16, 4) || memcmp(ip + 16, orig + 12, 4))
			return "ICMP addresses not the original's reversed";
		if (icmp[0] != 3 || icmp[1] != 4)
			return "ICMP type/code not frag-needed";
		if (tb_csum(icmp, n - 14 - 20, 0) != 0)
			return "ICMP checksum";
		if (tb_get16(icmp + 4) != 0)
			return "ICMP frag-needed unused field not 0";
		*mtu = tb_get16(icmp + 6);
	} else if (tb_get16(out + 12) == 0x86DD) {
		hl = 40;
		icmp = ip + hl;
		if (n <= 14 + 40 + 8)
			return "ICMPv6 frame too short";
		if ((ip[0] >> 4) != 6 || ip[6] != 58)
			return "ICMPv6 IPv6 header";
		if (tb_get16(ip + 4) != n - 14 - 40 || n - 14 > 1280)
			return "ICMPv6 length";
		if (ip[7] <= 1)
			return "ICMPv6 hop limit";
		if (memcmp(ip + 8, orig + 24, 16) || memcmp(ip + 24, orig + 8, 16))
			return "ICMPv6 addresses not the original's reversed";
		if (icmp[0] != 2 || icmp[1] != 0)
			return "ICMPv6 type/code not Packet Too Big";
		if (tb_l4_sum(ip, icmp, n - 14 - 40, 58) != 0)
			return "ICMPv6 checksum";
		*mtu = ((uint32_t)tb_get16(icmp + 4) << 16) | tb_get16(icmp + 6);
	} else {
		return "ICMP frame neither IPv4 nor IPv6";
	}
	quote = n - 14 - hl - 8;
	if (quote > in_len - 14 || memcmp(icmp + 8, orig, quote))
		return "ICMP quote is not the start of the original packet";
	return NULL;
}

#endif
