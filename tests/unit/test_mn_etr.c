/* Mobile node as ETR: Map-Replies for our EIDs (direct and ECM-forwarded),
 * rate limit, RLOC-probe replies, SMR handling, and malformed input. */
#include "config.h"
#include "test_mn_util.h"

#define PEER_RLOC "203.0.113.9"
#define PEER_RLOC6 "2001:db8:0:9::9"

/* A Map-Request for eid from a peer with the given ITR-RLOCs. */
static size_t make_request(uint8_t *buf, size_t cap, const char *eid, const char *const *itr,
			   unsigned n_itr, bool probe, bool smr, const char *source_eid)
{
	struct lisp_map_request *q = calloc(1, sizeof(*q));
	size_t len = 0;

	q->nonce = 0x1122334455667788ull;
	q->probe = probe;
	q->smr = smr;
	if (source_eid)
		q->source_eid = tu_addr(source_eid);
	q->n_itr = (uint8_t)n_itr;
	for (unsigned i = 0; i < n_itr; i++)
		q->itr[i] = tu_addr(itr[i]);
	q->n_eid = 1;
	q->eid[0] = tu_prefix(eid);
	assert_int_equal(lisp_map_request_encode(buf, cap, &len, q, NULL), 0);
	free(q);
	return len;
}

/* Wraps a Map-Request as a map-server forwards it to the ETR. */
static size_t wrap_ecm(uint8_t *out, size_t cap, const uint8_t *req, size_t req_len,
		       const char *inner_src, const char *inner_dst, uint16_t sport)
{
	struct lisp_ecm e;
	size_t len = 0;

	memset(&e, 0, sizeof(e));
	e.to_etr = true;
	e.inner_src = fx_ip(inner_src);
	e.inner_dst = fx_ip(inner_dst);
	e.inner_ttl = 64;
	e.inner_sport = sport;
	e.inner_dport = 4342;
	e.payload = req;
	e.payload_len = req_len;
	assert_int_equal(lisp_ecm_encode(out, cap, &len, &e, NULL), 0);
	return len;
}

static void assert_our_record(const struct lisp_record *r, const char *probed)
{
	assert_ip(&r->eid.addr.ip, MN_EID4);
	assert_int_equal(r->eid.plen, 32);
	assert_true(r->authoritative);
	assert_int_equal(r->ttl, 3);
	assert_int_equal(r->n_loc, 2);
	assert_ip(&r->loc[0].addr.ip, MN_RLOC4);
	assert_ip(&r->loc[1].addr.ip, MN_RLOC6);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(r->loc[i].reachable);
		assert_int_equal(r->loc[i].probed,
				 probed && strcmp(probed, i == 0 ? MN_RLOC4 : MN_RLOC6) == 0);
	}
}

static void test_direct_request_reply(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC6, PEER_RLOC };
	const struct lisp_map_reply *rep;
	uint8_t buf[1500];
	size_t len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 2, false, false, NULL);

	(void)state;
	fx_rx(f, PEER_RLOC, 50123, buf, len);
	assert_int_equal(f->n, 1);
	/* First ITR-RLOC of a family we have (both: the first listed). */
	assert_ip(&f->pkt[0].dst, PEER_RLOC6);
	assert_int_equal(f->pkt[0].dport, 50123);
	rep = fx_reply(f, 0);
	assert_int_equal(rep->nonce, 0x1122334455667788ull);
	assert_false(rep->probe);
	assert_int_equal(rep->n_rec, 1);
	assert_our_record(&rep->rec[0], NULL);
	assert_int_equal(f->mn->ctr.etr_replies, 1);
	fx_free(f);
}

static void test_ecm_request_reply(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC6, PEER_RLOC };
	struct lisp_ip only4 = fx_ip(MN_RLOC4);
	uint8_t req[1500], buf[1500];
	size_t rl = make_request(req, sizeof(req), MN_EID4 "/32", itr, 2, false, false,
				 "198.19.1.1");
	size_t len = wrap_ecm(buf, sizeof(buf), req, rl, "198.19.1.1", MN_EID4, 40000);

	(void)state;
	mn_set_rlocs(f->mn, 1, &only4);
	f->n = 0;  /* the re-registration */
	fx_rx(f, MN_MS, 4342, buf, len);
	assert_int_equal(f->n, 1);
	/* We have no IPv6 RLOC: the IPv4 ITR-RLOC; port: the inner source port. */
	assert_ip(&f->pkt[0].dst, PEER_RLOC);
	assert_int_equal(f->pkt[0].dport, 40000);
	assert_int_equal(fx_reply(f, 0)->rec[0].n_loc, 1);
	fx_free(f);
}

static void test_no_usable_itr_rloc(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC6 };
	struct lisp_ip only4 = fx_ip(MN_RLOC4);
	uint8_t buf[1500];
	size_t len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 1, false, false, NULL);

	(void)state;
	mn_set_rlocs(f->mn, 1, &only4);
	f->n = 0;
	fx_rx(f, PEER_RLOC, 4342, buf, len);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->mn->ctr.etr_no_itr_rloc, 1);
	fx_free(f);
}

static void test_reply_rate_limit(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC };
	uint8_t buf[1500], buf6[1500];
	size_t len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 1, false, false, NULL);
	size_t len6 = make_request(buf6, sizeof(buf6), MN_EID6 "/128", itr, 1, false, false,
				   NULL);

	(void)state;
	fx_rx(f, PEER_RLOC, 4342, buf, len);
	fx_rx(f, PEER_RLOC, 4342, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->mn->ctr.etr_rate_limited, 1);
	/* Our other EID is answered: the limit is per requester and EID. */
	fx_rx(f, PEER_RLOC, 4342, buf6, len6);
	assert_int_equal(f->n, 2);
	assert_ip(&fx_reply(f, 1)->rec[0].eid.addr.ip, MN_EID6);
	fx_run(f, 110);
	fx_rx(f, PEER_RLOC, 4342, buf, len);
	assert_int_equal(f->n, 3);
	fx_free(f);
}

static void test_request_not_ours(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC };
	uint8_t buf[1500];
	/* A covering prefix is not "ours" either: we answer only for our EIDs. */
	size_t len = make_request(buf, sizeof(buf), "198.18.0.0/24", itr, 1, false, false, NULL);

	(void)state;
	fx_rx(f, PEER_RLOC, 4342, buf, len);
	len = make_request(buf, sizeof(buf), "198.18.0.11/32", itr, 1, false, false, NULL);
	fx_rx(f, PEER_RLOC, 4342, buf, len);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->mn->ctr.etr_not_ours, 2);
	fx_free(f);
}

static void test_probe_reply(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC };
	const struct lisp_map_reply *rep;
	struct lisp_ip src = fx_ip(PEER_RLOC), dst = fx_ip(MN_RLOC4);
	uint8_t buf[1500], ecm[1500];
	size_t len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 1, true, false, NULL);
	size_t elen;

	(void)state;
	mn_on_control(f->mn, &src, 4342, &dst, buf, len);
	assert_int_equal(f->n, 1);
	assert_true(f->pkt[0].has_src);
	assert_ip(&f->pkt[0].src, MN_RLOC4);  /* from the probed locator */
	assert_ip(&f->pkt[0].dst, PEER_RLOC);
	rep = fx_reply(f, 0);
	assert_true(rep->probe);
	assert_int_equal(rep->nonce, 0x1122334455667788ull);
	assert_our_record(&rep->rec[0], MN_RLOC4);
	assert_int_equal(f->mn->ctr.probe_replies, 1);

	/* A probe inside an ECM is refused. */
	elen = wrap_ecm(ecm, sizeof(ecm), buf, len, "198.19.1.1", MN_EID4, 4342);
	fx_rx(f, MN_MS, 4342, ecm, elen);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->mn->ctr.etr_probe_in_ecm, 1);
	fx_free(f);
}

static void install(struct fx *f, const char *dst, const char *prefix, const char *loc)
{
	const char *locs[] = { loc };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };
	struct lisp_prefix p;
	struct lisp_ip ip = fx_ip(dst);
	unsigned at = f->n;

	itr_prefix_host(&p, 0, &ip);
	assert_int_equal(itr_resolve(&f->mn->itr, &p, NULL, ITR_REQ_MISS), 0);
	fx_send_reply(f, fx_ecm_request(f, at)->nonce, prefix, 10, 0, 1, locs, prio, up);
}

static void test_smr_cached(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { "203.0.113.99" };
	struct lisp_prefix want = tu_prefix("198.19.7.0/24");
	const struct lisp_map_request *q;
	uint8_t buf[1500];
	size_t len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 1, false, true,
				  "198.19.7.7");

	(void)state;
	install(f, "198.19.7.7", "198.19.7.0/24", "203.0.113.50");
	fx_run(f, 60);  /* past the per-prefix request interval */
	f->n = 0;
	fx_rx(f, "203.0.113.99", 4342, buf, len);
	/* An SMR-invoked request through the resolver, not to the SMR's sender. */
	assert_int_equal(f->n, 1);
	assert_ip(&f->pkt[0].dst, MN_MR1);
	q = fx_ecm_request(f, 0);
	assert_true(q->smr_invoked);
	assert_false(q->smr);
	assert_ip(&q->eid[0].addr.ip, "198.19.7.7");
	/* The old mapping stays meanwhile. */
	assert_non_null(itr_mc_find(&f->mn->itr, &want));
	assert_ip(&itr_mc_find(&f->mn->itr, &want)->loc[0].addr, "203.0.113.50");
	assert_int_equal(f->mn->itr.ctr.smr_invoked_sent, 1);
	/* Again at once: rate-limited. */
	fx_rx(f, "203.0.113.99", 4342, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->mn->itr.ctr.smr_rate_limited, 1);
	fx_free(f);
}

static void test_smr_not_cached(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE
			      "static-map-cache {\n eid-prefix = 198.19.9.0/24\n"
			      " rloc-address {\n  address = 203.0.113.20\n }\n}\n");
	static const char *const itr[] = { "203.0.113.99" };
	uint8_t buf[1500];
	size_t len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 1, false, true,
				  "198.19.7.7");

	(void)state;
	mn_start(f->mn);
	f->n = 0;
	fx_rx(f, "203.0.113.99", 4342, buf, len);
	/* Static entries belong to the operator: an SMR does not touch them. */
	len = make_request(buf, sizeof(buf), MN_EID4 "/32", itr, 1, false, true, "198.19.9.1");
	fx_rx(f, "203.0.113.99", 4342, buf, len);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->mn->itr.ctr.smr_received, 2);
	assert_int_equal(f->mn->itr.ctr.smr_ignored, 2);
	fx_free(f);
}

/* Every truncation and a set of corruptions of each message type an MN
 * receives: counted, never a crash or a packet out. */
static void test_malformed(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const itr[] = { PEER_RLOC };
	uint8_t req[1500], ecm[1500], *copy;
	size_t rl = make_request(req, sizeof(req), MN_EID4 "/32", itr, 1, false, false, NULL);
	size_t el = wrap_ecm(ecm, sizeof(ecm), req, rl, "198.19.1.1", MN_EID4, 4342);
	const struct { const uint8_t *buf; size_t len; } msgs[] = { { req, rl }, { ecm, el } };
	uint64_t malformed = 0;

	(void)state;
	for (size_t m = 0; m < 2; m++) {
		for (size_t l = 0; l < msgs[m].len; l++) {
			copy = tu_exact_copy(msgs[m].buf, l ? l : 1);
			fx_rx(f, PEER_RLOC, 4342, copy, l);
			free(copy);
			malformed++;
		}
	}
	assert_int_equal(f->n, 0);
	assert_int_equal(f->mn->ctr.rx_malformed, malformed);
	/* Every one of them a truncation, and counted as one. */
	assert_int_equal(f->mn->rx_errs.n[LISP_ERR_TRUNCATED], malformed);
	/* Bit flips: whatever decodes is handled, nothing crashes. */
	for (size_t i = 0; i < el * 8; i += 3) {
		ecm[i / 8] ^= (uint8_t)(1u << (i % 8));
		fx_rx(f, PEER_RLOC, 4342, ecm, el);
		ecm[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* Types an MN does not take. */
	req[0] = (uint8_t)(LISP_MAP_REGISTER << 4);
	fx_rx(f, PEER_RLOC, 4342, req, rl);
	req[0] = (uint8_t)(15 << 4);
	fx_rx(f, PEER_RLOC, 4342, req, rl);
	assert_true(f->mn->ctr.rx_unexpected >= 2);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_request_reply),
		cmocka_unit_test(test_ecm_request_reply),
		cmocka_unit_test(test_no_usable_itr_rloc),
		cmocka_unit_test(test_reply_rate_limit),
		cmocka_unit_test(test_request_not_ours),
		cmocka_unit_test(test_probe_reply),
		cmocka_unit_test(test_smr_cached),
		cmocka_unit_test(test_smr_not_cached),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
