/* Decapsulation through BPF_PROG_TEST_RUN, every test run twice: on the TC
 * ingress program (lispd_decap) and on its XDP variant (lispd_decap_xdp),
 * which share their checks. LISP frames built here (LISP header by the
 * codec), the delivered frame checked byte by byte against the inner packet
 * we put in. Verdicts differ per hook only in their numbers: deliver is TC
 * redirect / XDP pass, pass is TC ok / XDP pass (told apart from delivery
 * by the untouched frame and the counters), drop is TC shot / XDP drop. */
#include <sys/utsname.h>

#include "pcap_file.h"
#include "test_bpf_util.h"
#include "../common/testutil.h"

#define EID4 "198.18.0.1"
#define EID6 "2001:db8:e1d::1"
#define PEER4 "198.19.1.7"
#define PEER6 "2001:db8:e1d:2::7"
#define RLOC4 "192.0.2.1"
#define RLOC6 "2001:db8::1"
#define PEER_RLOC4 "198.51.100.10"
#define PEER_RLOC6 "2001:db8:0:1::10"

/* lmn's MAC in the config: TC decap addresses delivered frames to it. */
static const uint8_t LMN_MAC[6] = { 0x02, 0x4c, 0x4d, 0x4e, 0x00, 0x01 };
static const uint8_t ZERO_MAC[6];

/* The probe agrees with the kernel's version: the flags came in 6.3. */
static void test_probe_decap_l3(void **state)
{
	struct utsname u;
	int major = 0, minor = 0;

	(void)state;
	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%d.%d", &major, &minor), 2);
	assert_int_equal(tb_decap_l3_flags, major > 6 || (major == 6 && minor >= 3));
}

static bool use_xdp;   /* hook of the test being set up */

/* The decapsulation program under test and its verdicts. */
static int dfd(const struct tb *t)
{
	return t->xdp ? t->decap_xdp_fd : t->decap_fd;
}

static uint32_t v_deliver(const struct tb *t)
{
	return t->xdp ? TB_XDP_PASS : TB_ACT_REDIRECT;
}

static uint32_t v_pass(const struct tb *t)
{
	return t->xdp ? TB_XDP_PASS : TB_ACT_OK;
}

static uint32_t v_drop(const struct tb *t)
{
	return t->xdp ? TB_XDP_DROP : TB_ACT_SHOT;
}

static int setup(void **state)
{
	struct tb *t = tb_setup_object(state, TB_MN);

	if (!t)
		return -1;
	tb_set_rloc(t, LISPD_AF_INET, RLOC4);
	tb_set_rloc(t, LISPD_AF_INET6, RLOC6);
	t->cfg.flags |= LISPD_CFG_LMN_MAC;
	memcpy(t->cfg.lmn_mac, LMN_MAC, sizeof(LMN_MAC));
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_add_eid(t, 0, LISPD_AF_INET, EID4), 0);
	assert_int_equal(tb_add_eid(t, 0, LISPD_AF_INET6, EID6), 0);
	t->xdp = use_xdp;
	return 0;
}

static int setup_tc(void **state)
{
	use_xdp = false;
	return setup(state);
}

static int setup_xdp(void **state)
{
	use_xdp = true;
	return setup(state);
}

/* What a peer would send us: inner PEER -> our EID, outer PEER_RLOC -> RLOC. */
static void lisp_pkt_init(struct tb_lisp *l, uint8_t inner, uint8_t outer)
{
	bool i4 = inner == LISPD_AF_INET, o4 = outer == LISPD_AF_INET;

	tb_lisp_init(l, inner, i4 ? PEER4 : PEER6, i4 ? EID4 : EID6, outer,
		     o4 ? PEER_RLOC4 : PEER_RLOC6, o4 ? RLOC4 : RLOC6);
}

static uint32_t decap(struct tb *t, const struct tb_lisp *l, uint8_t *out, size_t *out_len)
{
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX];
	size_t n, il;

	n = tb_lisp_build(l, frame, inner, &il);
	return tb_run(dfd(t), frame, n, out, out_len);
}

/* The frame left untouched, verdict OK, counted as pass. */
static void assert_passes(struct tb *t, const uint8_t *frame, size_t n)
{
	uint8_t out[TB_PKT_MAX];
	size_t out_len;
	uint64_t before = tb_stat(t, LISPD_STAT_DECAP_PASS);

	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_pass(t));
	assert_int_equal(out_len, n);
	assert_memory_equal(out, frame, n);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_PASS), before + 1);
}

static void assert_drop(struct tb *t, const struct tb_lisp *l, uint32_t stat)
{
	uint64_t before = tb_stat(t, stat), ok = tb_stat(t, LISPD_STAT_DECAP_OK);

	assert_int_equal(decap(t, l, NULL, NULL), v_drop(t));
	assert_int_equal(tb_stat(t, stat), before + 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), ok);
}

/* TC delivers into lmn, so the frame must be addressed to lmn's MAC (from
 * nobody in particular); XDP hands it to the stack of the physical interface
 * it arrived on, addressed as it was. */
static void assert_delivered_macs(const struct tb *t, const uint8_t *out, const uint8_t *frame)
{
	if (t->xdp) {
		assert_memory_equal(out, frame, 12);
		return;
	}
	assert_memory_equal(out, LMN_MAC, 6);
	assert_memory_equal(out + 6, ZERO_MAC, 6);
}

/* ---- the four family combinations ----------------------------------------- */

static const struct tb_families combos[] = {
	{ "test_4in4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_6in4", LISPD_AF_INET6, LISPD_AF_INET },
	{ "test_4in6", LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_6in6", LISPD_AF_INET6, LISPD_AF_INET6 },
};

static void test_combo(void **state)
{
	struct tb *t = *state;
	const struct tb_families *f = t->row;
	uint8_t inner_family = f->inner, outer_family = f->outer;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il, out_len;

	lisp_pkt_init(&l, inner_family, outer_family);
	l.inner.proto = 6;
	l.inner.tos = 0x2e;
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	/* lmn's MAC (TC), the inner EtherType, then exactly the inner packet
	 * (outer TTL 200 > inner 64: nothing to lower). */
	assert_int_equal(out_len, 14 + il);
	assert_delivered_macs(t, out, frame);
	assert_int_equal((out[12] << 8) | out[13], tb_ethertype(inner_family));
	assert_memory_equal(out + 14, inner, il);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 1);
	/* A family change without the DECAP_L3 flags: same bytes, counted. */
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_L3_FALLBACK),
			 !t->xdp && inner_family != outer_family && !tb_decap_l3_flags);
}

/* A config without lmn's MAC (written by an older tool, whose lmn carried
 * the physical MAC): the frame keeps the MACs it arrived with. A second MAC
 * in the config changes the destination accordingly. */
static void test_lmn_mac_config(void **state)
{
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	static const uint8_t other[6] = { 0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct tb *t = *state;
	struct tb_lisp l;
	size_t n, il, out_len;

	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	n = tb_lisp_build(&l, frame, inner, &il);

	t->cfg.flags &= ~(uint32_t)LISPD_CFG_LMN_MAC;
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	assert_int_equal(out_len, 14 + il);
	assert_memory_equal(out, frame, 12);
	assert_int_equal((out[12] << 8) | out[13], 0x86DD);
	assert_memory_equal(out + 14, inner, il);

	t->cfg.flags |= LISPD_CFG_LMN_MAC;
	memcpy(t->cfg.lmn_mac, other, sizeof(other));
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	assert_int_equal(out_len, 14 + il);
	if (t->xdp) {
		assert_memory_equal(out, frame, 12);
	} else {
		assert_memory_equal(out, other, 6);
		assert_memory_equal(out + 6, ZERO_MAC, 6);
	}
	assert_int_equal((out[12] << 8) | out[13], 0x86DD);
	assert_memory_equal(out + 14, inner, il);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 2);
}

/* Inner TTL = min(inner, outer); the IPv4 header checksum stays valid and
 * nothing else changes. */
static const struct tb_families ttl_cases[] = {
	{ "test_ttl_min_4in4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_ttl_min_4in6", LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_ttl_min_6in4", LISPD_AF_INET6, LISPD_AF_INET },
};

static void test_ttl_min(void **state)
{
	struct tb *t = *state;
	const struct tb_families *f = t->row;
	uint8_t inner_family = f->inner, outer_family = f->outer;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il, out_len, ttl_at = inner_family == LISPD_AF_INET ? 8 : 7;

	lisp_pkt_init(&l, inner_family, outer_family);
	l.outer.ttl = 5;
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	assert_int_equal(out_len, 14 + il);
	assert_delivered_macs(t, out, frame);
	assert_int_equal(out[14 + ttl_at], 5);
	if (inner_family == LISPD_AF_INET) {
		assert_int_equal(tb_csum(out + 14, 20, 0), 0);
		/* Only TTL and checksum differ from what the peer sent. */
		inner[8] = 5;
		inner[10] = out[14 + 10];
		inner[11] = out[14 + 11];
	} else {
		inner[7] = 5;
	}
	assert_memory_equal(out + 14, inner, il);
}

/* ---- LISP header checks ----------------------------------------------------- */

static void test_key_id_dropped(void **state)
{
	struct tb_lisp l;

	for (uint8_t kk = 1; kk <= 3; kk++) {
		lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
		l.lh.kk = kk;
		assert_drop(*state, &l, LISPD_STAT_DROP_DECAP_KEY_ID);
	}
	assert_int_equal(tb_stat(*state, LISPD_STAT_DROP_DECAP_KEY_ID), 3);
}

/* N and V both set: read as N, the packet is delivered. */
static void test_n_and_v(void **state)
{
	struct tb *t = *state;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	n = tb_lisp_build(&l, frame, inner, &il);
	frame[14 + 20 + 8] |= 0x10;  /* V on top of N */
	assert_int_equal(frame[14 + 20 + 8] & 0x90, 0x90);
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_deliver(t));
	/* Flags an MN ignores (L, E, R, version-only) do not matter either. */
	frame[14 + 20 + 8] = 0x10 | 0x40 | 0x04;
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_deliver(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 2);
}

static void test_iid_configured(void **state)
{
	struct tb *t = *state;
	struct tb_lisp l;

	t->cfg.flags |= LISPD_CFG_USE_IID;
	t->cfg.iid = 42;
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_add_eid(t, 42, LISPD_AF_INET, EID4), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 42;
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	l.lh.iid = 43;
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_IID);
	l.lh.i = false;  /* no IID at all: instance 0, not ours */
	assert_int_equal(decap(t, &l, NULL, NULL), v_drop(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_IID), 2);
}

static void test_iid_not_configured(void **state)
{
	struct tb *t = *state;
	struct tb_lisp l;

	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 0;  /* explicit instance 0 is instance 0 */
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	l.lh.iid = 7;
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_IID);
}

/* IID 0xFFFFFF is a Data-Map-Notify: handed up untouched, for the daemon. */
static void test_data_map_notify_punted(void **state)
{
	struct tb *t = *state;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il, out_len;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = LISPD_IID_DATA_MAP_NOTIFY;
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_pass(t));
	assert_int_equal(out_len, n);
	assert_memory_equal(out, frame, n);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_PUNT_DMN), 1);
}

/* ---- never an open relay ---------------------------------------------------- */

static void test_inner_dst_not_ours(void **state)
{
	struct tb *t = *state;
	struct tb_lisp l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.dst, LISPD_AF_INET, "198.18.0.2");
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_NOT_OUR_EID);
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET6);
	tb_addr(l.inner.dst, LISPD_AF_INET6, "2001:db8:e1d::2");
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_NOT_OUR_EID);
	/* Our EID, but registered in another instance. */
	assert_int_equal(tb_add_eid(t, 9, LISPD_AF_INET, "198.18.0.3"), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.dst, LISPD_AF_INET, "198.18.0.3");
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_NOT_OUR_EID);
}

/* ---- malformed ------------------------------------------------------------ */

static void test_malformed(void **state)
{
	struct tb *t = *state;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il;
	uint64_t trunc;

	/* Cut inside the LISP header. */
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	n = tb_lisp_build(&l, frame, inner, &il);
	frame[14 + 2] = 0;
	frame[14 + 3] = 20 + 8 + 4;
	tb_ip4_fix_csum(frame + 14);
	assert_int_equal(tb_run(dfd(t), frame, 14 + 20 + 8 + 4, NULL, NULL), v_drop(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_TRUNC), 1);

	/* UDP length shorter than UDP + LISP headers, then longer than the packet. */
	n = tb_lisp_build(&l, frame, inner, &il);
	frame[14 + 20 + 4] = 0;
	frame[14 + 20 + 5] = 12;
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	frame[14 + 20 + 4] = 0x7;
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_TRUNC), 3);

	/* Inner neither IPv4 nor IPv6. */
	n = tb_lisp_build(&l, frame, inner, &il);
	frame[14 + 20 + 16] = 0x55;
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_INNER_PROTO), 1);

	/* Inner IPv4 announcing IHL 4, and an inner IPv6 header cut short. */
	n = tb_lisp_build(&l, frame, inner, &il);
	frame[14 + 20 + 16] = 0x44;
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	trunc = tb_stat(t, LISPD_STAT_DROP_DECAP_TRUNC);
	assert_int_equal(trunc, 4);
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	n = tb_lisp_build(&l, frame, inner, &il);
	{
		size_t cut = 14 + 20 + 16 + 30, off = 14 + 2;

		put_u16(frame, n, &off, (uint16_t)(cut - 14), NULL, "len");
		tb_ip4_fix_csum(frame + 14);
		off = 14 + 20 + 4;
		put_u16(frame, n, &off, (uint16_t)(cut - 14 - 20), NULL, "ulen");
		assert_int_equal(tb_run(dfd(t), frame, cut, NULL, NULL), v_drop(t));
	}
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_TRUNC), 5);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 0);
}

/* An inner packet claiming more bytes than the UDP datagram carried (or an
 * IPv4 total length below its own header) is dropped as truncated, never
 * delivered cut short; found by tests/fuzz/fuzz_bpf. Claiming fewer (the
 * rest is padding) is fine: the stack trims it. */
static void set_inner_len(uint8_t *frame, size_t n, uint8_t inner_family, uint16_t len)
{
	size_t in = 14 + 20 + 16, off = in + (inner_family == LISPD_AF_INET ? 2 : 4);

	put_u16(frame, n, &off, len, NULL, "inner len");
	if (inner_family == LISPD_AF_INET)
		tb_ip4_fix_csum(frame + in);
}

static void test_inner_longer_than_datagram(void **state)
{
	struct tb *t = *state;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il, out_len;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	n = tb_lisp_build(&l, frame, inner, &il);
	set_inner_len(frame, n, LISPD_AF_INET, (uint16_t)(il + 1));
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	set_inner_len(frame, n, LISPD_AF_INET, 19);
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	n = tb_lisp_build(&l, frame, inner, &il);
	set_inner_len(frame, n, LISPD_AF_INET6, (uint16_t)(il - 40 + 1));
	assert_int_equal(tb_run(dfd(t), frame, n, NULL, NULL), v_drop(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_TRUNC), 3);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 0);

	/* One byte less than carried: delivered, the byte after it kept. */
	set_inner_len(frame, n, LISPD_AF_INET6, (uint16_t)(il - 40 - 1));
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	assert_int_equal(out_len, 14 + il);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 1);
}

/* ---- not ours: untouched ---------------------------------------------------- */

static void test_not_lisp_passes(void **state)
{
	struct tb *t = *state;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
	struct tb_lisp l;
	struct tb_ip p;
	size_t n, il;

	/* Control traffic on 4342. */
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.dport = LISPD_CTRL_PORT;
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_passes(t, frame, n);
	/* LISP data to an address that is not our RLOC, both families. */
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.outer.dst, LISPD_AF_INET, "192.0.2.2");
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_passes(t, frame, n);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET6);
	tb_addr(l.outer.dst, LISPD_AF_INET6, "2001:db8::2");
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_passes(t, frame, n);
	/* An outer fragment: the stack reassembles it. */
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.outer.frag = 0x2000;  /* MF */
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_passes(t, frame, n);
	/* Plain UDP and TCP to our RLOC, ARP. */
	tb_ip_init(&p, LISPD_AF_INET, PEER_RLOC4, RLOC4);
	n = tb_frame(frame, &p);
	assert_passes(t, frame, n);
	tb_ip_init(&p, LISPD_AF_INET6, PEER_RLOC6, RLOC6);
	p.proto = 6;
	p.dport = LISPD_DATA_PORT;  /* TCP port 4341 is not LISP */
	n = tb_frame(frame, &p);
	assert_passes(t, frame, n);
	n = tb_build_eth(frame, 0x0806, arp, sizeof(arp));
	assert_passes(t, frame, n);
	/* No RLOC of that family configured: nothing is ours. */
	t->cfg.flags &= ~LISPD_CFG_RLOC6;
	assert_int_equal(tb_push_cfg(t), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET6);
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_passes(t, frame, n);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 0);
}

/* ---- round trip: our encapsulation, decapsulated by a peer ------------------ */

/* The encap program's output, fed to a decap program configured as the
 * peer (its RLOC = our locator, its EID = our destination), gives back the
 * packet we started with. */
static void test_round_trip(void **state)
{
	static const uint8_t fam[4][2] = {
		{ LISPD_AF_INET, LISPD_AF_INET }, { LISPD_AF_INET6, LISPD_AF_INET },
		{ LISPD_AF_INET, LISPD_AF_INET6 }, { LISPD_AF_INET6, LISPD_AF_INET6 },
	};
	struct tb *me = *state, *peer = tb_new();
	uint8_t in[TB_PKT_MAX], mid[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t n, mid_len, out_len;

	assert_non_null(peer);
	peer->xdp = me->xdp;
	tb_set_rloc(peer, LISPD_AF_INET, PEER_RLOC4);
	tb_set_rloc(peer, LISPD_AF_INET6, PEER_RLOC6);
	assert_int_equal(tb_push_cfg(peer), 0);
	assert_int_equal(tb_add_eid(peer, 0, LISPD_AF_INET, PEER4), 0);
	assert_int_equal(tb_add_eid(peer, 0, LISPD_AF_INET6, PEER6), 0);
	for (int i = 0; i < 4; i++) {
		struct lispd_mc_value v = { 0 };
		struct tb_ip p;
		uint8_t inner = fam[i][0], outer = fam[i][1];

		tb_loc(&v.ls, outer, outer == LISPD_AF_INET ? PEER_RLOC4 : PEER_RLOC6, 1, 1, true);
		assert_int_equal(tb_add_mc(me, 0, inner, inner == LISPD_AF_INET ? PEER4 : PEER6,
					   inner == LISPD_AF_INET ? 32 : 128, &v), 0);
		tb_ip_init(&p, inner, inner == LISPD_AF_INET ? EID4 : EID6,
			   inner == LISPD_AF_INET ? PEER4 : PEER6);
		p.proto = 6;
		n = tb_frame(in, &p);
		assert_int_equal(tb_run(me->encap_fd, in, n, mid, &mid_len), TB_ACT_REDIRECT);
		assert_int_equal(tb_run(dfd(peer), mid, mid_len, out, &out_len),
				 v_deliver(peer));
		assert_int_equal(out_len, n);
		assert_memory_equal(out, in, n);
	}
	assert_int_equal(tb_stat(peer, LISPD_STAT_DECAP_OK), 4);
	tb_free(peer);
}

/* ---- interop: packets encapsulated by Open Overlay Router ----------------- */

#define OOR_CAPTURE "tests/interop/data/final-c-mn.pcap"

/* The mobile node's link capture (RLOC 192.0.2.66, EID 10.3.3.3): every
 * LISP data packet OOR's xTRs sent to it is delivered as its inner packet;
 * the ones the OOR mobile node sent out are not ours and pass. */
static void test_interop_oor(void **state)
{
	struct tb *t = *state;
	struct pcap_reader r;
	struct pcap_record rec;
	size_t len;
	uint8_t *file = tu_read_file(OOR_CAPTURE, &len);
	int delivered = 0, passed = 0, rc;

	memset(&t->cfg, 0, sizeof(t->cfg));
	t->cfg.lmn_ifindex = TB_LMN_IFINDEX;
	tb_set_rloc(t, LISPD_AF_INET, "192.0.2.66");
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_add_eid(t, 0, LISPD_AF_INET, "10.3.3.3"), 0);
	assert_int_equal(pcap_reader_init(&r, file, len, NULL), 0);
	while ((rc = pcap_reader_next(&r, &rec, NULL)) == 1) {
		uint8_t frame[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
		struct pcap_udp u;
		const uint8_t *inner;
		size_t n, out_len, inner_len;

		if (pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL) ||
		    u.dport != LISPD_DATA_PORT || u.payload_len <= 8 + 20)
			continue;
		n = tb_build_eth(frame, u.ip_version == 4 ? 0x0800 : 0x86DD, u.ip, u.ip_len);
		if (u.ip_version == 4 && !memcmp(u.src, "\xc0\x00\x02\x42", 4)) {
			assert_passes(t, frame, n);
			passed++;
			continue;
		}
		assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
		inner = u.payload + 8;
		inner_len = u.payload_len - 8;
		assert_int_equal(out_len, 14 + inner_len);
		assert_int_equal((out[12] << 8) | out[13], 0x0800);
		memcpy(want, inner, inner_len);
		if (u.ttl < want[8]) {
			want[8] = u.ttl;
			want[10] = out[14 + 10];
			want[11] = out[14 + 11];
		}
		assert_int_equal(tb_csum(out + 14, 20, 0), 0);
		assert_memory_equal(out + 14, want, inner_len);
		delivered++;
	}
	assert_int_equal(rc, 0);
	free(file);
	assert_true(delivered >= 5);
	assert_true(passed >= 5);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), delivered);
}

/* Multihoming: a second RLOC interface's address, listed in lispd_rlocs,
 * is decapsulated like the config's source RLOC (make-before-break: the
 * peer still sends to the interface we are leaving); once removed from the
 * map, packets to it pass untouched, and an address never listed passes. */
static const struct second_rloc {
	const char *name;
	uint8_t outer;
	const char *addr;
} second_rlocs[] = {
	{ "test_second_rloc4", LISPD_AF_INET, "203.0.113.129" },
	{ "test_second_rloc6", LISPD_AF_INET6, "2001:db8:0:4::1" },
};

static void test_second_rloc(void **state)
{
	struct tb *t = *state;
	const struct second_rloc *r = t->row;
	uint8_t outer = r->outer;
	const char *second = r->addr;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n, il, out_len;

	lisp_pkt_init(&l, LISPD_AF_INET, outer);
	tb_addr(l.outer.dst, outer, second);
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_passes(t, frame, n);   /* not (yet) ours */

	assert_int_equal(tb_local_rloc(t, outer, second, true), 0);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	assert_int_equal(out_len, 14 + il);
	assert_memory_equal(out + 14, inner, il);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 1);
	/* The config's own RLOC is still accepted alongside. */
	lisp_pkt_init(&l, LISPD_AF_INET, outer);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 2);

	assert_int_equal(tb_local_rloc(t, outer, second, false), 0);
	assert_passes(t, frame, n);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 2);
}

/* Without any RLOC of a family in the config, an address in lispd_rlocs
 * is still ours (the family's best interface has priority 255, say). */
static void test_rloc_map_only(void **state)
{
	struct tb *t = *state;
	struct tb_lisp l;

	t->cfg.flags &= ~(uint32_t)LISPD_CFG_RLOC4;
	memset(t->cfg.rloc4, 0, 4);
	assert_int_equal(tb_push_cfg(t), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(decap(t, &l, NULL, NULL), v_pass(t));
	assert_int_equal(tb_local_rloc(t, LISPD_AF_INET, RLOC4, true), 0);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 1);
}

/* ---- anti-spoofing: the outer source a locator of the inner source's ----
 * ---- mapping (LISPD_CFG_DECAP_SRC_CHECK) ------------------------------- */

#define OTHER_RLOC4 "203.0.113.77"
#define OTHER_RLOC6 "2001:db8:0:9::77"

static void set_src_check(struct tb *t, bool on)
{
	if (on)
		t->cfg.flags |= LISPD_CFG_DECAP_SRC_CHECK;
	else
		t->cfg.flags &= ~(uint32_t)LISPD_CFG_DECAP_SRC_CHECK;
	assert_int_equal(tb_push_cfg(t), 0);
}

/* The mapping of the peer's EID prefix (PEER4's /24 or PEER6's /64) in
 * instance iid: locators of both families that are not the outer source,
 * plus peer_rloc of family loc_family when given. */
static void add_peer_mapping(struct tb *t, uint32_t iid, uint8_t inner_family,
			     uint8_t loc_family, const char *peer_rloc, bool up)
{
	struct lispd_mc_value v;

	memset(&v, 0, sizeof(v));
	v.action = LISPD_ACT_ENCAP;
	tb_loc(&v.ls, LISPD_AF_INET, OTHER_RLOC4, 1, 50, true);
	tb_loc(&v.ls, LISPD_AF_INET6, OTHER_RLOC6, 1, 50, true);
	if (peer_rloc)
		tb_loc(&v.ls, loc_family, peer_rloc, up ? 2 : 255, 0, up);
	if (inner_family == LISPD_AF_INET)
		assert_int_equal(tb_add_mc(t, iid, LISPD_AF_INET, "198.19.1.0", 24, &v), 0);
	else
		assert_int_equal(tb_add_mc(t, iid, LISPD_AF_INET6, "2001:db8:e1d:2::", 64, &v), 0);
}

/* Off (the default): delivered with or without a mapping, whatever the
 * outer source. */
static void test_src_check_off(void **state)
{
	struct tb *t = *state;
	struct tb_lisp l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	add_peer_mapping(t, 0, LISPD_AF_INET, 0, NULL, true);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_SRC_UNKNOWN), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC), 0);
}

/* On: no mapping -> dropped (unknown); a mapping without the outer source
 * among its locators -> dropped (not a locator); with it -> delivered,
 * byte for byte as without the check. */
static const struct tb_families src_cases[] = {
	{ "test_src_check_4in4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_src_check_6in6", LISPD_AF_INET6, LISPD_AF_INET6 },
	{ "test_src_check_4in6", LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_src_check_6in4", LISPD_AF_INET6, LISPD_AF_INET },
};

static void test_src_check(void **state)
{
	struct tb *t = *state;
	const struct tb_families *f = t->row;
	uint8_t inner_family = f->inner, outer_family = f->outer;
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	const char *peer_rloc = outer_family == LISPD_AF_INET ? PEER_RLOC4 : PEER_RLOC6;
	struct tb_events e;
	struct tb_lisp l;
	size_t n, il, out_len;

	set_src_check(t, true);
	lisp_pkt_init(&l, inner_family, outer_family);
	assert_int_equal(tb_drain_misses(t, &e), 0);
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_UNKNOWN);
	/* The drop asks for the source's mapping: a miss event for the inner
	 * source, from our EID (the way back), once per interval. */
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_UNKNOWN);
	assert_int_equal(tb_drain_misses(t, &e), 0);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].family, inner_family);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_memory_equal(e.ev[0].dst, l.inner.src, inner_family == LISPD_AF_INET ? 4 : 16);
	assert_memory_equal(e.ev[0].src, l.inner.dst, inner_family == LISPD_AF_INET ? 4 : 16);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT_DEDUP), 1);
	add_peer_mapping(t, 0, inner_family, 0, NULL, true);
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC);
	add_peer_mapping(t, 0, inner_family, outer_family, peer_rloc, true);
	n = tb_lisp_build(&l, frame, inner, &il);
	assert_int_equal(tb_run(dfd(t), frame, n, out, &out_len), v_deliver(t));
	assert_int_equal(out_len, 14 + il);
	assert_memory_equal(out + 14, inner, il);
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_SRC_UNKNOWN), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC), 1);
	/* A known source with the wrong outer source is spoofed: no request. */
	assert_int_equal(tb_drain_misses(t, &e), 0);
	assert_int_equal(e.n, 0);
	/* Another peer's EID from the same outer source: not its mapping. */
	tb_addr(l.inner.src, inner_family,
		inner_family == LISPD_AF_INET ? "198.19.2.7" : "2001:db8:e1d:3::7");
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_UNKNOWN);
	/* Off again: delivered. */
	set_src_check(t, false);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
}

/* Every listed locator counts, even one down or of priority 255; a
 * negative entry (no locators) has none; an IPv4 locator whose bytes begin
 * an IPv6 outer source is not it; the lookup is in our instance only. */
static void test_src_check_edges(void **state)
{
	struct tb *t = *state;
	struct lispd_mc_value neg;
	struct tb_lisp l;

	set_src_check(t, true);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	add_peer_mapping(t, 0, LISPD_AF_INET, LISPD_AF_INET, PEER_RLOC4, false);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));

	memset(&neg, 0, sizeof(neg));
	neg.action = LISPD_ACT_NATIVE_FORWARD;
	assert_int_equal(tb_add_mc(t, 0, LISPD_AF_INET, "198.19.1.0", 24, &neg), 0);
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC);

	/* Outer IPv6 2001:db8:..., an IPv4 locator 32.1.13.184 (its first
	 * four bytes). */
	add_peer_mapping(t, 0, LISPD_AF_INET, LISPD_AF_INET, "32.1.13.184", true);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET6);
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC);

	/* Instance 42: the mapping in instance 0 does not vouch. */
	t->cfg.flags |= LISPD_CFG_USE_IID;
	t->cfg.iid = 42;
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_add_eid(t, 42, LISPD_AF_INET, EID4), 0);
	add_peer_mapping(t, 0, LISPD_AF_INET, LISPD_AF_INET, PEER_RLOC4, true);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 42;
	assert_drop(t, &l, LISPD_STAT_DROP_DECAP_SRC_UNKNOWN);
	add_peer_mapping(t, 42, LISPD_AF_INET, LISPD_AF_INET, PEER_RLOC4, true);
	assert_int_equal(decap(t, &l, NULL, NULL), v_deliver(t));
	assert_int_equal(tb_stat(t, LISPD_STAT_DECAP_OK), 2);
}

#define HOOK_TEST(fn) TB_TEST(&l, hooks[h].name, fn, hooks[h].setup)

int main(void)
{
	static const struct {
		const char *name;
		CMFixtureFunction setup;
	} hooks[] = { { "tc", setup_tc }, { "xdp", setup_xdp } };
	static struct tb_tests l;

	tb_add_test(&l, NULL, "test_probe_decap_l3", test_probe_decap_l3, NULL, NULL, NULL);
	for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++) {
		TB_ROWS(&l, hooks[h].name, combos, test_combo, hooks[h].setup, tb_teardown);
		TB_ROWS(&l, hooks[h].name, ttl_cases, test_ttl_min, hooks[h].setup, tb_teardown);
		TB_ROWS(&l, hooks[h].name, second_rlocs, test_second_rloc, hooks[h].setup,
			tb_teardown);
		TB_ROWS(&l, hooks[h].name, src_cases, test_src_check, hooks[h].setup, tb_teardown);
		HOOK_TEST(test_lmn_mac_config);
		HOOK_TEST(test_key_id_dropped);
		HOOK_TEST(test_n_and_v);
		HOOK_TEST(test_iid_configured);
		HOOK_TEST(test_iid_not_configured);
		HOOK_TEST(test_data_map_notify_punted);
		HOOK_TEST(test_inner_dst_not_ours);
		HOOK_TEST(test_malformed);
		HOOK_TEST(test_inner_longer_than_datagram);
		HOOK_TEST(test_not_lisp_passes);
		HOOK_TEST(test_round_trip);
		HOOK_TEST(test_interop_oor);
		HOOK_TEST(test_src_check_off);
		HOOK_TEST(test_src_check_edges);
	}
	TB_TEST(&l, "tc", test_rloc_map_only, setup_tc);
	return tb_run_tests(&l);
}
