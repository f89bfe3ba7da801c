/* Mobile node resolution: miss events to ECM-wrapped Map-Requests, rate
 * limit and hold-down per prefix, retries and resolver failover, Map-Reply
 * acceptance by nonce, positive and negative entries, TTL expiry, and
 * SMR-invoked requests (at once, or one trailing request per interval). */
#include "config.h"
#include "test_mn_util.h"

/* A miss at the resolver entry point (mn_on_miss, from a ring-buffer
 * record, is covered in test_mn_mapcache.c). */
static int miss(struct fx *f, const char *dst)
{
	struct lisp_prefix p;
	struct lisp_ip ip = fx_ip(dst), src = fx_ip(strchr(dst, ':') ? MN_EID6 : MN_EID4);

	itr_prefix_host(&p, 0, &ip);
	return itr_resolve(&f->mn->itr, &p, &src, ITR_REQ_MISS);
}

static void test_miss_request_content(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	const struct lisp_map_request *q;

	(void)state;
	assert_int_equal(miss(f, "198.19.7.7"), 0);
	assert_int_equal(f->n, 1);
	assert_ip(&f->pkt[0].dst, MN_MR1);
	assert_int_equal(f->pkt[0].dport, 4342);
	q = fx_ecm_request(f, 0);
	assert_ip(&f->ecm.inner_src, MN_EID4);
	assert_ip(&f->ecm.inner_dst, "198.19.7.7");
	assert_int_equal(f->ecm.inner_ttl, 255);
	assert_int_equal(f->ecm.inner_sport, 4342);
	assert_int_equal(f->ecm.inner_dport, 4342);
	assert_false(f->ecm.to_etr);
	assert_int_not_equal(q->nonce, 0);
	assert_false(q->probe);
	assert_false(q->smr);
	assert_false(q->smr_invoked);
	assert_int_equal(q->source_eid.kind, LISP_ADDR_IP);
	assert_ip(&q->source_eid.ip, MN_EID4);
	assert_int_equal(q->n_itr, 2);
	assert_ip(&q->itr[0].ip, MN_RLOC4);
	assert_ip(&q->itr[1].ip, MN_RLOC6);
	assert_int_equal(q->n_eid, 1);
	assert_ip(&q->eid[0].addr.ip, "198.19.7.7");
	assert_int_equal(q->eid[0].plen, 32);

	/* IPv6 destination: /128, inner IPv6 from our IPv6 EID. */
	assert_int_equal(miss(f, "2001:db8:e1d:9::1"), 0);
	q = fx_ecm_request(f, 1);
	assert_ip(&f->ecm.inner_src, MN_EID6);
	assert_int_equal(q->eid[0].plen, 128);
	assert_int_equal(itr_pending(&f->mn->itr), 2);
	fx_free(f);
}

static void test_rate_limit_per_prefix(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE "map-request-retries = 0\n");

	(void)state;
	assert_int_equal(miss(f, "198.19.7.7"), 0);
	assert_int_equal(miss(f, "198.19.7.7"), -1);  /* in flight */
	assert_int_equal(f->mn->itr.ctr.req_rate_limited, 1);
	assert_int_equal(miss(f, "198.19.7.8"), 0);   /* another prefix: its own budget */
	assert_int_equal(f->n, 2);
	/* After the single try timed out (20 ms), still within the 50 ms interval. */
	fx_run(f, 30);
	assert_int_equal(f->mn->itr.ctr.req_gave_up, 2);
	assert_int_equal(miss(f, "198.19.7.7"), -1);
	assert_int_equal(f->mn->itr.ctr.req_rate_limited, 2);
	fx_run(f, 60);
	assert_int_equal(miss(f, "198.19.7.7"), 0);
	assert_int_equal(f->n, 3);
	fx_free(f);
}

static void test_retries_backoff(void **state)
{
	struct fx *f = fx_new(MN_CFG_MS MN_CFG_MAPPINGS "map-resolver = " MN_MR1 "\n"
			      "map-request-retries = 2\n");
	uint64_t nonce;

	(void)state;
	miss(f, "198.19.7.7");
	nonce = fx_ecm_request(f, 0)->nonce;
	fx_run(f, 200);
	/* One try and two retries, 20 then 40 ms apart, same nonce. */
	assert_int_equal(f->n, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(fx_ecm_request(f, i)->nonce, nonce);
		assert_ip(&f->pkt[i].dst, MN_MR1);
	}
	assert_true(f->pkt[1].at_ms - f->pkt[0].at_ms >= 20);
	assert_true(f->pkt[2].at_ms - f->pkt[1].at_ms >= 40);
	assert_int_equal(f->mn->itr.ctr.req_gave_up, 1);
	assert_int_equal(f->mn->itr.ctr.resolver_failovers, 0);  /* only one resolver */
	assert_int_equal(itr_pending(&f->mn->itr), 0);
	fx_free(f);
}

static void test_resolver_failover(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE "map-request-retries = 2\n");

	(void)state;
	miss(f, "198.19.7.7");
	fx_run_until(f, 3, 500);
	assert_ip(&f->pkt[0].dst, MN_MR1);
	assert_ip(&f->pkt[1].dst, MN_MR2);  /* MR1 stayed silent */
	assert_ip(&f->pkt[2].dst, MN_MR1);
	assert_true(f->mn->itr.ctr.resolver_failovers >= 2);
	fx_free(f);
}

static void test_hold_after_unanswered(void **state)
{
	struct mn_timing t;
	struct fx *f;

	(void)state;
	fx_fast_timing(&t);
	t.req_hold_after = 3;
	f = fx_new_fd(MN_CFG_BASE "map-request-retries = 5\n", &t, -1);
	miss(f, "198.19.7.7");
	fx_run(f, 200);
	/* Three unanswered tries, then the prefix pauses (not six tries). */
	assert_int_equal(f->n, 3);
	assert_int_equal(f->mn->itr.ctr.req_held, 1);
	assert_int_equal(miss(f, "198.19.7.7"), -1);
	assert_int_equal(f->mn->itr.ctr.req_held, 2);
	fx_run(f, 220);  /* hold: 200 ms from the third timeout */
	assert_int_equal(miss(f, "198.19.7.7"), 0);
	fx_free(f);
}

static void test_reply_unknown_nonce_dropped(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const locs[] = { "203.0.113.50" };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };
	uint64_t nonce;

	(void)state;
	miss(f, "198.19.7.7");
	nonce = fx_ecm_request(f, 0)->nonce;
	fx_send_reply(f, nonce + 1, "198.19.7.0/24", 10, 0, 1, locs, prio, up);
	assert_int_equal(f->mn->itr.ctr.reply_unknown_nonce, 1);
	assert_null(itr_mc_first(&f->mn->itr));
	assert_int_equal(itr_pending(&f->mn->itr), 1);
	/* A nonce already answered is unknown too. */
	fx_send_reply(f, nonce, "198.19.7.0/24", 10, 0, 1, locs, prio, up);
	assert_int_equal(f->mn->itr.ctr.reply_accepted, 1);
	fx_send_reply(f, nonce, "198.19.7.0/24", 10, 0, 1, locs, prio, up);
	assert_int_equal(f->mn->itr.ctr.reply_unknown_nonce, 2);
	fx_free(f);
}

static void test_reply_installs_entry(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const locs[] = { "203.0.113.50", "2001:db8:0:5::50" };
	static const uint8_t prio[] = { 1, 2 };
	static const bool up[] = { true, false };
	struct lisp_prefix want = tu_prefix("198.19.7.0/24");
	struct itr_mc_entry *e;
	struct lisp_ip ip = fx_ip("198.19.7.200");
	char *text;

	(void)state;
	miss(f, "198.19.7.7");
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.7.0/24", 10, 0, 2, locs, prio, up);
	e = itr_mc_find(&f->mn->itr, &want);
	assert_non_null(e);
	assert_ptr_equal(itr_mc_lookup(&f->mn->itr, 0, &ip), e);
	assert_int_equal(e->origin, ITR_MC_DYNAMIC);
	assert_int_equal(e->n_loc, 2);
	assert_ip(&e->loc[0].addr, "203.0.113.50");
	assert_true(e->loc[0].up);
	assert_int_equal(e->loc[1].priority, 2);
	assert_false(e->loc[1].up);  /* R=0: never encapsulate to it */
	assert_int_equal(e->ttl_min, 10);
	assert_int_equal(f->mn->itr.ctr.mc_installed, 1);
	assert_int_equal(itr_pending(&f->mn->itr), 0);

	text = fx_json(f, "map-cache");
	assert_non_null(strstr(text, "\"eid\":\"198.19.7.0/24\",\"origin\":\"dynamic\","
				     "\"action\":\"encap\",\"ttl_min\":10"));
	free(text);
	fx_free(f);
}

static void test_reply_foreign_record_ignored(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const locs[] = { "203.0.113.50" };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };

	(void)state;
	miss(f, "198.19.7.7");
	/* A record for what we did not ask about must not land in the cache. */
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.8.0/24", 10, 0, 1, locs, prio, up);
	assert_int_equal(f->mn->itr.ctr.reply_record_foreign, 1);
	assert_null(itr_mc_first(&f->mn->itr));
	fx_free(f);
}

static void test_negative_reply(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_prefix want = tu_prefix("198.19.0.0/16");
	struct itr_mc_entry *e;

	(void)state;
	miss(f, "198.19.7.7");
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.0.0/16", 15,
		      LISP_ACT_NATIVELY_FORWARD, 0, NULL, NULL, NULL);
	e = itr_mc_find(&f->mn->itr, &want);
	assert_non_null(e);
	assert_int_equal(e->n_loc, 0);
	assert_int_equal(e->action, LISP_ACT_NATIVELY_FORWARD);
	assert_string_equal(itr_mc_action_name(e), "native-forward");
	assert_int_equal(f->mn->itr.ctr.mc_negative, 1);

	/* TTL 0 for the same prefix removes it. */
	miss(f, "198.19.9.9");
	fx_send_reply(f, fx_ecm_request(f, 1)->nonce, "198.19.0.0/16", 0,
		      LISP_ACT_NATIVELY_FORWARD, 0, NULL, NULL, NULL);
	assert_null(itr_mc_find(&f->mn->itr, &want));
	assert_int_equal(f->mn->itr.ctr.mc_deleted_ttl0, 1);
	fx_free(f);
}

static void test_ttl_refresh_then_expiry(void **state)
{
	static const char *const locs[] = { "203.0.113.50" };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };
	struct lisp_prefix want = tu_prefix("198.19.7.0/24");
	const struct lisp_map_request *q;
	struct mn_timing t;
	struct fx *f;

	(void)state;
	fx_fast_timing(&t);
	t.ttl_unit_ms = 500;
	f = fx_new_fd(MN_CFG_BASE "map-request-retries = 0\n", &t, -1);
	miss(f, "198.19.7.7");
	/* TTL 2 "minutes" = 1000 ms here: refresh request at 900 ms, gone at 1000. */
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.7.0/24", 2, 0, 1, locs, prio, up);
	fx_run(f, 800);
	assert_non_null(itr_mc_find(&f->mn->itr, &want));
	assert_int_equal(f->n, 1);
	fx_run_until(f, 2, 150);
	q = fx_ecm_request(f, 1);
	assert_ip(&q->eid[0].addr.ip, "198.19.7.0");
	assert_int_equal(q->eid[0].plen, 24);
	/* The old mapping serves until expiry; with no answer it then goes. */
	assert_non_null(itr_mc_find(&f->mn->itr, &want));
	fx_run(f, 150);
	assert_null(itr_mc_find(&f->mn->itr, &want));
	assert_int_equal(f->mn->itr.ctr.mc_expired, 1);
	assert_int_equal(f->mn->itr.ctr.mc_refresh_requests, 1);
	fx_free(f);
}

static void test_refresh_answer_replaces(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const locs[] = { "203.0.113.50" };
	static const char *const locs2[] = { "203.0.113.60" };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };
	struct lisp_prefix want = tu_prefix("198.19.7.0/24");
	struct itr_mc_entry *e;

	(void)state;
	miss(f, "198.19.7.7");
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.7.0/24", 2, 0, 1, locs, prio, up);
	fx_run_until(f, 2, 400);
	fx_send_reply(f, fx_ecm_request(f, 1)->nonce, "198.19.7.0/24", 2, 0, 1, locs2, prio, up);
	fx_run(f, 60);  /* past the first expiry */
	e = itr_mc_find(&f->mn->itr, &want);
	assert_non_null(e);
	assert_ip(&e->loc[0].addr, "203.0.113.60");
	assert_int_equal(e->refreshes, 1);
	fx_free(f);
}

static void test_no_resolver_or_rloc(void **state)
{
	struct fx *f = fx_new(MN_CFG_MS MN_CFG_MAPPINGS);

	(void)state;
	assert_int_equal(miss(f, "198.19.7.7"), -1);
	assert_int_equal(f->mn->itr.ctr.req_no_resolver, 1);
	fx_free(f);
	f = fx_new(MN_CFG_BASE);
	mn_set_rlocs(f->mn, 0, NULL);
	assert_int_equal(miss(f, "198.19.7.7"), -1);
	assert_int_equal(f->mn->itr.ctr.req_no_source, 1);
	assert_int_equal(f->n, 0);
	fx_free(f);
}

static void test_pending_json(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	char *text;

	(void)state;
	miss(f, "198.19.7.7");
	text = fx_json(f, "pending");
	assert_non_null(strstr(text, "\"eid\":\"198.19.7.7/32\""));
	assert_non_null(strstr(text, "\"resolver\":\"" MN_MR1 "\""));
	free(text);
	/* Not a request of the MN: the control socket answers the error. */
	assert_null(role_answer(&mn_role, "nonsense"));
	fx_free(f);
}

static unsigned count_of(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The counters view is one object: the node's own counters and the ITR's
 * (resolution, map-cache, SMR), each name once, as the control socket's
 * users (tests/e2e) read them. */
static void test_counters_json(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	char *text;

	(void)state;
	miss(f, "198.19.7.7");
	mn_set_rlocs(f->mn, 0, NULL);
	f->n = 0;
	assert_int_equal(miss(f, "198.19.7.8"), -1);
	text = fx_json(f, "counters");
	assert_int_equal(count_of(text, "\n"), 1);
	assert_non_null(strstr(text, "{\"rx_packets\":0,"));
	assert_non_null(strstr(text, "\"req_sent\":1,"));
	assert_non_null(strstr(text, "\"req_no_source\":1,"));
	assert_non_null(strstr(text, "\"smr_invoked_sent\":0}"));
	assert_int_equal(count_of(text, "\"dp_errors\""), 1);
	assert_int_equal(count_of(text, "\"miss_events\""), 1);
	free(text);
	text = fx_json(f, "status");
	assert_int_equal(count_of(text, "\n"), 1);
	assert_non_null(strstr(text, "\"current_resolver\":\"" MN_MR1 "\""));
	assert_non_null(strstr(text, "\"map_cache_entries\":0,\"pending_requests\":1}"));
	free(text);
	fx_free(f);
}

/* ---- SMRs: at most one SMR-invoked request per entry per interval (100 ms
 * here), and an SMR inside the interval is deferred to its end, not lost. */

#define PEER "203.0.113.9"
#define PEER_EID "198.19.7.7"
#define PEER_OLD "203.0.113.50"
#define PEER_NEW4 "203.0.113.60"
#define PEER_NEW6 "2001:db8:0:6::60"

/* A cached entry 198.19.7.0/24 -> PEER_OLD; f->n counts from 0 after it,
 * and the per-prefix request interval (50 ms) has passed. */
static struct fx *with_entry(void)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	static const char *const locs[] = { PEER_OLD };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };

	miss(f, PEER_EID);
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.7.0/24", 10, 0, 1, locs, prio, up);
	fx_run(f, 60);
	f->n = 0;
	return f;
}

/* Packet i is an SMR-invoked request for eid through the first resolver;
 * returns its nonce. */
static uint64_t assert_smr_invoked(struct fx *f, unsigned i, const char *eid)
{
	const struct lisp_map_request *q = fx_ecm_request(f, i);

	assert_ip(&f->pkt[i].dst, MN_MR1);
	assert_true(q->smr_invoked);
	assert_false(q->smr);
	assert_ip(&q->eid[0].addr.ip, eid);
	return q->nonce;
}

static const struct itr_mc_entry *entry(struct fx *f)
{
	struct lisp_prefix p = tu_prefix("198.19.7.0/24");

	return itr_mc_find(&f->mn->itr, &p);
}

/* The defect this guards against: a peer seen to change its IPv4 and then
 * its IPv6 locator SMRs twice within the interval; dropping the second SMR
 * left the first answer (the IPv4 locator alone) cached until the TTL. */
static void test_smr_second_deferred_to_interval_end(void **state)
{
	struct fx *f = with_entry();
	static const char *const half[] = { PEER_NEW4 };
	static const char *const full[] = { PEER_NEW4, PEER_NEW6 };
	static const uint8_t prio[] = { 1, 1 };
	static const bool up[] = { true, true };
	const struct itr_mc_entry *e;

	(void)state;
	fx_rx_smr(f, PEER, PEER_EID);
	assert_int_equal(f->n, 1);  /* at once */
	fx_send_reply(f, assert_smr_invoked(f, 0, PEER_EID), "198.19.7.0/24", 10, 0, 1, half,
		      prio, up);
	/* The peer's locators changed again: its ITR-RLOCs say so. */
	fx_rx_smr_itr(f, PEER, PEER_EID, PEER_NEW6);
	assert_int_equal(f->n, 1);  /* inside the interval: nothing at once */
	assert_int_equal(f->mn->itr.ctr.smr_rate_limited, 1);
	assert_int_equal(f->mn->itr.ctr.smr_deferred, 1);
	fx_run_until(f, 2, 500);
	/* The trailing request, not before the interval's end. */
	assert_true(f->pkt[1].at_ms - f->pkt[0].at_ms >= 100);
	fx_send_reply(f, assert_smr_invoked(f, 1, PEER_EID), "198.19.7.0/24", 10, 0, 2, full,
		      prio, up);
	e = entry(f);
	assert_non_null(e);
	assert_int_equal(e->n_loc, 2);
	assert_ip(&e->loc[0].addr, PEER_NEW4);
	assert_ip(&e->loc[1].addr, PEER_NEW6);
	/* Exactly one trailing request. */
	fx_run(f, 250);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->mn->itr.ctr.smr_invoked_sent, 2);
	fx_free(f);
}

static void test_smr_many_coalesced_into_one(void **state)
{
	struct fx *f = with_entry();
	static const char *const locs[] = { PEER_NEW4 };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };

	(void)state;
	fx_rx_smr(f, PEER, PEER_EID);
	fx_send_reply(f, assert_smr_invoked(f, 0, PEER_EID), "198.19.7.0/24", 10, 0, 1, locs,
		      prio, up);
	for (unsigned i = 0; i < 20; i++)
		fx_rx_smr_itr(f, PEER, i == 19 ? "198.19.7.8" : PEER_EID, PEER_NEW6);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->mn->itr.ctr.smr_rate_limited, 20);
	assert_int_equal(f->mn->itr.ctr.smr_deferred, 1);
	fx_run_until(f, 2, 500);
	/* One request for the lot, asking for the latest SMR's source EID. */
	fx_send_reply(f, assert_smr_invoked(f, 1, "198.19.7.8"), "198.19.7.0/24", 10, 0, 1, locs,
		      prio, up);
	fx_run(f, 250);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->mn->itr.ctr.smr_invoked_sent, 2);
	fx_free(f);
}

static void test_smr_after_interval_at_once(void **state)
{
	struct fx *f = with_entry();
	static const char *const locs[] = { PEER_NEW4 };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };

	(void)state;
	fx_rx_smr(f, PEER, PEER_EID);
	fx_send_reply(f, assert_smr_invoked(f, 0, PEER_EID), "198.19.7.0/24", 10, 0, 1, locs,
		      prio, up);
	fx_run(f, 110);
	fx_rx_smr(f, PEER, PEER_EID);
	assert_int_equal(f->n, 2);
	assert_smr_invoked(f, 1, PEER_EID);
	assert_int_equal(f->mn->itr.ctr.smr_rate_limited, 0);
	assert_int_equal(f->mn->itr.ctr.smr_deferred, 0);
	fx_free(f);
}

/* The peer tells each of our RLOCs: the same SMR again (same ITR-RLOCs)
 * inside the interval is the news already asked about. It brings no
 * trailing request, which would push the peer's next move, 1 s later, to
 * the end of another interval. */
static void test_smr_same_news_no_trailing(void **state)
{
	struct fx *f = with_entry();
	static const char *const locs[] = { PEER_NEW4 };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };

	(void)state;
	for (unsigned i = 0; i < 3; i++)
		fx_rx_smr(f, PEER, PEER_EID);
	assert_int_equal(f->n, 1);
	fx_send_reply(f, assert_smr_invoked(f, 0, PEER_EID), "198.19.7.0/24", 10, 0, 1, locs,
		      prio, up);
	fx_rx_smr(f, PEER, PEER_EID);
	assert_int_equal(f->mn->itr.ctr.smr_rate_limited, 3);
	assert_int_equal(f->mn->itr.ctr.smr_deferred, 0);
	fx_run(f, 110);
	assert_int_equal(f->n, 1);
	/* The next move, after the interval: at once. */
	fx_rx_smr_itr(f, PEER, PEER_EID, PEER_NEW4);
	assert_int_equal(f->n, 2);
	assert_smr_invoked(f, 1, PEER_EID);
	fx_free(f);
}

/* The mapping system withdraws the entry (TTL 0) before the interval ends:
 * nothing cached, nothing to refresh, no trailing request. */
static void test_smr_deferred_dropped_with_entry(void **state)
{
	struct fx *f = with_entry();
	static const char *const locs[] = { PEER_NEW4 };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };

	(void)state;
	fx_rx_smr(f, PEER, PEER_EID);
	fx_send_reply(f, assert_smr_invoked(f, 0, PEER_EID), "198.19.7.0/24", 10, 0, 1, locs,
		      prio, up);
	fx_rx_smr_itr(f, PEER, PEER_EID, PEER_NEW6);
	assert_int_equal(f->mn->itr.ctr.smr_deferred, 1);
	assert_int_equal(miss(f, "198.19.7.9"), 0);
	fx_send_reply(f, fx_ecm_request(f, 1)->nonce, "198.19.7.0/24", 0, 0, 1, locs, prio, up);
	assert_null(entry(f));
	fx_run(f, 250);
	assert_int_equal(f->n, 2);  /* the SMR-invoked request and the miss */
	assert_int_equal(f->mn->itr.ctr.smr_invoked_sent, 1);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_miss_request_content),
		cmocka_unit_test(test_rate_limit_per_prefix),
		cmocka_unit_test(test_retries_backoff),
		cmocka_unit_test(test_resolver_failover),
		cmocka_unit_test(test_hold_after_unanswered),
		cmocka_unit_test(test_reply_unknown_nonce_dropped),
		cmocka_unit_test(test_reply_installs_entry),
		cmocka_unit_test(test_reply_foreign_record_ignored),
		cmocka_unit_test(test_negative_reply),
		cmocka_unit_test(test_ttl_refresh_then_expiry),
		cmocka_unit_test(test_refresh_answer_replaces),
		cmocka_unit_test(test_no_resolver_or_rloc),
		cmocka_unit_test(test_pending_json),
		cmocka_unit_test(test_counters_json),
		cmocka_unit_test(test_smr_second_deferred_to_interval_end),
		cmocka_unit_test(test_smr_many_coalesced_into_one),
		cmocka_unit_test(test_smr_after_interval_at_once),
		cmocka_unit_test(test_smr_deferred_dropped_with_entry),
		cmocka_unit_test(test_smr_same_news_no_trailing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
