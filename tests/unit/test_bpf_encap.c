/* TC egress encapsulation (lispd_encap) through BPF_PROG_TEST_RUN: crafted
 * frames in, the encapsulated frame parsed back here field by field, with
 * checksums recomputed independently and the LISP header read by the codec. */
#include <bpf/btf.h>

#include "test_bpf_util.h"

#define EID4 "198.18.0.1"
#define EID6 "2001:db8:e1d::1"
#define PEER4 "198.19.1.7"
#define PEER6 "2001:db8:e1d:2::7"
#define RLOC4 "192.0.2.1"
#define RLOC6 "2001:db8::1"
#define LOC_A4 "198.51.100.10"
#define LOC_B4 "203.0.113.20"
#define LOC_C4 "203.0.113.30"
#define LOC_A6 "2001:db8:0:1::10"
#define PETR4 "203.0.113.99"

/* The encapsulated frame, as a receiver would read it, its MACs as they
 * came (the neighbour lookup after the redirect fills them). */
static void read_outer(const uint8_t *f, size_t n, struct tb_lisp_seen *o)
{
	tb_assert_read_lisp(f, n, o);
	assert_memory_equal(f, TB_MAC_DST, 6);
	assert_memory_equal(f + 6, TB_MAC_SRC, 6);
}

/* ---- fixtures --------------------------------------------------------------- */

static int setup(void **state)
{
	struct tb *t = tb_setup_object(state, TB_MN);

	if (!t)
		return -1;
	tb_set_rloc(t, LISPD_AF_INET, RLOC4);
	tb_set_rloc(t, LISPD_AF_INET6, RLOC6);
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_add_eid(t, 0, LISPD_AF_INET, EID4), 0);
	assert_int_equal(tb_add_eid(t, 0, LISPD_AF_INET6, EID6), 0);
	return 0;
}

/* One mapping for the peer EID's /24 or /64 with a single locator. */
static void map_peer(struct tb *t, uint32_t iid, uint8_t eid_family, uint8_t loc_family,
		     const char *loc)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, loc_family, loc, 1, 100, true);
	if (eid_family == LISPD_AF_INET)
		assert_int_equal(tb_add_mc(t, iid, eid_family, "198.19.1.0", 24, &v), 0);
	else
		assert_int_equal(tb_add_mc(t, iid, eid_family, "2001:db8:e1d:2::", 64, &v), 0);
}

static void peer_packet(struct tb_ip *p, uint8_t family)
{
	if (family == LISPD_AF_INET)
		tb_ip_init(p, family, EID4, PEER4);
	else
		tb_ip_init(p, family, EID6, PEER6);
}

/* Runs encap on p; asserts the verdict; returns the output length. */
static size_t encap(struct tb *t, const struct tb_ip *p, uint32_t want_ret, uint8_t *out)
{
	uint8_t in[TB_PKT_MAX];
	size_t n = tb_frame(in, p), out_len = 0;

	assert_int_equal(tb_run(t->encap_fd, in, n, out, &out_len), want_ret);
	return out_len;
}

/* ---- the family combinations -------------------------------------------- */

static const struct combo {
	const char *name;
	uint8_t inner, outer, proto;
} combos[] = {
	{ "test_4in4", LISPD_AF_INET, LISPD_AF_INET, 17 },
	{ "test_6in4", LISPD_AF_INET6, LISPD_AF_INET, 6 },
	{ "test_4in6", LISPD_AF_INET, LISPD_AF_INET6, 6 },
	{ "test_6in6", LISPD_AF_INET6, LISPD_AF_INET6, 17 },
	/* Non-TCP/UDP inner packets (ICMP here) hash by addresses and still go out. */
	{ "test_other_proto", LISPD_AF_INET, LISPD_AF_INET, 1 },
};

static void test_combo(void **state)
{
	struct tb *t = *state;
	const struct combo *c = t->row;
	bool v4 = c->outer == LISPD_AF_INET;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_lisp_seen o;
	struct tb_ip p;
	size_t n, out_len;

	map_peer(t, 0, c->inner, c->outer, v4 ? LOC_A4 : LOC_A6);
	peer_packet(&p, c->inner);
	p.proto = c->proto;
	p.ttl = 17;
	p.tos = 0xb9;  /* DSCP EF + ECT(1): both travel to the outer header */
	n = tb_frame(in, &p);
	assert_int_equal(tb_run(t->encap_fd, in, n, out, &out_len), TB_ACT_REDIRECT);

	read_outer(out, out_len, &o);
	tb_assert_encap(out, out_len, c->outer, v4 ? RLOC4 : RLOC6, v4 ? LOC_A4 : LOC_A6, &o);
	assert_int_equal(o.ttl, 17);
	assert_int_equal(o.tos, 0xb9);
	if (v4)
		assert_int_equal(o.df, 1);
	assert_false(o.lisp.i || o.lisp.v || o.lisp.l || o.lisp.e);
	assert_int_equal(o.lisp.kk, 0);
	/* The inner packet travels byte for byte. */
	assert_int_equal(o.inner_len, n - 14);
	assert_memory_equal(o.inner, in + 14, n - 14);
	assert_int_equal(out_len, n + (v4 ? 36 : 56));
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 1);
}

/* ---- instance-id --------------------------------------------------------- */

static void test_iid(void **state)
{
	struct tb *t = *state;
	uint8_t out[TB_PKT_MAX], want[16];
	struct tb_ip p;
	struct tb_lisp_seen o;
	size_t n;

	t->cfg.flags |= LISPD_CFG_USE_IID;
	t->cfg.iid = 0x123456;
	assert_int_equal(tb_push_cfg(t), 0);
	assert_int_equal(tb_add_eid(t, 0x123456, LISPD_AF_INET, EID4), 0);
	/* A mapping of the same prefix in instance 0 must not be used. */
	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_B4);
	map_peer(t, 0x123456, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET);
	n = encap(t, &p, TB_ACT_REDIRECT, out);
	read_outer(out, n, &o);
	tb_addr(want, LISPD_AF_INET, LOC_A4);
	assert_memory_equal(o.dst, want, 16);
	assert_true(o.lisp.i);
	assert_true(o.lisp.n);
	assert_int_equal(o.lisp.iid, 0x123456);
	assert_int_equal(o.lisp.lsb, 0);

	/* Only instance 0 knows this prefix: a miss inside 0x123456. */
	{
		struct lispd_mc_value v = { 0 };

		tb_loc(&v.ls, LISPD_AF_INET, LOC_B4, 1, 1, true);
		assert_int_equal(tb_add_mc(t, 0, LISPD_AF_INET, "198.19.2.0", 24, &v), 0);
	}
	tb_addr(p.dst, LISPD_AF_INET, "198.19.2.1");
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 1);
}

/* ---- misses and negative entries ------------------------------------------ */

static void test_miss_drop_notifies(void **state)
{
	struct tb *t = *state;
	uint8_t want[16];
	struct tb_events e;
	struct tb_ip p;

	peer_packet(&p, LISPD_AF_INET6);
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_MISS_POLICY), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 1);
	tb_drain(t, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].family, LISPD_AF_INET6);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[0].iid, 0);
	tb_addr(want, LISPD_AF_INET6, PEER6);
	assert_memory_equal(e.ev[0].dst, want, 16);
	tb_addr(want, LISPD_AF_INET6, EID6);
	assert_memory_equal(e.ev[0].src, want, 16);
	assert_true(e.ev[0].ts_ns > 0);
}

/* One event per destination per interval; another destination gets its own. */
static void test_miss_dedupe(void **state)
{
	struct tb *t = *state;
	struct tb_events e;
	struct tb_ip p;

	t->cfg.miss_interval_ms = 60000;
	assert_int_equal(tb_push_cfg(t), 0);
	peer_packet(&p, LISPD_AF_INET);
	for (int i = 0; i < 5; i++) {
		p.sport = (uint16_t)(1000 + i);  /* other flows, same destination */
		encap(t, &p, TB_ACT_SHOT, NULL);
	}
	tb_addr(p.dst, LISPD_AF_INET, "198.19.9.9");
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 6);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT_DEDUP), 4);
	tb_drain(t, &e);
	assert_int_equal(e.n, 2);
	assert_memory_not_equal(e.ev[0].dst, e.ev[1].dst, 16);

	/* Interval 0: every packet may notify again. */
	t->cfg.miss_interval_ms = 0;
	assert_int_equal(tb_push_cfg(t), 0);
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 3);
}

/* The global bucket admits `burst` events, then refuses until it refills. */
static void test_miss_rate_cap(void **state)
{
	struct tb *t = *state;
	struct tb_events e;
	struct tb_ip p;
	char dst[32];

	t->cfg.miss_rate = 1;
	t->cfg.miss_burst = 3;
	assert_int_equal(tb_push_cfg(t), 0);
	peer_packet(&p, LISPD_AF_INET);
	for (int i = 0; i < 8; i++) {
		snprintf(dst, sizeof(dst), "198.19.50.%d", i + 1);
		tb_addr(p.dst, LISPD_AF_INET, dst);
		encap(t, &p, TB_ACT_SHOT, NULL);
	}
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 3);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT_RATE), 5);
	tb_drain(t, &e);
	assert_int_equal(e.n, 3);

	/* miss_rate 0 turns events off. */
	t->cfg.miss_rate = 0;
	assert_int_equal(tb_push_cfg(t), 0);
	tb_addr(p.dst, LISPD_AF_INET, "198.19.51.1");
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 3);
}

static void use_petr(struct tb *t)
{
	t->cfg.miss_policy = LISPD_MISS_PETR;
	memset(&t->cfg.petr, 0, sizeof(t->cfg.petr));
	tb_loc(&t->cfg.petr, LISPD_AF_INET, PETR4, 1, 1, true);
	assert_int_equal(tb_push_cfg(t), 0);
}

static void assert_outer_dst(const uint8_t *out, size_t n, uint8_t family, const char *addr)
{
	uint8_t want[16];
	struct tb_lisp_seen o;

	read_outer(out, n, &o);
	tb_addr(want, family, addr);
	assert_int_equal(o.family, family);
	assert_memory_equal(o.dst, want, 16);
}

static void test_miss_petr(void **state)
{
	struct tb *t = *state;
	uint8_t out[TB_PKT_MAX];
	struct tb_events e;
	struct tb_ip p;
	size_t n;

	use_petr(t);
	peer_packet(&p, LISPD_AF_INET6);  /* IPv6 EID to an IPv4 PETR */
	n = encap(t, &p, TB_ACT_REDIRECT, out);
	assert_outer_dst(out, n, LISPD_AF_INET, PETR4);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_PETR), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 1);
	tb_drain(t, &e);
	assert_int_equal(e.n, 1);
}

static void add_negative(struct tb *t, uint8_t action)
{
	struct lispd_mc_value v = { 0 };

	v.action = action;
	assert_int_equal(tb_add_mc(t, 0, LISPD_AF_INET, "198.19.0.0", 16, &v), 0);
}

static void test_negative_drop_reasons(void **state)
{
	static const struct {
		uint8_t action;
		uint32_t stat;
	} cases[] = {
		{ LISPD_ACT_DROP, LISPD_STAT_DROP_NEG_DROP },
		{ LISPD_ACT_DROP_POLICY, LISPD_STAT_DROP_NEG_POLICY },
		{ LISPD_ACT_DROP_AUTH, LISPD_STAT_DROP_NEG_AUTH },
		{ 77, LISPD_STAT_DROP_NEG_UNKNOWN },
	};
	struct tb *t = *state;
	struct tb_ip p;

	use_petr(t);  /* a drop entry wins over the PETR */
	peer_packet(&p, LISPD_AF_INET);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		add_negative(t, cases[i].action);
		encap(t, &p, TB_ACT_SHOT, NULL);
		assert_int_equal(tb_stat(t, cases[i].stat), 1);
	}
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_PETR), 0);
}

static void test_negative_native_forward(void **state)
{
	struct tb *t = *state;
	uint8_t out[TB_PKT_MAX];
	struct tb_ip p;
	size_t n;

	add_negative(t, LISPD_ACT_NATIVE_FORWARD);
	peer_packet(&p, LISPD_AF_INET);
	/* No PETR configured: counted drop. */
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_NO_PETR), 1);
	/* natively-forward uses the PETR whatever the miss policy says. */
	use_petr(t);
	t->cfg.miss_policy = LISPD_MISS_DROP;
	assert_int_equal(tb_push_cfg(t), 0);
	n = encap(t, &p, TB_ACT_REDIRECT, out);
	assert_outer_dst(out, n, LISPD_AF_INET, PETR4);
	assert_int_equal(tb_stat(t, LISPD_STAT_NEG_NATIVE_FORWARD), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_PETR), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 0);
}

static void test_negative_send_map_request(void **state)
{
	struct tb *t = *state;
	uint8_t out[TB_PKT_MAX];
	struct tb_events e;
	struct tb_ip p;
	size_t n;

	add_negative(t, LISPD_ACT_SEND_MAP_REQUEST);
	peer_packet(&p, LISPD_AF_INET);
	encap(t, &p, TB_ACT_SHOT, NULL);  /* miss policy drop */
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_MISS_POLICY), 1);
	tb_drain(t, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NEG_SMR);

	use_petr(t);
	p.dst[3] = 99;  /* another destination in the entry: not deduped */
	n = encap(t, &p, TB_ACT_REDIRECT, out);
	assert_outer_dst(out, n, LISPD_AF_INET, PETR4);
	assert_int_equal(tb_stat(t, LISPD_STAT_NEG_SEND_MAP_REQUEST), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS_EVENT), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 0);
}

static void test_petr_all_down(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	t->cfg.miss_policy = LISPD_MISS_PETR;
	tb_loc(&t->cfg.petr, LISPD_AF_INET, PETR4, 1, 1, false);
	assert_int_equal(tb_push_cfg(t), 0);
	peer_packet(&p, LISPD_AF_INET);
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_NO_PETR), 1);
}

/* ---- locator choice --------------------------------------------------------- */

/* Sends `flows` flows (distinct source ports) and counts outer destinations
 * A, B, C. */
static void spread(struct tb *t, int flows, int count[3])
{
	uint8_t out[TB_PKT_MAX], a[16], b[16], c[16];
	struct tb_ip p;
	struct tb_lisp_seen o;
	size_t n;

	tb_addr(a, LISPD_AF_INET, LOC_A4);
	tb_addr(b, LISPD_AF_INET, LOC_B4);
	tb_addr(c, LISPD_AF_INET, LOC_C4);
	count[0] = count[1] = count[2] = 0;
	peer_packet(&p, LISPD_AF_INET);
	p.proto = 6;
	for (int i = 0; i < flows; i++) {
		p.sport = (uint16_t)(20000 + i);
		n = encap(t, &p, TB_ACT_REDIRECT, out);
		read_outer(out, n, &o);
		if (!memcmp(o.dst, a, 16))
			count[0]++;
		else if (!memcmp(o.dst, b, 16))
			count[1]++;
		else if (!memcmp(o.dst, c, 16))
			count[2]++;
		else
			fail_msg("unknown outer destination");
	}
}

static void map_three(struct tb *t, uint8_t pa, uint8_t wa, bool upa, uint8_t pb, uint8_t wb,
		      bool upb, uint8_t pc, uint8_t wc, bool upc)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, LISPD_AF_INET, LOC_A4, pa, wa, upa);
	tb_loc(&v.ls, LISPD_AF_INET, LOC_B4, pb, wb, upb);
	tb_loc(&v.ls, LISPD_AF_INET, LOC_C4, pc, wc, upc);
	assert_int_equal(tb_add_mc(t, 0, LISPD_AF_INET, "198.19.0.0", 16, &v), 0);
}

static void test_weighted_distribution(void **state)
{
	struct tb *t = *state;
	int c[3], flows = 4000;

	/* 25/75 at priority 1; the priority-2 locator never sees traffic. */
	map_three(t, 1, 25, true, 1, 75, true, 2, 100, true);
	spread(t, flows, c);
	assert_int_equal(c[2], 0);
	assert_in_range(c[0], flows * 20 / 100, flows * 30 / 100);
	assert_in_range(c[1], flows * 70 / 100, flows * 80 / 100);

	/* Equal weights: about a third each. */
	map_three(t, 5, 10, true, 5, 10, true, 5, 10, true);
	spread(t, flows, c);
	for (int i = 0; i < 3; i++)
		assert_in_range(c[i], flows * 28 / 100, flows * 39 / 100);
}

static void test_down_and_priority(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;
	int c[3];

	/* A (best priority) down: B, the other priority-1 locator, takes all. */
	map_three(t, 1, 50, false, 1, 50, true, 2, 50, true);
	spread(t, 300, c);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[1], 300);
	/* Both priority-1 locators down: the priority-2 one. */
	map_three(t, 1, 50, false, 1, 50, false, 2, 50, true);
	spread(t, 300, c);
	assert_int_equal(c[2], 300);
	/* Priority 255 is never used for unicast, even as the only one up. */
	map_three(t, 1, 50, false, 255, 50, true, 1, 50, false);
	peer_packet(&p, LISPD_AF_INET);
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_NO_LOCATOR), 1);
}

/* Same flow, same locator and same UDP source port, every time; different
 * flows spread their source ports. */
static void test_flow_hash_stable(void **state)
{
	struct tb *t = *state;
	uint8_t out[TB_PKT_MAX], first_dst[16];
	uint16_t first_sport = 0, sports[64];
	int distinct = 0;
	struct tb_ip p;
	struct tb_lisp_seen o;
	size_t n;

	map_three(t, 1, 1, true, 1, 1, true, 1, 1, true);
	peer_packet(&p, LISPD_AF_INET6);
	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET, LOC_B4);
	for (int i = 0; i < 20; i++) {
		n = encap(t, &p, TB_ACT_REDIRECT, out);
		read_outer(out, n, &o);
		if (i == 0) {
			first_sport = o.sport;
			memcpy(first_dst, o.dst, 16);
		}
		assert_int_equal(o.sport, first_sport);
		assert_memory_equal(o.dst, first_dst, 16);
	}
	peer_packet(&p, LISPD_AF_INET);
	for (int i = 0; i < 64; i++) {
		bool seen = false;

		p.dport = (uint16_t)(1000 + i);
		n = encap(t, &p, TB_ACT_REDIRECT, out);
		read_outer(out, n, &o);
		for (int j = 0; j < distinct; j++)
			seen |= sports[j] == o.sport;
		if (!seen)
			sports[distinct++] = o.sport;
	}
	assert_true(distinct > 50);
}

/* The nonce is random per packet, not per flow. */
static void test_nonce_varies(void **state)
{
	struct tb *t = *state;
	uint8_t out[TB_PKT_MAX];
	uint32_t first = 0;
	bool differs = false;
	struct tb_ip p;
	struct tb_lisp_seen o;
	size_t n;

	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET);
	for (int i = 0; i < 8; i++) {
		n = encap(t, &p, TB_ACT_REDIRECT, out);
		read_outer(out, n, &o);
		if (i == 0)
			first = o.lisp.nonce;
		differs |= o.lisp.nonce != first;
	}
	assert_true(differs);
}

static void test_longest_prefix(void **state)
{
	struct tb *t = *state;
	struct lispd_mc_value wide = { 0 }, narrow = { 0 };
	uint8_t out[TB_PKT_MAX];
	struct tb_ip p;
	size_t n;

	tb_loc(&wide.ls, LISPD_AF_INET, LOC_A4, 1, 1, true);
	tb_loc(&narrow.ls, LISPD_AF_INET, LOC_B4, 1, 1, true);
	assert_int_equal(tb_add_mc(t, 0, LISPD_AF_INET, "198.18.0.0", 15, &wide), 0);
	assert_int_equal(tb_add_mc(t, 0, LISPD_AF_INET, "198.19.1.0", 24, &narrow), 0);
	peer_packet(&p, LISPD_AF_INET);
	n = encap(t, &p, TB_ACT_REDIRECT, out);
	assert_outer_dst(out, n, LISPD_AF_INET, LOC_B4);
	tb_addr(p.dst, LISPD_AF_INET, "198.19.2.1");
	n = encap(t, &p, TB_ACT_REDIRECT, out);
	assert_outer_dst(out, n, LISPD_AF_INET, LOC_A4);
	/* A 0/0 entry in one family never answers for the other. */
	peer_packet(&p, LISPD_AF_INET6);
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_MISS), 1);
}

/* ---- what is left alone or refused ------------------------------------------ */

static void test_not_from_local_eid_passes(void **state)
{
	struct tb *t = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	struct tb_ip p;
	size_t n, out_len;

	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET, LOC_A4);
	tb_ip_init(&p, LISPD_AF_INET6, "fe80::1", PEER6);  /* link-local source */
	n = tb_frame(in, &p);
	assert_int_equal(tb_run(t->encap_fd, in, n, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, in, n);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_PASS), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 0);
}

static void test_non_ip_passes(void **state)
{
	struct tb *t = *state;
	uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 }, in[64], out[TB_PKT_MAX];
	size_t n, out_len;

	n = tb_build_eth(in, 0x0806, arp, sizeof(arp));
	assert_int_equal(tb_run(t->encap_fd, in, n, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, n);
	assert_memory_equal(out, in, n);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_PASS), 1);
}

/* Headers the parser must refuse. (A frame cut inside its IP header is not
 * used: BPF_PROG_TEST_RUN refused a 26-byte IPv4 frame with EINVAL on 6.18.) */
static void test_malformed_inner(void **state)
{
	struct tb *t = *state;
	uint8_t in[TB_PKT_MAX], l3[TB_PKT_MAX];
	struct tb_ip p;
	size_t n, len;

	peer_packet(&p, LISPD_AF_INET);
	len = tb_build_ip(l3, &p);
	l3[0] = 0x44;  /* IHL 4: shorter than the fixed header */
	n = tb_build_eth(in, 0x0800, l3, len);
	assert_int_equal(tb_run(t->encap_fd, in, n, NULL, NULL), TB_ACT_SHOT);
	l3[0] = 0x65;  /* EtherType IPv4, version 6 */
	n = tb_build_eth(in, 0x0800, l3, len);
	assert_int_equal(tb_run(t->encap_fd, in, n, NULL, NULL), TB_ACT_SHOT);
	l3[0] = 0x45;  /* EtherType IPv6, an IPv4 packet */
	n = tb_build_eth(in, 0x86DD, l3, 60);
	assert_int_equal(tb_run(t->encap_fd, in, n, NULL, NULL), TB_ACT_SHOT);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_ENCAP_TRUNC), 3);
}

/* Locator of a family we have no RLOC for. */
static void test_no_rloc(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	t->cfg.flags &= ~LISPD_CFG_RLOC6;
	assert_int_equal(tb_push_cfg(t), 0);
	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET6, LOC_A6);
	peer_packet(&p, LISPD_AF_INET);
	encap(t, &p, TB_ACT_SHOT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_NO_RLOC), 1);
}

/* The physical interface (this namespace's loopback) has MTU 1500: an inner
 * packet fits if inner + 36 (IPv4 outer) <= 1500, or + 56 over IPv6. */
static void test_fits_exactly(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET6, LOC_A6);
	peer_packet(&p, LISPD_AF_INET);
	p.payload = 1464 - 28;          /* 1464-byte IP packet */
	encap(t, &p, TB_ACT_REDIRECT, NULL);
	peer_packet(&p, LISPD_AF_INET6);
	p.payload = 1444 - 48;          /* 1444 + 56 = 1500 */
	encap(t, &p, TB_ACT_REDIRECT, NULL);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 2);
}

/* ---- too big: ICMP back into lmn ------------------------------------------- */

/* The reply to the frame in[0..in_len) as the local stack would read it
 * (bpf_frame.h: MACs swapped, addressed to lmn itself; from the original
 * destination to the original source; checksums verified), quoting as much
 * of the original IP packet as fits in 576 (IPv4) or 1280 bytes. Returns
 * the MTU it announces. */
static uint32_t check_icmp_reply(const uint8_t *out, size_t n, const uint8_t *in, size_t in_len)
{
	bool v4 = tb_get16(in + 12) == 0x0800;
	size_t max_quote = v4 ? 576 - 28 : 1280 - 48, quote = in_len - 14;

	if (quote > max_quote)
		quote = max_quote;
	assert_int_equal(n, 14 + (v4 ? 20 : 40) + 8 + quote);
	return tb_assert_too_big(out, n, in, in_len);
}

/* Sends p (too big by construction), expects an ICMP reply and returns the
 * MTU it announces. */
static uint32_t too_big_reply(struct tb *t, const struct tb_ip *p)
{
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t n, out_len;

	n = tb_frame(in, p);
	assert_int_equal(tb_run(t->encap_fd, in, n, out, &out_len), TB_ACT_REDIRECT);
	return check_icmp_reply(out, out_len, in, n);
}

static void test_icmp_frag_needed(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET);
	p.frag = 0x4000;                /* DF */
	p.payload = 1465 - 28;          /* one byte too many */
	assert_int_equal(too_big_reply(t, &p), 1500 - 36);
	p.proto = 6;                    /* TCP, a full-sized segment */
	p.payload = 1500 - 40;
	assert_int_equal(too_big_reply(t, &p), 1500 - 36);
	/* The same destination over an IPv6 locator: more overhead. */
	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET6, LOC_A6);
	p.payload = 1445 - 40;
	assert_int_equal(too_big_reply(t, &p), 1500 - 56);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED), 3);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_TOO_BIG), 0);
}

/* Without DF the packet is answered the same way (the stack learns the MTU
 * and fragments from then on) but counted apart. */
static void test_icmp_frag_needed_no_df(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET);
	p.payload = 1600;
	assert_int_equal(too_big_reply(t, &p), 1464);
	/* A first fragment (MF, offset 0) is answered too. */
	p.frag = 0x2000;
	assert_int_equal(too_big_reply(t, &p), 1464);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED), 0);
}

static void test_icmp6_packet_too_big(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET6);
	p.proto = 6;
	p.payload = 1465 - 60;
	assert_int_equal(too_big_reply(t, &p), 1464);
	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET6, LOC_A6);
	p.payload = 1445 - 60;
	assert_int_equal(too_big_reply(t, &p), 1444);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP6_PKT_TOO_BIG), 2);
}

/* With a small physical MTU the whole original fits in the reply, odd
 * lengths included (checksum of a zero-padded last word). */
static void test_icmp_quotes_whole_packet(void **state)
{
	struct tb *t = *state;
	struct tb_ip p;

	assert_int_equal(tb_set_phys_mtu(576), 0);
	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET);
	p.frag = 0x4000;
	p.payload = 547 - 28;           /* 547 > 576 - 36, whole quote is 547 */
	assert_int_equal(too_big_reply(t, &p), 540);
	p.payload = 546 - 28;
	assert_int_equal(too_big_reply(t, &p), 540);
	assert_int_equal(tb_set_phys_mtu(1000), 0);
	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET, LOC_A4);
	peer_packet(&p, LISPD_AF_INET6);
	for (uint16_t len = 965; len <= 968; len++) {
		p.payload = (uint16_t)(len - 48);
		assert_int_equal(too_big_reply(t, &p), 964);
	}
	assert_int_equal(tb_set_phys_mtu(TB_PHYS_MTU), 0);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED), 2);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP6_PKT_TOO_BIG), 4);
}

/* A raw packet of protocol proto whose first payload byte is first. */
static size_t raw_frame(uint8_t *in, uint8_t family, uint8_t proto, uint8_t first,
			uint16_t frag, uint16_t len)
{
	uint8_t l3[TB_PKT_MAX];
	struct tb_ip p;
	size_t hl = family == LISPD_AF_INET ? 20 : 40, n;

	peer_packet(&p, family);
	p.proto = proto;
	p.frag = frag;
	p.payload = (uint16_t)(len - hl);
	n = tb_build_ip(l3, &p);
	l3[hl] = first;
	return tb_build_eth(in, tb_ethertype(family), l3, n);
}

/* Never an ICMP error about an ICMP error or a non-first fragment: those are
 * dropped and counted; ICMP queries (ping with DF) are answered. */
static void test_icmp_not_for_errors(void **state)
{
	static const struct {
		uint8_t family, proto, first;
		uint16_t frag;
		uint32_t want;
	} cases[] = {
		{ LISPD_AF_INET, 1, 3, 0x4000, TB_ACT_SHOT },     /* dest unreachable */
		{ LISPD_AF_INET, 1, 11, 0x4000, TB_ACT_SHOT },    /* time exceeded */
		{ LISPD_AF_INET, 1, 12, 0x4000, TB_ACT_SHOT },    /* parameter problem */
		{ LISPD_AF_INET, 17, 0, 0x00b9, TB_ACT_SHOT },    /* offset 0xb9 * 8 */
		{ LISPD_AF_INET, 17, 0, 0x20b9, TB_ACT_SHOT },    /* middle fragment */
		{ LISPD_AF_INET6, 58, 1, 0, TB_ACT_SHOT },        /* dest unreachable */
		{ LISPD_AF_INET6, 58, 2, 0, TB_ACT_SHOT },        /* packet too big */
		{ LISPD_AF_INET6, 58, 127, 0, TB_ACT_SHOT },      /* last error type */
		{ LISPD_AF_INET, 1, 8, 0x4000, TB_ACT_REDIRECT }, /* echo request */
		{ LISPD_AF_INET6, 58, 128, 0, TB_ACT_REDIRECT },  /* echo request */
	};
	struct tb *t = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t n, out_len;

	map_peer(t, 0, LISPD_AF_INET, LISPD_AF_INET, LOC_A4);
	map_peer(t, 0, LISPD_AF_INET6, LISPD_AF_INET, LOC_A4);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = raw_frame(in, cases[i].family, cases[i].proto, cases[i].first, cases[i].frag,
			      1600);
		assert_int_equal(tb_run(t->encap_fd, in, n, out, &out_len), cases[i].want);
		if (cases[i].want == TB_ACT_REDIRECT)
			assert_int_equal(check_icmp_reply(out, out_len, in, n), 1464);
	}
	assert_int_equal(tb_stat(t, LISPD_STAT_DROP_TOO_BIG), 8);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP6_PKT_TOO_BIG), 1);
	/* The same ICMP errors that fit are encapsulated as usual. */
	n = raw_frame(in, LISPD_AF_INET, 1, 3, 0x4000, 200);
	assert_int_equal(tb_run(t->encap_fd, in, n, NULL, NULL), TB_ACT_REDIRECT);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 1);
}

static void test_no_config(void **state)
{
	struct tb *t = tb_new();
	struct tb_ip p;

	(void)state;
	assert_non_null(t);
	peer_packet(&p, LISPD_AF_INET);
	/* The ARRAY entry exists but is all zero: no EID matches, so pass. */
	encap(t, &p, TB_ACT_OK, NULL);
	tb_free(t);
}

/* The BPF object and this compiler agree on every shared struct: sizes
 * from the object's BTF against sizeof here. */
static void test_layouts_match(void **state)
{
	static const struct {
		const char *name;
		size_t size;
	} structs[] = {
		{ "lispd_mc_key", sizeof(struct lispd_mc_key) },
		{ "lispd_mc_value", sizeof(struct lispd_mc_value) },
		{ "lispd_dp_config", sizeof(struct lispd_dp_config) },
		{ "lispd_eid_key", sizeof(struct lispd_eid_key) },
		{ "lispd_local_eid", sizeof(struct lispd_local_eid) },
		{ "lispd_token_bucket", sizeof(struct lispd_token_bucket) },
	};
	struct tb *t = *state;
	struct btf *btf = bpf_object__btf(t->tc->obj);

	assert_non_null(btf);
	for (size_t i = 0; i < sizeof(structs) / sizeof(structs[0]); i++) {
		int id = btf__find_by_name_kind(btf, structs[i].name, BTF_KIND_STRUCT);

		assert_true(id > 0);
		assert_int_equal(btf__resolve_size(btf, id), structs[i].size);
	}
	assert_int_equal(bpf_map__value_size(t->tc->maps.lispd_mcache),
			 sizeof(struct lispd_mc_value));
	assert_int_equal(bpf_map__key_size(t->tc->maps.lispd_mcache),
			 sizeof(struct lispd_mc_key));
	assert_int_equal(bpf_map__max_entries(t->tc->maps.lispd_stats), LISPD_STAT_MAX);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_iid, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_miss_drop_notifies, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_miss_dedupe, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_miss_rate_cap, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_miss_petr, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_negative_drop_reasons, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_negative_native_forward, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_negative_send_map_request, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_petr_all_down, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_weighted_distribution, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_down_and_priority, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_flow_hash_stable, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_nonce_varies, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_longest_prefix, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_not_from_local_eid_passes, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_non_ip_passes, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_inner, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_no_rloc, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_fits_exactly, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_icmp_frag_needed, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_icmp_frag_needed_no_df, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_icmp6_packet_too_big, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_icmp_quotes_whole_packet, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_icmp_not_for_errors, setup, tb_teardown),
		cmocka_unit_test(test_no_config),
		cmocka_unit_test_setup_teardown(test_layouts_match, setup, tb_teardown),
	};
	static struct tb_tests l;

	TB_ROWS(&l, NULL, combos, test_combo, setup, tb_teardown);
	TB_TESTS(&l, tests);
	return tb_run_tests(&l);
}
