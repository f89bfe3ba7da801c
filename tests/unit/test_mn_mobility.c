/* The mobile node after a move: which RLOC sets count as changed
 * (mn/rlocwatch's pure part), and what mn_moved sends: a Map-Register of
 * the new set and SMRs (S=1, not in an ECM, straight to each up locator
 * of each dynamic map-cache entry and to the proxy-ITRs, from our RLOC of
 * that family, our EIDs as source, the new RLOCs as ITR-RLOCs), at most
 * one round per peer RLOC per interval. */
#include "config.h"
#include "test_mn_util.h"
#include "mn/locset.h"
#include "mn/rlocwatch.h"

#define NEW4 "203.0.113.129"
#define NEW6 "2001:db8:4::1"
#define PEER_A4 "203.0.113.50"
#define PEER_A6 "2001:db8:0:50::1"
#define PEER_B4 "203.0.113.60"
#define PITR "198.51.100.77"

/* ---- RLOC-set diffing ------------------------------------------------------------- */

static struct rloc_view view(const char *a4, const char *a6, const char *gw4, const char *gw6)
{
	struct rloc_view v;

	memset(&v, 0, sizeof(v));
	v.link_up = true;
	if (a4) {
		v.has_addr[LISP_AFI_IPV4] = true;
		v.addr[LISP_AFI_IPV4] = fx_ip(a4);
	}
	if (a6) {
		v.has_addr[LISP_AFI_IPV6] = true;
		v.addr[LISP_AFI_IPV6] = fx_ip(a6);
	}
	if (gw4) {
		v.has_gw[LISP_AFI_IPV4] = true;
		v.gw[LISP_AFI_IPV4] = fx_ip(gw4);
	}
	if (gw6) {
		v.has_gw[LISP_AFI_IPV6] = true;
		v.gw[LISP_AFI_IPV6] = fx_ip(gw6);
	}
	return v;
}

static const bool no_gw_needed[3] = { false, false, false };
static const bool gw_needed[3] = { false, true, true };

static void test_diff_same(void **state)
{
	struct rloc_view a = view("192.0.2.1", "2001:db8::1", "192.0.2.254", "2001:db8::fe");
	struct rloc_view b = a;

	(void)state;
	assert_int_equal(rloc_view_diff(&a, &b, gw_needed), 0);
	assert_int_equal(rloc_view_diff(&a, &b, no_gw_needed), 0);
}

static void test_diff_address_moved(void **state)
{
	struct rloc_view a = view("192.0.2.1", "2001:db8::1", "192.0.2.254", "2001:db8::fe");
	struct rloc_view b = view(NEW4, "2001:db8::1", "203.0.113.254", "2001:db8::fe");
	struct lisp_ip r[2];

	(void)state;
	assert_int_equal(rloc_view_diff(&a, &b, gw_needed), RLOCW_RLOCS | RLOCW_GW);
	assert_int_equal(rloc_view_rlocs(&b, gw_needed, r), 2);
	assert_ip(&r[0], NEW4);
	assert_ip(&r[1], "2001:db8::1");
}

static void test_diff_gateway_only(void **state)
{
	struct rloc_view a = view("192.0.2.1", NULL, "192.0.2.254", NULL);
	struct rloc_view b = view("192.0.2.1", NULL, "192.0.2.253", NULL);

	(void)state;
	assert_int_equal(rloc_view_diff(&a, &b, gw_needed), RLOCW_GW);
}

/* DHCP's first step (an address, no route yet) is not a usable RLOC when
 * the family had a gateway; the route arriving makes it one. */
static void test_address_without_gateway(void **state)
{
	struct rloc_view gone = view(NULL, NULL, NULL, NULL);
	struct rloc_view addr_only = view(NEW4, NULL, NULL, NULL);
	struct rloc_view full = view(NEW4, NULL, "203.0.113.254", NULL);
	struct lisp_ip r[2];

	(void)state;
	assert_int_equal(rloc_view_rlocs(&addr_only, gw_needed, r), 0);
	assert_int_equal(rloc_view_diff(&gone, &addr_only, gw_needed), 0);
	assert_int_equal(rloc_view_diff(&addr_only, &full, gw_needed), RLOCW_RLOCS | RLOCW_GW);
	/* Where no gateway was ever needed (a directly connected lab), the
	 * address alone is an RLOC. */
	assert_int_equal(rloc_view_rlocs(&addr_only, no_gw_needed, r), 1);
	assert_ip(&r[0], NEW4);
	assert_int_equal(rloc_view_diff(&gone, &addr_only, no_gw_needed), RLOCW_RLOCS);
}

static void test_link_down_and_family_change(void **state)
{
	struct rloc_view up = view("192.0.2.1", NULL, "192.0.2.254", NULL);
	struct rloc_view down = up;
	struct rloc_view v6only = view(NULL, "2001:db8::1", NULL, "2001:db8::fe");
	struct lisp_ip r[2];

	(void)state;
	down.link_up = false;
	assert_int_equal(rloc_view_rlocs(&down, gw_needed, r), 0);
	assert_int_equal(rloc_view_diff(&up, &down, gw_needed), RLOCW_RLOCS);
	assert_int_equal(rloc_view_diff(&down, &up, gw_needed), RLOCW_RLOCS);
	/* IPv4-only to IPv6-only access network: same count, other set. */
	assert_int_equal(rloc_view_diff(&up, &v6only, gw_needed) & RLOCW_RLOCS, RLOCW_RLOCS);
	assert_int_equal(rloc_view_rlocs(&v6only, gw_needed, r), 1);
	assert_ip(&r[0], "2001:db8::1");
}

/* ---- multihoming: the locator set of several RLOC interfaces ------------------------ */

static struct mn_iface_conf iconf(const char *name, int p4, int w4, int p6, int w6)
{
	struct mn_iface_conf c;

	memset(&c, 0, sizeof(c));
	snprintf(c.name, sizeof(c.name), "%s", name);
	if (p4 >= 0) {
		c.use[LISP_AFI_IPV4] = true;
		c.priority[LISP_AFI_IPV4] = (uint8_t)p4;
		c.weight[LISP_AFI_IPV4] = (uint8_t)w4;
	}
	if (p6 >= 0) {
		c.use[LISP_AFI_IPV6] = true;
		c.priority[LISP_AFI_IPV6] = (uint8_t)p6;
		c.weight[LISP_AFI_IPV6] = (uint8_t)w6;
	}
	return c;
}

static struct mn_iface_now inow(const struct mn_iface_conf *c, int ifindex, const char *a4,
				const char *a6)
{
	struct mn_iface_now n = { .conf = c, .ifindex = ifindex };

	if (a4)
		n.rlocs[n.n_rlocs++] = fx_ip(a4);
	if (a6)
		n.rlocs[n.n_rlocs++] = fx_ip(a6);
	return n;
}

static void assert_loc(const struct mn_locator *l, const char *addr, int prio, int weight,
		       int ifindex)
{
	struct lisp_ip ip = fx_ip(addr);

	assert_true(lisp_ip_equal(&l->addr, &ip));
	assert_int_equal(l->priority, prio);
	assert_int_equal(l->weight, weight);
	assert_int_equal(l->ifindex, ifindex);
}

/* Ethernet (priority 2), Wi-Fi (1), LTE (3, IPv6 only): every up address
 * is advertised, ordered by priority; each family sends from its best. */
static void test_locset_priorities(void **state)
{
	struct mn_iface_conf eth = iconf("eth0", 2, 100, 2, 100);
	struct mn_iface_conf wifi = iconf("wlan0", 1, 50, -1, 0);
	struct mn_iface_conf lte = iconf("wwan0", -1, 0, 3, 10);
	struct mn_iface_now now[3] = {
		inow(&eth, 2, "192.0.2.1", "2001:db8:0:1::1"),
		inow(&wifi, 3, "203.0.113.129", NULL),
		inow(&lte, 4, NULL, "2001:db8:0:5::1"),
	};
	struct mn_locator set[MN_MAX_LOCS];
	struct lisp_ip src[2];
	unsigned n;

	(void)state;
	n = mn_locset_build(now, 3, set, MN_MAX_LOCS);
	assert_int_equal(n, 4);
	assert_loc(&set[0], "203.0.113.129", 1, 50, 3);
	assert_loc(&set[1], "192.0.2.1", 2, 100, 2);
	assert_loc(&set[2], "2001:db8:0:1::1", 2, 100, 2);
	assert_loc(&set[3], "2001:db8:0:5::1", 3, 10, 4);
	assert_ptr_equal(mn_locset_best(set, n, LISP_AFI_IPV4), &set[0]);
	assert_ptr_equal(mn_locset_best(set, n, LISP_AFI_IPV6), &set[2]);
	assert_int_equal(mn_locset_sources(set, n, src), 2);
	assert_true(lisp_ip_equal(&src[0], &set[0].addr));
	assert_true(lisp_ip_equal(&src[1], &set[2].addr));
}

/* Wi-Fi goes down: the Ethernet address is the IPv4 source; Ethernet goes
 * too: IPv6 only, from LTE; nothing up: no locator, no source. */
static void test_locset_up_down(void **state)
{
	struct mn_iface_conf eth = iconf("eth0", 2, 100, 2, 100);
	struct mn_iface_conf wifi = iconf("wlan0", 1, 50, -1, 0);
	struct mn_iface_conf lte = iconf("wwan0", -1, 0, 3, 10);
	struct mn_iface_now now[3] = {
		inow(&eth, 2, "192.0.2.1", "2001:db8:0:1::1"),
		inow(&wifi, 3, NULL, NULL),
		inow(&lte, 4, NULL, "2001:db8:0:5::1"),
	};
	struct mn_locator set[MN_MAX_LOCS], before[MN_MAX_LOCS];
	struct lisp_ip src[2];
	unsigned n, nb;

	(void)state;
	nb = mn_locset_build(now, 3, before, MN_MAX_LOCS);
	assert_int_equal(nb, 3);
	assert_loc(mn_locset_best(before, nb, LISP_AFI_IPV4), "192.0.2.1", 2, 100, 2);
	now[0] = inow(&eth, 2, NULL, NULL);
	n = mn_locset_build(now, 3, set, MN_MAX_LOCS);
	assert_false(mn_locset_equal(set, n, before, nb));
	assert_int_equal(n, 1);
	assert_null(mn_locset_best(set, n, LISP_AFI_IPV4));
	assert_int_equal(mn_locset_sources(set, n, src), 1);
	assert_true(lisp_ip_equal(&src[0], &set[0].addr));
	now[2] = inow(&lte, 4, NULL, NULL);
	assert_int_equal(mn_locset_build(now, 3, set, MN_MAX_LOCS), 0);
	assert_int_equal(mn_locset_sources(set, 0, src), 0);
	/* The same interfaces again: the same set, nothing to re-register. */
	now[0] = inow(&eth, 2, "192.0.2.1", "2001:db8:0:1::1");
	now[2] = inow(&lte, 4, NULL, "2001:db8:0:5::1");
	n = mn_locset_build(now, 3, set, MN_MAX_LOCS);
	assert_true(mn_locset_equal(set, n, before, nb));
}

/* Priority 255 is advertised (RFC 9300: not for unicast) but never sends;
 * a tie keeps the configuration order; a family the interface does not
 * use is not advertised. */
static void test_locset_255_and_ties(void **state)
{
	struct mn_iface_conf a = iconf("eth0", 255, 0, -1, 0);
	struct mn_iface_conf b = iconf("eth1", 5, 30, -1, 0);
	struct mn_iface_conf c = iconf("eth2", 5, 70, -1, 0);
	struct mn_iface_now now[3] = {
		inow(&a, 2, "192.0.2.1", "2001:db8:0:1::1"),
		inow(&b, 3, "198.51.100.1", NULL),
		inow(&c, 4, "203.0.113.129", NULL),
	};
	struct mn_locator set[MN_MAX_LOCS];
	unsigned n;

	(void)state;
	n = mn_locset_build(now, 3, set, MN_MAX_LOCS);
	assert_int_equal(n, 3);
	assert_loc(&set[0], "198.51.100.1", 5, 30, 3);
	assert_loc(&set[1], "203.0.113.129", 5, 70, 4);
	assert_loc(&set[2], "192.0.2.1", 255, 0, 2);
	assert_ptr_equal(mn_locset_best(set, n, LISP_AFI_IPV4), &set[0]);
	now[1] = inow(&b, 3, NULL, NULL);
	now[2] = inow(&c, 4, NULL, NULL);
	n = mn_locset_build(now, 3, set, MN_MAX_LOCS);
	assert_int_equal(n, 1);
	assert_null(mn_locset_best(set, n, LISP_AFI_IPV4));
}


/* lmn's MTU is set by the smallest interface in use: Ethernet 1500 with
 * IPv4 and IPv6 (1444), Wi-Fi 1400 with IPv4 (1364); Wi-Fi down: back to
 * Ethernet's; an IPv6 address on an interface configured for IPv4 only
 * costs no IPv6 header; nothing in use (or MTUs unknown): 0, no change. */
static void test_locset_lmn_mtu(void **state)
{
	struct mn_iface_conf eth = iconf("eth0", 2, 100, 2, 100);
	struct mn_iface_conf wifi = iconf("wlan0", 1, 50, -1, 0);
	struct mn_iface_now now[2] = {
		inow(&eth, 2, "192.0.2.1", "2001:db8:0:1::1"),
		inow(&wifi, 3, "203.0.113.129", "2001:db8:0:4::1"),
	};
	unsigned limit = 9;

	(void)state;
	now[0].mtu = 1500;
	now[1].mtu = 1400;
	assert_int_equal(mn_locset_lmn_mtu(now, 2, &limit), 1364);
	assert_int_equal(limit, 1);
	now[1].mtu = 1480;
	assert_int_equal(mn_locset_lmn_mtu(now, 2, &limit), 1444);
	assert_int_equal(limit, 0);
	now[1].mtu = 1400;
	now[1].n_rlocs = 0;
	assert_int_equal(mn_locset_lmn_mtu(now, 2, &limit), 1444);
	now[0].n_rlocs = 0;
	assert_int_equal(mn_locset_lmn_mtu(now, 2, NULL), 0);
	now[0] = inow(&eth, 2, "192.0.2.1", NULL);
	now[0].mtu = 0;
	assert_int_equal(mn_locset_lmn_mtu(now, 2, NULL), 0);
}

/* A change of the link MTU alone is a change the watcher reports. */
static void test_diff_mtu_only(void **state)
{
	struct rloc_view a = view("192.0.2.1", NULL, "192.0.2.254", NULL);
	struct rloc_view b = a;

	(void)state;
	a.mtu = 1500;
	b.mtu = 1400;
	assert_int_equal(rloc_view_diff(&a, &b, gw_needed), RLOCW_MTU);
}
/* The Map-Register after a move carries every locator of the set with its
 * own priority and weight, for the families each mapping uses. */
static void test_register_carries_locset(void **state)
{
	struct mn_iface_conf eth = iconf("eth0", 2, 100, 2, 100);
	struct mn_iface_conf wifi = iconf("wlan0", 1, 50, -1, 0);
	struct mn_iface_now now[2] = {
		inow(&eth, 2, "192.0.2.1", "2001:db8:0:1::1"),
		inow(&wifi, 3, NEW4, NULL),
	};
	struct mn_locator set[MN_MAX_LOCS];
	struct lisp_ip src[2];
	struct fx *f = fx_new(MN_CFG_BASE);
	const struct lisp_map_register *m = NULL;
	unsigned n, ns;

	(void)state;
	mn_start(f->mn);
	f->n = 0;
	n = mn_locset_build(now, 2, set, MN_MAX_LOCS);
	ns = mn_locset_sources(set, n, src);
	mn_set_locators(f->mn, n, set);
	mn_moved(f->mn, ns, src);
	for (unsigned i = 0; i < f->n && !m; i++)
		if (lisp_msg_type(f->pkt[i].buf, f->pkt[i].len) == LISP_MAP_REGISTER)
			m = fx_register(f, i);
	assert_non_null(m);
	assert_true(m->n_rec >= 1);
	for (unsigned r = 0; r < m->n_rec; r++) {
		const struct lisp_record *rec = &m->rec[r];
		unsigned seen = 0;

		for (unsigned k = 0; k < rec->n_loc; k++) {
			const struct lisp_locator *l = &rec->loc[k];
			struct lisp_ip w = fx_ip(NEW4), e = fx_ip("192.0.2.1");

			if (lisp_ip_equal(&l->addr.ip, &w)) {
				assert_int_equal(l->priority, 1);
				assert_int_equal(l->weight, 50);
				seen |= 1;
			} else if (lisp_ip_equal(&l->addr.ip, &e)) {
				assert_int_equal(l->priority, 2);
				assert_int_equal(l->weight, 100);
				seen |= 2;
			}
		}
		/* The IPv6 EID's mapping uses IPv6 only: eth0's IPv6 address. */
		assert_int_equal(seen, rec->eid.addr.ip.afi == LISP_AFI_IPV4 ? 3 : 0);
		assert_int_equal(rec->n_loc, rec->eid.addr.ip.afi == LISP_AFI_IPV4 ? 3 : 1);
	}
	fx_free(f);
}

/* ---- SMRs after a move --------------------------------------------------------------- */

static void install(struct fx *f, const char *dst, const char *prefix, unsigned n_loc,
		    const char *const *locs, const bool *up)
{
	static const uint8_t prio[] = { 1, 1, 1 };
	struct lisp_prefix p;
	struct lisp_ip ip = fx_ip(dst);
	unsigned at = f->n;

	itr_prefix_host(&p, 0, &ip);
	assert_int_equal(itr_resolve(&f->mn->itr, &p, NULL, ITR_REQ_MISS), 0);
	fx_send_reply(f, fx_ecm_request(f, at)->nonce, prefix, 10, 0, n_loc, locs, prio, up);
}

static void moved_to(struct fx *f, const char *r4, const char *r6)
{
	struct lisp_ip r[2];
	unsigned n = 0;

	if (r4)
		r[n++] = fx_ip(r4);
	if (r6)
		r[n++] = fx_ip(r6);
	mn_moved(f->mn, n, r);
	/* No map-server answers here: the SMRs go when the hold (1 ms) ends. */
	fx_run(f, 5);
}

/* Indexes of the sent packets that are SMRs (plain Map-Requests, S=1). */
static unsigned smrs(struct fx *f, unsigned from, unsigned *idx, unsigned cap)
{
	unsigned n = 0;

	for (unsigned i = from; i < f->n && n < cap; i++) {
		if (lisp_msg_type(f->pkt[i].buf, f->pkt[i].len) != LISP_MAP_REQUEST)
			continue;
		assert_int_equal(lisp_map_request_decode(f->pkt[i].buf, f->pkt[i].len, &f->req,
							 NULL), 0);
		if (f->req.smr)
			idx[n++] = i;
	}
	return n;
}

static bool sent_register_to_ms(struct fx *f, unsigned from)
{
	struct lisp_ip ms = fx_ip(MN_MS);

	for (unsigned i = from; i < f->n; i++)
		if (lisp_msg_type(f->pkt[i].buf, f->pkt[i].len) == LISP_MAP_REGISTER &&
		    lisp_ip_equal(&f->pkt[i].dst, &ms))
			return true;
	return false;
}

static struct fx *fx_with_peers(const char *extra_cfg)
{
	static const char *const locs_a[] = { PEER_A4, PEER_A6, "203.0.113.59" };
	static const bool up_a[] = { true, true, false };
	static const char *const locs_b[] = { PEER_B4 };
	static const bool up_b[] = { true };
	char cfg[4096];
	struct fx *f;

	snprintf(cfg, sizeof(cfg), "%s%s", MN_CFG_BASE
		 "static-map-cache {\n eid-prefix = 198.19.9.0/24\n"
		 " rloc-address { address = 203.0.113.99\n priority = 1\n weight = 1 }\n}\n",
		 extra_cfg);
	f = fx_new(cfg);
	mn_start(f->mn);
	install(f, "198.19.7.7", "198.19.7.0/24", 3, locs_a, up_a);
	install(f, "198.19.8.8", "198.19.8.8/32", 1, locs_b, up_b);
	f->n = 0;
	return f;
}

static void test_smr_to_every_up_locator(void **state)
{
	struct fx *f = fx_with_peers("");
	unsigned idx[16], n, to_a4 = 0, to_a6 = 0, to_b4 = 0;

	(void)state;
	moved_to(f, NEW4, NEW6);
	assert_true(sent_register_to_ms(f, 0));
	n = smrs(f, 0, idx, 16);
	/* Two EIDs of ours x three up peer RLOCs; the down one and the
	 * static entry get nothing. */
	assert_int_equal(n, 6);
	assert_int_equal(f->mn->ctr.smr_sent, 6);
	for (unsigned k = 0; k < n; k++) {
		const struct fx_pkt *p = &f->pkt[idx[k]];
		const struct lisp_map_request *q;
		char a[LISP_ADDR_STRLEN];

		assert_int_equal(p->dport, LISP_CONTROL_PORT);
		assert_true(p->has_src);
		assert_int_equal(lisp_map_request_decode(p->buf, p->len, &f->req, NULL), 0);
		q = &f->req;
		assert_true(q->smr);
		assert_false(q->smr_invoked);
		assert_false(q->probe);
		/* Sourced from our new RLOC of the destination's family. */
		assert_ip(&p->src, p->dst.afi == LISP_AFI_IPV4 ? NEW4 : NEW6);
		/* ITR-RLOCs: exactly the new set. */
		assert_int_equal(q->n_itr, 2);
		assert_ip(&q->itr[0].ip, NEW4);
		assert_ip(&q->itr[1].ip, NEW6);
		/* Source EID: one of ours; record: the peer's prefix. */
		lisp_ip_format(&q->source_eid.ip, a, sizeof(a));
		assert_true(!strcmp(a, MN_EID4) || !strcmp(a, MN_EID6));
		assert_int_equal(q->n_eid, 1);
		lisp_ip_format(&p->dst, a, sizeof(a));
		if (!strcmp(a, PEER_B4)) {
			to_b4++;
			assert_ip(&q->eid[0].addr.ip, "198.19.8.8");
			assert_int_equal(q->eid[0].plen, 32);
		} else {
			to_a4 += !strcmp(a, PEER_A4);
			to_a6 += !strcmp(a, PEER_A6);
			assert_ip(&q->eid[0].addr.ip, "198.19.7.0");
			assert_int_equal(q->eid[0].plen, 24);
		}
	}
	assert_int_equal(to_a4, 2);
	assert_int_equal(to_a6, 2);
	assert_int_equal(to_b4, 2);
	fx_free(f);
}

static void test_smr_rate_limited_per_rloc(void **state)
{
	struct fx *f = fx_with_peers("");
	unsigned idx[16];

	(void)state;
	moved_to(f, NEW4, NEW6);
	assert_int_equal(smrs(f, 0, idx, 16), 6);
	/* A flapping link: the next move within the interval registers again
	 * but tells no peer RLOC twice. */
	f->n = 0;
	moved_to(f, "192.0.2.100", NEW6);
	assert_true(sent_register_to_ms(f, 0));
	assert_int_equal(smrs(f, 0, idx, 16), 0);
	assert_int_equal(f->mn->ctr.smr_tx_rate_limited, 3);
	/* ... but owes them the new set: at the end of the interval (100 ms
	 * in the fast timing) each RLOC gets one SMR carrying it, however many
	 * moves came meanwhile. */
	f->n = 0;
	moved_to(f, "192.0.2.101", NEW6);
	assert_int_equal(smrs(f, 0, idx, 16), 0);
	assert_int_equal(f->mn->ctr.smr_tx_rate_limited, 6);
	fx_run(f, 120);
	assert_int_equal(smrs(f, 0, idx, 16), 6);
	assert_int_equal(f->mn->ctr.smr_tx_deferred, 3);
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(lisp_map_request_decode(f->pkt[idx[i]].buf, f->pkt[idx[i]].len,
							 &f->req, NULL), 0);
		assert_ip(&f->req.itr[0].ip, "192.0.2.101");
	}
	/* Nothing more is owed: no SMR in the next interval. */
	f->n = 0;
	fx_run(f, 250);
	assert_int_equal(smrs(f, 0, idx, 16), 0);
	/* A move after the interval: at once again. */
	moved_to(f, NEW4, NEW6);
	assert_int_equal(smrs(f, 0, idx, 16), 6);
	fx_free(f);
}

static void test_smr_family_without_rloc(void **state)
{
	struct fx *f = fx_with_peers("");
	unsigned idx[16], n;

	(void)state;
	/* IPv4 only now: the IPv6 peer RLOC cannot be reached from us. */
	moved_to(f, NEW4, NULL);
	n = smrs(f, 0, idx, 16);
	assert_int_equal(n, 4);
	for (unsigned k = 0; k < n; k++) {
		assert_int_equal(f->pkt[idx[k]].dst.afi, LISP_AFI_IPV4);
		assert_ip(&f->pkt[idx[k]].src, NEW4);
	}
	assert_int_equal(f->mn->ctr.smr_no_source, 1);
	fx_free(f);
}

static void test_smr_to_proxy_itrs(void **state)
{
	struct fx *f = fx_with_peers("proxy-itrs = { " PITR " }\n");
	struct lisp_ip pitr = fx_ip(PITR);
	unsigned idx[16], n, to_pitr = 0;

	(void)state;
	moved_to(f, NEW4, NEW6);
	n = smrs(f, 0, idx, 16);
	assert_int_equal(n, 8);
	for (unsigned k = 0; k < n; k++)
		to_pitr += lisp_ip_equal(&f->pkt[idx[k]].dst, &pitr);
	assert_int_equal(to_pitr, 2);
	fx_free(f);
}

static void test_no_rloc_sends_nothing(void **state)
{
	struct fx *f = fx_with_peers("proxy-itrs = { " PITR " }\n");

	(void)state;
	moved_to(f, NULL, NULL);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->mn->ctr.moves, 1);
	/* The old RLOCs are forgotten: nothing claims them as a source. */
	assert_null(mn_rloc_of(f->mn, LISP_AFI_IPV4));
	assert_null(mn_rloc_of(f->mn, LISP_AFI_IPV6));
	fx_free(f);
}

/* A peer that got our mapping a moment ago asks again after our SMR: the
 * reply rate limit must not keep the new locators from it. */
static void test_reply_after_move_not_rate_limited(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_map_request *q = calloc(1, sizeof(*q));
	const struct lisp_map_reply *rep;
	uint8_t buf[512];
	size_t len = 0;

	(void)state;
	assert_non_null(q);
	q->nonce = 77;
	q->n_itr = 1;
	q->itr[0] = tu_addr(PEER_B4);
	q->n_eid = 1;
	q->eid[0] = tu_prefix(MN_EID4 "/32");
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, q, NULL), 0);
	free(q);
	fx_rx(f, PEER_B4, LISP_CONTROL_PORT, buf, len);
	fx_rx(f, PEER_B4, LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->mn->ctr.etr_rate_limited, 1);
	moved_to(f, NEW4, NEW6);
	f->n = 0;
	fx_rx(f, PEER_B4, LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 1);
	rep = fx_reply(f, 0);
	assert_int_equal(rep->n_rec, 1);
	assert_int_equal(rep->rec[0].n_loc, 2);
	assert_ip(&rep->rec[0].loc[0].addr.ip, NEW4);
	assert_ip(&rep->rec[0].loc[1].addr.ip, NEW6);
	/* Sent from the family's default source, which the daemon moved. */
	assert_false(f->pkt[0].has_src);
	fx_free(f);
}

/* After a move the SMRs wait for the Map-Notify of the new registration: a
 * peer re-resolving before the map-server knows our new locators would get
 * the old ones. */
static void test_smrs_wait_for_new_registration(void **state)
{
	struct fx *f = fx_with_peers("");
	struct lisp_map_register *n = NULL;
	unsigned idx[16];

	(void)state;
	f->mn->t.smr_hold_ms = 10000;
	moved_to(f, NEW4, NEW6);
	assert_int_equal(smrs(f, 0, idx, 16), 0);
	for (unsigned i = f->n; i-- > 0;) {
		if (lisp_msg_type(f->pkt[i].buf, f->pkt[i].len) == LISP_MAP_REGISTER) {
			n = fx_notify_for(fx_register(f, i), fx_register(f, i)->nonce);
			break;
		}
	}
	assert_non_null(n);
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	free(n);
	assert_true(smrs(f, 0, idx, 16) > 0);
	fx_free(f);
}

/* ---- a flapping link: registration rounds are rate-limited --------------------------- */

static unsigned registers(struct fx *f, unsigned *last)
{
	unsigned n = 0;

	for (unsigned i = 0; i < f->n; i++) {
		if (lisp_msg_type(f->pkt[i].buf, f->pkt[i].len) != LISP_MAP_REGISTER)
			continue;
		*last = i;
		n++;
	}
	return n;
}

/* Ten moves at once: a burst of rounds goes out, the rest are counted and
 * carried by one deferred round with the locators current when it starts. */
static void test_moves_register_within_rate_limit(void **state)
{
	struct fx *f = fx_with_peers("");
	struct lisp_ip a[2] = { fx_ip(MN_RLOC4), fx_ip(MN_RLOC6) };
	struct lisp_ip b[2] = { fx_ip(NEW4), fx_ip(NEW6) };
	const struct lisp_map_register *reg;
	unsigned last = 0, burst;

	(void)state;
	f->mn->t.reg_min_interval_ms = 40;
	f->mn->t.reg_retx_first_ms = 10000;   /* no retransmission in the way */
	fx_run(f, 150);                        /* the bucket is full again */
	f->n = 0;
	for (unsigned i = 0; i < 10; i++)
		mn_moved(f->mn, 2, i % 2 ? b : a);
	burst = registers(f, &last);
	assert_true(burst >= 1 && burst <= MN_REG_ROUND_BURST);
	assert_true(f->mn->ctr.reg_rate_limited >= 10 - MN_REG_ROUND_BURST);
	fx_run(f, 60);
	assert_int_equal(registers(f, &last), burst + 1);
	reg = fx_register(f, last);
	assert_int_equal(reg->rec[0].n_loc, 2);
	assert_ip(&reg->rec[0].loc[0].addr.ip, NEW4);
	assert_ip(&reg->rec[0].loc[1].addr.ip, NEW6);
	fx_free(f);
}

/* Without an RLOC of the map-server's family nothing is sent to it (the
 * kernel would route it into lmn, our EIDs' default). */
static void test_register_needs_rloc_of_ms_family(void **state)
{
	struct fx *f = fx_with_peers("");

	(void)state;
	moved_to(f, NULL, NEW6);
	assert_false(sent_register_to_ms(f, 0));
	assert_true(f->mn->ctr.reg_no_source >= 1);
	moved_to(f, NEW4, NULL);
	assert_true(sent_register_to_ms(f, 0));
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smrs_wait_for_new_registration),
		cmocka_unit_test(test_diff_same),
		cmocka_unit_test(test_diff_address_moved),
		cmocka_unit_test(test_diff_gateway_only),
		cmocka_unit_test(test_address_without_gateway),
		cmocka_unit_test(test_link_down_and_family_change),
		cmocka_unit_test(test_smr_to_every_up_locator),
		cmocka_unit_test(test_smr_rate_limited_per_rloc),
		cmocka_unit_test(test_smr_family_without_rloc),
		cmocka_unit_test(test_smr_to_proxy_itrs),
		cmocka_unit_test(test_no_rloc_sends_nothing),
		cmocka_unit_test(test_reply_after_move_not_rate_limited),
		cmocka_unit_test(test_moves_register_within_rate_limit),
		cmocka_unit_test(test_register_needs_rloc_of_ms_family),
		cmocka_unit_test(test_locset_priorities),
		cmocka_unit_test(test_locset_up_down),
		cmocka_unit_test(test_locset_255_and_ties),
		cmocka_unit_test(test_register_carries_locset),
		cmocka_unit_test(test_locset_lmn_mtu),
		cmocka_unit_test(test_diff_mtu_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
