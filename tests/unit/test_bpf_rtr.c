/* The RTR data plane (bpf/lispd_rtr.bpf.c, docs/NAT.md 4.2) through
 * BPF_PROG_TEST_RUN: LISP data to a NATed node re-encapsulated to its
 * NAT's G:g1 from our RLOC:4342, data from a NATed node (outer source its
 * NAT) re-encapsulated toward the destination's locator, everything else
 * refused and counted. The NATed nodes are committed with the lib's
 * dp_nat_put, as the RTR's control plane does; frames are built here (LISP
 * header by the codec) and the results read as a receiver would. Also the
 * lib's commit and walk of NATed nodes, the RTR's attach and detach in a
 * private network and mount namespace, and both ways through a real
 * kernel (a veth pair, frames sent and caught with AF_PACKET). */
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>

#include "dp_attach.h"
#include "dp_link.h"
#include "dp_mcache.h"
#include "dp_nat.h"
#include "test_bpf_util.h"

#define RTR4 "192.0.2.66"            /* the RTR's RLOCs */
#define RTR6 "2001:db8::66"
#define RTR4_B "192.0.2.67"          /* another one, on another interface */
#define NODE_EID4 "198.18.1.1"       /* the NATed node */
#define NODE_EID6 "2001:db8:e1d:1::1"
#define NODE_G "203.0.113.2"         /* its NAT's public address */
#define NODE_G1 40001                /* the NAT's port of its register flow */
#define NODE_P "198.51.100.130"      /* its RLOC behind the NAT */
#define NODE2_EID4 "198.18.4.0"      /* another NATed node (a /24), another NAT */
#define NODE2_G "203.0.113.4"
#define NODE2_G1 50123
#define PEER_EID4 "198.18.2.2"       /* a LISP site in the RTR's map-cache */
#define PEER_EID6 "2001:db8:e1d:2::2"
#define PEER_RLOC4 "203.0.113.20"
#define PEER_RLOC4_B "203.0.113.21"
#define PEER_RLOC6 "2001:db8:0:2::20"
#define SELF_EID4 "198.18.9.9"       /* mapped to the RTR itself */
#define OTHER_EID4 "198.18.3.3"      /* an EID nobody here knows */
#define HOST4 "203.0.113.99"         /* no EID at all */
#define STRANGER4 "198.51.100.77"    /* an arbitrary host on the Internet */
#define STRANGER6 "2001:db8:0:77::77"
#define PETR4 "192.0.2.200"
#define G_DATA_PORT 50000            /* the NAT's port of the node's data flow */

/* ---- fixtures --------------------------------------------------------------- */

/* A locator set of one. */
static void map_to(struct tb *p, uint32_t iid, uint8_t family, const char *eid, unsigned plen,
		   uint8_t loc_family, const char *loc)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, loc_family, loc, 1, 100, true);
	assert_int_equal(tb_add_mc(p, iid, family, eid, plen, &v), 0);
}

static void parse_prefix(const char *text, struct lisp_prefix *pfx)
{
	if (lisp_prefix_parse(text, pfx, NULL))
		fail_msg("bad prefix %s", text);
}

static void parse_ip(const char *text, struct lisp_ip *ip)
{
	if (lisp_ip_parse(text, ip, NULL))
		fail_msg("bad address %s", text);
}

/* The RTR's control plane commits a node: eid ("[iid]prefix/len") behind
 * the NAT g:port, registered through our RLOC rloc. 0 or -1 (err). */
static int commit(struct tb *p, const char *eid, const char *g, uint16_t port, const char *rloc,
		  struct dp_err *err)
{
	struct dp_nat_entry e;
	struct dp_handle h;

	memset(&e, 0, sizeof(e));
	parse_prefix(eid, &e.eid);
	parse_ip(g, &e.global);
	e.global_port = port;
	parse_ip(rloc, &e.rtr_rloc);
	parse_ip(NODE_P, &e.private_rloc);
	tb_handle(p, &h);
	return dp_nat_put(&h, &e, err);
}

static void commit_ok(struct tb *p, const char *eid, const char *g, uint16_t port, const char *rloc)
{
	struct dp_err err;

	if (commit(p, eid, g, port, rloc, &err))
		fail_msg("dp_nat_put %s: %s", eid, err.msg);
}

/* The object with the RTR's config (its RLOCs, a PETR, miss policy drop)
 * and its RLOCs on the namespace's loopback (bpf_check_mtu reads its MTU). */
static int setup_bare(void **state)
{
	struct tb *p = tb_setup_object(state, TB_RTR);

	if (!p)
		return -1;
	p->cfg.miss_policy = LISPD_MISS_DROP;
	tb_set_rloc(p, LISPD_AF_INET, RTR4);
	tb_set_rloc(p, LISPD_AF_INET6, RTR6);
	tb_loc(&p->cfg.petr, LISPD_AF_INET, PETR4, 1, 100, true);
	assert_int_equal(tb_push_cfg(p), 0);
	assert_int_equal(tb_local_rloc_on(p, LISPD_AF_INET, RTR4, true, 1), 0);
	assert_int_equal(tb_local_rloc_on(p, LISPD_AF_INET6, RTR6, true, 1), 0);
	assert_int_equal(tb_local_rloc_on(p, LISPD_AF_INET, RTR4_B, true, 1), 0);
	return 0;
}

/* Plus two NATed nodes (instance 0) and the peer's mapping. */
static int setup(void **state)
{
	struct tb *p;

	if (setup_bare(state))
		return -1;
	p = *state;
	commit_ok(p, NODE_EID4 "/32", NODE_G, NODE_G1, RTR4);
	commit_ok(p, NODE_EID6 "/128", NODE_G, NODE_G1, RTR4);
	commit_ok(p, NODE2_EID4 "/24", NODE2_G, NODE2_G1, RTR4);
	map_to(p, 0, LISPD_AF_INET, PEER_EID4, 32, LISPD_AF_INET, PEER_RLOC4);
	map_to(p, 0, LISPD_AF_INET6, PEER_EID6, 128, LISPD_AF_INET, PEER_RLOC4);
	map_to(p, 0, LISPD_AF_INET, SELF_EID4, 32, LISPD_AF_INET, RTR4);
	return 0;
}

/* ---- packets ----------------------------------------------------------------- */

/* One run of the RTR: the frames in, the verdict and the frame out. */
struct run {
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	uint32_t verdict;
};

static void rtr(struct tb *p, const struct tb_lisp *l, struct run *r)
{
	r->in_len = tb_lisp_build(l, r->in, r->inner, &r->inner_len);
	r->verdict = tb_run(p->rtr_fd, r->in, r->in_len, r->out, &r->out_len);
}

static const char *eid_of(uint8_t family, const char *v4, const char *v6)
{
	return family == LISPD_AF_INET ? v4 : v6;
}

/* A peer's packet to the NATed node, as the peer's ITR sends it to the
 * RTR (the map-server answers for the node with the RTR's RLOC). */
static void to_node_init(struct tb_lisp *l, uint8_t inner, uint8_t outer)
{
	tb_lisp_init(l, inner, eid_of(inner, PEER_EID4, PEER_EID6),
		     eid_of(inner, NODE_EID4, NODE_EID6), outer,
		     eid_of(outer, PEER_RLOC4, PEER_RLOC6), eid_of(outer, RTR4, RTR6));
}

/* The NATed node's packet to dst, as its NAT passes it on: from G and a
 * port the NAT chose, to the RLOC the node sends to. */
static void from_node_init(struct tb_lisp *l, uint8_t inner, const char *dst)
{
	tb_lisp_init(l, inner, eid_of(inner, NODE_EID4, NODE_EID6), dst, LISPD_AF_INET, NODE_G,
		     RTR4);
	l->outer.sport = G_DATA_PORT;
}

/* Re-encapsulated to the NATed node: outer IPv4 from rloc, UDP 4342 ->
 * port of G, no UDP checksum, DF, TOS of the inner packet, LISP header
 * with N (and the instance-id), TTL ttl in both headers, then exactly the
 * inner packet one hop further. */
static void check_to_node_frame(const uint8_t *out, size_t n, const struct tb_lisp *l,
				const char *rloc, const char *g, uint16_t port, uint8_t ttl,
				uint32_t iid)
{
	uint8_t want[TB_PKT_MAX], a[16];
	size_t want_len = tb_inner_ttl(want, &l->inner, ttl);
	struct tb_lisp_seen o;

	tb_assert_read_lisp(out, n, &o);
	assert_int_equal(o.family, LISPD_AF_INET);
	tb_addr(a, LISPD_AF_INET, rloc);
	assert_memory_equal(o.src, a, 16);
	tb_addr(a, LISPD_AF_INET, g);
	assert_memory_equal(o.dst, a, 16);
	assert_int_equal(o.sport, LISPD_CTRL_PORT);
	assert_int_equal(o.dport, port);
	assert_int_equal(o.udp_csum, 0);
	assert_true(o.df);
	assert_int_equal(o.tos, l->inner.tos);
	assert_int_equal(o.ttl, ttl);
	assert_true(o.lisp.n);
	assert_int_equal(o.lisp.i, iid != 0);
	if (iid)
		assert_int_equal(o.lisp.iid, iid);
	assert_int_equal(o.inner_len, want_len);
	assert_memory_equal(o.inner, want, want_len);
}

static void check_to_node(const struct run *r, const struct tb_lisp *l, const char *rloc,
			  const char *g, uint16_t port, uint8_t ttl, uint32_t iid)
{
	assert_int_equal(r->verdict, TB_ACT_REDIRECT);
	check_to_node_frame(r->out, r->out_len, l, rloc, g, port, ttl, iid);
}

/* Re-encapsulated as an ITR does: from our RLOC of the family to loc, UDP
 * 4341 from a port of the flow hash, TTL ttl in both headers, the inner
 * packet one hop further. */
static void check_from_node_frame(const uint8_t *out, size_t n, const struct tb_lisp *l,
				  uint8_t family, const char *loc, uint8_t ttl)
{
	uint8_t want[TB_PKT_MAX];
	size_t want_len = tb_inner_ttl(want, &l->inner, ttl);
	struct tb_lisp_seen o;

	tb_assert_encap(out, n, family, eid_of(family, RTR4, RTR6), loc, &o);
	assert_int_equal(o.ttl, ttl);
	assert_false(o.lisp.i);
	assert_int_equal(o.inner_len, want_len);
	assert_memory_equal(o.inner, want, want_len);
}

static void check_from_node(const struct run *r, const struct tb_lisp *l, uint8_t family,
			    const char *loc, uint8_t ttl)
{
	assert_int_equal(r->verdict, TB_ACT_REDIRECT);
	check_from_node_frame(r->out, r->out_len, l, family, loc, ttl);
}

/* ---- a) to a NATed node -------------------------------------------------------- */

static const struct to_node_row {
	const char *name;
	uint8_t inner, outer;
} to_node_rows[] = {
	{ "test_to_node_4in4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_to_node_6in4", LISPD_AF_INET6, LISPD_AF_INET },
	/* A peer reaching our IPv6 RLOC: the node's NAT is IPv4. */
	{ "test_to_node_4in6", LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_to_node_6in6", LISPD_AF_INET6, LISPD_AF_INET6 },
};

static void test_to_node(void **state)
{
	struct tb *p = *state;
	const struct to_node_row *row = p->row;
	struct tb_lisp l;
	struct run r;

	to_node_init(&l, row->inner, row->outer);
	l.inner.tos = 0xb8;
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4, NODE_G, NODE_G1, 63, 0);   /* min(64, 200) - 1 */
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 0);
}

/* Sent from the RLOC the node registered through; a NAT rebinding (new
 * g1) is one commit, and the next packet goes to the new port; an RLOC
 * no longer ours sends nothing. */
static void test_to_node_rloc_and_rebinding(void **state)
{
	struct tb *p = *state;
	struct tb_lisp l;
	struct run r;

	commit_ok(p, NODE_EID4 "/32", NODE_G, NODE_G1, RTR4_B);
	to_node_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4_B, NODE_G, NODE_G1, 63, 0);
	commit_ok(p, NODE_EID4 "/32", NODE_G, 40777, RTR4_B);
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4_B, NODE_G, 40777, 63, 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 2);

	assert_int_equal(tb_local_rloc_on(p, LISPD_AF_INET, RTR4_B, false, 1), 0);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_NO_RLOC), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 2);
}

/* An EID prefix covers every address in it; instance-ids are kept apart
 * and carried on. */
static void test_to_node_prefix_and_instance(void **state)
{
	struct tb *p = *state;
	struct tb_lisp l;
	struct run r;

	to_node_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.dst, LISPD_AF_INET, "198.18.4.200");
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4, NODE2_G, NODE2_G1, 63, 0);

	p->cfg.flags |= LISPD_CFG_USE_IID;
	p->cfg.iid = 77;
	assert_int_equal(tb_push_cfg(p), 0);
	to_node_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 77;
	rtr(p, &l, &r);   /* committed in instance 0 only */
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_RTR_UNKNOWN_EID), 1);
	commit_ok(p, "[77]" NODE_EID4 "/32", NODE_G, NODE_G1, RTR4);
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4, NODE_G, NODE_G1, 63, 77);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 2);
}

/* Between two NATed nodes: rule a) whoever sends, so the first node's
 * packet goes straight to the second node's NAT. */
static void test_node_to_node(void **state)
{
	struct tb *p = *state;
	struct tb_lisp l;
	struct run r;

	from_node_init(&l, LISPD_AF_INET, "198.18.4.7");
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4, NODE2_G, NODE2_G1, 63, 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT), 0);
}

/* ---- b) from a NATed node ----------------------------------------------------------- */

static const struct tb_families from_node_rows[] = {
	/* inner family, then the family of the destination's locator */
	{ "test_from_node_4to4", LISPD_AF_INET, LISPD_AF_INET },
	{ "test_from_node_6to4", LISPD_AF_INET6, LISPD_AF_INET },
	/* The outer header grows from IPv4 to IPv6. */
	{ "test_from_node_4to6", LISPD_AF_INET, LISPD_AF_INET6 },
	{ "test_from_node_6to6", LISPD_AF_INET6, LISPD_AF_INET6 },
};

static void test_from_node(void **state)
{
	struct tb *p = *state;
	const struct tb_families *row = p->row;
	const char *loc = eid_of(row->outer, PEER_RLOC4, PEER_RLOC6);
	const char *dst = eid_of(row->inner, PEER_EID4, PEER_EID6);
	struct tb_lisp l;
	struct run r;

	map_to(p, 0, row->inner, dst, row->inner == LISPD_AF_INET ? 32 : 128, row->outer, loc);
	from_node_init(&l, row->inner, dst);
	l.inner.proto = 6;
	rtr(p, &l, &r);
	check_from_node(&r, &l, row->outer, loc, 63);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 0);
}

/* The locator of the flow: by weight among the lowest priority, the same
 * one for every packet of a flow. */
static void test_from_node_locator_choice(void **state)
{
	static const struct {
		uint8_t prio_a, weight_a, prio_b, weight_b;
		bool want_a, want_b;
	} sets[] = {
		{ 1, 100, 1, 0, true, false },
		{ 1, 0, 1, 100, false, true },
		{ 2, 100, 1, 1, false, true },
		{ 1, 50, 1, 50, true, true },
	};
	struct tb *p = *state;
	uint8_t a[16], b[16];
	struct tb_lisp_seen o;
	struct tb_lisp l;
	struct run r;

	tb_addr(a, LISPD_AF_INET, PEER_RLOC4);
	tb_addr(b, LISPD_AF_INET, PEER_RLOC4_B);
	for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
		struct lispd_mc_value v = { 0 };
		unsigned to_a = 0, to_b = 0;

		tb_loc(&v.ls, LISPD_AF_INET, PEER_RLOC4, sets[s].prio_a, sets[s].weight_a, true);
		tb_loc(&v.ls, LISPD_AF_INET, PEER_RLOC4_B, sets[s].prio_b, sets[s].weight_b, true);
		assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, PEER_EID4, 32, &v), 0);
		for (uint16_t flow = 0; flow < 64; flow++) {
			from_node_init(&l, LISPD_AF_INET, PEER_EID4);
			l.inner.sport = (uint16_t)(20000 + flow);
			for (int again = 0; again < 2; again++) {
				rtr(p, &l, &r);
				assert_int_equal(r.verdict, TB_ACT_REDIRECT);
				tb_assert_read_lisp(r.out, r.out_len, &o);
				if (!memcmp(o.dst, a, 16))
					to_a++;
				else if (!memcmp(o.dst, b, 16))
					to_b++;
				else
					fail_msg("sent to neither locator");
			}
			/* Both packets of the flow took the same locator. */
			assert_true(to_a % 2 == 0 && to_b % 2 == 0);
		}
		assert_int_equal(to_a > 0, sets[s].want_a);
		assert_int_equal(to_b > 0, sets[s].want_b);
	}
}

/* A miss: dropped and counted, one miss event naming the destination and
 * the node's EID (so the control plane resolves it), then no new event
 * within the interval; once mapped, the next packet goes out. */
static void test_from_node_miss(void **state)
{
	struct tb *p = *state;
	struct tb_events e;
	struct tb_lisp l;
	struct run r;
	uint8_t a[16];

	from_node_init(&l, LISPD_AF_INET, OTHER_EID4);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_MISS_POLICY), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[0].family, LISPD_AF_INET);
	assert_int_equal(e.ev[0].iid, 0);
	tb_addr(a, LISPD_AF_INET, OTHER_EID4);
	assert_memory_equal(e.ev[0].dst, a, 16);
	tb_addr(a, LISPD_AF_INET, NODE_EID4);
	assert_memory_equal(e.ev[0].src, a, 16);

	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_MISS_POLICY), 2);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS_EVENT_DEDUP), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 0);

	map_to(p, 0, LISPD_AF_INET, OTHER_EID4, 32, LISPD_AF_INET, PEER_RLOC4);
	rtr(p, &l, &r);
	check_from_node(&r, &l, LISPD_AF_INET, PEER_RLOC4, 63);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT), 1);
}

/* The PETR: misses go there with miss policy petr, natively-forward
 * entries always; drop entries drop, send-map-request notifies. */
static void test_from_node_petr_and_negative(void **state)
{
	struct tb *p = *state;
	struct lispd_mc_value v = { 0 };
	struct tb_events e;
	struct tb_lisp l;
	struct run r;

	p->cfg.miss_policy = LISPD_MISS_PETR;
	assert_int_equal(tb_push_cfg(p), 0);
	from_node_init(&l, LISPD_AF_INET, OTHER_EID4);
	rtr(p, &l, &r);
	check_from_node(&r, &l, LISPD_AF_INET, PETR4, 63);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT_PETR), 1);
	p->cfg.miss_policy = LISPD_MISS_DROP;
	assert_int_equal(tb_push_cfg(p), 0);

	from_node_init(&l, LISPD_AF_INET, HOST4);
	v.action = LISPD_ACT_NATIVE_FORWARD;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v), 0);
	rtr(p, &l, &r);
	check_from_node(&r, &l, LISPD_AF_INET, PETR4, 63);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT_PETR), 2);

	v.action = LISPD_ACT_DROP;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v), 0);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_NEG_DROP), 1);

	v.action = LISPD_ACT_SEND_MAP_REQUEST;
	assert_int_equal(tb_add_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v), 0);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_MISS_POLICY), 1);
	tb_drain(p, &e);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[1].reason, LISPD_MISS_NEG_SMR);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT), 0);
}

/* A packet that arrived as large as the interface allows fits again with
 * the same outer family, not with the 20 bytes longer IPv6 header:
 * dropped, counted. */
static void test_from_node_too_big(void **state)
{
	struct tb *p = *state;
	struct tb_lisp l;
	struct run r;

	from_node_init(&l, LISPD_AF_INET, PEER_EID4);
	l.inner.payload = TB_PHYS_MTU - 36 - 28;
	map_to(p, 0, LISPD_AF_INET, PEER_EID4, 32, LISPD_AF_INET6, PEER_RLOC6);
	rtr(p, &l, &r);
	assert_int_equal(r.in_len, 14 + TB_PHYS_MTU);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_RTR_TOO_BIG), 1);
	map_to(p, 0, LISPD_AF_INET, PEER_EID4, 32, LISPD_AF_INET, PEER_RLOC4);
	rtr(p, &l, &r);
	check_from_node(&r, &l, LISPD_AF_INET, PEER_RLOC4, 63);
}

/* ---- c) refusals -------------------------------------------------------------- */

/* LISP data to our RLOC of the outer family: what is refused, under which
 * counter (or passed up untouched). */
static const struct refusal {
	const char *name;
	uint8_t inner, outer;
	const char *isrc, *idst, *osrc;
	uint32_t iid;     /* LISP instance-id (I bit when not 0) */
	uint8_t ttl;      /* inner TTL (the outer one is 200) */
	uint32_t stat, verdict;
} refusals[] = {
	{ "test_refuse_unknown_source", LISPD_AF_INET, LISPD_AF_INET, OTHER_EID4, PEER_EID4,
	  NODE_G, 0, 64, LISPD_STAT_DROP_RTR_UNKNOWN_EID, TB_ACT_SHOT },
	{ "test_refuse_no_eid_at_all", LISPD_AF_INET, LISPD_AF_INET, STRANGER4, HOST4, STRANGER4, 0,
	  64, LISPD_STAT_DROP_RTR_UNKNOWN_EID, TB_ACT_SHOT },
	{ "test_refuse_node_source_from_elsewhere", LISPD_AF_INET, LISPD_AF_INET, NODE_EID4,
	  PEER_EID4, STRANGER4, 0, 64, LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL, TB_ACT_SHOT },
	{ "test_refuse_node_source_over_ipv6", LISPD_AF_INET, LISPD_AF_INET6, NODE_EID4, PEER_EID4,
	  STRANGER6, 0, 64, LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL, TB_ACT_SHOT },
	/* Another node's EID from this node's NAT. */
	{ "test_refuse_node_source_other_nat", LISPD_AF_INET, LISPD_AF_INET, "198.18.4.1", PEER_EID4,
	  NODE_G, 0, 64, LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL, TB_ACT_SHOT },
	{ "test_refuse_ttl_to_node", LISPD_AF_INET, LISPD_AF_INET, PEER_EID4, NODE_EID4, PEER_RLOC4,
	  0, 1, LISPD_STAT_DROP_RTR_TTL, TB_ACT_SHOT },
	{ "test_refuse_ttl_from_node", LISPD_AF_INET6, LISPD_AF_INET, NODE_EID6, PEER_EID6, NODE_G,
	  0, 1, LISPD_STAT_DROP_RTR_TTL, TB_ACT_SHOT },
	{ "test_refuse_from_own_rloc", LISPD_AF_INET, LISPD_AF_INET, PEER_EID4, NODE_EID4, RTR4, 0,
	  64, LISPD_STAT_DROP_RTR_LOOP, TB_ACT_SHOT },
	{ "test_refuse_from_other_own_rloc", LISPD_AF_INET, LISPD_AF_INET, PEER_EID4, NODE_EID4,
	  RTR4_B, 0, 64, LISPD_STAT_DROP_RTR_LOOP, TB_ACT_SHOT },
	{ "test_refuse_mapped_to_self", LISPD_AF_INET, LISPD_AF_INET, NODE_EID4, SELF_EID4, NODE_G, 0,
	  64, LISPD_STAT_DROP_RTR_LOOP, TB_ACT_SHOT },
	{ "test_refuse_instance_id", LISPD_AF_INET, LISPD_AF_INET, PEER_EID4, NODE_EID4, PEER_RLOC4,
	  5, 64, LISPD_STAT_DROP_DECAP_IID, TB_ACT_SHOT },
	/* Instance-id 0xFFFFFF: a control message for the daemon. */
	{ "test_pass_data_map_notify", LISPD_AF_INET, LISPD_AF_INET, PEER_EID4, NODE_EID4, NODE_G,
	  LISPD_IID_DATA_MAP_NOTIFY, 64, LISPD_STAT_DECAP_PUNT_DMN, TB_ACT_OK },
};

static void test_refusal(void **state)
{
	struct tb *p = *state;
	const struct refusal *row = p->row;
	struct tb_lisp l;
	struct run r;

	tb_lisp_init(&l, row->inner, row->isrc, row->idst, row->outer, row->osrc,
		     eid_of(row->outer, RTR4, RTR6));
	l.inner.ttl = row->ttl;
	l.lh.i = row->iid != 0;
	l.lh.iid = row->iid;
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, row->verdict);
	assert_int_equal(tb_stat(p, row->stat), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT), 0);
	if (row->verdict == TB_ACT_OK) {
		assert_int_equal(r.out_len, r.in_len);
		assert_memory_equal(r.out, r.in, r.in_len);
	}
}

/* Malformed LISP data to a NATed node: one byte of a valid frame
 * (outer IPv4, inner IPv6) changed. */
static const struct garbage {
	const char *name;
	size_t off;
	uint8_t val;
	uint32_t stat;
} garbage[] = {
	/* inner payload length beyond the datagram */
	{ "test_refuse_inner_longer_than_udp", 14 + 20 + 16 + 4, 0xaf, LISPD_STAT_DROP_DECAP_TRUNC },
	{ "test_refuse_udp_longer_than_frame", 14 + 20 + 4, 0xff, LISPD_STAT_DROP_DECAP_TRUNC },
	{ "test_refuse_inner_not_ip", 14 + 20 + 16, 0x55, LISPD_STAT_DROP_DECAP_INNER_PROTO },
	{ "test_refuse_key_id", 14 + 20 + 8, 0x81, LISPD_STAT_DROP_DECAP_KEY_ID },
};

static void test_garbage(void **state)
{
	struct tb *p = *state;
	const struct garbage *row = p->row;
	struct tb_lisp l;
	struct run r;

	to_node_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_REDIRECT);
	r.in[row->off] = row->val;
	r.verdict = tb_run(p->rtr_fd, r.in, r.in_len, r.out, &r.out_len);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, row->stat), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 1);
}

/* Not LISP data for our RLOCs (another address, the control port, plain
 * traffic): untouched, for the stack. */
static void test_not_for_us(void **state)
{
	struct tb *p = *state;
	struct tb_lisp l;
	struct tb_ip plain;
	struct run r;

	to_node_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.outer.dst, LISPD_AF_INET, "192.0.2.99");
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_OK);
	assert_memory_equal(r.out, r.in, r.in_len);
	to_node_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.dport = LISPD_CTRL_PORT;   /* an ECM Map-Register: the daemon's */
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_OK);
	assert_memory_equal(r.out, r.in, r.in_len);
	tb_ip_init(&plain, LISPD_AF_INET, STRANGER4, RTR4);
	r.in_len = tb_frame(r.in, &plain);
	assert_int_equal(tb_run(p->rtr_fd, r.in, r.in_len, r.out, &r.out_len), TB_ACT_OK);
	assert_memory_equal(r.out, r.in, r.in_len);
	assert_int_equal(tb_stat(p, LISPD_STAT_DECAP_PASS), 3);
}

/* No open relay (docs/NAT.md 4.2): an arbitrary host with a valid LISP
 * header reaches a committed NATed EID, and only it, only through that
 * node's NAT (as any LISP peer: the mapping system names the RTR as the
 * node's locator); it cannot have anything else relayed, not under a NATed
 * node's EID, not to a mapped EID, not to a non-EID address. */
static void test_no_open_relay(void **state)
{
	struct tb *p = *state;
	struct tb_lisp l;
	struct run r;

	tb_lisp_init(&l, LISPD_AF_INET, STRANGER4, NODE_EID4, LISPD_AF_INET, STRANGER4, RTR4);
	rtr(p, &l, &r);
	check_to_node(&r, &l, RTR4, NODE_G, NODE_G1, 63, 0);

	tb_lisp_init(&l, LISPD_AF_INET, STRANGER4, PEER_EID4, LISPD_AF_INET, STRANGER4, RTR4);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	tb_lisp_init(&l, LISPD_AF_INET, STRANGER4, OTHER_EID4, LISPD_AF_INET, STRANGER4, RTR4);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	tb_lisp_init(&l, LISPD_AF_INET, STRANGER4, HOST4, LISPD_AF_INET, STRANGER4, RTR4);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_RTR_UNKNOWN_EID), 3);
	tb_lisp_init(&l, LISPD_AF_INET, NODE_EID4, PEER_EID4, LISPD_AF_INET, STRANGER4, RTR4);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	tb_lisp_init(&l, LISPD_AF_INET, NODE_EID4, HOST4, LISPD_AF_INET, STRANGER4, RTR4);
	rtr(p, &l, &r);
	assert_int_equal(r.verdict, TB_ACT_SHOT);
	assert_int_equal(tb_stat(p, LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL), 2);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_TO_NAT), 1);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_RTR_FROM_NAT_PETR), 0);
	assert_int_equal(tb_stat(p, LISPD_STAT_MISS), 0);
}

/* ---- the lib: committing and walking NATed nodes ------------------------------- */

struct seen {
	unsigned n;
	struct dp_nat_entry e[8];
};

static int collect(const struct dp_nat_entry *e, void *ctx)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static int stop_at_first(const struct dp_nat_entry *e, void *ctx)
{
	(void)e;
	++*(unsigned *)ctx;
	return 1;
}

static const struct dp_nat_entry *find(const struct seen *s, const char *eid)
{
	struct lisp_prefix pfx;

	parse_prefix(eid, &pfx);
	for (unsigned i = 0; i < s->n && i < 8; i++)
		if (lisp_prefix_cmp(&s->e[i].eid, &pfx) == 0)
			return &s->e[i];
	fail_msg("%s not walked", eid);
	return NULL;
}

static void walk(struct tb *p, struct seen *s)
{
	struct dp_handle h;
	struct dp_err err;

	memset(s, 0, sizeof(*s));
	tb_handle(p, &h);
	if (dp_nat_foreach(&h, collect, s, &err))
		fail_msg("dp_nat_foreach: %s", err.msg);
}

/* What the control plane relies on: a commit is read back whole, a second
 * commit of the prefix replaces it, a delete removes exactly it. */
static void test_lib_commit_walk(void **state)
{
	struct tb *p = *state;
	const struct dp_nat_entry *e;
	struct lisp_prefix pfx;
	struct dp_handle h;
	struct dp_err err;
	struct lisp_ip ip;
	struct seen s;
	unsigned n = 0;

	tb_handle(p, &h);
	walk(p, &s);
	assert_int_equal(s.n, 0);
	commit_ok(p, NODE_EID4 "/32", NODE_G, NODE_G1, RTR4);
	commit_ok(p, NODE_EID6 "/128", NODE_G, NODE_G1, RTR4_B);
	commit_ok(p, "[77]" NODE2_EID4 "/24", NODE2_G, NODE2_G1, RTR4);
	walk(p, &s);
	assert_int_equal(s.n, 3);
	e = find(&s, NODE_EID6 "/128");
	parse_ip(NODE_G, &ip);
	assert_true(lisp_ip_equal(&e->global, &ip));
	assert_int_equal(e->global_port, NODE_G1);
	parse_ip(RTR4_B, &ip);
	assert_true(lisp_ip_equal(&e->rtr_rloc, &ip));
	parse_ip(NODE_P, &ip);
	assert_true(lisp_ip_equal(&e->private_rloc, &ip));
	e = find(&s, "[77]" NODE2_EID4 "/24");
	assert_true(e->eid.addr.has_iid);
	assert_int_equal(e->eid.addr.iid, 77);
	assert_int_equal(e->global_port, NODE2_G1);

	/* A rebinding replaces the entry; nothing is added. */
	commit_ok(p, NODE_EID4 "/32", NODE2_G, 41000, RTR4);
	walk(p, &s);
	assert_int_equal(s.n, 3);
	e = find(&s, NODE_EID4 "/32");
	parse_ip(NODE2_G, &ip);
	assert_true(lisp_ip_equal(&e->global, &ip));
	assert_int_equal(e->global_port, 41000);

	assert_int_equal(dp_nat_foreach(&h, stop_at_first, &n, &err), 0);
	assert_int_equal(n, 1);

	parse_prefix(NODE_EID6 "/128", &pfx);
	assert_int_equal(dp_nat_del(&h, &pfx, &err), 0);
	assert_int_equal(dp_nat_del(&h, &pfx, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	walk(p, &s);
	assert_int_equal(s.n, 2);
}

/* Entries the data plane could not use are refused with the reason. */
static void test_lib_commit_refused(void **state)
{
	struct tb *p = *state;
	struct dp_err err;
	struct seen s;

	assert_int_equal(commit(p, NODE_EID4 "/32", "2001:db8::2", NODE_G1, RTR4, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	assert_int_equal(commit(p, NODE_EID4 "/32", NODE_G, NODE_G1, RTR6, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	assert_int_equal(commit(p, NODE_EID4 "/32", NODE_G, 0, RTR4, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	/* Not an RLOC of ours: the data plane could not send from it. */
	assert_int_equal(commit(p, NODE_EID4 "/32", NODE_G, NODE_G1, "192.0.2.99", &err), -1);
	assert_int_equal(err.errnum, EADDRNOTAVAIL);
	assert_non_null(strstr(err.msg, "192.0.2.99"));
	/* An instance-id the data plane cannot carry. */
	assert_int_equal(commit(p, "[16777216]" NODE_EID4 "/32", NODE_G, NODE_G1, RTR4, &err), -1);
	assert_int_equal(err.errnum, EINVAL);
	walk(p, &s);
	assert_int_equal(s.n, 0);
}

/* ---- attach and detach ------------------------------------------------------------ */

/* A pin directory on a bpffs of this process's own, in a private mount
 * namespace: nothing is pinned where a running lispd could see it. Not
 * created yet: attach makes it. */
static const char *private_pin_dir(const char *name)
{
	static char dir[] = "/tmp/test_bpf_rtr.XXXXXX";
	static char pin[sizeof(dir) + 16];
	static bool mounted;

	if (!mounted && (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
			 !mkdtemp(dir) || mount("bpf", dir, "bpf", 0, NULL)))
		fail_msg("private bpffs: %s", strerror(errno));
	mounted = true;
	snprintf(pin, sizeof(pin), "%s/%s", dir, name);
	return pin;
}

static uint32_t prog_at(const char *dev)
{
	struct dp_link_info li;
	struct dp_err err;
	uint32_t id = 0;

	assert_int_equal(dp_link_get(dev, &li), 0);
	if (dp_tc_prog_at(li.ifindex, true, &id, &err))
		fail_msg("%s: %s", dev, err.msg);
	return id;
}

/* lispd_rtr goes on the ingress of every RLOC interface, its maps pinned
 * (lispd_nat included, committed to through dp_open's handle); attaching
 * again is idempotent, to other interfaces refused; detach leaves nothing
 * (filters, qdiscs, pins, the directory). */
static void test_attach_detach(void **state)
{
	const char *pin = private_pin_dir("rtr");
	struct dp_rtr_opts o;
	struct dp_nat_entry e;
	struct dp_link_info li;
	struct dp_handle h;
	struct dp_err err;
	struct stat sb;
	struct seen s;

	(void)state;
	assert_int_equal(dp_link_create_lmn("rtra", "rtrap", 1500, NULL), 0);
	assert_int_equal(dp_link_create_lmn("rtrb", "rtrbp", 1500, NULL), 0);
	memset(&o, 0, sizeof(o));
	o.pin_dir = pin;
	o.n_rlocs = 3;
	parse_ip(RTR4, &o.rlocs[0].addr);
	o.rlocs[0].dev = "rtra";
	parse_ip(RTR6, &o.rlocs[1].addr);
	o.rlocs[1].dev = "rtra";
	parse_ip(RTR4_B, &o.rlocs[2].addr);
	o.rlocs[2].dev = "rtrb";
	if (dp_rtr_attach(&o, &err))
		fail_msg("dp_rtr_attach: %s", err.msg);
	assert_int_not_equal(prog_at("rtra"), 0);
	assert_int_not_equal(prog_at("rtrb"), 0);
	if (dp_rtr_attach(&o, &err))
		fail_msg("dp_rtr_attach again: %s", err.msg);

	if (dp_open(&h, pin, &err))
		fail_msg("dp_open: %s", err.msg);
	assert_true(h.nat_fd >= 0);
	assert_int_equal(h.eid_space_fd, -1);
	memset(&e, 0, sizeof(e));
	parse_prefix(NODE_EID4 "/32", &e.eid);
	parse_ip(NODE_G, &e.global);
	e.global_port = NODE_G1;
	parse_ip(RTR4_B, &e.rtr_rloc);
	if (dp_nat_put(&h, &e, &err))
		fail_msg("dp_nat_put: %s", err.msg);
	memset(&s, 0, sizeof(s));
	assert_int_equal(dp_nat_foreach(&h, collect, &s, &err), 0);
	assert_int_equal(s.n, 1);
	dp_close(&h);

	o.n_rlocs = 2;
	assert_int_equal(dp_rtr_attach(&o, &err), -1);
	assert_int_equal(err.errnum, EBUSY);

	if (dp_rtr_detach(pin, &err))
		fail_msg("dp_rtr_detach: %s", err.msg);
	assert_int_equal(prog_at("rtra"), 0);
	assert_int_equal(prog_at("rtrb"), 0);
	assert_int_equal(dp_link_get("rtra", &li), 0);
	assert_int_equal(dp_link_has_clsact(li.ifindex), 0);
	assert_int_not_equal(stat(pin, &sb), 0);
	assert_int_equal(dp_rtr_detach(pin, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
}

/* ---- through a real kernel ----------------------------------------------------- */

/* The RTR attached at the ingress of rtrk (a veth holding RTR4), whose
 * peer rtrkp stands for the network: G and the peer's RLOC lie behind
 * rtrk, their neighbours fixed, so that bpf_redirect_neigh has what it
 * needs. */
static const char *const kernel_lab[] = {
	"ip link add rtrk type veth peer name rtrkp",
	"ip link set rtrk up",
	"ip link set rtrkp up",
	"ip addr add " RTR4 "/24 dev rtrk",
	"ip route add 203.0.113.0/24 dev rtrk",
	"ip neigh add " NODE_G " lladdr 02:00:00:00:00:99 dev rtrk",
	"ip neigh add " PEER_RLOC4 " lladdr 02:00:00:00:00:98 dev rtrk",
};

/* Sends frame f into rtrk (from its peer) and returns the first frame
 * leaving rtrk with UDP destination port dport, into out. */
static size_t through_rtrk(int fd, uint8_t *f, size_t n, uint16_t dport, uint8_t *out)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET };
	struct dp_link_info rtrk;

	assert_int_equal(dp_link_get("rtrk", &rtrk), 0);
	memcpy(f, rtrk.mac, 6);   /* addressed to rtrk, as a router's neighbour would */
	to.sll_ifindex = (int)if_nametoindex("rtrkp");
	to.sll_halen = 6;
	memcpy(to.sll_addr, rtrk.mac, 6);
	assert_int_equal(sendto(fd, f, n, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)n);
	for (int tries = 0; tries < 50; tries++) {
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t got = recvfrom(fd, out, TB_PKT_MAX, 0, (struct sockaddr *)&from, &fl);

		if (got < 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING || got < 14 + 20 + 8 ||
		    tb_get16(out + 12) != 0x0800 || out[14 + 9] != 17)
			continue;
		if (tb_get16(out + 14 + 20 + 2) == dport)
			return (size_t)got;
	}
	fail_msg("nothing came out of rtrk to port %u", dport);
	return 0;
}

/* What BPF_PROG_TEST_RUN cannot show: the kernel takes the rewritten skb
 * (its protocol, the neighbour lookup of bpf_redirect_neigh) and sends
 * both kinds out of the interface, addressed to the next hop. */
static void test_through_the_kernel(void **state)
{
	static const uint8_t mac_g[6] = { 2, 0, 0, 0, 0, 0x99 }, mac_peer[6] = { 2, 0, 0, 0, 0, 0x98 };
	struct timeval tmo = { .tv_sec = 1 };
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct dp_rtr_opts o;
	struct dp_mapping m;
	struct dp_nat_entry e;
	struct dp_handle h;
	struct dp_err err;
	uint64_t stats[DP_STAT_MAX];
	size_t in_len, inner_len, n;
	struct tb_lisp l;
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof(kernel_lab) / sizeof(kernel_lab[0]); i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "%s >/dev/null 2>&1", kernel_lab[i]);
		if (system(cmd))
			fail_msg("lab setup failed: %s", kernel_lab[i]);
	}
	memset(&o, 0, sizeof(o));
	o.pin_dir = private_pin_dir("rtrk");
	o.n_rlocs = 1;
	parse_ip(RTR4, &o.rlocs[0].addr);
	o.rlocs[0].dev = "rtrk";
	if (dp_rtr_attach(&o, &err))
		fail_msg("dp_rtr_attach: %s", err.msg);
	if (dp_open(&h, o.pin_dir, &err))
		fail_msg("dp_open: %s", err.msg);
	memset(&e, 0, sizeof(e));
	parse_prefix(NODE_EID4 "/32", &e.eid);
	parse_ip(NODE_G, &e.global);
	e.global_port = NODE_G1;
	parse_ip(RTR4, &e.rtr_rloc);
	memset(&m, 0, sizeof(m));
	parse_prefix(PEER_EID4 "/32", &m.eid);
	m.n_loc = 1;
	parse_ip(PEER_RLOC4, &m.loc[0].addr);
	m.loc[0].priority = 1;
	m.loc[0].weight = 1;
	m.loc[0].up = true;
	if (dp_nat_put(&h, &e, &err) || dp_mcache_put(&h, &m, &err))
		fail_msg("filling the maps: %s", err.msg);
	parse_prefix(NODE_EID6 "/128", &e.eid);
	if (dp_nat_put(&h, &e, &err))
		fail_msg("dp_nat_put: %s", err.msg);

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof(tmo)), 0);
	{
		struct sockaddr_ll at = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
					  .sll_ifindex = (int)if_nametoindex("rtrkp") };

		assert_int_equal(bind(fd, (struct sockaddr *)&at, sizeof(at)), 0);
	}

	to_node_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	in_len = tb_lisp_build(&l, in, inner, &inner_len);
	n = through_rtrk(fd, in, in_len, NODE_G1, out);
	assert_memory_equal(out, mac_g, 6);
	check_to_node_frame(out, n, &l, RTR4, NODE_G, NODE_G1, 63, 0);

	from_node_init(&l, LISPD_AF_INET, PEER_EID4);
	in_len = tb_lisp_build(&l, in, inner, &inner_len);
	n = through_rtrk(fd, in, in_len, LISPD_DATA_PORT, out);
	assert_memory_equal(out, mac_peer, 6);
	check_from_node_frame(out, n, &l, LISPD_AF_INET, PEER_RLOC4, 63);

	assert_int_equal(dp_stats_read(&h, stats, &err), 0);
	assert_int_equal(stats[LISPD_STAT_RTR_TO_NAT], 1);
	assert_int_equal(stats[LISPD_STAT_RTR_FROM_NAT], 1);
	close(fd);
	dp_close(&h);
	if (dp_rtr_detach(o.pin_dir, &err))
		fail_msg("dp_rtr_detach: %s", err.msg);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_to_node_rloc_and_rebinding, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_to_node_prefix_and_instance, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_node_to_node, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_from_node_locator_choice, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_from_node_miss, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_from_node_petr_and_negative, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_from_node_too_big, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_not_for_us, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_no_open_relay, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_lib_commit_walk, setup_bare, tb_teardown),
		cmocka_unit_test_setup_teardown(test_lib_commit_refused, setup_bare, tb_teardown),
		/* Last: they move the process into a mount namespace of its own. */
		cmocka_unit_test(test_attach_detach),
		cmocka_unit_test(test_through_the_kernel),
	};
	static struct tb_tests l;

	TB_ROWS(&l, NULL, to_node_rows, test_to_node, setup, tb_teardown);
	TB_ROWS(&l, NULL, from_node_rows, test_from_node, setup, tb_teardown);
	TB_ROWS(&l, NULL, refusals, test_refusal, setup, tb_teardown);
	TB_ROWS(&l, NULL, garbage, test_garbage, setup, tb_teardown);
	TB_TESTS(&l, tests);
	return tb_run_tests(&l);
}
