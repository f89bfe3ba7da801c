/* NAT detection on the mobile node (docs/NAT.md 4.1 steps 1-2): an
 * Info-Request per IPv4 map-server and IPv4 RLOC at start, from that RLOC,
 * signed with the map-server's key, after the first Map-Register; its
 * retransmissions; what an Info-Reply decides (public: registration as
 * before; behind NAT: that RLOC leaves the Map-Register, and with nothing
 * left no Map-Register goes out, the state saying "not reachable: behind
 * NAT"); forged replies counted and ignored; a move probing the new RLOC at
 * once; IPv6 RLOCs never probed; a map-server that never answers changing
 * nothing. */
#include "config.h"
#include "test_mn_util.h"
#include "mn/locset.h"

#define GLOBAL4 "198.51.100.2"
#define RTR4 "192.0.2.66"
#define MS2 "198.51.100.9"
#define MS2_KEY "k-ms2"
#define MS6 "2001:db8::2"
#define NEW4 "203.0.113.129"

#define CFG_MAP4_ONLY                              \
	"database-mapping {\n"                     \
	"    eid-prefix = " MN_EID4 "/32\n"        \
	"    rloc-iface {\n"                       \
	"        interface = eth0\n"               \
	"        ip_version = 4\n"                 \
	"    }\n"                                  \
	"}\n"
#define CFG_IPV4_ONLY MN_CFG_MR MN_CFG_MS CFG_MAP4_ONLY

static struct lisp_info *info_req(struct fx *f, unsigned i)
{
	assert_true(i < f->n_info);
	assert_int_equal(lisp_info_decode(f->info[i].buf, f->info[i].len, &f->msg.u.info, NULL), 0);
	return &f->msg.u.info;
}

/* The Info-Reply a map-server at ms sends for Info-Request i: it saw the
 * request from global:port, offers n_rtr RTRs (RTR4) for ttl minutes. */
static void rx_reply_full(struct fx *f, unsigned i, const char *ms, const char *key,
			  uint8_t alg, const char *global, uint16_t port, unsigned n_rtr,
			  uint32_t ttl)
{
	struct lisp_info *m = calloc(1, sizeof(*m));
	uint8_t buf[1500];
	size_t len = 0;

	assert_non_null(m);
	*m = *info_req(f, i);
	m->reply = true;
	m->auth.alg_id = alg;
	m->auth.len = 0;
	m->ttl = ttl;
	m->ms_port = LISP_CONTROL_PORT;
	m->etr_port = port;
	m->global_etr = tu_addr(global);
	m->ms = tu_addr(ms);
	m->n_rtr = (uint8_t)n_rtr;
	for (unsigned k = 0; k < n_rtr; k++)
		m->rtr[k] = tu_addr(RTR4);
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, m, (const uint8_t *)key,
					  key ? strlen(key) : 0, NULL), 0);
	free(m);
	fx_rx(f, ms, LISP_CONTROL_PORT, buf, len);
}

static void rx_reply(struct fx *f, unsigned i, const char *global, uint16_t port, unsigned n_rtr)
{
	rx_reply_full(f, i, MN_MS, MN_KEY, LISP_AUTH_HMAC_SHA256_128, global, port, n_rtr, 160);
}

/* True when the Map-Register sent as packet i advertises addr anywhere. */
static bool register_has(struct fx *f, unsigned i, const char *addr)
{
	const struct lisp_map_register *m = fx_register(f, i);
	struct lisp_ip want = fx_ip(addr);

	assert_int_equal(m->type, LISP_MAP_REGISTER);
	for (unsigned r = 0; r < m->n_rec; r++)
		for (unsigned l = 0; l < m->rec[r].n_loc; l++)
			if (lisp_ip_equal(&m->rec[r].loc[l].addr.ip, &want))
				return true;
	return false;
}

static void assert_json_has(struct fx *f, const char *cmd, const char *want)
{
	char *text = fx_json(f, cmd);

	if (!strstr(text, want))
		fail_msg("%s: no '%s' in %s", cmd, want, text);
	free(text);
}

static void assert_json_lacks(struct fx *f, const char *cmd, const char *what)
{
	char *text = fx_json(f, cmd);

	if (strstr(text, what))
		fail_msg("%s: '%s' in %s", cmd, what, text);
	free(text);
}

/* ---- what is sent ---------------------------------------------------------------- */

static void test_request_at_start(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	const struct lisp_info *q;

	(void)state;
	mn_start(f->mn);
	/* The Map-Register goes first, with the RLOC whose NAT state is unknown. */
	assert_int_equal(f->n, 1);
	assert_true(register_has(f, 0, MN_RLOC4));
	assert_int_equal(f->n_info, 1);
	assert_true(f->pkt[0].seq < f->info[0].seq);
	/* From the IPv4 RLOC, explicitly, to the map-server's control port. */
	assert_true(f->info[0].has_src);
	assert_ip(&f->info[0].src, MN_RLOC4);
	assert_ip(&f->info[0].dst, MN_MS);
	assert_int_equal(f->info[0].dport, LISP_CONTROL_PORT);
	/* Signed with the map-server's key and key-type, full digest. */
	assert_int_equal(lisp_auth_verify(f->info[0].buf, f->info[0].len, (const uint8_t *)MN_KEY,
					  strlen(MN_KEY), NULL), 0);
	assert_int_equal(lisp_auth_verify(f->info[0].buf, f->info[0].len, (const uint8_t *)"other",
					  5, NULL), -1);
	q = info_req(f, 0);
	assert_false(q->reply);
	assert_int_not_equal(q->nonce, 0);
	assert_int_equal(q->auth.alg_id, LISP_AUTH_HMAC_SHA256_128);
	assert_int_equal(q->auth.len, 32);
	assert_int_equal(q->ttl, 0);
	assert_ip(&q->eid.addr.ip, MN_EID4);
	assert_int_equal(q->eid.plen, 32);
	assert_int_equal(f->mn->ctr.info_tx, 1);
	assert_json_has(f, "status", "\"nat\":[{\"map_server\":\"" MN_MS "\",\"rloc\":\"" MN_RLOC4
			"\",\"registration\":\"advertised\",\"nat\":\"unknown\","
			"\"detail\":\"no Info-Reply yet\"");
	/* The IPv6 RLOC is registered directly and never probed. */
	assert_json_has(f, "status", "\"rloc\":\"" MN_RLOC6 "\",\"registration\":\"advertised\","
			"\"nat\":\"not probed (IPv6)\"");
	fx_free(f);
}

static void test_each_ms_each_rloc(void **state)
{
	struct fx *f = fx_new(MN_CFG_MR MN_CFG_MS
			      "map-server {\n address = " MS2 "\n key-type = 1\n key = " MS2_KEY
			      "\n}\n"
			      "map-server {\n address = " MS6 "\n key-type = 2\n key = k6\n}\n"
			      MN_CFG_MAPPINGS);
	const struct mn_locator locs[] = {
		{ .addr = fx_ip(MN_RLOC4), .priority = 1, .weight = 100 },
		{ .addr = fx_ip(MN_RLOC6), .priority = 1, .weight = 100 },
		{ .addr = fx_ip(NEW4), .priority = 2, .weight = 100 },
	};
	unsigned seen[2][2] = { { 0 } };

	(void)state;
	mn_set_locators(f->mn, 3, locs);
	mn_start(f->mn);
	/* Two IPv4 map-servers times two IPv4 RLOCs; nothing to the IPv6 one. */
	assert_int_equal(f->n_info, 4);
	for (unsigned i = 0; i < 4; i++) {
		const struct fx_pkt *p = &f->info[i];
		struct lisp_ip m2 = fx_ip(MS2), new4 = fx_ip(NEW4);
		bool ms2 = lisp_ip_equal(&p->dst, &m2);
		const char *key;

		if (!ms2)
			assert_ip(&p->dst, MN_MS);
		key = ms2 ? MS2_KEY : MN_KEY;
		assert_true(p->has_src);
		seen[ms2][lisp_ip_equal(&p->src, &new4)]++;
		assert_int_equal(lisp_auth_verify(p->buf, p->len, (const uint8_t *)key, strlen(key),
						  NULL), 0);
		assert_int_equal(info_req(f, i)->auth.alg_id,
				 ms2 ? LISP_AUTH_HMAC_SHA1_96 : LISP_AUTH_HMAC_SHA256_128);
	}
	for (unsigned m = 0; m < 2; m++)
		for (unsigned r = 0; r < 2; r++)
			assert_int_equal(seen[m][r], 1);
	fx_free(f);
}

static void test_retransmit_backoff(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	const uint64_t want[] = { 20, 40, 280, 200 };
	unsigned n_reg;

	(void)state;
	mn_start(f->mn);
	/* 20 ms doubling for 3 tries, declared unanswered after the third's
	 * 80 ms, then one every 200 ms (the test's 1 s, 60 s). */
	fx_run_until_info(f, 5, 2000);
	for (unsigned i = 1; i < 5; i++) {
		uint64_t gap = f->info[i].at_ms - f->info[i - 1].at_ms;

		if (gap < want[i - 1] || gap > want[i - 1] + 30)
			fail_msg("gap %u: %llu ms, want %llu", i, (unsigned long long)gap,
				 (unsigned long long)want[i - 1]);
	}
	/* A map-server that does not answer changes nothing: unknown, and the
	 * RLOC is registered as usual. */
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_UNKNOWN);
	assert_json_has(f, "registrations", "\"nat\":\"unknown\",\"detail\":\"no Info-Reply to 5 "
			"Info-Requests: the map-server does not answer them");
	n_reg = f->n;
	assert_true(n_reg > 1);
	for (unsigned i = 0; i < n_reg; i++)
		assert_true(register_has(f, i, MN_RLOC4));
	fx_free(f);
}

/* Random, and a fresh one for each try. */
static void test_nonces_fresh(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	uint64_t nonces[4];

	(void)state;
	mn_start(f->mn);
	fx_run_until_info(f, 4, 2000);
	for (unsigned i = 0; i < 4; i++) {
		nonces[i] = info_req(f, i)->nonce;
		for (unsigned k = 0; k < i; k++)
			assert_true(nonces[k] != nonces[i]);
	}
	fx_free(f);
}

/* ---- what a reply decides ---------------------------------------------------------- */

static void test_public(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_map_register *n;
	unsigned before, info_before;

	(void)state;
	mn_start(f->mn);
	rx_reply_full(f, 0, MN_MS, MN_KEY, LISP_AUTH_HMAC_SHA256_128, MN_RLOC4, 4342, 0, 2);
	assert_int_equal(f->mn->ctr.info_rx_ok, 1);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_PUBLIC);
	/* Public: no new round, registration as before. */
	assert_int_equal(f->n, 1);
	n = fx_notify_for(fx_register(f, 0), fx_register(f, 0)->nonce);
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	free(n);
	assert_int_equal(f->mn->reg[0].state, MN_REG_REGISTERED);
	assert_json_has(f, "registrations", "\"state\":\"registered\"");
	assert_json_has(f, "registrations", "\"rlocs\":[{\"rloc\":\"" MN_RLOC4 "\","
			"\"registration\":\"advertised\",\"nat\":\"public\"");
	assert_json_has(f, "registrations", "\"global\":\"" MN_RLOC4 ":4342\",\"rtrs\":[],"
			"\"rtrs_ttl_min\":2");
	/* No retransmission after the reply ... */
	info_before = f->n_info;
	fx_run(f, 150);
	assert_int_equal(f->n_info, info_before);
	/* ... until the refresh: min(TTL 2 = 200 ms, 300 ms). The state holds
	 * while it is asked again. */
	fx_run_until_info(f, info_before + 1, 200);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_PUBLIC);
	before = f->n;
	rx_reply_full(f, info_before, MN_MS, MN_KEY, LISP_AUTH_HMAC_SHA256_128, MN_RLOC4, 4342,
		      0, 2);
	assert_int_equal(f->mn->ctr.info_rx_ok, 2);
	assert_int_equal(f->n, before);
	fx_free(f);
}

static void test_port_translated_is_nat(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);

	(void)state;
	mn_start(f->mn);
	/* Our address, another port: a NAT that kept the address. */
	rx_reply(f, 0, MN_RLOC4, 61000, 0);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_BEHIND);
	fx_free(f);
}

static void test_behind_nat_with_ipv6(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	const struct lisp_map_register *m;
	struct lisp_map_register *n;

	(void)state;
	mn_start(f->mn);
	assert_int_equal(f->n, 1);
	rx_reply(f, 0, GLOBAL4, 61000, 1);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_BEHIND);
	/* A new round at once, without the IPv4 RLOC. */
	assert_int_equal(f->n, 2);
	m = fx_register(f, 1);
	assert_false(register_has(f, 1, MN_RLOC4));
	assert_int_equal(m->n_rec, 2);
	assert_int_equal(m->rec[0].n_loc, 1);
	assert_ip(&m->rec[0].loc[0].addr.ip, MN_RLOC6);
	n = fx_notify_for(m, m->nonce);
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	free(n);
	/* Registered through IPv6; the IPv4 RLOC is said not reachable. */
	assert_int_equal(f->mn->reg[0].state, MN_REG_REGISTERED);
	assert_json_has(f, "registrations", "\"rloc\":\"" MN_RLOC4 "\","
			"\"registration\":\"not reachable: behind NAT\",\"nat\":\"behind NAT\","
			"\"detail\":\"not registered: NAT traversal is off in the configuration "
			"(nat_traversal_support)\"");
	assert_json_has(f, "registrations", "\"global\":\"" GLOBAL4 ":61000\",\"rtrs\":[\""
			RTR4 "\"],\"rtrs_ttl_min\":160");
	assert_json_has(f, "status", "\"nat\":\"behind NAT\"");
	/* The refresh keeps it out. */
	fx_run(f, 350);
	for (unsigned i = 1; i < f->n; i++)
		assert_false(register_has(f, i, MN_RLOC4));
	fx_free(f);
}

static void test_behind_nat_ipv4_only(void **state)
{
	struct fx *f = fx_new(CFG_IPV4_ONLY);
	unsigned before;

	(void)state;
	f->host.n_rlocs = 1;
	mn_set_rlocs(f->mn, 1, f->host.rlocs);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->n_info, 1);
	rx_reply(f, 0, GLOBAL4, 4342, 0);
	/* Nothing left to advertise: no useless Map-Register, and the state
	 * says why instead of "registered". */
	assert_int_equal(f->mn->reg[0].state, MN_REG_BEHIND_NAT);
	assert_int_equal(f->mn->ctr.reg_behind_nat, 1);
	assert_json_has(f, "registrations", "\"state\":\"not reachable: behind NAT\"");
	assert_json_has(f, "registrations", "\"last_error\":\"every RLOC is behind a NAT\"");
	assert_json_has(f, "status", "\"registered\":0");
	assert_json_has(f, "registrations", "and the map-server offers no RTR");
	before = f->n;
	fx_run(f, 250);
	assert_int_equal(f->n, before);
	/* A refresh that finds it public again registers it at once. */
	fx_run_until_info(f, 2, 300);
	rx_reply(f, 1, MN_RLOC4, 4342, 0);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_PUBLIC);
	assert_int_equal(f->n, before + 1);
	assert_true(register_has(f, before, MN_RLOC4));
	assert_int_equal(f->mn->reg[0].state, MN_REG_PENDING);
	fx_free(f);
}

static void test_why_not_registered(void **state)
{
	static const char cfg_on[] = "nat_traversal_support = on\n" CFG_IPV4_ONLY;
	struct fx *f;

	(void)state;
	/* Traversal on, no RTR offered. */
	f = fx_new(cfg_on);
	mn_start(f->mn);
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_json_has(f, "registrations", "\"detail\":\"not registered: the map-server offers "
			"no RTR\"");
	fx_free(f);
	/* Traversal on, an RTR offered: the next step is not there yet. */
	f = fx_new(cfg_on);
	mn_start(f->mn);
	rx_reply(f, 0, GLOBAL4, 61000, 1);
	assert_json_has(f, "registrations", "\"detail\":\"not registered: registration through "
			"an RTR is not implemented yet\"");
	fx_free(f);
}

static void test_unanswered_refresh_forgets(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	unsigned before;

	(void)state;
	mn_start(f->mn);
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_BEHIND);
	before = f->n;
	/* The refresh (TTL 160 min, capped at 300 ms) goes unanswered: 3 tries
	 * and their wait, 140 ms; then the old answer is not current. */
	fx_run(f, 300 + 140 + 40);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_UNKNOWN);
	assert_true(f->n > before);
	assert_true(register_has(f, f->n - 1, MN_RLOC4));
	fx_free(f);
}

/* ---- hostile input ------------------------------------------------------------------ */

static void test_forged_replies(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_info *m = calloc(1, sizeof(*m));
	uint8_t buf[1500];
	size_t len = 0;

	(void)state;
	assert_non_null(m);
	mn_start(f->mn);
	/* Wrong nonce. */
	*m = *info_req(f, 0);
	m->reply = true;
	m->nonce ^= 1;
	m->auth.alg_id = LISP_AUTH_HMAC_SHA256_128;
	m->auth.len = 0;
	m->ms_port = m->etr_port = 4342;
	m->global_etr = tu_addr(GLOBAL4);
	m->ms = tu_addr(MN_MS);
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, m, (const uint8_t *)MN_KEY,
					  strlen(MN_KEY), NULL), 0);
	fx_rx(f, MN_MS, 4342, buf, len);
	assert_int_equal(f->mn->ctr.info_rx_bad_nonce, 1);
	/* Right nonce, wrong key; right nonce, no authentication at all. */
	rx_reply_full(f, 0, MN_MS, "forged", LISP_AUTH_HMAC_SHA256_128, GLOBAL4, 4342, 1, 160);
	rx_reply_full(f, 0, MN_MS, NULL, LISP_AUTH_NONE, GLOBAL4, 4342, 1, 160);
	assert_int_equal(f->mn->ctr.info_rx_bad_auth, 2);
	/* Right nonce and key, another EID. */
	m->nonce ^= 1;
	m->eid = tu_prefix("198.18.0.99/32");
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, m, (const uint8_t *)MN_KEY,
					  strlen(MN_KEY), NULL), 0);
	fx_rx(f, MN_MS, 4342, buf, len);
	assert_int_equal(f->mn->ctr.info_rx_bad_eid, 1);
	/* No IPv4 global address. */
	m->eid = tu_prefix(MN_EID4 "/32");
	m->global_etr = tu_addr(MN_RLOC6);
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, m, (const uint8_t *)MN_KEY,
					  strlen(MN_KEY), NULL), 0);
	fx_rx(f, MN_MS, 4342, buf, len);
	assert_int_equal(f->mn->ctr.info_rx_bad_reply, 1);
	/* An Info-Request to us, and truncated replies. */
	fx_rx(f, MN_MS, 4342, f->info[0].buf, f->info[0].len);
	assert_int_equal(f->mn->ctr.rx_unexpected, 1);
	for (size_t l = 1; l < len; l++)
		fx_rx(f, MN_MS, 4342, buf, l);
	assert_int_equal(f->mn->ctr.rx_malformed, len - 1);
	/* None of it decided anything, nor cost a Map-Register. */
	assert_int_equal(f->mn->ctr.info_rx_ok, 0);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_UNKNOWN);
	assert_int_equal(f->n, 1);
	/* The real answer still counts, once. */
	rx_reply(f, 0, MN_RLOC4, 4342, 0);
	assert_int_equal(f->mn->ctr.info_rx_ok, 1);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_PUBLIC);
	/* A copy of it, replayed saying "behind NAT": stale, ignored. */
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_int_equal(f->mn->ctr.info_rx_stale, 1);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_PUBLIC);
	assert_int_equal(f->n, 1);
	free(m);
	fx_free(f);
}

/* ---- moves and families ------------------------------------------------------------- */

static void test_move_reprobes(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_ip moved[2] = { fx_ip(NEW4), fx_ip(MN_RLOC6) };
	struct lisp_ip v6moved[2] = { fx_ip(NEW4), fx_ip("2001:db8:4::1") };
	unsigned reg_before;

	(void)state;
	mn_start(f->mn);
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_true(mn_nat_hides(f->mn, 0, &f->host.rlocs[0]));
	reg_before = f->n;
	/* A new IPv4 RLOC: its Map-Register (with it: unknown yet), then at
	 * once its Info-Request from it. */
	mn_moved(f->mn, 2, moved);
	assert_int_equal(f->n, reg_before + 1);
	assert_true(register_has(f, reg_before, NEW4));
	assert_int_equal(f->n_info, 2);
	assert_ip(&f->info[1].src, NEW4);
	assert_true(f->pkt[reg_before].seq < f->info[1].seq);
	/* The old RLOC's state is forgotten. */
	assert_json_lacks(f, "status", "\"rloc\":\"" MN_RLOC4 "\"");
	assert_json_has(f, "status", "\"rloc\":\"" NEW4 "\",\"registration\":\"advertised\","
			"\"nat\":\"unknown\"");
	rx_reply(f, 1, NEW4, 4342, 0);
	assert_int_equal(f->mn->ctr.info_rx_ok, 2);
	/* Only the IPv6 RLOC moves: the IPv4 one keeps its state, no probe. */
	mn_moved(f->mn, 2, v6moved);
	assert_int_equal(f->n_info, 2);
	assert_json_has(f, "status", "\"rloc\":\"" NEW4 "\",\"registration\":\"advertised\","
			"\"nat\":\"public\"");
	fx_free(f);
}

/* An RLOC that goes and comes back is a new one: probed again, what was
 * learnt of it forgotten; a flapping link costs a few Info-Requests, and
 * the last state of the link is probed in the end. */
static void test_flapping_rloc(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_ip both[2] = { fx_ip(MN_RLOC4), fx_ip(MN_RLOC6) };

	(void)state;
	mn_start(f->mn);
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_true(mn_nat_hides(f->mn, 0, &both[0]));
	for (unsigned i = 0; i < 10; i++) {
		mn_moved(f->mn, 1, &both[1]);
		mn_moved(f->mn, 2, both);
	}
	assert_false(mn_nat_hides(f->mn, 0, &both[0]));
	/* The start's and MN_NAT_SERIES_BURST - 1 more at once; the rest wait
	 * for a token (the test's 1 s) and make one series. */
	assert_int_equal(f->n_info, MN_NAT_SERIES_BURST);
	assert_int_equal(f->mn->ctr.info_rate_limited, 10 - (MN_NAT_SERIES_BURST - 1));
	fx_run_until_info(f, MN_NAT_SERIES_BURST + 1, 1500);
	assert_ip(&f->info[MN_NAT_SERIES_BURST].src, MN_RLOC4);
	rx_reply(f, MN_NAT_SERIES_BURST, GLOBAL4, 61000, 0);
	assert_true(mn_nat_hides(f->mn, 0, &both[0]));
	fx_free(f);
}

static void test_ipv6_only_sends_none(void **state)
{
	struct fx *f = fx_new(MN_CFG_MR MN_CFG_MS
			      "map-server {\n address = " MS6 "\n key-type = 2\n key = k6\n}\n"
			      MN_CFG_MAPPINGS);
	struct lisp_ip r6 = fx_ip(MN_RLOC6);

	(void)state;
	mn_set_rlocs(f->mn, 1, &r6);
	fx_run(f, 200);
	/* Registered through the IPv6 map-server; no Info-Request to either. */
	assert_true(f->n > 0);
	assert_ip(&f->pkt[0].dst, MS6);
	assert_int_equal(f->n_info, 0);
	assert_int_equal(f->mn->ctr.info_tx, 0);
	assert_json_has(f, "registrations", "\"rlocs\":[{\"rloc\":\"" MN_RLOC6 "\","
			"\"registration\":\"advertised\",\"nat\":\"not probed (IPv6)\"}]");
	fx_free(f);
}

static void test_ipv6_ms_sends_none(void **state)
{
	struct fx *f = fx_new(MN_CFG_MR
			      "map-server {\n address = " MS6 "\n key-type = 2\n key = k6\n}\n"
			      MN_CFG_MAPPINGS);

	(void)state;
	mn_start(f->mn);
	fx_run(f, 100);
	assert_int_equal(f->n_info, 0);
	assert_true(register_has(f, 0, MN_RLOC4));
	assert_json_has(f, "registrations", "\"rloc\":\"" MN_RLOC4 "\",\"registration\":"
			"\"advertised\",\"nat\":\"unknown\",\"detail\":\"not probed: an IPv6 "
			"map-server cannot see an IPv4 RLOC");
	fx_free(f);
}

/* An IPv6 map-server cannot probe an IPv4 RLOC: what an IPv4 one found
 * decides for it too. */
static void test_ipv6_ms_follows(void **state)
{
	struct fx *f = fx_new(MN_CFG_MR MN_CFG_MS
			      "map-server {\n address = " MS6 "\n key-type = 2\n key = k6\n}\n"
			      MN_CFG_MAPPINGS);
	unsigned before;

	(void)state;
	mn_start(f->mn);
	assert_int_equal(f->n, 2);
	before = f->n;
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_int_equal(f->n, before + 2);
	for (unsigned i = before; i < f->n; i++)
		assert_false(register_has(f, i, MN_RLOC4));
	assert_json_has(f, "registrations", "\"nat\":\"behind NAT\",\"detail\":\"not registered: "
			"NAT traversal is off in the configuration (nat_traversal_support) and the "
			"map-server offers no RTR\",\"probed_at\":\"" MN_MS "\"");
	fx_free(f);
}

static void test_reload_keeps_state(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lispd_config next;
	char err[512];

	(void)state;
	mn_start(f->mn);
	rx_reply(f, 0, GLOBAL4, 61000, 0);
	assert_int_equal(lispd_config_load_string(MN_CFG_BASE, "next.conf", &next, err,
						  sizeof(err)), 0);
	assert_int_equal(mn_reload(f->mn, &next), 0);
	lispd_config_free(&next);
	/* Same map-server, same RLOC: no new probe, still left out. */
	assert_int_equal(f->n_info, 1);
	assert_int_equal(f->mn->nat.p[0].state, MN_NAT_BEHIND);
	assert_false(register_has(f, f->n - 1, MN_RLOC4));
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_at_start),
		cmocka_unit_test(test_each_ms_each_rloc),
		cmocka_unit_test(test_retransmit_backoff),
		cmocka_unit_test(test_nonces_fresh),
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_port_translated_is_nat),
		cmocka_unit_test(test_behind_nat_with_ipv6),
		cmocka_unit_test(test_behind_nat_ipv4_only),
		cmocka_unit_test(test_why_not_registered),
		cmocka_unit_test(test_unanswered_refresh_forgets),
		cmocka_unit_test(test_forged_replies),
		cmocka_unit_test(test_move_reprobes),
		cmocka_unit_test(test_flapping_rloc),
		cmocka_unit_test(test_ipv6_only_sends_none),
		cmocka_unit_test(test_ipv6_ms_sends_none),
		cmocka_unit_test(test_ipv6_ms_follows),
		cmocka_unit_test(test_reload_keeps_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
