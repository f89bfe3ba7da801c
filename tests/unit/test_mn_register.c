/* Mobile node registration: Map-Register content and auth, retransmission
 * with doubling intervals, Map-Notify acceptance (nonce and auth), acks of
 * unsolicited Map-Notifies. */
#include "config.h"
#include "test_mn_util.h"

static void test_register_content(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	const struct lisp_map_register *m;
	const struct lisp_record *r4, *r6;

	(void)state;
	mn_start(f->mn);
	assert_int_equal(f->n, 1);
	assert_ip(&f->pkt[0].dst, MN_MS);
	assert_int_equal(f->pkt[0].dport, 4342);
	assert_false(f->pkt[0].has_src);
	/* Signed with the configured key, full SHA-256 digest. */
	assert_int_equal(lisp_auth_verify(f->pkt[0].buf, f->pkt[0].len, (const uint8_t *)MN_KEY,
					  strlen(MN_KEY), NULL), 0);
	assert_int_equal(lisp_auth_verify(f->pkt[0].buf, f->pkt[0].len, (const uint8_t *)"other",
					  5, NULL), -1);
	m = fx_register(f, 0);
	assert_int_equal(m->type, LISP_MAP_REGISTER);
	assert_int_equal(m->auth.alg_id, LISP_AUTH_HMAC_SHA256_128);
	assert_int_equal(m->auth.len, 32);
	assert_int_equal(m->nonce, 1001);  /* from the core's provider */
	assert_true(m->want_notify);
	assert_true(m->proxy_reply);
	assert_true(m->xtr_id_present);
	assert_int_equal(m->xtr_id[0], 0xa0);
	assert_int_equal(m->xtr_id[15], 0xaf);
	assert_int_equal(m->site_id, 0x5151);
	assert_int_equal(m->n_rec, 2);
	r4 = &m->rec[0];
	r6 = &m->rec[1];
	assert_ip(&r4->eid.addr.ip, MN_EID4);
	assert_int_equal(r4->eid.plen, 32);
	assert_int_equal(r4->ttl, 3);
	assert_true(r4->authoritative);
	assert_int_equal(r4->act, 0);
	assert_int_equal(r4->n_loc, 2);
	assert_ip(&r4->loc[0].addr.ip, MN_RLOC4);
	assert_int_equal(r4->loc[0].priority, 1);
	assert_int_equal(r4->loc[0].weight, 100);
	assert_ip(&r4->loc[1].addr.ip, MN_RLOC6);
	assert_int_equal(r4->loc[1].priority, 2);
	assert_int_equal(r4->loc[1].weight, 50);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(r4->loc[i].local);
		assert_true(r4->loc[i].reachable);
		assert_false(r4->loc[i].probed);
	}
	/* The IPv6 EID lists only the family its mapping names. */
	assert_ip(&r6->eid.addr.ip, MN_EID6);
	assert_int_equal(r6->eid.plen, 128);
	assert_int_equal(r6->n_loc, 1);
	assert_ip(&r6->loc[0].addr.ip, MN_RLOC6);
	assert_int_equal(r6->ttl, LISPD_CFG_DEFAULT_TTL_MIN);
	assert_string_equal(mn_reg_state_name(f->mn->reg[0].state), "pending");
	fx_free(f);
}

static void test_key_type_1(void **state)
{
	struct fx *f = fx_new(MN_CFG_MR
			      "map-server {\n address = " MN_MS "\n key-type = 1\n key = k1\n}\n"
			      MN_CFG_MAPPINGS);
	const struct lisp_map_register *m;

	(void)state;
	mn_start(f->mn);
	m = fx_register(f, 0);
	assert_int_equal(m->auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(m->auth.len, 20);
	assert_false(m->proxy_reply);
	assert_int_equal(lisp_auth_verify(f->pkt[0].buf, f->pkt[0].len, (const uint8_t *)"k1", 2,
					  NULL), 0);
	fx_free(f);
}

static void test_retransmit_doubling(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	uint64_t prev_nonce = 0;

	(void)state;
	mn_start(f->mn);
	/* 20, 40, 80, then capped at 80 ms. */
	fx_run_until(f, 6, 2000);
	for (unsigned i = 0; i < 6; i++) {
		const struct lisp_map_register *m = fx_register(f, i);

		/* Every send a fresh, greater nonce: map-servers drop repeats. */
		assert_true(m->nonce > prev_nonce);
		prev_nonce = m->nonce;
	}
	for (unsigned i = 1; i < 6; i++) {
		uint64_t gap = f->pkt[i].at_ms - f->pkt[i - 1].at_ms;
		uint64_t want = i == 1 ? 20 : i == 2 ? 40 : 80;

		if (gap < want || gap > want + 30)
			fail_msg("gap %u: %llu ms, want %llu", i, (unsigned long long)gap,
				 (unsigned long long)want);
	}
	assert_int_equal(f->mn->reg[0].state, MN_REG_FAILING);
	assert_non_null(strstr(f->mn->reg[0].last_error, "no Map-Notify"));
	assert_int_equal(f->mn->ctr.reg_sent, 6);
	fx_free(f);
}

static void test_notify_needs_nonce_and_auth(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_map_register *n;
	unsigned before;

	(void)state;
	mn_start(f->mn);
	n = fx_notify_for(fx_register(f, 0), fx_register(f, 0)->nonce);

	/* Right nonce, wrong key: dropped, counted, reported. */
	fx_rx_notify(f, n, "wrong-key", MN_MS, 4342);
	assert_int_equal(f->mn->ctr.notify_bad_auth, 1);
	assert_int_equal(f->mn->reg[0].state, MN_REG_FAILING);
	assert_non_null(strstr(f->mn->reg[0].last_error, "auth failed"));
	assert_int_equal(f->n, 1);

	/* Right key, a nonce we never sent: not our registration (acked as unsolicited). */
	n->nonce = 999999;
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	assert_int_equal(f->mn->ctr.notify_accepted, 0);
	assert_int_not_equal(f->mn->reg[0].state, MN_REG_REGISTERED);

	/* Truncated copies of a valid notify: malformed, nothing else. */
	{
		uint8_t buf[1500];
		size_t len = 0;

		n->nonce = 1001;
		assert_int_equal(lisp_map_register_encode(buf, sizeof(buf), &len, n,
							  (const uint8_t *)MN_KEY,
							  strlen(MN_KEY), NULL), 0);
		for (size_t l = 1; l < len; l++)
			fx_rx(f, MN_MS, 4342, buf, l);
		assert_int_equal(f->mn->ctr.rx_malformed, len - 1);
		assert_int_equal(f->mn->rx_errs.n[LISP_ERR_TRUNCATED], len - 1);
		assert_int_equal(f->mn->ctr.notify_accepted, 0);
	}

	/* Right nonce and key: registered; retransmissions stop. */
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	assert_int_equal(f->mn->ctr.notify_accepted, 1);
	assert_int_equal(f->mn->reg[0].state, MN_REG_REGISTERED);
	assert_string_equal(f->mn->reg[0].last_error, "");
	before = f->n;
	fx_run(f, 200);
	assert_int_equal(f->n, before);
	/* ... until the refresh period (300 ms) brings a new round. */
	fx_run_until(f, before + 1, 400);
	assert_true(fx_register(f, before)->nonce > 1001);

	/* The notify of the acknowledged round, again: stale, no ack. */
	before = f->n;
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	assert_int_equal(f->mn->ctr.notify_stale, 1);
	assert_int_equal(f->n, before);
	free(n);
	fx_free(f);
}

static void test_retransmitted_register_acked(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_map_register *n;

	(void)state;
	mn_start(f->mn);
	fx_run_until(f, 3, 1000);
	/* The notify answers the first send, arriving after two retransmissions. */
	n = fx_notify_for(fx_register(f, 0), fx_register(f, 0)->nonce);
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	assert_int_equal(f->mn->reg[0].state, MN_REG_REGISTERED);
	free(n);
	fx_free(f);
}

static void test_unsolicited_notify_acked(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_map_register *n;
	const struct lisp_map_register *ack;

	(void)state;
	mn_start(f->mn);
	n = fx_notify_for(fx_register(f, 0), 0x7777000011112222ull);
	fx_rx_notify(f, n, MN_KEY, MN_MS, 61000);
	assert_int_equal(f->mn->ctr.notify_unsolicited, 1);
	assert_int_equal(f->n, 2);
	assert_ip(&f->pkt[1].dst, MN_MS);
	assert_int_equal(f->pkt[1].dport, 61000);  /* a response: to the sender's port */
	ack = fx_register(f, 1);
	assert_int_equal(ack->type, LISP_MAP_NOTIFY_ACK);
	assert_int_equal(ack->nonce, 0x7777000011112222ull);
	assert_int_equal(ack->n_rec, n->n_rec);
	assert_int_equal(lisp_auth_verify(f->pkt[1].buf, f->pkt[1].len, (const uint8_t *)MN_KEY,
					  strlen(MN_KEY), NULL), 0);
	/* An ack does not count as our registration. */
	assert_int_not_equal(f->mn->reg[0].state, MN_REG_REGISTERED);

	/* From an address that is none of our map-servers: dropped. */
	fx_rx_notify(f, n, MN_KEY, "203.0.113.66", 4342);
	assert_int_equal(f->mn->ctr.notify_unknown, 1);
	assert_int_equal(f->n, 2);
	free(n);
	fx_free(f);
}

/* SIGHUP re-reads the map-servers; one that stays keeps what its
 * registration has seen (counters do not go back to zero), one that
 * arrives starts from nothing. */
static void reload_with(struct fx *f, const char *text)
{
	struct lispd_config next;
	char err[512];

	assert_int_equal(lispd_config_load_string(text, "next.conf", &next, err, sizeof(err)), 0);
	assert_int_equal(mn_reload(f->mn, &next), 0);
	lispd_config_free(&next);
}

static void test_reload_keeps_history(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_map_register *n;
	uint64_t ok_at;

	(void)state;
	mn_start(f->mn);
	n = fx_notify_for(fx_register(f, 0), fx_register(f, 0)->nonce);
	fx_rx_notify(f, n, MN_KEY, MN_MS, 4342);
	assert_int_equal(f->mn->reg[0].state, MN_REG_REGISTERED);
	ok_at = f->mn->reg[0].last_ok_ms;
	assert_true(ok_at > 0);

	/* Same map-server with another key, and a second one. */
	reload_with(f, MN_CFG_MR
		    "map-server {\n address = 198.51.100.9\n key-type = 1\n key = k9\n}\n"
		    "map-server {\n address = " MN_MS "\n key-type = 2\n key = other\n}\n"
		    MN_CFG_MAPPINGS);
	assert_int_equal(f->mn->n_reg, 2);
	/* Both re-register at once; the kept one counts on from its history. */
	assert_int_equal(f->mn->reg[1].sent, 2);
	assert_int_equal(f->mn->reg[1].notifies, 1);
	assert_int_equal(f->mn->reg[1].last_ok_ms, ok_at);
	assert_int_equal(f->mn->reg[0].sent, 1);
	assert_int_equal(f->mn->reg[0].notifies, 0);
	assert_int_equal(f->mn->reg[0].last_ok_ms, 0);
	free(n);
	fx_free(f);
}

static void test_no_rloc_then_rlocs(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lisp_ip r4 = fx_ip("203.0.113.8");

	(void)state;
	mn_set_rlocs(f->mn, 0, NULL);
	assert_int_equal(f->n, 0);
	assert_int_equal(f->mn->reg[0].state, MN_REG_IDLE);
	fx_run(f, 60);
	assert_int_equal(f->n, 0);
	/* Mobility: a new RLOC registers at once, with only that locator. */
	mn_set_rlocs(f->mn, 1, &r4);
	assert_int_equal(f->n, 1);
	assert_int_equal(fx_register(f, 0)->n_rec, 1);
	assert_int_equal(fx_register(f, 0)->rec[0].n_loc, 1);
	assert_ip(&fx_register(f, 0)->rec[0].loc[0].addr.ip, "203.0.113.8");
	fx_free(f);
}

static void test_registrations_json(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	char *text;

	(void)state;
	mn_start(f->mn);
	text = fx_json(f, "registrations");
	assert_non_null(strstr(text, "\"map_server\":\"" MN_MS "\""));
	assert_non_null(strstr(text, "\"state\":\"pending\""));
	assert_null(strstr(text, MN_KEY));
	free(text);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_content),
		cmocka_unit_test(test_key_type_1),
		cmocka_unit_test(test_retransmit_doubling),
		cmocka_unit_test(test_notify_needs_nonce_and_auth),
		cmocka_unit_test(test_retransmitted_register_acked),
		cmocka_unit_test(test_unsolicited_notify_acked),
		cmocka_unit_test(test_no_rloc_then_rlocs),
		cmocka_unit_test(test_reload_keeps_history),
		cmocka_unit_test(test_registrations_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
