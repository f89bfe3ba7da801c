/* The PxTR data plane (bpf/lispd_pxtr.bpf.c) through BPF_PROG_TEST_RUN:
 * lispd_petr_decap (proxy-ETR: decapsulate LISP data whose inner source is
 * EID space, hand it to the stack; hairpin: re-encapsulate it when its
 * destination is EID space too) and lispd_pitr_encap (proxy-ITR:
 * encapsulate traffic from non-LISP hosts to EID space). Frames are built
 * here (LISP header by the codec) and the results parsed independently:
 * the decapsulated frame compared byte by byte with the inner packet we put
 * in, the encapsulated one read field by field as a receiver would. */
#include "test_bpf_util.h"

#define EID_SPACE4 "198.18.0.0"     /* /15 */
#define EID_SPACE6 "2001:db8:e1d::" /* /48 */
#define MN_EID4 "198.18.0.1"
#define MN_EID6 "2001:db8:e1d::1"
#define HOST4 "203.0.113.50"        /* the non-LISP host */
#define HOST6 "2001:db8:0:77::50"
#define SPOOF4 "198.20.0.9"         /* outside the EID space */
#define SPOOF6 "2001:db8:e1e::9"
#define RLOC4 "192.0.2.1"           /* the PxTR's RLOCs */
#define RLOC6 "2001:db8::1"
#define MN_RLOC4 "198.51.100.10"
#define MN_RLOC6 "2001:db8:0:1::10"
#define MN2_EID4 "198.18.0.2"       /* another mobile node: EID to EID */
#define MN2_EID6 "2001:db8:e1d::2"
#define MN2_RLOC4 "203.0.113.11"
#define MN2_RLOC6 "2001:db8:0:2::11"

/* ---- fixtures --------------------------------------------------------------- */

static int setup(void **state)
{
	struct tb *p = tb_setup_object(state, TB_PXTR);

	if (!p)
		return -1;
	p->cfg.miss_policy = LISPD_MISS_DROP;
	tb_set_rloc(p, LISPD_AF_INET, RLOC4);
	tb_set_rloc(p, LISPD_AF_INET6, RLOC6);
	assert_int_equal(tb_push_cfg(p), 0);
	assert_int_equal(tb_add_space(p, 0, LISPD_AF_INET, EID_SPACE4, 15), 0);
	assert_int_equal(tb_add_space(p, 0, LISPD_AF_INET6, EID_SPACE6, 48), 0);
	return 0;
}

/* ---- PETR ------------------------------------------------------------------- */

/* The MN's packet to a non-LISP host, encapsulated to the PETR. */
static void lisp_pkt_init(struct tb_lisp *l, uint8_t inner, uint8_t outer)
{
	bool i4 = inner == LISPD_AF_INET, o4 = outer == LISPD_AF_INET;

	tb_lisp_init(l, inner, i4 ? MN_EID4 : MN_EID6, i4 ? HOST4 : HOST6, outer,
		     o4 ? MN_RLOC4 : MN_RLOC6, o4 ? RLOC4 : RLOC6);
}

/* Runs the PETR on l; returns the verdict, the output frame in out and the
 * input frame in in (both TB_PKT_MAX). */
static uint32_t petr(struct tb *p, const struct tb_lisp *l, uint8_t *in, size_t *in_len,
		     uint8_t *inner, size_t *inner_len, uint8_t *out, size_t *out_len)
{
	*in_len = tb_lisp_build(l, in, inner, inner_len);
	return tb_run(p->petr_fd, in, *in_len, out, out_len);
}

/* Decapsulated: same MACs as arrived (the frame was for this interface),
 * the inner EtherType, then exactly the inner packet. */
static void check_decapsulated(const uint8_t *out, size_t out_len, const uint8_t *inner,
			       size_t inner_len, uint8_t family)
{
	assert_int_equal(out_len, 14 + inner_len);
	assert_memory_equal(out, TB_MAC_DST, 6);
	assert_memory_equal(out + 6, TB_MAC_SRC, 6);
	assert_int_equal((out[12] << 8) | out[13], tb_ethertype(family));
	assert_memory_equal(out + 14, inner, inner_len);
}

static const struct tb_families petr_cases[] = {
	{ "test_petr_4in4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_petr_6in6", LISPD_AF_INET6, LISPD_AF_INET6 },
	/* A family change: TC_ACT_OK (not the re-injection) where the kernel
	 * has the DECAP_L3 flags proves it updated skb->protocol along with
	 * them. */
	{ "test_petr_6in4", LISPD_AF_INET6, LISPD_AF_INET },
	{ "test_petr_4in6", LISPD_AF_INET, LISPD_AF_INET6 },
};

static void test_petr_ok(void **state)
{
	struct tb *p = *state;
	const struct tb_families *f = p->row;
	uint8_t inner_family = f->inner, outer_family = f->outer;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;
	uint32_t want = TB_ACT_OK;

	/* Without the DECAP_L3 flags skb->protocol still names the outer family
	 * after a family change, so the PETR re-injects the frame (redirect into
	 * its own ingress) for the stack to classify it again. */
	if (inner_family != outer_family && !tb_decap_l3_flags)
		want = TB_ACT_REDIRECT;
	lisp_pkt_init(&l, inner_family, outer_family);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), want);
	check_decapsulated(out, out_len, inner, inner_len, inner_family);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 0);
}

/* A source outside the EID space (a spoofer, or a site the PETR does not
 * serve) is dropped and counted, both families, and nothing is forwarded. */
static void test_petr_spoofed_source(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, SPOOF4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET6, SPOOF6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	/* The RLOC of the sender is no EID either: an outer-looking source. */
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, MN_RLOC4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 3);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
}

/* The edges of the allowed prefix: the last address inside, the first
 * after it. */
static void test_petr_prefix_edges(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, "198.19.255.255");
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	tb_addr(l.inner.src, LISPD_AF_INET, "198.20.0.0");
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	tb_addr(l.inner.src, LISPD_AF_INET, "198.17.255.255");
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 2);
}

/* With instance-ids the space is per instance: the same source in another
 * instance is not allowed, and the instance-id check of every ETR holds. */
static void test_petr_instance(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;

	p->cfg.flags |= LISPD_CFG_USE_IID;
	p->cfg.iid = 77;
	assert_int_equal(tb_push_cfg(p), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 77;
	/* The space was configured for instance 0 only. */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 1);
	assert_int_equal(tb_add_space(p, 77, LISPD_AF_INET, EID_SPACE4, 15), 0);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	check_decapsulated(out, out_len, inner, inner_len, LISPD_AF_INET);
	l.lh.iid = 78;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_DECAP_IID), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
}

/* Inner TTL = min(inner, outer), with a valid IPv4 header checksum. */
static void test_petr_ttl(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.outer.ttl = 5;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, 14 + inner_len);
	assert_int_equal(out[14 + 8], 5);
	assert_int_equal(tb_csum(out + 14, 20, 0), 0);
	assert_memory_equal(out + 14 + 20, inner + 20, inner_len - 20);
}

/* What is not LISP data for our RLOC passes untouched; bad LISP headers
 * are dropped by the checks every ETR shares. */
static void test_petr_pass_and_header_checks(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;
	struct tb_ip plain;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.outer.dst, LISPD_AF_INET, "192.0.2.99");   /* another RLOC */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.dport = LISPD_CTRL_PORT;                           /* control: for the daemon */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	tb_ip_init(&plain, LISPD_AF_INET, HOST4, RLOC4);     /* native traffic to us */
	in_len = tb_frame(in, &plain);
	assert_int_equal(tb_run(p->petr_fd, in, in_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	assert_int_equal(tb_stat(p, LISPD_STAT_DECAP_PASS), 3);

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.kk = 1;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_DECAP_KEY_ID), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);

	/* An inner IPv6 payload length beyond the datagram (found by
	 * fuzz_bpf): dropped, not forwarded truncated. */
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	in[14 + 40 + 16 + 4] = 0xaf;
	assert_int_equal(tb_run(p->petr_fd, in, in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_DECAP_TRUNC), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
}

/* ---- PITR ------------------------------------------------------------------- */

/* The non-LISP host's packet to the MN's EID, as it arrives on the
 * non-LISP-facing interface. */
static void host_packet(struct tb_ip *ip, uint8_t family)
{
	if (family == LISPD_AF_INET)
		tb_ip_init(ip, family, HOST4, MN_EID4);
	else
		tb_ip_init(ip, family, HOST6, MN_EID6);
}

static void map_mn(struct tb *p, uint8_t eid_family, uint8_t loc_family)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, loc_family, loc_family == LISPD_AF_INET ? MN_RLOC4 : MN_RLOC6, 1, 100, true);
	if (eid_family == LISPD_AF_INET)
		assert_int_equal(tb_add_mc(p, 0, eid_family, MN_EID4, 32, &v), 0);
	else
		assert_int_equal(tb_add_mc(p, 0, eid_family, MN_EID6, 128, &v), 0);
}

static uint32_t pitr(struct tb *p, const struct tb_ip *ip, uint8_t *in, size_t *in_len,
		     uint8_t *out, size_t *out_len)
{
	*in_len = tb_frame(in, ip);
	return tb_run(p->pitr_fd, in, *in_len, out, out_len);
}

/* The encapsulated frame, read as the MN would: from our RLOC to the MN's,
 * UDP 4341, LISP header without instance-id, then the host's packet
 * unchanged. */
static void check_encapsulated(const uint8_t *out, size_t n, const uint8_t *in, size_t in_len,
			       uint8_t outer_family)
{
	bool v4 = outer_family == LISPD_AF_INET;
	struct tb_lisp_seen o;

	tb_assert_encap(out, n, outer_family, v4 ? RLOC4 : RLOC6, v4 ? MN_RLOC4 : MN_RLOC6, &o);
	assert_int_equal(n, in_len + o.hl + 16);
	assert_false(o.lisp.i);
	assert_memory_equal(o.inner, in + 14, in_len - 14);
}

/* A hit: the host (no EID, no local-EID entry anywhere) reaches the MN. The
 * mobile node's "source must be a local EID" rule does not apply here. */
static const struct tb_families pitr_hits[] = {
	{ "test_pitr_hit_4in4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_pitr_hit_6in4", LISPD_AF_INET6, LISPD_AF_INET },
	{ "test_pitr_hit_4in6", LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_pitr_hit_6in6", LISPD_AF_INET6, LISPD_AF_INET6 },
};

static void test_pitr_hit(void **state)
{
	struct tb *p = *state;
	const struct tb_families *f = p->row;
	uint8_t inner = f->inner, outer = f->outer;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, out_len;
	struct tb_ip ip;

	map_mn(p, inner, outer);
	host_packet(&ip, inner);
	ip.proto = 6;
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_REDIRECT);
	check_encapsulated(out, out_len, in, in_len, outer);
	assert_int_equal(tb_stat(p, LISPD_STAT_ENCAP_OK), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 0);
}

/* A miss is dropped, counted, and raises one event naming the destination
 * EID and the non-LISP source, for the daemon to resolve. */
static void test_pitr_miss(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX], want[16];
	size_t in_len, out_len;
	struct tb_events e;
	struct tb_ip ip;

	host_packet(&ip, LISPD_AF_INET6);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_MISS_POLICY), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[0].family, LISPD_AF_INET6);
	tb_addr(want, LISPD_AF_INET6, MN_EID6);
	assert_memory_equal(e.ev[0].dst, want, 16);
	tb_addr(want, LISPD_AF_INET6, HOST6);
	assert_memory_equal(e.ev[0].src, want, 16);
	/* Resolved: the next packet goes out. */
	map_mn(p, LISPD_AF_INET6, LISPD_AF_INET);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_REDIRECT);
	check_encapsulated(out, out_len, in, in_len, LISPD_AF_INET);
}

/* Negative entries: drop actions drop (counted per reason);
 * send-map-request drops and notifies; natively-forward leaves the packet
 * to the stack untouched (at a PITR it means "not LISP after all"). */
static void test_pitr_negative(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, out_len;
	struct tb_events e;
	struct tb_ip ip;

	host_packet(&ip, LISPD_AF_INET);
	v.action = LISPD_ACT_DROP;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v), 0);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_NEG_DROP), 1);
	v.action = LISPD_ACT_DROP_POLICY;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v), 0);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_NEG_POLICY), 1);

	v.action = LISPD_ACT_SEND_MAP_REQUEST;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v), 0);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_NEG_SEND_MAP_REQUEST), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NEG_SMR);

	v.action = LISPD_ACT_NATIVE_FORWARD;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v), 0);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
	assert_int_equal(tb_stat(p, LISPD_STAT_PITR_NATIVE_FORWARD), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_ENCAP_PETR), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_ENCAP_OK), 0);
}

/* Destinations outside the EID space are native traffic: untouched even
 * when a map-cache entry would cover them (the PITR takes only EID space),
 * and so is what is not IP. */
static void test_pitr_not_eid_space(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, out_len;
	struct tb_ip ip;
	uint8_t arp[28] = { 0 };

	tb_loc(&v.ls, LISPD_AF_INET, MN_RLOC4, 1, 100, true);
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v), 0);
	tb_ip_init(&ip, LISPD_AF_INET, HOST4, "198.20.0.1");
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
	tb_ip_init(&ip, LISPD_AF_INET6, HOST6, "2001:db8:e1e::1");
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	in_len = tb_build_eth(in, 0x0806, arp, sizeof(arp));
	assert_int_equal(tb_run(p->pitr_fd, in, in_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(tb_stat(p, LISPD_STAT_PITR_PASS), 3);
	assert_int_equal(tb_stat(p, LISPD_STAT_ENCAP_OK), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 0);
}

/* Too big once encapsulated: the ICMP answer goes back toward the sender,
 * addressed to the sender's MAC (the frame's source), from the EID it
 * wanted to reach, announcing the MTU left inside the tunnel. */
static void test_pitr_too_big(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, out_len;
	struct tb_ip ip;

	map_mn(p, LISPD_AF_INET, LISPD_AF_INET);
	host_packet(&ip, LISPD_AF_INET);
	ip.frag = 0x4000;
	ip.payload = 1465 - 28;
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_REDIRECT);
	assert_int_equal(tb_assert_too_big(out, out_len, in, in_len), 1500 - 36);
	assert_int_equal(tb_stat(p, LISPD_STAT_ICMP_FRAG_NEEDED), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_ENCAP_OK), 0);
}

/* ---- PETR hairpin: EID to EID --------------------------------------------- */

/* The MN's packet to another MN's EID, sent to the PETR on a map-cache miss. */
static void eid_pkt_init(struct tb_lisp *l, uint8_t inner, uint8_t outer)
{
	lisp_pkt_init(l, inner, outer);
	tb_addr(l->inner.dst, inner, inner == LISPD_AF_INET ? MN2_EID4 : MN2_EID6);
}

static void map_mn2(struct tb *p, uint32_t iid, uint8_t eid_family, const char *loc,
		    uint8_t loc_family)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, loc_family, loc, 1, 100, true);
	if (eid_family == LISPD_AF_INET)
		assert_int_equal(tb_add_mc(p, iid, eid_family, MN2_EID4, 32, &v), 0);
	else
		assert_int_equal(tb_add_mc(p, iid, eid_family, MN2_EID6, 128, &v), 0);
}

/* The re-encapsulated frame, read as the destination MN would: outer from
 * our RLOC to want_rloc, lengths and IPv4 checksum right, outer TTL = the
 * inner one, UDP 4341, LISP header (codec), then exactly want_inner. */
static void check_hairpinned(const uint8_t *out, size_t n, const uint8_t *want_inner,
			     size_t inner_len, uint8_t outer_family, const char *want_rloc,
			     uint8_t ttl, uint32_t iid)
{
	struct tb_lisp_seen o;

	tb_assert_encap(out, n, outer_family, outer_family == LISPD_AF_INET ? RLOC4 : RLOC6,
			want_rloc, &o);
	assert_int_equal(n, 14 + o.hl + 16 + inner_len);
	assert_int_equal(o.ttl, ttl);
	assert_int_equal(o.lisp.i, iid != 0);
	if (iid)
		assert_int_equal(o.lisp.iid, iid);
	assert_memory_equal(o.inner, want_inner, inner_len);
}

/* A hit: sent on to the other MN's RLOC, from ours, inner TTL one lower,
 * whatever the families in and out. Nothing reaches the stack. The
 * source's mapping was missing: asked for, for the way back. */
static const struct hairpin {
	const char *name;
	uint8_t inner, outer_in, outer_out;
} hairpins[] = {
	{ "test_hairpin_4in4", LISPD_AF_INET, LISPD_AF_INET, LISPD_AF_INET },
	{ "test_hairpin_6in6", LISPD_AF_INET6, LISPD_AF_INET6, LISPD_AF_INET6 },
	{ "test_hairpin_6in4", LISPD_AF_INET6, LISPD_AF_INET, LISPD_AF_INET },
	/* The destination's locator of the other family: the outer header
	 * grows or shrinks by 20 bytes. */
	{ "test_hairpin_4in4_to_4in6", LISPD_AF_INET, LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_hairpin_6in6_to_6in4", LISPD_AF_INET6, LISPD_AF_INET6, LISPD_AF_INET },
};

static void test_hairpin(void **state)
{
	struct tb *p = *state;
	const struct hairpin *h = p->row;
	uint8_t inner_family = h->inner, outer_in = h->outer_in, outer_out = h->outer_out;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX], a[16];
	size_t in_len, inner_len, out_len, want_len;
	struct tb_events e;
	struct tb_lisp l;

	map_mn2(p, 0, inner_family, outer_out == LISPD_AF_INET ? MN2_RLOC4 : MN2_RLOC6, outer_out);
	eid_pkt_init(&l, inner_family, outer_in);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = tb_inner_ttl(want, &l.inner, 63);   /* min(64, outer 200) - 1 */
	assert_int_equal(want_len, inner_len);
	check_hairpinned(out, out_len, want, want_len, outer_out,
			 outer_out == LISPD_AF_INET ? MN2_RLOC4 : MN2_RLOC6, 63, 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_SRC_MISS), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 1);
	tb_addr(a, inner_family, inner_family == LISPD_AF_INET ? MN_EID4 : MN_EID6);
	assert_memory_equal(e.ev[0].dst, a, 16);

	/* Source mapped now: no further request, same result. */
	map_mn(p, inner_family, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	check_hairpinned(out, out_len, want, want_len, outer_out,
			 outer_out == LISPD_AF_INET ? MN2_RLOC4 : MN2_RLOC6, 63, 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 2);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_SRC_MISS), 1);
}

/* A miss: dropped and counted, never sent to a PETR; events for the
 * destination (to forward the next packets) and for the source (the way
 * back); once resolved, the next packet is hairpinned. */
static void test_hairpin_miss(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[16];
	size_t in_len, inner_len, out_len;
	struct tb_events e;
	struct tb_lisp l;

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_SRC_MISS), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_ENCAP_PETR), 0);
	tb_drain(p, &e);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[0].family, LISPD_AF_INET);
	tb_addr(want, LISPD_AF_INET, MN2_EID4);
	assert_memory_equal(e.ev[0].dst, want, 16);
	assert_memory_equal(e.ev[1].src, want, 16);
	tb_addr(want, LISPD_AF_INET, MN_EID4);
	assert_memory_equal(e.ev[0].src, want, 16);
	assert_memory_equal(e.ev[1].dst, want, 16);
	assert_int_equal(e.ev[1].reason, LISPD_MISS_NO_ENTRY);

	/* Within the miss interval: dropped again, no new events. */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 2);
	tb_drain(p, &e);
	assert_int_equal(e.n, 0);

	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 1);
}

/* Destinations outside the EID space keep the native path, even with a
 * map-cache entry covering them; a spoofed source is refused before any
 * hairpin, even toward a mapped EID. */
static void test_hairpin_only_eid_to_eid(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, inner_len, out_len;
	struct tb_events e;
	struct tb_lisp l;

	tb_loc(&v.ls, LISPD_AF_INET, MN2_RLOC4, 1, 100, true);
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);    /* to HOST4 */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	check_decapsulated(out, out_len, inner, inner_len, LISPD_AF_INET);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, SPOOF4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	eid_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET6, SPOOF6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 2);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 0);
	tb_drain(p, &e);
	assert_int_equal(e.n, 0);
}

/* Never back to ourselves: not for a packet claiming to come from our own
 * RLOC, not toward a destination mapped to our RLOC. */
static void test_hairpin_loop(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;

	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.outer.src, LISPD_AF_INET, RLOC4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET6);
	tb_addr(l.outer.src, LISPD_AF_INET6, RLOC6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_LOOP), 2);

	map_mn2(p, 0, LISPD_AF_INET, RLOC4, LISPD_AF_INET);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	map_mn2(p, 0, LISPD_AF_INET, RLOC6, LISPD_AF_INET6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_LOOP), 4);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
}

/* TTL = min(inner, outer) - 1, written into both headers; a packet that
 * would leave with 0 is dropped. */
static void test_hairpin_ttl(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
	size_t in_len, inner_len, out_len, want_len;
	struct tb_lisp l;

	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	map_mn2(p, 0, LISPD_AF_INET6, MN2_RLOC4, LISPD_AF_INET);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.outer.ttl = 2;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = tb_inner_ttl(want, &l.inner, 1);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 1, 0);
	eid_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	l.inner.ttl = 9;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = tb_inner_ttl(want, &l.inner, 8);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 8, 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 2);

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.inner.ttl = 1;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	eid_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	l.outer.ttl = 1;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_TTL), 2);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 2);
}

/* Negative entries: natively-forward means "not LISP": the native path
 * (decapsulated, TTL as on any PETR decap); drop actions drop, counted;
 * send-map-request drops and notifies. */
static void test_hairpin_negative(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, inner_len, out_len;
	struct tb_events e;
	struct tb_lisp l;

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	v.action = LISPD_ACT_NATIVE_FORWARD;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, MN2_EID4, 32, &v), 0);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	check_decapsulated(out, out_len, inner, inner_len, LISPD_AF_INET);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);

	v.action = LISPD_ACT_DROP;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, MN2_EID4, 32, &v), 0);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_NEG_DROP), 1);

	v.action = LISPD_ACT_SEND_MAP_REQUEST;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, MN2_EID4, 32, &v), 0);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_MISS_POLICY), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NEG_SMR);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
}

/* A packet that arrived as large as the RLOC interface allows fits again
 * with the same outer family, not with a 20 bytes longer IPv6 header:
 * dropped, counted (an ICMP answer would go to an EID nobody here routes). */
static void test_hairpin_too_big(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
	size_t in_len, inner_len, out_len, want_len;
	struct tb_lisp l;

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.inner.payload = TB_PHYS_MTU - 36 - 28;
	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC6, LISPD_AF_INET6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(in_len, 14 + TB_PHYS_MTU);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG), 1);
	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = tb_inner_ttl(want, &l.inner, 63);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 63, 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_ICMP_FRAG_NEEDED), 0);
}

/* With instance-ids: looked up and sent on in our instance. */
static void test_hairpin_instance(void **state)
{
	struct tb *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
	size_t in_len, inner_len, out_len, want_len;
	struct tb_lisp l;

	p->cfg.flags |= LISPD_CFG_USE_IID;
	p->cfg.iid = 77;
	assert_int_equal(tb_push_cfg(p), 0);
	assert_int_equal(tb_add_space(p, 77, LISPD_AF_INET, EID_SPACE4, 15), 0);
	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC6, LISPD_AF_INET6);   /* another instance */
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 77;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 1);
	map_mn2(p, 77, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = tb_inner_ttl(want, &l.inner, 63);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 63, 77);
}

/* No config entry yet (the daemon has not filled it): everything passes. */
static void test_no_config_passes(void **state)
{
	struct tb *p = tb_load(TB_PXTR, 0);
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct tb_lisp l;
	struct tb_ip ip;

	(void)state;
	assert_non_null(p);
	/* An ARRAY entry always exists: all zeroes = no RLOC, nothing for us. */
	memset(&p->cfg, 0, sizeof(p->cfg));
	assert_int_equal(tb_push_cfg(p), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	host_packet(&ip, LISPD_AF_INET);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	tb_free(p);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_petr_spoofed_source, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_petr_prefix_edges, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_petr_instance, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_petr_ttl, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_petr_pass_and_header_checks, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_pitr_miss, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_pitr_negative, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_pitr_not_eid_space, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_pitr_too_big, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_miss, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_only_eid_to_eid, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_loop, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_ttl, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_negative, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_too_big, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_instance, setup, tb_teardown),
		cmocka_unit_test(test_no_config_passes),
	};
	static struct tb_tests l;

	TB_ROWS(&l, NULL, petr_cases, test_petr_ok, setup, tb_teardown);
	TB_ROWS(&l, NULL, pitr_hits, test_pitr_hit, setup, tb_teardown);
	TB_ROWS(&l, NULL, hairpins, test_hairpin, setup, tb_teardown);
	TB_TESTS(&l, tests);
	return tb_run_tests(&l);
}
