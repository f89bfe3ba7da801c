/* The Map-Server's side of NAT traversal (docs/NAT.md 3.1, 3.4, 4.3):
 * Info-Requests answered with what the MS saw and the RTRs it offers, or
 * dropped and counted; Map-Registers relayed by a known RTR taken like any
 * other and answered through it (NEW: ECM R, S with the RTR's MAC; OLD:
 * Map-Notify R with the RTR's auth field), by an unknown one dropped;
 * every other register, I bit or not, answered directly; proxy replies
 * with the registered set for a node behind a NAT. */
#include "test_ms_util.h"

#define RTR_A "192.0.2.66"
#define RTR_B "2001:db8::66"
#define KEY_RTR_A "doc-key-rtr-a"
#define KEY_RTR_B "doc-key-rtr-b"
#define NAT_PUBLIC "198.51.100.2"    /* the NAT's public address */
#define PRIVATE "198.51.100.130"     /* the node's RLOC behind the NAT */
#define NAT_PORT 61001               /* the port the NAT mapped 4342 to */

#define SITES                                                                  \
	"operating-mode = MS\n"                                                \
	"lisp-site {\n eid-prefix = 198.18.1.0/24\n key-type = 1\n"            \
	" key = \"" KEY_A "\"\n accept-more-specifics = on\n}\n"               \
	"lisp-site {\n eid-prefix = 198.19.0.0/16\n key-type = 2\n"            \
	" key = \"" KEY_B "\"\n accept-more-specifics = on\n}\n"               \
	"ms-static-registered-site {\n eid-prefix = 198.18.9.0/24\n"           \
	" rloc-address {\n  address = 203.0.113.9\n  priority = 1\n"           \
	"  weight = 100\n }\n}\n"

#define RTRS                                                                   \
	"ms-rtr-node {\n name = rtr-a\n address = " RTR_A "\n"                 \
	" key = \"" KEY_RTR_A "\"\n}\n"                                        \
	"ms-rtr-node {\n name = rtr-b\n address = " RTR_B "\n"                 \
	" key = \"" KEY_RTR_B "\"\n}\n"                                        \
	"ms-rtrs-set {\n name = both\n ttl = 160\n rtrs = { rtr-a, rtr-b }\n}\n" \
	"ms-advertised-rtrs-set = both\n"

#define CFG SITES RTRS

static const uint8_t XTR_ID[16] = { 0xbf, 0x57, 0x65, 0x50, 0x44, 0x80, 0xa7, 0x3a,
				    0xc0, 0xd2, 0x93, 0xa7, 0x0e, 0x4d, 0xa9, 0xe6 };

/* ---- Info-Request ----------------------------------------------------- */

/* alg 0: unauthenticated, as lispers.net sends them. */
static size_t build_info(uint8_t *out, size_t cap, const char *eid, const char *key, uint8_t alg,
			 uint64_t nonce)
{
	struct lisp_info m;
	size_t len;

	memset(&m, 0, sizeof(m));
	m.nonce = nonce;
	m.auth.alg_id = alg;
	m.eid = tu_prefix(eid);
	assert_int_equal(lisp_info_encode(out, cap, &len, &m, (const uint8_t *)key,
					  key ? strlen(key) : 0, NULL), 0);
	return len;
}

/* Sends an Info-Request through the NAT; returns the packets sent back. */
static unsigned info(struct msfx *f, const char *eid, const char *key, uint8_t alg, uint64_t nonce)
{
	uint8_t buf[512];
	size_t len = build_info(buf, sizeof(buf), eid, key, alg, nonce);
	unsigned before = f->n;

	msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len);
	return f->n - before;
}

static const struct lisp_info *info_reply(struct msfx *f, unsigned i, const char *key)
{
	const struct msfx_pkt *p = &f->pkt[i];

	assert_true(i < f->n);
	assert_int_equal(lisp_msg_type(p->buf, p->len), LISP_INFO);
	assert_int_equal(lisp_auth_verify(p->buf, p->len, (const uint8_t *)key, strlen(key), NULL),
			 0);
	assert_int_equal(lisp_info_decode(p->buf, p->len, &f->msg.u.info, NULL), 0);
	assert_true(f->msg.u.info.reply);
	return &f->msg.u.info;
}

/* The reply goes from the address the request reached to the address and
 * port it came from, and names both, the advertised RTRs and their TTL. */
static void test_info_reply(void **state)
{
	struct msfx *f = msfx_new(CFG);
	const struct lisp_info *r;

	(void)state;
	assert_int_equal(info(f, "198.18.1.1/32", KEY_A, LISP_AUTH_HMAC_SHA1_96, 0x1122334455667788),
			 1);
	assert_true(f->pkt[0].has_src);
	assert_ip_is(&f->pkt[0].src, MS_ADDR4);
	assert_ip_is(&f->pkt[0].dst, NAT_PUBLIC);
	assert_int_equal(f->pkt[0].dport, NAT_PORT);
	r = info_reply(f, 0, KEY_A);
	assert_true(r->nonce == 0x1122334455667788);
	assert_int_equal(r->auth.key_id, 0);
	assert_int_equal(r->auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(r->auth.len, 20);
	assert_int_equal(r->ttl, 160);
	assert_prefix_is(&r->eid, "198.18.1.1/32");
	assert_int_equal(r->ms_port, LISP_CONTROL_PORT);
	assert_int_equal(r->etr_port, NAT_PORT);
	assert_ip_is(&r->global_etr.ip, NAT_PUBLIC);
	assert_ip_is(&r->ms.ip, MS_ADDR4);
	assert_int_equal(r->private_etr.kind, LISP_ADDR_NONE);
	assert_int_equal(r->n_rtr, 2);
	assert_ip_is(&r->rtr[0].ip, RTR_A);
	assert_ip_is(&r->rtr[1].ip, RTR_B);
	/* The key and algorithm of the site: SHA-256 for the second one. */
	assert_int_equal(info(f, "198.19.7.0/24", KEY_B, LISP_AUTH_HMAC_SHA256_128, 2), 1);
	r = info_reply(f, 1, KEY_B);
	assert_int_equal(r->auth.alg_id, LISP_AUTH_HMAC_SHA256_128);
	assert_int_equal(r->auth.len, 32);
	assert_int_equal(msfx_counter(f, "rx-info"), 2);
	assert_int_equal(msfx_counter(f, "info-replies-sent"), 2);
	msfx_free(f);
}

/* Without an advertised set the list is empty (TTL 10 minutes); without
 * any RTR too. */
static void test_info_no_rtrs(void **state)
{
	static const char *const cfgs[] = {
		SITES,
		SITES "ms-rtr-node {\n name = rtr-a\n address = " RTR_A "\n key = k\n}\n",
	};

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		struct msfx *f = msfx_new(cfgs[i]);
		const struct lisp_info *r;

		assert_int_equal(info(f, "198.18.1.1/32", KEY_A, 1, 1), 1);
		r = info_reply(f, 0, KEY_A);
		assert_int_equal(r->n_rtr, 0);
		assert_int_equal(r->ttl, 10);
		assert_ip_is(&r->global_etr.ip, NAT_PUBLIC);
		msfx_free(f);
	}
}

/* Every refusal is silent on the wire and counted by its reason. */
static void test_info_refused(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_info m;
	uint8_t buf[512];
	size_t len;
	char *j;

	(void)state;
	assert_int_equal(info(f, "198.18.1.1/32", KEY_B, 1, 1), 0);   /* another site's key */
	assert_int_equal(info(f, "198.18.1.1/32", KEY_A, 2, 2), 0);   /* site's key, wrong alg */
	assert_int_equal(info(f, "198.18.1.1/32", NULL, 0, 3), 0);    /* unauthenticated */
	assert_int_equal(msfx_counter(f, "drop-info-auth"), 3);
	j = msfx_json(f, "sites");
	assert_non_null(strstr(j, "\"auth-failures\":3"));
	free(j);
	assert_int_equal(info(f, "198.18.2.1/32", KEY_A, 1, 4), 0);   /* in no site */
	assert_int_equal(info(f, "2001:db8:e1d::1/128", KEY_A, 1, 5), 0);
	/* lispers.net's form: no EID, its hostname, no MAC. */
	memset(&m, 0, sizeof(m));
	strcpy(m.hostname, "node.example");
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, &m, NULL, 0, NULL), 0);
	msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len);
	assert_int_equal(msfx_counter(f, "drop-info-no-site"), 3);
	assert_int_equal(info(f, "198.18.9.1/32", KEY_A, 1, 6), 0);   /* static site: no key */
	assert_int_equal(msfx_counter(f, "drop-info-static-site"), 1);
	/* An Info-Reply sent to the MS, and a truncated request. */
	memset(&m, 0, sizeof(m));
	m.reply = true;
	m.eid = tu_prefix("198.18.1.1/32");
	assert_int_equal(lisp_info_encode(buf, sizeof(buf), &len, &m, NULL, 0, NULL), 0);
	msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len);
	assert_int_equal(msfx_counter(f, "drop-info-reply"), 1);
	len = build_info(buf, sizeof(buf), "198.18.1.1/32", KEY_A, 1, 7);
	msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len - 1);
	assert_int_equal(msfx_counter(f, "drop-info-decode"), 1);
	assert_int_equal(msfx_counter(f, "decode-error-truncated"), 1);
	assert_int_equal(f->n, 0);
	assert_int_equal(msfx_counter(f, "rx-info"), 9);
	assert_int_equal(msfx_counter(f, "drop-other-type"), 0);
	msfx_free(f);
}

/* Info-Requests are charged to the Map-Request buckets of their source:
 * past the burst they are dropped and counted, another source is still
 * answered, and the flooding source's Map-Requests wait too. */
static void test_info_rate_limited(void **state)
{
	struct msfx *f = msfx_new(CFG "ms-limits {\n"
				  "    map-request-rate = 1\n"
				  "    map-request-burst = 3\n"
				  "}\n");
	uint8_t buf[512];
	size_t len = build_info(buf, sizeof(buf), "198.18.1.1/32", KEY_A, 1, 1);
	uint64_t t0 = ev_now_ms(f->loop), secs;

	(void)state;
	for (unsigned i = 0; i < 20; i++)
		msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len);
	secs = (ev_now_ms(f->loop) - t0) / 1000 + 1;
	assert_true(f->n >= 3 && f->n <= 3 + secs);
	assert_int_equal(f->n + msfx_counter(f, "drop-info-rate-limited"), 20);
	assert_int_equal(msfx_counter(f, "info-replies-sent"), f->n);
	f->n = 0;
	msfx_rx(f, "203.0.113.40", NAT_PORT, buf, len);
	assert_int_equal(f->n, 1);
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.1.1", "198.18.1.20", NAT_PUBLIC, NAT_PORT, 9);
	f->n = 0;
	msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len);
	assert_int_equal(f->n + msfx_counter(f, "drop-request-rate-limited"), 1);
	/* Within the first second no token came back since the burst went. */
	if (ev_now_ms(f->loop) - t0 < 1000)
		assert_int_equal(f->n, 0);
	msfx_free(f);
}

static void test_info_rate_total(void **state)
{
	struct msfx *f = msfx_new(CFG "ms-limits {\n"
				  "    map-request-rate = 1\n"
				  "    map-request-burst = 1000\n"
				  "    map-request-rate-total = 2\n"
				  "}\n");
	uint8_t buf[512];
	size_t len = build_info(buf, sizeof(buf), "198.18.1.1/32", KEY_A, 1, 1);
	uint64_t t0 = ev_now_ms(f->loop), secs;

	(void)state;
	for (unsigned i = 0; i < 10; i++)
		msfx_rx(f, NAT_PUBLIC, NAT_PORT, buf, len);
	secs = (ev_now_ms(f->loop) - t0) / 1000 + 1;
	assert_true(f->n >= 2 && f->n <= 2 + 2 * secs);
	assert_int_equal(f->n + msfx_counter(f, "drop-info-rate-limited-total"), 10);
	assert_int_equal(msfx_counter(f, "drop-info-rate-limited"), 0);
	msfx_free(f);
}

/* ---- registrations through an RTR ------------------------------------- */

/* What a node behind the NAT registers (docs/NAT.md 3.3): P, I, M, R; its
 * RTR reachable and not local, its private RLOC local and unreachable. */
static void nat_register_init(struct lisp_map_register *m, uint64_t nonce, const char *eid)
{
	static const char *const locs[] = { RTR_A, PRIVATE };
	struct lisp_record rec = msfx_record(eid, 10, 2, locs);

	rec.loc[0].local = false;
	rec.loc[1].reachable = false;
	msfx_register_init(m, LISP_AUTH_HMAC_SHA1_96, nonce, &rec);
	m->proxy_reply = true;
	m->rtr = true;
	m->xtr_id_present = true;
	memcpy(m->xtr_id, XTR_ID, sizeof(XTR_ID));
	m->site_id = 7;
}

/* The RTR's relay (NEW): the node's inner packet, untouched, in an ECM
 * with N, from `from`. Returns the packets the MS sent. */
static unsigned relay(struct msfx *f, const char *from, const struct lisp_map_register *m,
		      const char *key)
{
	uint8_t reg[1500], out[1500];
	size_t reg_len = msfx_encode_register(m, key, reg, sizeof(reg)), len;
	struct lisp_ecm ecm;
	unsigned before = f->n;

	memset(&ecm, 0, sizeof(ecm));
	ecm.nat = true;
	ecm.inner_src = msfx_ip(PRIVATE);
	ecm.inner_dst = msfx_ip(MS_ADDR4);
	ecm.inner_ttl = 255;
	ecm.inner_sport = LISP_CONTROL_PORT;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = reg;
	ecm.payload_len = reg_len;
	assert_int_equal(lisp_ecm_encode(out, sizeof(out), &len, &ecm, NULL), 0);
	msfx_rx(f, from, LISP_CONTROL_PORT, out, len);
	return f->n - before;
}

/* The NEW answer: to the RTR, an ECM with R and S whose MS-RTR MAC
 * verifies with the RTR's key, inner MS -> private RLOC, 4342 -> 4342,
 * carrying a Map-Notify signed with the site key. */
static const struct lisp_map_register *notify_via_rtr(struct msfx *f, unsigned i,
						      const char *rtr, const char *rtr_key)
{
	const struct msfx_pkt *p = &f->pkt[i];
	struct lisp_ecm *e = &f->ecm;

	assert_true(i < f->n);
	assert_ip_is(&p->dst, rtr);
	assert_int_equal(p->dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_ecm_decode(p->buf, p->len, e, NULL), 0);
	assert_true(e->rtr && e->security);
	assert_false(e->nat || e->to_etr || e->to_ms || e->ddt);
	assert_int_equal(e->ad_type, LISP_ECM_AD_RTR);
	assert_int_equal(e->rtr_auth.key_id, 0);
	assert_int_equal(e->rtr_auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(e->rtr_auth.len, 20);
	assert_int_equal(lisp_ecm_rtr_auth_verify(e, (const uint8_t *)rtr_key, strlen(rtr_key),
						  NULL), 0);
	assert_int_equal(lisp_ecm_rtr_auth_verify(e, (const uint8_t *)KEY_RTR_B,
						  strlen(KEY_RTR_B), NULL), -1);
	assert_ip_is(&e->inner_src, MS_ADDR4);
	assert_ip_is(&e->inner_dst, PRIVATE);
	assert_int_equal(e->inner_ttl, 255);
	assert_int_equal(e->inner_sport, LISP_CONTROL_PORT);
	assert_int_equal(e->inner_dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_auth_verify(e->payload, e->payload_len, (const uint8_t *)KEY_A,
					  strlen(KEY_A), NULL), 0);
	assert_int_equal(lisp_map_register_decode(e->payload, e->payload_len, &f->msg.u.reg, NULL),
			 0);
	assert_int_equal(f->msg.u.reg.type, LISP_MAP_NOTIFY);
	return &f->msg.u.reg;
}

/* Asks for eid through an ECM from an ITR; returns the answer's index. */
static unsigned lookup(struct msfx *f, const char *eid, uint64_t nonce)
{
	uint8_t buf[1500];
	size_t len = msfx_build_ecm(buf, sizeof(buf), "198.19.200.1", eid, "203.0.113.77", 61000,
				    nonce);

	msfx_rx(f, "203.0.113.77", LISP_CONTROL_PORT, buf, len);
	assert_true(f->n > 0);
	return f->n - 1;
}

static void test_relay_new(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	struct lisp_map_register m;
	const struct lisp_map_register *n;
	const struct lisp_record *rec;
	char *j;

	(void)state;
	nat_register_init(&m, 100, "198.18.1.1/32");
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	n = notify_via_rtr(f, 0, RTR_A, KEY_RTR_A);
	assert_true(n->nonce == 100);
	assert_true(n->xtr_id_present);
	assert_memory_equal(n->xtr_id, XTR_ID, sizeof(XTR_ID));
	assert_true(n->site_id == 7);
	assert_false(n->rtr || n->has_rtr_auth);
	assert_int_equal(n->n_rec, 1);
	assert_int_equal(n->rec[0].n_loc, 2);
	assert_true(n->rec[0].loc[0].reachable);
	assert_false(n->rec[0].loc[1].reachable || n->rec[0].loc[1].local);
	assert_int_equal(msfx_counter(f, "rx-ecm-relayed-register"), 1);
	assert_int_equal(msfx_counter(f, "registers-accepted"), 1);
	assert_int_equal(msfx_counter(f, "registers-via-rtr"), 1);
	assert_int_equal(msfx_counter(f, "map-notifies-via-rtr"), 1);
	assert_int_equal(msfx_counter(f, "map-notifies-sent"), 1);
	/* The view says which RTR relayed it; the private RLOC is there, R=0. */
	j = msfx_json(f, "registrations");
	assert_non_null(strstr(j, "\"from\":\"" RTR_A "\""));
	assert_non_null(strstr(j, "\"relayed-by\":\"rtr-a\",\"relay-dialect\":\"NEW\""));
	assert_non_null(strstr(j, "{\"address\":\"" PRIVATE "\",\"priority\":1,\"weight\":100,"
				  "\"reachable\":false,\"local\":true}"));
	free(j);
	/* P of the register makes the MS answer for the node, with the set it
	 * registered: ITRs send to the RTR. */
	rec = &msfx_reply(f, lookup(f, "198.18.1.1", 1))->rec[0];
	assert_int_equal(msfx_counter(f, "map-replies-proxy"), 1);
	assert_int_equal(rec->n_loc, 2);
	assert_ip_is(&rec->loc[0].addr.ip, RTR_A);
	assert_true(rec->loc[0].reachable);
	assert_ip_is(&rec->loc[1].addr.ip, PRIVATE);
	assert_false(rec->loc[1].reachable);
	msfx_free(f);
}

/* Replay state is the xTR-ID's whatever the path: the same register again
 * through the RTR, or sent directly, is refused; a newer nonce passes. */
static void test_relay_replay(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	struct lisp_map_register m;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	nat_register_init(&m, 100, "198.18.1.1/32");
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 0);
	len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
	msfx_rx(f, NAT_PUBLIC, LISP_CONTROL_PORT, buf, len);
	assert_int_equal(msfx_counter(f, "drop-replay"), 2);
	assert_int_equal(f->n, 1);
	m.nonce = 101;
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	notify_via_rtr(f, 1, RTR_A, KEY_RTR_A);
	assert_int_equal(msfx_counter(f, "registers-via-rtr"), 2);
	/* The node's, and the static site's. */
	assert_int_equal(msfx_counter(f, "registrations"), 2);
	msfx_free(f);
}

/* A relayed registration is the node's, keyed by its xTR-ID: when the
 * node leaves the NAT and registers directly, its set replaces the one the
 * RTR relayed; left alone, a registration expires as any other. */
static void test_relay_move_and_expiry(void **state)
{
	struct msfx *f = msfx_new(CFG);
	static const char *const locs[] = { "203.0.113.7" };
	struct lisp_record rec = msfx_record("198.18.1.1/32", 10, 1, locs);
	struct lisp_map_register m;
	uint8_t buf[1500];
	size_t len;
	char *j;

	(void)state;
	nat_register_init(&m, 100, "198.18.1.1/32");
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	m.rec[0] = rec;
	m.nonce = 101;
	m.rtr = false;
	len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
	msfx_rx(f, "203.0.113.7", LISP_CONTROL_PORT, buf, len);
	msfx_notify(f, 1, KEY_A);
	j = msfx_json(f, "registrations");
	assert_null(strstr(j, "relayed-by"));
	assert_null(strstr(j, PRIVATE));
	assert_non_null(strstr(j, "\"from\":\"203.0.113.7\""));
	free(j);
	nat_register_init(&m, 102, "198.18.1.1/32");
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	msfx_run(f, 200);
	assert_int_equal(msfx_counter(f, "registrations-expired"), 1);
	assert_int_equal(msfx_reply(f, lookup(f, "198.18.1.1", 1))->rec[0].n_loc, 0);
	msfx_free(f);
}

/* No open relay: an ECM with N from an address no ms-rtr-node has is
 * dropped whole, however good the register inside; a known RTR relaying
 * anything but a Map-Register too; and a forged register through a known
 * RTR fails the site's MAC like any other. */
static void test_relay_refused(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	struct lisp_map_register m;
	uint8_t buf[1500], out[1500];
	size_t len;

	(void)state;
	nat_register_init(&m, 100, "198.18.1.1/32");
	assert_int_equal(relay(f, "203.0.113.66", &m, KEY_A), 0);
	assert_int_equal(relay(f, NAT_PUBLIC, &m, KEY_A), 0);
	assert_int_equal(msfx_counter(f, "drop-relay-unknown-rtr"), 2);
	assert_int_equal(msfx_counter(f, "rx-map-register"), 0);
	assert_int_equal(relay(f, RTR_A, &m, KEY_B), 0);
	assert_int_equal(msfx_counter(f, "drop-auth"), 1);
	/* The static site's only. */
	assert_int_equal(msfx_counter(f, "registrations"), 1);
	/* A Map-Request in an ECM with N. */
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "198.18.1.1", RTR_A, 61000, 5);
	memcpy(out, buf, len);
	out[1] |= 0x20;  /* N, bit 10 */
	msfx_rx(f, RTR_A, LISP_CONTROL_PORT, out, len);
	assert_int_equal(msfx_counter(f, "drop-relay-not-map-register"), 1);
	assert_int_equal(msfx_counter(f, "rx-ecm-relayed-register"), 4);
	assert_int_equal(msfx_counter(f, "registers-accepted"), 0);
	assert_int_equal(f->n, 0);
	/* The genuine one still passes: nothing above touched its replay state. */
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	msfx_free(f);
}

/* OLD dialect: a bare register with R from a known RTR gets a Map-Notify
 * with R and, after the trailer, the MAC of the RTR's key over it all. */
static void test_relay_old(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	struct lisp_map_register m;
	const struct lisp_map_register *n;
	const struct msfx_pkt *p;
	size_t at;
	char *j;

	(void)state;
	nat_register_init(&m, 100, "198.18.1.1/32");
	{
		uint8_t buf[1500];
		size_t len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));

		msfx_rx(f, RTR_A, LISP_CONTROL_PORT, buf, len);
	}
	assert_int_equal(f->n, 1);
	p = &f->pkt[0];
	assert_ip_is(&p->dst, RTR_A);
	assert_int_equal(p->dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_msg_type(p->buf, p->len), LISP_MAP_NOTIFY);
	assert_int_equal(lisp_map_register_decode(p->buf, p->len, &f->msg.u.reg, NULL), 0);
	n = &f->msg.u.reg;
	assert_true(n->rtr && n->has_rtr_auth && n->xtr_id_present);
	assert_true(n->nonce == 100);
	assert_int_equal(n->rtr_auth.key_id, 0);
	assert_int_equal(n->rtr_auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(n->rtr_auth.len, 20);
	at = lisp_map_notify_rtr_auth_off(n, p->len);
	assert_int_equal(at, p->len - 24);
	assert_int_equal(lisp_auth_verify(p->buf, at, (const uint8_t *)KEY_A, strlen(KEY_A), NULL),
			 0);
	assert_int_equal(lisp_auth_verify_at(p->buf, p->len, at, (const uint8_t *)KEY_RTR_A,
					     strlen(KEY_RTR_A), NULL), 0);
	assert_int_equal(lisp_auth_verify_at(p->buf, p->len, at, (const uint8_t *)KEY_A,
					     strlen(KEY_A), NULL), -1);
	assert_int_equal(msfx_counter(f, "registers-via-rtr"), 1);
	assert_int_equal(msfx_counter(f, "map-notifies-via-rtr"), 1);
	j = msfx_json(f, "registrations");
	assert_non_null(strstr(j, "\"relayed-by\":\"rtr-a\",\"relay-dialect\":\"OLD\""));
	free(j);
	msfx_free(f);
}

/* Every other register is the xTR's own, answered directly with a plain
 * Map-Notify: a valid I-bit register from a node not behind a NAT while
 * RTRs are configured (OOR's map-server crashed on it), one with R from
 * an address that is no RTR, and one without R from an RTR's address. */
static void test_direct_with_rtrs(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	static const char *const from[] = { "203.0.113.7", "203.0.113.8", RTR_A };
	static const char *const locs[] = { "203.0.113.7" };
	struct lisp_record rec = msfx_record("198.18.1.7/32", 10, 1, locs);
	struct lisp_map_register m;
	uint8_t buf[1500];
	char *j;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		size_t len;
		const struct lisp_map_register *n;

		msfx_register_init(&m, LISP_AUTH_HMAC_SHA1_96, 10 + i, &rec);
		m.xtr_id_present = true;
		m.xtr_id[0] = (uint8_t)i;
		m.rtr = i == 1;
		len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
		msfx_rx(f, from[i], 4342, buf, len);
		assert_int_equal(f->n, i + 1);
		assert_ip_is(&f->pkt[i].dst, from[i]);
		n = msfx_notify(f, i, KEY_A);
		assert_true(n->nonce == 10 + i);
		assert_true(n->xtr_id_present);
		assert_false(n->rtr || n->has_rtr_auth);
		assert_int_equal(f->pkt[i].len, len);
	}
	assert_int_equal(msfx_counter(f, "registers-accepted"), 3);
	assert_int_equal(msfx_counter(f, "registers-via-rtr"), 0);
	assert_int_equal(msfx_counter(f, "map-notifies-via-rtr"), 0);
	j = msfx_json(f, "registrations");
	assert_null(strstr(j, "relayed-by"));
	free(j);
	msfx_free(f);
}

/* Proxy replies follow each registration's P bit: a node behind a NAT
 * (P) is answered by the MS in a site without proxy-reply, while a
 * registration without P in the same site is forwarded to its ETR. */
static void test_proxy_per_registration(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	static const char *const locs[] = { "203.0.113.7" };
	struct lisp_record rec = msfx_record("198.18.1.7/32", 10, 1, locs);
	struct lisp_map_register m;

	(void)state;
	nat_register_init(&m, 100, "198.18.1.1/32");
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 1);
	assert_int_equal(msfx_register(f, "203.0.113.7", KEY_A, 1, 5, &rec), 1);
	msfx_reply(f, lookup(f, "198.18.1.1", 1));
	assert_int_equal(msfx_counter(f, "map-replies-proxy"), 1);
	lookup(f, "198.18.1.7", 2);
	assert_int_equal(msfx_counter(f, "map-requests-forwarded"), 1);
	assert_ip_is(&f->pkt[f->n - 1].dst, "203.0.113.7");
	msfx_free(f);
}

/* A reload replaces the RTRs: a removed one is a stranger at once, and
 * Info-Replies offer the new set. */
static void test_reload_rtrs(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	struct lisp_map_register m;
	struct lispd_config c;
	char err[256];

	(void)state;
	assert_int_equal(lispd_config_load_string(SITES "ms-rtr-node {\n name = rtr-b\n address = "
						  RTR_B "\n key = \"" KEY_RTR_B "\"\n}\n"
						  "ms-rtrs-set {\n name = b\n ttl = 30\n"
						  " rtrs = { rtr-b }\n}\n"
						  "ms-advertised-rtrs-set = b\n",
						  "new.conf", &c, err, sizeof(err)),
			 0);
	assert_int_equal(ms_reload(f->ms, &c), 0);
	lispd_config_free(&c);
	nat_register_init(&m, 100, "198.18.1.1/32");
	assert_int_equal(relay(f, RTR_A, &m, KEY_A), 0);
	assert_int_equal(msfx_counter(f, "drop-relay-unknown-rtr"), 1);
	assert_int_equal(info(f, "198.18.1.1/32", KEY_A, 1, 1), 1);
	assert_int_equal(info_reply(f, 0, KEY_A)->n_rtr, 1);
	assert_ip_is(&f->msg.u.info.rtr[0].ip, RTR_B);
	assert_int_equal(f->msg.u.info.ttl, 30);
	msfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_info_reply),
		cmocka_unit_test(test_info_no_rtrs),
		cmocka_unit_test(test_info_refused),
		cmocka_unit_test(test_info_rate_limited),
		cmocka_unit_test(test_info_rate_total),
		cmocka_unit_test(test_relay_new),
		cmocka_unit_test(test_relay_replay),
		cmocka_unit_test(test_relay_move_and_expiry),
		cmocka_unit_test(test_relay_refused),
		cmocka_unit_test(test_relay_old),
		cmocka_unit_test(test_direct_with_rtrs),
		cmocka_unit_test(test_proxy_per_registration),
		cmocka_unit_test(test_reload_rtrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
