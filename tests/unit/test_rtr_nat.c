/* The RTR's committed nodes (ctl/rtr, docs/NAT.md 3.5-3.6, 4.2 steps
 * 3-6), over the RTR's BPF object loaded but attached nowhere: an
 * authenticated answer commits the node's EID into the data plane's NAT
 * table (NAT address and port, the RLOC the register reached, the private
 * RLOC) and sends the Map-Notify on to the node as a Data-Map-Notify
 * through its NAT, in both dialects; a new NAT port replaces the old one
 * (a rebinding); a node not confirmed again expires from both tables; a
 * Map-Reply naming the RTR itself or a committed node is refused and an
 * SMR for a committed node ignored (Open Overlay Router's race); the
 * control socket's "nat" shows both views. BPF needs root (or CAP_BPF):
 * without, the tests that read the NAT table are skipped. */
#include "test_rtr_util.h"

#include "dp_miss.h"

#define PEER_EID "198.18.2.2"        /* a LISP site the RTR resolves */
#define PEER_RLOC "203.0.113.20"

static struct rfx *with_dp(const char *cfg)
{
	struct rfx *f = rfx_new(cfg, true);

	if (!f)
		skip();
	return f;
}

/* The node registers through RTR4 from NODE_G:port, its map-server
 * answers; returns the packets the RTR sent for both. */
static unsigned registered(struct rfx *f, uint64_t nonce, const char *ms, uint16_t port)
{
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	assert_int_equal(rfx_node_register(f, nonce, NODE_EID, ms, port, RTR4), 1);
	if (!strcmp(ms, MS_NEW))
		len = rfx_answer_new(buf, sizeof(buf), nonce, RFX_XTR_ID, NODE_EID, KEY_NEW);
	else
		len = rfx_notify(buf, sizeof(buf), nonce, RFX_XTR_ID, NODE_EID, KEY_OLD);
	rfx_rx(f, ms, LISP_CONTROL_PORT, RTR4, buf, len);
	return f->n - before;
}

static void assert_dp_entry(struct rfx *f, uint16_t port)
{
	struct lisp_prefix eid = tu_prefix(NODE_EID);
	struct rfx_nat_seen s;

	rfx_dp_nat(f, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(lisp_prefix_cmp(&s.e[0].eid, &eid), 0);
	rfx_assert_ip(&s.e[0].global, NODE_G);
	assert_int_equal(s.e[0].global_port, port);
	rfx_assert_ip(&s.e[0].rtr_rloc, RTR4);
	rfx_assert_ip(&s.e[0].private_rloc, NODE_P);
}

static void assert_json_has(struct rfx *f, const char *req, const char *want)
{
	char *text = rfx_json(f, req);

	if (!strstr(text, want))
		fail_msg("'%s' answer lacks '%s': %s", req, want, text);
	free(text);
}

/* NEW: committed into the data plane, and the Map-Notify goes to the
 * node through its NAT: from RTR4:4342 to NODE_G:g1, the map-server's
 * message byte for byte inside. */
static void test_commit_new(void **state)
{
	struct rfx *f = with_dp(RTR_CFG);
	uint8_t want[1500];
	size_t want_len;
	const struct lisp_map_register *n;

	(void)state;
	assert_int_equal(registered(f, 61, MS_NEW, NODE_G1), 2);
	n = rfx_dmn(f, 1, RTR4, NODE_G1, MS_NEW);
	assert_true(n->nonce == 61);
	assert_true(n->xtr_id_present);
	assert_memory_equal(n->xtr_id, RFX_XTR_ID, 16);
	assert_false(n->has_rtr_auth);
	want_len = rfx_notify(want, sizeof(want), 61, RFX_XTR_ID, NODE_EID, NULL);
	tu_assert_bytes(f->dmn.inner.payload, f->dmn.inner.payload_len, want, want_len);
	assert_int_equal(f->dmn.inner.inner_ttl, 255);
	assert_dp_entry(f, NODE_G1);
	assert_int_equal(rfx_counter(f, "nat_committed"), 1);
	assert_int_equal(rfx_counter(f, "dmn_sent"), 1);
	assert_json_has(f, "nat", "[{\"eid\":\"" NODE_EID "\",\"global\":\"" NODE_G ":40001\","
				  "\"rtr_rloc\":\"" RTR4 "\",\"private_rloc\":\"" NODE_P "\","
				  "\"xtr_id\":\"bf5765504480a73ac0d293a70e4da9e6\",\"site_id\":0,"
				  "\"map_server\":\"" MS_NEW "\",\"expires_in_s\":1,"
				  "\"confirmations\":1,\"rebindings\":0,\"dataplane\":{\"global\":\""
				  NODE_G ":40001\",\"rtr_rloc\":\"" RTR4 "\",\"private_rloc\":\""
				  NODE_P "\"}}]");
	assert_json_has(f, "status", "\"nat_nodes\":1,\"nat_nodes_in_dataplane\":1,"
				     "\"pending_registers\":0");
	assert_json_has(f, "status", "\"confirmed\":1");
	rfx_free(f);
}

/* OLD: the map-server's message with the RTR's field emptied (4 zero
 * bytes stay, as Open Overlay Router's RTR leaves them); the site's MAC
 * still verifies over what precedes it. */
static void test_commit_old(void **state)
{
	struct rfx *f = with_dp(RTR_CFG);
	const struct lisp_map_register *n;
	const uint8_t *p;
	size_t len;

	(void)state;
	assert_int_equal(registered(f, 62, MS_OLD, NODE_G1), 2);
	n = rfx_dmn(f, 1, RTR4, NODE_G1, MS_OLD);
	assert_true(n->nonce == 62);
	assert_true(n->rtr);
	assert_true(n->has_rtr_auth);
	assert_int_equal(n->rtr_auth.alg_id, 0);
	assert_int_equal(n->rtr_auth.len, 0);
	p = f->dmn.inner.payload;
	len = f->dmn.inner.payload_len;
	assert_memory_equal(p + len - 4, ((const uint8_t[4]){ 0 }), 4);
	assert_dp_entry(f, NODE_G1);
	rfx_free(f);
}

/* A rebinding: the next confirmed register from a new NAT port replaces
 * the old one in one update, and the Data-Map-Notify goes to the new
 * port; the same port again only refreshes. */
static void test_rebinding(void **state)
{
	struct rfx *f = with_dp(RTR_CFG);

	(void)state;
	assert_int_equal(registered(f, 71, MS_NEW, NODE_G1), 2);
	assert_int_equal(registered(f, 72, MS_NEW, NODE_G1), 2);
	assert_int_equal(rfx_counter(f, "nat_refreshed"), 1);
	assert_int_equal(registered(f, 73, MS_NEW, 50002), 2);
	rfx_dmn(f, 5, RTR4, 50002, MS_NEW);
	assert_dp_entry(f, 50002);
	assert_int_equal(rfx_counter(f, "nat_committed"), 1);
	assert_int_equal(rfx_counter(f, "nat_rebound"), 1);
	assert_json_has(f, "nat", "\"global\":\"" NODE_G ":50002\"");
	assert_json_has(f, "nat", "\"confirmations\":3,\"rebindings\":1");
	rfx_free(f);
}

/* Expiry: nat_lifetime_ms after the last confirmed register, from the
 * data plane too; a confirmation in time keeps it. */
static void test_expiry(void **state)
{
	struct rfx *f = with_dp(RTR_CFG);
	struct rfx_nat_seen s;

	(void)state;
	registered(f, 81, MS_NEW, NODE_G1);
	rfx_run(f, 400);
	registered(f, 82, MS_NEW, NODE_G1);
	rfx_run(f, 400);
	assert_dp_entry(f, NODE_G1);
	assert_int_equal(rfx_counter(f, "nat_expired"), 0);
	rfx_run(f, 300);
	rfx_dp_nat(f, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(rfx_counter(f, "nat_expired"), 1);
	assert_json_has(f, "nat", "[]");
	rfx_free(f);
}

/* Without a data plane (dp NULL) the control plane alone keeps them. */
static void test_without_dataplane(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);

	(void)state;
	assert_int_equal(registered(f, 91, MS_NEW, NODE_G1), 2);
	assert_json_has(f, "nat", "\"dataplane\":null");
	assert_json_has(f, "status", "\"nat_nodes\":1,\"nat_nodes_in_dataplane\":null");
	rfx_free(f);
}

/* A record the data plane cannot hold (another instance-id) commits
 * nothing, and the node is not told it is registered through us. */
static void test_commit_refused(void **state)
{
	struct rfx *f = with_dp(RTR_CFG);
	uint8_t buf[1500];
	size_t len;
	struct rfx_nat_seen s;

	(void)state;
	assert_int_equal(rfx_node_register(f, 95, "[7]198.18.1.1/32", MS_NEW, NODE_G1, RTR4), 1);
	len = rfx_answer_new(buf, sizeof(buf), 95, RFX_XTR_ID, "[7]198.18.1.1/32", KEY_NEW);
	rfx_rx(f, MS_NEW, LISP_CONTROL_PORT, RTR4, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(rfx_counter(f, "nat_refused_eid"), 1);
	rfx_dp_nat(f, &s);
	assert_int_equal(s.n, 0);
	rfx_free(f);
}

/* ---- the ITR's side -------------------------------------------------------------- */

/* A miss of the data plane: the RTR asks its map-resolver; the nonce of
 * the Map-Request it sent (the last packet). */
static uint64_t miss(struct rfx *f, const char *dst)
{
	struct dp_miss ev;

	memset(&ev, 0, sizeof(ev));
	ev.dst = rfx_ip(dst);
	ev.src = rfx_ip("198.18.1.1");
	ev.has_src = true;
	rtr_on_miss(f->rtr, &ev);
	assert_true(f->n > 0);
	rfx_assert_ip(&f->pkt[f->n - 1].dst, MR);
	assert_int_equal(lisp_ecm_decode(f->pkt[f->n - 1].buf, f->pkt[f->n - 1].len, &f->ecm,
					 NULL), 0);
	assert_int_equal(lisp_map_request_decode(f->ecm.payload, f->ecm.payload_len,
						 &f->msg.u.request, NULL), 0);
	return f->msg.u.request.nonce;
}

static void reply(struct rfx *f, uint64_t nonce, const char *eid, const char *loc)
{
	struct lisp_map_reply *r = &f->msg.u.reply;
	uint8_t buf[1500];
	size_t len;

	memset(r, 0, sizeof(*r));
	r->nonce = nonce;
	r->n_rec = 1;
	r->rec[0].eid = tu_prefix(eid);
	r->rec[0].ttl = 10;
	r->rec[0].n_loc = 1;
	r->rec[0].loc[0] = (struct lisp_locator){ .priority = 1, .weight = 100, .mpriority = 255,
						  .reachable = true, .addr = tu_addr(loc) };
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, r, NULL), 0);
	rfx_rx(f, MR, LISP_CONTROL_PORT, RTR4, buf, len);
}

/* The draft, 5.5: a Map-Reply naming one of our RLOCs is refused (the
 * map-server answers for a node registered through us with our
 * locator), as is one for a committed node; the rest resolves as usual. */
static void test_map_reply_refused(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);

	(void)state;
	registered(f, 101, MS_NEW, NODE_G1);
	reply(f, miss(f, PEER_EID), PEER_EID "/32", RTR4_B);
	assert_int_equal(rfx_counter(f, "reply_refused_self"), 1);
	reply(f, miss(f, "198.18.1.1"), NODE_EID, PEER_RLOC);
	assert_int_equal(rfx_counter(f, "reply_refused_nat"), 1);
	assert_json_has(f, "map-cache", "[]");
	rfx_run(f, 60);   /* the resolver's interval per prefix */
	reply(f, miss(f, PEER_EID), PEER_EID "/32", PEER_RLOC);
	assert_json_has(f, "map-cache", "\"eid\":\"" PEER_EID "/32\"");
	assert_json_has(f, "map-cache", "\"rloc\":\"" PEER_RLOC "\"");
	rfx_free(f);
}

static void smr(struct rfx *f, const char *source_eid)
{
	static struct lisp_map_request q;
	uint8_t buf[1500];
	size_t len;

	memset(&q, 0, sizeof(q));
	q.smr = true;
	q.source_eid = tu_addr(source_eid);
	q.n_itr = 1;
	q.itr[0] = tu_addr(NODE_P);
	q.n_eid = 1;
	q.eid[0] = tu_prefix("0.0.0.0/0");
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, &q, NULL), 0);
	rfx_rx(f, NODE_G, NODE_G1, RTR4, buf, len);
}

/* Open Overlay Router's node SMRs its RTR after the Map-Notify; re-resolving
 * would overwrite the way to its NAT with the RTR itself (docs/NAT.md
 * 3.6): ignored and counted, nothing sent. Another peer's SMR still goes
 * to the resolver. */
static void test_smr_ignored(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	unsigned sent;

	(void)state;
	registered(f, 111, MS_NEW, NODE_G1);
	sent = f->n;
	smr(f, "198.18.1.1");
	assert_int_equal(f->n, sent);
	assert_int_equal(rfx_counter(f, "smr_refused_nat"), 1);
	assert_int_equal(rfx_counter(f, "smr_received"), 0);
	reply(f, miss(f, PEER_EID), PEER_EID "/32", PEER_RLOC);
	rfx_run(f, 60);   /* the resolver's interval per prefix */
	sent = f->n;
	smr(f, PEER_EID);
	assert_int_equal(rfx_counter(f, "smr_received"), 1);
	assert_int_equal(f->n, sent + 1);
	rfx_assert_ip(&f->pkt[sent].dst, MR);
	rfx_free(f);
}

/* SIGHUP: a map-server's key and dialect follow the file; a change of
 * rtr-ifaces is refused. */
static void test_reload(void **state)
{
	struct rfx *f = rfx_new(RTR_CFG, false);
	struct lispd_config c;
	char err[512];

	(void)state;
	assert_int_equal(lispd_config_load_string(RTR_CFG_HEAD RTR_CFG_MS(MS_NEW, KEY_OLD, "OLD"),
						  "new.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(rtr_reload(f->rtr, &c), 0);
	lispd_config_free(&c);
	assert_json_has(f, "status", "\"map_servers\":[{\"address\":\"" MS_NEW "\","
				     "\"draft_version\":\"OLD\"");
	/* Relayed bare now; the NEW answer is the other dialect's form. */
	assert_int_equal(registered(f, 121, MS_NEW, NODE_G1), 1);
	assert_int_equal(rfx_counter(f, "drop_answer_dialect"), 1);
	/* The register to the map-server gone is no longer relayed. */
	assert_int_equal(rfx_node_register(f, 122, NODE_EID, MS_OLD, NODE_G1, RTR4), 0);
	assert_int_equal(lispd_config_load_string(
				 "operating-mode = RTR\nmap-resolver = { " MR " }\n"
				 "rtr-ifaces {\n rtr-iface {\n  iface = eth2\n }\n}\n"
				 RTR_CFG_MS(MS_NEW, KEY_NEW, "NEW"), "ifaces.conf", &c, err,
				 sizeof(err)), 0);
	assert_int_equal(rtr_reload(f->rtr, &c), -1);
	lispd_config_free(&c);
	rfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_new),
		cmocka_unit_test(test_commit_old),
		cmocka_unit_test(test_rebinding),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_without_dataplane),
		cmocka_unit_test(test_commit_refused),
		cmocka_unit_test(test_map_reply_refused),
		cmocka_unit_test(test_smr_ignored),
		cmocka_unit_test(test_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
