/* What fuzz_bpf requires of every frame a data-plane program emits, read
 * independently of the BPF code (checksums recomputed here, the LISP
 * header through the user-space codec). Each check names what is wrong
 * and abort()s: a finding. Header-only, included by fuzz_bpf.c only. */
#ifndef FUZZ_BPF_CHECK_H
#define FUZZ_BPF_CHECK_H

#include "bpf_world.h"

#define BC_FAIL(...)                                                    \
	do {                                                            \
		fprintf(stderr, "fuzz_bpf: malformed output: " __VA_ARGS__); \
		fprintf(stderr, "\n");                                  \
		abort();                                                \
	} while (0)
#define BC_REQUIRE(cond, what)              \
	do {                                \
		if (!(cond))                \
			BC_FAIL("%s", what); \
	} while (0)

static inline uint16_t bc_get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* A valid IPv4 header checksum sums (with itself) to 0xffff. */
static inline bool bc_ip4_csum_ok(const uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;

	return csum_fold(csum_add(0, ip, hl)) == 0;
}

/* The transport checksum over len bytes at l4 with the pseudo header of
 * the IP header ip (version from its first nibble). */
static inline uint16_t bc_l4_sum(const uint8_t *ip, const uint8_t *l4, size_t len, uint8_t proto)
{
	uint32_t sum = (uint32_t)proto + (uint32_t)len;

	if ((ip[0] >> 4) == 4)
		sum = csum_add(sum, ip + 12, 8);
	else
		sum = csum_add(sum, ip + 8, 32);
	return csum_fold(csum_add(sum, l4, len));
}

/* Outer headers built by lispd_build_outer4/6 at out+14, enclosing
 * exactly the rest of the frame; returns their length (36 or 56). */
static inline size_t bc_outer(const uint8_t *out, size_t olen, const struct lispd_dp_config *c)
{
	const uint8_t *ip = out + 14, *udp;
	struct lisp_data_hdr h;
	size_t hl;

	BC_REQUIRE(olen >= 14 + LISPD_OVERHEAD4, "encapsulated frame shorter than its headers");
	if (bc_get16(out + 12) == 0x0800) {
		hl = 20;
		BC_REQUIRE(ip[0] == 0x45, "outer IPv4 version/IHL");
		BC_REQUIRE(bc_get16(ip + 2) == olen - 14, "outer IPv4 total length != frame");
		BC_REQUIRE(bc_ip4_csum_ok(ip), "outer IPv4 header checksum");
		BC_REQUIRE((bc_get16(ip + 6) & 0xbfff) == 0, "outer IPv4 fragment bits");
		BC_REQUIRE(ip[9] == 17, "outer IPv4 protocol not UDP");
		BC_REQUIRE((c->flags & LISPD_CFG_RLOC4) && !memcmp(ip + 12, c->rloc4, 4),
			   "outer IPv4 source not our RLOC");
	} else if (bc_get16(out + 12) == 0x86DD) {
		hl = 40;
		BC_REQUIRE(olen >= 14 + LISPD_OVERHEAD6, "IPv6 encapsulated frame too short");
		BC_REQUIRE((ip[0] >> 4) == 6, "outer IPv6 version");
		BC_REQUIRE(bc_get16(ip + 4) == olen - 54, "outer IPv6 payload length != frame");
		BC_REQUIRE(ip[6] == 17, "outer IPv6 next header not UDP");
		BC_REQUIRE((c->flags & LISPD_CFG_RLOC6) && !memcmp(ip + 8, c->rloc6, 16),
			   "outer IPv6 source not our RLOC");
	} else {
		BC_FAIL("encapsulated frame with EtherType %04x", bc_get16(out + 12));
	}
	udp = ip + hl;
	BC_REQUIRE(bc_get16(udp + 2) == LISPD_DATA_PORT, "outer UDP port not 4341");
	BC_REQUIRE(bc_get16(udp + 4) == olen - 14 - hl, "outer UDP length != frame");
	if (bc_get16(udp + 6))
		BC_REQUIRE(bc_l4_sum(ip, udp, olen - 14 - hl, 17) == 0, "outer UDP checksum");
	BC_REQUIRE(lisp_data_hdr_decode(udp + 8, 8, &h, NULL) == 0, "LISP header undecodable");
	BC_REQUIRE(h.n && !h.v && !h.l && !h.e && h.kk == 0, "LISP header flags");
	if (c->flags & LISPD_CFG_USE_IID)
		BC_REQUIRE(h.i && h.iid == (c->iid & LISPD_IID_MASK), "LISP instance-id");
	else
		BC_REQUIRE(!h.i, "LISP I bit without instance-ids");
	return hl + 16;
}

/* The inner IP header at ip, n bytes to the end of the frame: its own
 * lengths must fit in what the outer headers carried. */
static inline void bc_inner_fits(const uint8_t *ip, size_t n)
{
	BC_REQUIRE(n >= 20, "inner packet shorter than an IPv4 header");
	if ((ip[0] >> 4) == 4) {
		size_t hl = (size_t)(ip[0] & 0x0f) * 4, tot = bc_get16(ip + 2);

		BC_REQUIRE(hl >= 20 && hl <= tot && tot <= n,
			   "inner IPv4 lengths do not fit the packet carrying it");
	} else {
		BC_REQUIRE((ip[0] >> 4) == 6, "inner packet neither IPv4 nor IPv6");
		BC_REQUIRE(n >= 40 && 40 + (size_t)bc_get16(ip + 4) <= n,
			   "inner IPv6 payload length does not fit the packet carrying it");
	}
}

/* Inner packet after processing (got) against before (want): the same
 * bytes but for the TTL (set to ttl) and the IPv4 checksum, which must be
 * valid exactly when it was. */
static inline void bc_inner_same(const uint8_t *got, const uint8_t *want, size_t n, uint8_t ttl)
{
	bool v4 = (want[0] >> 4) == 4;
	size_t ttl_at = v4 ? 8 : 7;

	BC_REQUIRE(got[ttl_at] == ttl, "inner TTL / hop limit");
	for (size_t i = 0; i < n; i++) {
		if (i == ttl_at || (v4 && (i == 10 || i == 11)))
			continue;
		if (got[i] != want[i])
			BC_FAIL("inner byte %zu changed (%02x -> %02x)", i, want[i], got[i]);
	}
	if (v4)
		BC_REQUIRE(bc_ip4_csum_ok(got) == bc_ip4_csum_ok(want),
			   "inner IPv4 checksum validity changed");
}

/* Encapsulation (MN encap, PITR): outer headers + the input's L3 bytes
 * unchanged, outer TTL/TOS from the inner header, MACs untouched (the
 * neighbour lookup after the redirect fills them). */
static inline void bc_encap(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen,
			    const struct lispd_dp_config *c)
{
	size_t oh = bc_outer(out, olen, c);
	const uint8_t *inner = out + 14 + oh;

	BC_REQUIRE(olen == ilen + oh, "encapsulated length != input + overhead");
	BC_REQUIRE(!memcmp(out, in, 12), "MAC addresses changed by encapsulation");
	BC_REQUIRE(!memcmp(inner, in + 14, ilen - 14), "inner packet changed by encapsulation");
	if (oh == LISPD_OVERHEAD4)
		BC_REQUIRE(out[14 + 8] == inner[(inner[0] >> 4) == 4 ? 8 : 7], "outer TTL != inner");
	else
		BC_REQUIRE(out[14 + 7] == inner[(inner[0] >> 4) == 4 ? 8 : 7], "outer hop limit != inner");
}

/* Bytes from the Ethernet header to the inner IP header of a LISP frame
 * the decap checks accepted (outer IP with options + UDP + LISP). */
static inline size_t bc_lisp_outer_len(const uint8_t *in)
{
	return bc_get16(in + 12) == 0x0800 ? (size_t)(in[14] & 0x0f) * 4 + 16 : 56;
}

/* The inner TTL every decapsulation leaves: min(inner, outer). */
static inline uint8_t bc_min_ttl(const uint8_t *in, size_t oh)
{
	const uint8_t *inner = in + 14 + oh;
	uint8_t o = bc_get16(in + 12) == 0x0800 ? in[14 + 8] : in[14 + 7];
	uint8_t i = (inner[0] >> 4) == 4 ? inner[8] : inner[7];

	return i < o ? i : o;
}

/* Decapsulation (TC, XDP, PETR): the inner packet with the inner
 * EtherType; mac: 0 MACs as they arrived, 1 lmn's MAC + zero source. */
static inline void bc_decap(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen,
			    const struct lispd_dp_config *c, bool lmn_mac)
{
	size_t oh = bc_lisp_outer_len(in);
	const uint8_t *inner = in + 14 + oh;
	static const uint8_t zero[6];

	BC_REQUIRE(ilen >= 14 + oh + 20 && olen == ilen - oh, "decapsulated length != input - outer");
	BC_REQUIRE(bc_get16(out + 12) == ((out[14] >> 4) == 4 ? 0x0800 : 0x86DD),
		   "EtherType does not match the inner packet");
	if (lmn_mac)
		BC_REQUIRE(!memcmp(out, c->lmn_mac, 6) && !memcmp(out + 6, zero, 6),
			   "delivered frame not addressed to lmn");
	else
		BC_REQUIRE(!memcmp(out, in, 12), "MAC addresses changed by decapsulation");
	bc_inner_same(out + 14, inner, olen - 14, bc_min_ttl(in, oh));
	bc_inner_fits(out + 14, olen - 14);
}

/* PETR hairpin: new outer headers, inner TTL = min(inner, outer) - 1,
 * copied into the outer header. */
static inline void bc_hairpin(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen,
			      const struct lispd_dp_config *c)
{
	size_t ioh = bc_lisp_outer_len(in), oh = bc_outer(out, olen, c);
	const uint8_t *inner = out + 14 + oh;
	uint8_t ttl = (uint8_t)(bc_min_ttl(in, ioh) - 1);

	BC_REQUIRE(ilen >= 14 + ioh + 20 && olen - oh == ilen - ioh, "hairpin changed the inner length");
	BC_REQUIRE(out[14 + (oh == LISPD_OVERHEAD4 ? 8 : 7)] == ttl, "hairpin outer TTL");
	bc_inner_same(inner, in + 14 + ioh, olen - 14 - oh, ttl);
	bc_inner_fits(inner, olen - 14 - oh);
}

/* Too big: ICMP frag-needed / ICMPv6 Packet Too Big quoting the input's
 * IP packet, back toward its source (MACs swapped). */
static inline void bc_icmp(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen)
{
	const uint8_t *ip = out + 14, *orig = in + 14;
	size_t hl, quote;

	BC_REQUIRE(olen > 14 + 28, "ICMP frame too short");
	BC_REQUIRE(!memcmp(out, in + 6, 6) && !memcmp(out + 6, in, 6), "ICMP frame MACs not swapped");
	if (bc_get16(out + 12) == 0x0800) {
		hl = 20;
		BC_REQUIRE(ip[0] == 0x45 && ip[9] == 1, "ICMP IPv4 header");
		BC_REQUIRE(bc_get16(ip + 2) == olen - 14 && olen - 14 <= 576, "ICMP IPv4 length");
		BC_REQUIRE(bc_ip4_csum_ok(ip), "ICMP IPv4 header checksum");
		BC_REQUIRE(!memcmp(ip + 12, orig + 16, 4) && !memcmp(ip + 16, orig + 12, 4),
			   "ICMP addresses not the original's reversed");
		BC_REQUIRE(ip[20] == 3 && ip[21] == 4, "ICMP type/code not frag-needed");
		BC_REQUIRE(csum_fold(csum_add(0, ip + 20, olen - 34)) == 0, "ICMP checksum");
	} else {
		hl = 40;
		BC_REQUIRE(bc_get16(out + 12) == 0x86DD && (ip[0] >> 4) == 6 && ip[6] == 58,
			   "ICMPv6 IPv6 header");
		BC_REQUIRE(olen > 14 + 48 && bc_get16(ip + 4) == olen - 54 && olen - 14 <= 1280,
			   "ICMPv6 length");
		BC_REQUIRE(!memcmp(ip + 8, orig + 24, 16) && !memcmp(ip + 24, orig + 8, 16),
			   "ICMPv6 addresses not the original's reversed");
		BC_REQUIRE(ip[40] == 2 && ip[41] == 0, "ICMPv6 type/code not Packet Too Big");
		BC_REQUIRE(bc_l4_sum(ip, ip + 40, olen - 54, 58) == 0, "ICMPv6 checksum");
	}
	quote = olen - 14 - hl - 8;
	BC_REQUIRE(quote <= ilen - 14 && !memcmp(ip + hl + 8, orig, quote),
		   "ICMP quote is not the start of the original packet");
}

#endif
