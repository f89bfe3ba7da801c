/* The RTR's relay (ctl/rtr, docs/NAT.md 3.3-3.4, 4.2 steps 2-3): a node's
 * ECM Map-Register goes on to the map-server it addressed by that
 * map-server's dialect (NEW: an ECM with N around the node's inner packet
 * byte for byte; OLD: the bare register), from the RLOC it reached; only
 * to a map-server the RTR serves (no open relay); every refusal silent and
 * counted. The map-server's answer counts only when authenticated with
 * the key the RTR shares with it, in its dialect, for a register waiting
 * from it, with the register's xTR-ID; forged answers commit nothing and
 * leave the register waiting. Waiting registers are bounded and expire. */
#include "test_rtr_util.h"

static const uint8_t OTHER_XTR_ID[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* The register in the ECM a node sends, its inner packet from byte 4. */
static size_t node_ecm(uint8_t *buf, size_t cap, uint64_t nonce, const char *ms)
{
	struct lisp_map_register m;

	rfx_register_init(&m, nonce, NODE_EID);
	return rfx_ecm_register(buf, cap, &m, ms, true);
}

/* NEW: an ECM with N (R, S clear) from the RLOC the register reached to
 * the map-server's 4342, the node's inner packet untouched. */
static void test_relay_new(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len = node_ecm(buf, sizeof(buf), 7, MS_NEW);
	char *j;

	(void)state;
	rfx_rx(f, NODE_G, NODE_G1, RTR4, buf, len);
	assert_int_equal(f->n, 1);
	rfx_assert_ip(&f->pkt[0].src, RTR4);
	rfx_assert_ip(&f->pkt[0].dst, MS_NEW);
	assert_int_equal(f->pkt[0].dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_ecm_decode(f->pkt[0].buf, f->pkt[0].len, &f->ecm, NULL), 0);
	assert_true(f->ecm.nat);
	assert_false(f->ecm.rtr || f->ecm.security || f->ecm.to_ms || f->ecm.to_etr);
	tu_assert_bytes(f->pkt[0].buf + 4, f->pkt[0].len - 4, buf + 4, len - 4);
	/* Through the other RLOC: relayed from that one. */
	len = node_ecm(buf, sizeof(buf), 8, MS_NEW);
	rfx_rx(f, NODE_G, NODE_G1, RTR4_B, buf, len);
	assert_int_equal(f->n, 2);
	rfx_assert_ip(&f->pkt[1].src, RTR4_B);
	assert_int_equal(rfx_counter(f, "reg_received"), 2);
	assert_int_equal(rfx_counter(f, "reg_relayed"), 2);
	j = rfx_json(f, "status");
	assert_non_null(strstr(j, "\"pending_registers\":2"));
	assert_non_null(strstr(j, "{\"address\":\"" MS_NEW "\",\"draft_version\":\"NEW\","
				  "\"relayed\":2,\"confirmed\":0}"));
	free(j);
	rfx_free(f);
}

/* OLD: the bare Map-Register, byte for byte what the node signed. */
static void test_relay_old(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len = node_ecm(buf, sizeof(buf), 7, MS_OLD);

	(void)state;
	rfx_rx(f, NODE_G, NODE_G1, RTR4, buf, len);
	assert_int_equal(f->n, 1);
	rfx_assert_ip(&f->pkt[0].src, RTR4);
	rfx_assert_ip(&f->pkt[0].dst, MS_OLD);
	assert_int_equal(f->pkt[0].dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_ecm_decode(buf, len, &f->ecm, NULL), 0);
	tu_assert_bytes(f->pkt[0].buf, f->pkt[0].len, f->ecm.payload, f->ecm.payload_len);
	assert_int_equal(lisp_auth_verify(f->pkt[0].buf, f->pkt[0].len, (const uint8_t *)KEY_SITE,
					  strlen(KEY_SITE), NULL), 0);
	rfx_free(f);
}

/* A register as the node sends it, changed by tweak, sent from
 * from:sport to `to`; returns the packets the RTR sent. */
static unsigned try_register(struct rfx *f, const char *ms, bool ecm_r,
			     void (*tweak)(struct lisp_map_register *m), const char *from,
			     uint16_t sport, const char *to)
{
	struct lisp_map_register m;
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	rfx_register_init(&m, 9, NODE_EID);
	if (tweak)
		tweak(&m);
	len = rfx_ecm_register(buf, sizeof(buf), &m, ms, ecm_r);
	rfx_rx(f, from, sport, to, buf, len);
	return f->n - before;
}

static void no_r(struct lisp_map_register *m)
{
	m->rtr = false;
}

static void no_i(struct lisp_map_register *m)
{
	m->xtr_id_present = false;
}

static void no_m(struct lisp_map_register *m)
{
	m->want_notify = false;
}

/* No open relay: a register for a map-server the RTR does not serve goes
 * nowhere; nor one it cannot follow up. Each refusal has its counter. */
static void test_relay_refused(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	struct lisp_info info;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	assert_int_equal(try_register(f, MS_STRANGER, true, NULL, NODE_G, NODE_G1, RTR4), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_unknown_ms"), 1);
	assert_int_equal(try_register(f, MS_NEW, false, no_r, NODE_G, NODE_G1, RTR4), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_not_rtr"), 1);
	assert_int_equal(try_register(f, MS_NEW, true, no_i, NODE_G, NODE_G1, RTR4), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_no_xtr_id"), 1);
	assert_int_equal(try_register(f, MS_NEW, true, no_m, NODE_G, NODE_G1, RTR4), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_no_notify"), 1);
	/* The OLD map-server sees only the register: it must say R itself. */
	assert_int_equal(try_register(f, MS_OLD, true, no_r, NODE_G, NODE_G1, RTR4), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_old_no_r"), 1);
	assert_int_equal(try_register(f, MS_NEW, true, NULL, "2001:db8::2", NODE_G1,
				      "2001:db8::66"), 0);
	assert_int_equal(try_register(f, MS_NEW, true, NULL, NODE_G, 0, RTR4), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_not_ipv4"), 2);
	assert_int_equal(try_register(f, MS_NEW, true, NULL, NODE_G, NODE_G1, "192.0.2.99"), 0);
	assert_int_equal(rfx_counter(f, "drop_reg_not_rloc"), 1);
	/* Cut short. */
	len = node_ecm(buf, sizeof(buf), 10, MS_NEW);
	rfx_rx(f, NODE_G, NODE_G1, RTR4, buf, len - 1);
	assert_int_equal(rfx_counter(f, "rx_malformed"), 1);
	assert_int_equal(rfx_counter(f, "rx_malformed_truncated"), 1);
	/* Info-Requests are the map-server's to answer. */
	memset(&info, 0, sizeof(info));
	info.nonce = 1;
	info.auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	info.eid = tu_prefix(NODE_EID);
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, &info, (const uint8_t *)KEY_SITE,
					  strlen(KEY_SITE), NULL), 0);
	rfx_rx(f, NODE_G, 4342, RTR4, buf, len);
	assert_int_equal(rfx_counter(f, "rx_info"), 1);
	assert_int_equal(f->n, 0);
	assert_int_equal(rfx_counter(f, "reg_relayed"), 0);
	/* R on either the ECM or the register is enough for a NEW
	 * map-server (Open Overlay Router's RTR takes either). */
	assert_int_equal(try_register(f, MS_NEW, true, no_r, NODE_G, NODE_G1, RTR4), 1);
	assert_int_equal(try_register(f, MS_NEW, false, NULL, NODE_G, NODE_G1, RTR4), 1);
	rfx_free(f);
}

/* An ECM carrying a Map-Request is not relayed. */
static void test_ecm_other(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	static struct lisp_map_request q;
	uint8_t inner[512], buf[600];
	struct lisp_ecm ecm;
	size_t inner_len, len;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.nonce = 1;
	q.n_itr = 1;
	q.itr[0] = tu_addr(NODE_P);
	q.n_eid = 1;
	q.eid[0] = tu_prefix("198.18.2.2/32");
	assert_int_equal(lisp_map_request_encode(inner, sizeof(inner), &inner_len, &q, NULL), 0);
	memset(&ecm, 0, sizeof(ecm));
	ecm.rtr = true;
	ecm.inner_src = rfx_ip(NODE_P);
	ecm.inner_dst = rfx_ip(MS_NEW);
	ecm.inner_ttl = 64;
	ecm.inner_sport = ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	assert_int_equal(lisp_ecm_encode(buf, sizeof(buf), &len, &ecm, NULL), 0);
	rfx_rx(f, NODE_G, NODE_G1, RTR4, buf, len);
	assert_int_equal(f->n, 0);
	assert_int_equal(rfx_counter(f, "drop_ecm_other"), 1);
	rfx_free(f);
}

/* A forged answer: sent from `from`, nothing goes out, counter goes up. */
static void forged(struct rfx *f, const char *from, const uint8_t *buf, size_t len,
		   const char *counter)
{
	long long before = rfx_counter(f, counter);

	rfx_rx(f, from, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(rfx_counter(f, counter), before + 1);
}

/* Only the genuine answer commits: a wrong key, S clear (the draft 5.3:
 * OOR's RTR takes it), another nonce, another xTR-ID, another sender, the
 * other dialect's form. The register waits through all of them. */
static void test_answers_forged(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len;

	(void)state;
	assert_int_equal(rfx_node_register(f, 21, NODE_EID, MS_NEW, NODE_G1, RTR4), 1);
	len = rfx_answer_new(buf, sizeof(buf), 21, RFX_XTR_ID, NODE_EID, KEY_OLD);
	forged(f, MS_NEW, buf, len, "drop_answer_auth");
	len = rfx_answer_new(buf, sizeof(buf), 21, RFX_XTR_ID, NODE_EID, NULL);
	forged(f, MS_NEW, buf, len, "drop_answer_unsigned");
	len = rfx_answer_new(buf, sizeof(buf), 22, RFX_XTR_ID, NODE_EID, KEY_NEW);
	forged(f, MS_NEW, buf, len, "drop_answer_unknown_nonce");
	len = rfx_answer_new(buf, sizeof(buf), 21, OTHER_XTR_ID, NODE_EID, KEY_NEW);
	forged(f, MS_NEW, buf, len, "drop_answer_xtr_id");
	len = rfx_answer_new(buf, sizeof(buf), 21, RFX_XTR_ID, NODE_EID, KEY_NEW);
	forged(f, MS_STRANGER, buf, len, "drop_answer_unknown_ms");
	/* The right MAC, from the other map-server (it shares another key). */
	forged(f, MS_OLD, buf, len, "drop_answer_dialect");
	len = rfx_notify(buf, sizeof(buf), 21, RFX_XTR_ID, NODE_EID, KEY_NEW);
	forged(f, MS_NEW, buf, len, "drop_answer_dialect");
	assert_int_equal(rfx_counter(f, "answers_received"), 7);
	assert_int_equal(rfx_counter(f, "nat_committed"), 0);
	/* The genuine one still finds its register. */
	len = rfx_answer_new(buf, sizeof(buf), 21, RFX_XTR_ID, NODE_EID, KEY_NEW);
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 2);
	rfx_dmn(f, 1, RTR4, NODE_G1, MS_NEW);
	assert_int_equal(rfx_counter(f, "nat_committed"), 1);
	/* Answered once: the same answer again has no register. */
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 2);
	assert_int_equal(rfx_counter(f, "drop_answer_unknown_nonce"), 2);
	rfx_free(f);
}

/* The OLD dialect: the second auth field must be there and verify with
 * the key of that map-server. */
static void test_answers_forged_old(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len;

	(void)state;
	assert_int_equal(rfx_node_register(f, 31, NODE_EID, MS_OLD, NODE_G1, RTR4), 1);
	len = rfx_notify(buf, sizeof(buf), 31, RFX_XTR_ID, NODE_EID, KEY_NEW);
	forged(f, MS_OLD, buf, len, "drop_answer_auth");
	len = rfx_notify(buf, sizeof(buf), 31, RFX_XTR_ID, NODE_EID, NULL);
	forged(f, MS_OLD, buf, len, "drop_answer_unsigned");
	len = rfx_notify(buf, sizeof(buf), 31, OTHER_XTR_ID, NODE_EID, KEY_OLD);
	forged(f, MS_OLD, buf, len, "drop_answer_xtr_id");
	/* The nonce of a register relayed to the other map-server. */
	assert_int_equal(rfx_node_register(f, 32, NODE_EID, MS_NEW, NODE_G1, RTR4), 1);
	len = rfx_notify(buf, sizeof(buf), 32, RFX_XTR_ID, NODE_EID, KEY_OLD);
	rfx_rx(f, MS_OLD, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 2);
	assert_int_equal(rfx_counter(f, "drop_answer_unknown_nonce"), 1);
	len = rfx_notify(buf, sizeof(buf), 31, RFX_XTR_ID, NODE_EID, KEY_OLD);
	rfx_rx(f, MS_OLD, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 3);
	rfx_dmn(f, 2, RTR4, NODE_G1, MS_OLD);
	rfx_free(f);
}

/* A register waits pending_ms for its answer, then is forgotten. */
static void test_pending_expires(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len;

	(void)state;
	assert_int_equal(rfx_node_register(f, 41, NODE_EID, MS_NEW, NODE_G1, RTR4), 1);
	rfx_run(f, 260);
	assert_int_equal(rfx_counter(f, "pending_expired"), 1);
	len = rfx_answer_new(buf, sizeof(buf), 41, RFX_XTR_ID, NODE_EID, KEY_NEW);
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(rfx_counter(f, "drop_answer_unknown_nonce"), 1);
	rfx_free(f);
}

/* A retransmission (the same nonce) replaces what the register came
 * through: the answer goes to the latest NAT port. */
static void test_pending_retransmit(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len;

	(void)state;
	assert_int_equal(rfx_node_register(f, 51, NODE_EID, MS_NEW, NODE_G1, RTR4), 1);
	assert_int_equal(rfx_node_register(f, 51, NODE_EID, MS_NEW, NODE_G1 + 1, RTR4), 1);
	assert_int_equal(rfx_counter(f, "reg_retransmits"), 1);
	len = rfx_answer_new(buf, sizeof(buf), 51, RFX_XTR_ID, NODE_EID, KEY_NEW);
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 3);
	rfx_dmn(f, 2, RTR4, NODE_G1 + 1, MS_NEW);
	rfx_free(f);
}

/* A flood of registers cannot grow memory: past RTR_PENDING_MAX the
 * oldest waiting one is forgotten, the others still commit. */
static void test_pending_bounded(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	uint8_t buf[1500];
	size_t len;
	char *j;

	(void)state;
	f->count_only = true;
	for (unsigned i = 0; i <= RTR_PENDING_MAX; i++)
		rfx_node_register(f, 1000 + i, NODE_EID, MS_NEW, NODE_G1, RTR4);
	f->count_only = false;
	assert_int_equal(f->n_counted, RTR_PENDING_MAX + 1);
	assert_int_equal(rfx_counter(f, "pending_evicted"), 1);
	j = rfx_json(f, "status");
	assert_non_null(strstr(j, "\"pending_registers\":1024"));
	free(j);
	len = rfx_answer_new(buf, sizeof(buf), 1000, RFX_XTR_ID, NODE_EID, KEY_NEW);
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 0);
	len = rfx_answer_new(buf, sizeof(buf), 1001, RFX_XTR_ID, NODE_EID, KEY_NEW);
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 1);
	rfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay_new),
		cmocka_unit_test(test_relay_old),
		cmocka_unit_test(test_relay_refused),
		cmocka_unit_test(test_ecm_other),
		cmocka_unit_test(test_answers_forged),
		cmocka_unit_test(test_answers_forged_old),
		cmocka_unit_test(test_pending_expires),
		cmocka_unit_test(test_pending_retransmit),
		cmocka_unit_test(test_pending_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
