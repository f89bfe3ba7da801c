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

/* A frame read by bpf_frame.h's readers must be well-formed. */
#define BC_READ(reader_call)                  \
	do {                                  \
		const char *bad_ = reader_call; \
		if (bad_)                     \
			BC_FAIL("%s", bad_);  \
	} while (0)

/* The LISP header every encapsulation here writes. */
static inline void bc_lisp_hdr(const struct lisp_data_hdr *h, const struct lispd_dp_config *c)
{
	BC_REQUIRE(h->n && !h->v && !h->l && !h->e && h->kk == 0, "LISP header flags");
	if (c->flags & LISPD_CFG_USE_IID)
		BC_REQUIRE(h->i && h->iid == (c->iid & LISPD_IID_MASK), "LISP instance-id");
	else
		BC_REQUIRE(!h->i, "LISP I bit without instance-ids");
}

/* Outer headers built by lispd_build_outer4/6 at out+14, enclosing
 * exactly the rest of the frame (bpf_frame.h), from our RLOC, with the
 * LISP header every encapsulation here writes; returns their length (36
 * or 56). */
static inline size_t bc_outer(const uint8_t *out, size_t olen, const struct lispd_dp_config *c)
{
	struct tb_lisp_seen o;

	BC_READ(tb_read_lisp(out, olen, &o));
	if (o.family == LISPD_AF_INET)
		BC_REQUIRE((c->flags & LISPD_CFG_RLOC4) && !memcmp(o.src, c->rloc4, 4),
			   "outer IPv4 source not our RLOC");
	else
		BC_REQUIRE((c->flags & LISPD_CFG_RLOC6) && !memcmp(o.src, c->rloc6, 16),
			   "outer IPv6 source not our RLOC");
	BC_REQUIRE(o.dport == LISPD_DATA_PORT, "outer UDP port not 4341");
	bc_lisp_hdr(&o.lisp, c);
	return o.hl + 16;
}

/* The inner IP header at ip, n bytes to the end of the frame: its own
 * lengths must fit in what the outer headers carried. */
static inline void bc_inner_fits(const uint8_t *ip, size_t n)
{
	BC_REQUIRE(n >= 20, "inner packet shorter than an IPv4 header");
	if ((ip[0] >> 4) == 4) {
		size_t hl = (size_t)(ip[0] & 0x0f) * 4, tot = tb_get16(ip + 2);

		BC_REQUIRE(hl >= 20 && hl <= tot && tot <= n,
			   "inner IPv4 lengths do not fit the packet carrying it");
	} else {
		BC_REQUIRE((ip[0] >> 4) == 6, "inner packet neither IPv4 nor IPv6");
		BC_REQUIRE(n >= 40 && 40 + (size_t)tb_get16(ip + 4) <= n,
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
		BC_REQUIRE(tb_ip4_csum_ok(got) == tb_ip4_csum_ok(want),
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
	return tb_get16(in + 12) == 0x0800 ? (size_t)(in[14] & 0x0f) * 4 + 16 : 56;
}

/* The inner TTL every decapsulation leaves: min(inner, outer). */
static inline uint8_t bc_min_ttl(const uint8_t *in, size_t oh)
{
	const uint8_t *inner = in + 14 + oh;
	uint8_t o = tb_get16(in + 12) == 0x0800 ? in[14 + 8] : in[14 + 7];
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
	BC_REQUIRE(tb_get16(out + 12) == ((out[14] >> 4) == 4 ? 0x0800 : 0x86DD),
		   "EtherType does not match the inner packet");
	if (lmn_mac)
		BC_REQUIRE(!memcmp(out, c->lmn_mac, 6) && !memcmp(out + 6, zero, 6),
			   "delivered frame not addressed to lmn");
	else
		BC_REQUIRE(!memcmp(out, in, 12), "MAC addresses changed by decapsulation");
	bc_inner_same(out + 14, inner, olen - 14, bc_min_ttl(in, oh));
	bc_inner_fits(out + 14, olen - 14);
}

/* Re-encapsulation (PETR hairpin, RTR) under oh bytes of new outer
 * headers: inner TTL = min(inner, outer) - 1, copied into the outer
 * header. */
static inline void bc_reencap(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen,
			      size_t oh)
{
	size_t ioh = bc_lisp_outer_len(in);
	const uint8_t *inner = out + 14 + oh;
	uint8_t ttl = (uint8_t)(bc_min_ttl(in, ioh) - 1);

	BC_REQUIRE(ilen >= 14 + ioh + 20 && olen - oh == ilen - ioh,
		   "re-encapsulation changed the inner length");
	BC_REQUIRE(out[14 + (oh == LISPD_OVERHEAD4 ? 8 : 7)] == ttl, "re-encapsulated outer TTL");
	bc_inner_same(inner, in + 14 + ioh, olen - 14 - oh, ttl);
	bc_inner_fits(inner, olen - 14 - oh);
}

/* PETR hairpin, RTR from a NATed node: toward a locator, as an ITR. */
static inline void bc_hairpin(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen,
			      const struct lispd_dp_config *c)
{
	bc_reencap(in, ilen, out, olen, bc_outer(out, olen, c));
}

/* RTR to the NATed node: IPv4 from the RLOC it registered through, UDP
 * 4342 to its NAT's address and port. */
static inline void bc_to_nat(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen,
			     const struct lispd_dp_config *c)
{
	struct tb_lisp_seen o;
	uint8_t a[16];

	BC_READ(tb_read_lisp(out, olen, &o));
	BC_REQUIRE(o.family == LISPD_AF_INET, "to a NATed node over IPv6");
	tb_addr(a, LISPD_AF_INET, BW_NAT_R);
	BC_REQUIRE(!memcmp(o.src, a, 16), "outer source not the RLOC the node registered through");
	tb_addr(a, LISPD_AF_INET, BW_NAT_G);
	BC_REQUIRE(!memcmp(o.dst, a, 16), "outer destination not the node's NAT");
	BC_REQUIRE(o.sport == LISPD_CTRL_PORT && o.dport == BW_NAT_G1, "outer UDP ports");
	bc_lisp_hdr(&o.lisp, c);
	bc_reencap(in, ilen, out, olen, LISPD_OVERHEAD4);
}

/* Too big: ICMP frag-needed / ICMPv6 Packet Too Big quoting the input's
 * IP packet, back toward its source (MACs swapped; bpf_frame.h). */
static inline void bc_icmp(const uint8_t *in, size_t ilen, const uint8_t *out, size_t olen)
{
	uint32_t mtu;

	BC_READ(tb_read_too_big(out, olen, in, ilen, &mtu));
}

#endif
