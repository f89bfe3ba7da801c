/* Map-Server registration: authentication, site and more-specific checks,
 * replay refusal, Map-Notify, merge of several xTRs, expiry, T bit,
 * withdrawal, static sites and reload. Each registration's effect is read
 * back through what the MS answers (Map-Replies) and its JSON views. */
#include "test_ms_util.h"

#define CFG                                        \
	"operating-mode = MS\n"                    \
	"lisp-site {\n"                            \
	"    eid-prefix = 198.18.1.0/24\n"         \
	"    key-type = 1\n"                       \
	"    key = \"" KEY_A "\"\n"                \
	"    proxy-reply = on\n"                   \
	"}\n"                                      \
	"lisp-site {\n"                            \
	"    eid-prefix = 198.19.0.0/16\n"         \
	"    key-type = 2\n"                       \
	"    key = \"" KEY_B "\"\n"                \
	"    accept-more-specifics = on\n"         \
	"    proxy-reply = on\n"                   \
	"}\n"                                      \
	"lisp-site {\n"                            \
	"    eid-prefix = 2001:db8:e1d::/48\n"     \
	"    key-type = 2\n"                       \
	"    key = \"" KEY_B "\"\n"                \
	"    accept-more-specifics = on\n"         \
	"    proxy-reply = on\n"                   \
	"}\n"                                      \
	"ms-static-registered-site {\n"            \
	"    eid-prefix = 198.18.9.0/24\n"         \
	"    rloc-address {\n"                     \
	"        address = 203.0.113.9\n"          \
	"        priority = 2\n"                   \
	"        weight = 30\n"                    \
	"    }\n"                                  \
	"}\n"

static const char *const LOC1[] = { "192.0.2.10" };
static const char *const LOC2[] = { "198.51.100.20" };

/* Asks for eid through an ECM and returns the reply record (or fails). */
static const struct lisp_record *lookup(struct msfx *f, const char *eid)
{
	uint8_t buf[1500];
	const char *src_eid = strchr(eid, ':') ? "2001:db8:e1d:ff::1" : "198.18.200.1";
	size_t len = msfx_build_ecm(buf, sizeof(buf), src_eid, eid, "192.0.2.77", 61000, 0x1234);
	unsigned before = f->n;

	msfx_rx(f, "192.0.2.77", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, before + 1);
	return &msfx_reply(f, before)->rec[0];
}

static void assert_registered(struct msfx *f, const char *eid, const char *prefix,
			      unsigned n_loc)
{
	const struct lisp_record *r = lookup(f, eid);

	assert_prefix_is(&r->eid, prefix);
	assert_int_equal(r->n_loc, n_loc);
	assert_int_equal(r->act, LISP_ACT_NO_ACTION);
}

static void assert_unregistered(struct msfx *f, const char *eid)
{
	const struct lisp_record *r = lookup(f, eid);

	assert_int_equal(r->n_loc, 0);
	assert_int_equal(r->act, LISP_ACT_NATIVELY_FORWARD);
}

static void test_accept_and_notify(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_map_register m;
	const struct lisp_map_register *n;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	msfx_register_init(&m, LISP_AUTH_HMAC_SHA1_96, 0x1122334455667788ull, &rec);
	len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
	/* From a NATed source port: the Map-Notify goes back to it. */
	msfx_rx(f, "192.0.2.10", 61001, buf, len);
	assert_int_equal(f->n, 1);
	assert_ip_is(&f->pkt[0].dst, "192.0.2.10");
	assert_int_equal(f->pkt[0].dport, 61001);
	assert_true(f->pkt[0].has_src);
	assert_ip_is(&f->pkt[0].src, MS_ADDR4);
	n = msfx_notify(f, 0, KEY_A);
	assert_int_equal(n->nonce, 0x1122334455667788ull);
	assert_int_equal(n->n_rec, 1);
	/* The same record, but the locator is not local to the MS. */
	assert_true(rec.loc[0].local);
	rec.loc[0].local = false;
	tu_assert_record_equal(&n->rec[0], &rec);
	assert_int_equal(n->auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(msfx_counter(f, "registers-accepted"), 1);
	assert_int_equal(msfx_counter(f, "map-notifies-sent"), 1);

	const struct lisp_record *r = lookup(f, "198.18.1.5");

	assert_prefix_is(&r->eid, "198.18.1.0/24");
	assert_int_equal(r->ttl, 10);
	assert_false(r->authoritative);
	assert_int_equal(r->n_loc, 1);
	assert_ip_is(&r->loc[0].addr.ip, "192.0.2.10");

	char *j = msfx_json(f, "registrations");

	assert_non_null(strstr(j, "\"eid-prefix\":\"198.18.1.0/24\""));
	assert_non_null(strstr(j, "\"from\":\"192.0.2.10\",\"port\":61001"));
	free(j);
	j = msfx_json(f, "sites");
	assert_non_null(strstr(j, "\"eid-prefix\":\"198.18.1.0/24\",\"static\":false,\"key-type\":1"));
	assert_null(strstr(j, KEY_A));
	free(j);
	msfx_free(f);
}

static void test_no_notify_without_m(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_map_register m;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	msfx_register_init(&m, LISP_AUTH_HMAC_SHA1_96, 7, &rec);
	m.want_notify = false;
	len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 0);
	assert_registered(f, "198.18.1.1", "198.18.1.0/24", 1);
	msfx_free(f);
}

static void test_refusals(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record site_a = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_record more_a = msfx_record("198.18.1.128/25", 10, 1, LOC1);
	struct lisp_record outside = msfx_record("198.18.50.0/24", 10, 1, LOC1);
	struct lisp_record covering = msfx_record("198.18.0.0/15", 10, 1, LOC1);
	struct lisp_record statik = msfx_record("198.18.9.0/24", 10, 1, LOC1);
	uint8_t buf[1500];

	(void)state;
	/* Wrong key, then a key of another site. */
	assert_int_equal(msfx_register(f, "192.0.2.10", "not-the-key", 1, 1, &site_a), 0);
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_B, 1, 2, &site_a), 0);
	assert_int_equal(msfx_counter(f, "drop-auth"), 2);
	/* Algorithm other than the site's key-type, with the right key. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 2, 3, &site_a), 0);
	assert_int_equal(msfx_counter(f, "drop-alg-mismatch"), 1);
	/* More specific than a site that does not accept them. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 4, &more_a), 0);
	assert_int_equal(msfx_counter(f, "drop-more-specific"), 1);
	/* Outside every site, and less specific than a site. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 5, &outside), 0);
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 6, &covering), 0);
	assert_int_equal(msfx_counter(f, "drop-no-site"), 2);
	/* A static site cannot be registered (it has no key). */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 7, &statik), 0);
	assert_int_equal(msfx_counter(f, "drop-static-site"), 1);
	/* Garbage and a truncated register. */
	memset(buf, 0x30, 40);
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, 40);
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, 3);
	assert_int_equal(msfx_counter(f, "drop-decode"), 2);
	assert_int_equal(msfx_counter(f, "registers-accepted"), 0);
	assert_int_equal(f->n, 0);
	assert_unregistered(f, "198.18.1.1");
	assert_unregistered(f, "198.18.1.200");
	/* The same record with the right key and algorithm passes. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 8, &site_a), 1);
	char *j = msfx_json(f, "sites");

	assert_non_null(strstr(j, "\"registers\":1,\"auth-failures\":2"));
	free(j);
	msfx_free(f);
}

static void test_more_specifics_accepted(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record mn4 = msfx_record("198.19.0.10/32", 3, 1, LOC1);
	struct lisp_record mn6 = msfx_record("2001:db8:e1d::10/128", 3, 1, LOC2);

	(void)state;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_B, 2, 1, &mn4), 1);
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_B, 2, 2, &mn6), 1);
	msfx_notify(f, 0, KEY_B);
	msfx_notify(f, 1, KEY_B);
	assert_registered(f, "198.19.0.10", "198.19.0.10/32", 1);
	assert_registered(f, "2001:db8:e1d::10", "2001:db8:e1d::10/128", 1);
	assert_unregistered(f, "198.19.0.11");
	msfx_free(f);
}

static void test_two_records_two_sites(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record r4 = msfx_record("198.19.0.10/32", 3, 1, LOC1);
	struct lisp_record r6 = msfx_record("2001:db8:e1d::10/128", 3, 1, LOC1);
	struct lisp_record ra = msfx_record("198.18.1.0/24", 3, 1, LOC1);
	struct lisp_map_register m;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	/* Both sites have KEY_B: one message registers in both. */
	msfx_register_init(&m, LISP_AUTH_HMAC_SHA256_128, 1, &r4);
	m.rec[1] = r6;
	m.n_rec = 2;
	len = msfx_encode_register(&m, KEY_B, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(msfx_notify(f, 0, KEY_B)->n_rec, 2);
	assert_registered(f, "198.19.0.10", "198.19.0.10/32", 1);
	assert_registered(f, "2001:db8:e1d::10", "2001:db8:e1d::10/128", 1);
	/* A site with another key in the same message: refused whole. */
	msfx_register_init(&m, LISP_AUTH_HMAC_SHA256_128, 2, &r4);
	m.rec[0].eid = tu_prefix("198.19.0.11/32");
	m.rec[1] = ra;
	m.n_rec = 2;
	len = msfx_encode_register(&m, KEY_B, buf, sizeof(buf));
	f->n = 0;
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 0);
	assert_int_equal(msfx_counter(f, "drop-alg-mismatch"), 1);
	assert_unregistered(f, "198.19.0.11");
	msfx_free(f);
}

static void test_replay_without_xtr_id(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_map_register m;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	msfx_register_init(&m, LISP_AUTH_HMAC_SHA1_96, 0x9000, &rec);
	len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	/* The very same bytes again, also from another address. */
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	msfx_rx(f, "203.0.113.66", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 1);
	assert_int_equal(msfx_counter(f, "drop-replay"), 2);
	/* Random nonces (OOR, LISPmob): a smaller new one is fine. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 0x10, &rec), 1);
	assert_int_equal(msfx_counter(f, "registers-accepted"), 2);
	msfx_free(f);
}

static unsigned register_xtr(struct msfx *f, uint8_t id, uint64_t nonce,
			     const struct lisp_record *rec)
{
	struct lisp_map_register m;
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	msfx_register_init(&m, LISP_AUTH_HMAC_SHA256_128, nonce, rec);
	m.xtr_id_present = true;
	memset(m.xtr_id, id, sizeof(m.xtr_id));
	m.site_id = 42;
	len = msfx_encode_register(&m, KEY_B, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	return f->n - before;
}

static void test_replay_with_xtr_id(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.19.0.10/32", 3, 1, LOC1);

	(void)state;
	assert_int_equal(register_xtr(f, 0xaa, 10, &rec), 1);
	assert_true(msfx_notify(f, 0, KEY_B)->xtr_id_present);
	assert_int_equal(f->msg.u.reg.xtr_id[0], 0xaa);
	/* Not greater than the last accepted from that xTR: refused. */
	assert_int_equal(register_xtr(f, 0xaa, 10, &rec), 0);
	assert_int_equal(register_xtr(f, 0xaa, 9, &rec), 0);
	assert_int_equal(msfx_counter(f, "drop-replay"), 2);
	assert_int_equal(register_xtr(f, 0xaa, 11, &rec), 1);
	/* Another xTR has its own sequence. */
	assert_int_equal(register_xtr(f, 0xbb, 5, &rec), 1);
	/* The rule outlives the registration (lifetime 150 ms, state 1 s). */
	msfx_run(f, 300);
	assert_unregistered(f, "198.19.0.10");
	assert_int_equal(register_xtr(f, 0xaa, 11, &rec), 0);
	assert_int_equal(msfx_counter(f, "drop-replay"), 3);
	msfx_free(f);
}

static void test_merge_and_expiry(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record r1 = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_record r2 = msfx_record("198.18.1.0/24", 5, 1, LOC2);
	const struct lisp_record *r;

	(void)state;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &r1), 1);
	msfx_run(f, 80);
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_A, 1, 2, &r2), 1);
	r = lookup(f, "198.18.1.1");
	assert_int_equal(r->n_loc, 2);
	assert_int_equal(r->ttl, 5);  /* the shorter of the two */
	/* A refresh replaces that xTR's part; it does not add to it. */
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_A, 1, 3, &r2), 1);
	assert_int_equal(lookup(f, "198.18.1.1")->n_loc, 2);
	/* The first xTR stops: its part expires (lifetime 150 ms), the other stays. */
	msfx_run(f, 100);
	r = lookup(f, "198.18.1.1");
	assert_int_equal(r->n_loc, 1);
	assert_ip_is(&r->loc[0].addr.ip, "198.51.100.20");
	assert_int_equal(msfx_counter(f, "registrations-expired"), 1);
	msfx_run(f, 200);
	assert_unregistered(f, "198.18.1.1");
	assert_int_equal(lookup(f, "198.18.1.1")->ttl, 1);
	assert_int_equal(msfx_counter(f, "registrations-expired"), 2);
	assert_int_equal(msfx_counter(f, "registrations"), 1);  /* the static one */
	msfx_free(f);
}

static void test_refresh_keeps(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.1.0/24", 10, 1, LOC1);

	(void)state;
	for (uint64_t nonce = 1; nonce <= 4; nonce++) {
		assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, nonce * 7919, &rec), 1);
		msfx_run(f, 100);
	}
	assert_registered(f, "198.18.1.1", "198.18.1.0/24", 1);
	assert_int_equal(msfx_counter(f, "registrations-expired"), 0);
	msfx_free(f);
}

static unsigned register_ttl(struct msfx *f, uint64_t nonce, uint32_t ttl)
{
	struct lisp_record rec = msfx_record("198.19.0.10/32", ttl, 1, LOC1);
	struct lisp_map_register m;
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	msfx_register_init(&m, LISP_AUTH_HMAC_SHA256_128, nonce, &rec);
	m.ttl_expire = true;
	len = msfx_encode_register(&m, KEY_B, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	return f->n - before;
}

static void test_ttl_expiry_and_withdrawal(void **state)
{
	struct msfx *f = msfx_new(CFG);

	(void)state;
	/* T: the record TTL (3 "minutes" = 300 ms) rules, not the 150 ms lifetime. */
	assert_int_equal(register_ttl(f, 1, 3), 1);
	msfx_run(f, 200);
	assert_registered(f, "198.19.0.10", "198.19.0.10/32", 1);
	msfx_run(f, 150);
	assert_unregistered(f, "198.19.0.10");
	/* TTL 0 with T withdraws at once. */
	assert_int_equal(register_ttl(f, 2, 3), 1);
	assert_registered(f, "198.19.0.10", "198.19.0.10/32", 1);
	assert_int_equal(register_ttl(f, 3, 0), 1);
	assert_unregistered(f, "198.19.0.10");
	assert_int_equal(msfx_counter(f, "records-deregistered"), 1);
	msfx_free(f);
}

/* ms-limits: at most more-specifics-per-site more-specific prefixes in a
 * site and registrations-max prefixes overall (the static site's among
 * them); a register over either is refused whole, counted, not notified;
 * refreshes and withdrawals always pass, and a withdrawal makes room. */
static unsigned register_one(struct msfx *f, const char *eid, uint64_t nonce, uint32_t ttl,
			     bool withdraw)
{
	struct lisp_record rec = msfx_record(eid, ttl, 1, LOC1);
	struct lisp_map_register m;
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	msfx_register_init(&m, LISP_AUTH_HMAC_SHA256_128, nonce, &rec);
	m.ttl_expire = withdraw;
	len = msfx_encode_register(&m, KEY_B, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", LISP_CONTROL_PORT, buf, len);
	return f->n - before;
}

static void test_registration_limits(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG "ms-limits {\n"
					   "    more-specifics-per-site = 3\n"
					   "    registrations-max = 5\n"
					   "}\n", 600000);
	char eid[64];

	(void)state;
	for (unsigned i = 1; i <= 3; i++) {
		snprintf(eid, sizeof(eid), "198.19.0.%u/32", i);
		assert_int_equal(register_one(f, eid, i, 3, false), 1);
	}
	/* A fourth more-specific in 198.19/16: refused, no Map-Notify. */
	assert_int_equal(register_one(f, "198.19.0.4/32", 10, 3, false), 0);
	assert_int_equal(msfx_counter(f, "drop-register-over-limit"), 1);
	assert_unregistered(f, "198.19.0.4");
	/* A refresh of one already there adds nothing: accepted. */
	assert_int_equal(register_one(f, "198.19.0.1/32", 11, 3, false), 1);
	/* Another site has room of its own, until the global bound: static
	 * 198.18.9/24 + three + this one = 5. */
	assert_int_equal(register_one(f, "2001:db8:e1d::10/128", 12, 3, false), 1);
	assert_int_equal(register_one(f, "2001:db8:e1d::11/128", 13, 3, false), 0);
	assert_int_equal(msfx_counter(f, "drop-register-over-limit"), 2);
	assert_unregistered(f, "2001:db8:e1d::11");
	assert_int_equal(msfx_counter(f, "registrations"), 5);
	/* A withdrawal passes and makes room for the refused one. */
	assert_int_equal(register_one(f, "198.19.0.1/32", 14, 0, true), 1);
	assert_int_equal(register_one(f, "198.19.0.4/32", 15, 3, false), 1);
	assert_registered(f, "198.19.0.4", "198.19.0.4/32", 1);
	assert_int_equal(msfx_counter(f, "drop-register-over-limit"), 2);
	msfx_free(f);
}

static void test_static_site(void **state)
{
	struct msfx *f = msfx_new(CFG);
	const struct lisp_record *r;

	(void)state;
	r = lookup(f, "198.18.9.40");
	assert_prefix_is(&r->eid, "198.18.9.0/24");
	assert_int_equal(r->n_loc, 1);
	assert_ip_is(&r->loc[0].addr.ip, "203.0.113.9");
	assert_int_equal(r->loc[0].priority, 2);
	assert_int_equal(r->loc[0].weight, 30);
	/* It never expires. */
	msfx_run(f, 300);
	assert_registered(f, "198.18.9.40", "198.18.9.0/24", 1);
	msfx_free(f);
}

static void test_reload(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record ra = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_record rb = msfx_record("198.19.0.10/32", 10, 1, LOC1);
	struct lispd_config c2;
	char err[256];

	(void)state;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &ra), 1);
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_B, 2, 2, &rb), 1);
	/* Site A stays; 198.19.0.0/16 no longer accepts more-specifics; the
	 * static site goes. */
	assert_int_equal(lispd_config_load_string("operating-mode = MS\n"
						  "lisp-site {\n eid-prefix = 198.18.1.0/24\n"
						  " key = \"" KEY_A "\"\n proxy-reply = on\n}\n"
						  "lisp-site {\n eid-prefix = 198.19.0.0/16\n"
						  " key-type = 2\n key = \"" KEY_B "\"\n}\n",
						  "new.conf", &c2, err, sizeof(err)),
			 0);
	assert_int_equal(ms_reload(f->ms, &c2), 0);
	lispd_config_free(&c2);
	assert_registered(f, "198.18.1.1", "198.18.1.0/24", 1);
	assert_unregistered(f, "198.19.0.10");
	assert_unregistered(f, "198.18.9.1");
	assert_int_equal(msfx_counter(f, "registrations"), 1);
	/* The kept registration still expires on its own timer. */
	msfx_run(f, 200);
	assert_unregistered(f, "198.18.1.1");
	/* Not an MS configuration: refused, nothing changed. */
	assert_int_equal(lispd_config_load_string("map-server {\n address = 192.0.2.2\n key = k\n}\n"
						  "database-mapping {\n eid-prefix = 198.18.0.10/32\n"
						  " interface = eth0\n}\n",
						  "mn.conf", &c2, err, sizeof(err)),
			 0);
	assert_int_equal(ms_reload(f->ms, &c2), -1);
	lispd_config_free(&c2);
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 3, &ra), 1);
	msfx_free(f);
}

static void reload_with(struct msfx *f, const char *text)
{
	struct lispd_config c;
	char err[256];

	if (lispd_config_load_string(text, "new.conf", &c, err, sizeof(err)))
		fail_msg("config: %s", err);
	assert_int_equal(ms_reload(f->ms, &c), 0);
	lispd_config_free(&c);
}

/* A registration outlives a reload only under the very site that
 * authenticated it: same prefix, key-type and key, still accepting it. */
static void test_reload_drops_other_sites_registrations(void **state)
{
	struct msfx *f = msfx_new_lifetime(CFG, 60000);
	struct lisp_record ra = msfx_record("198.18.1.0/24", 10, 1, LOC1);
	struct lisp_record rb1 = msfx_record("198.19.0.10/32", 10, 1, LOC1);
	struct lisp_record rb2 = msfx_record("198.19.5.0/24", 10, 1, LOC1);
	struct lisp_record rb3 = msfx_record("198.19.200.0/24", 10, 1, LOC2);
	struct lisp_record r6 = msfx_record("2001:db8:e1d:1::/64", 10, 1, LOC2);
	char *j;

	(void)state;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &ra), 1);
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_B, 2, 2, &rb1), 1);
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_B, 2, 3, &rb2), 1);
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_B, 2, 4, &rb3), 1);
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_B, 2, 5, &r6), 1);
	assert_int_equal(msfx_counter(f, "registrations"), 6);  /* + the static one */
	/* Site A gets a new key; 198.19.0.0/16 stays as it was but a site
	 * 198.19.5.0/24 appears inside it (with the same key: still not the
	 * site that authenticated rb2); the IPv6 site keeps its key but turns
	 * to key-type 1. */
	reload_with(f, "operating-mode = MS\n"
		       "lisp-site {\n eid-prefix = 198.18.1.0/24\n key-type = 1\n"
		       " key = \"doc-key-site-a2\"\n proxy-reply = on\n}\n"
		       "lisp-site {\n eid-prefix = 198.19.0.0/16\n key-type = 2\n"
		       " key = \"" KEY_B "\"\n accept-more-specifics = on\n proxy-reply = on\n}\n"
		       "lisp-site {\n eid-prefix = 198.19.5.0/24\n key-type = 2\n"
		       " key = \"" KEY_B "\"\n proxy-reply = on\n}\n"
		       "lisp-site {\n eid-prefix = 2001:db8:e1d::/48\n key-type = 1\n"
		       " key = \"" KEY_B "\"\n accept-more-specifics = on\n proxy-reply = on\n}\n");
	assert_int_equal(msfx_counter(f, "registrations-dropped-on-reload"), 3);
	assert_int_equal(msfx_counter(f, "registrations"), 2);
	assert_unregistered(f, "198.18.1.1");
	assert_unregistered(f, "198.19.5.1");
	assert_unregistered(f, "2001:db8:e1d:1::1");
	assert_registered(f, "198.19.0.10", "198.19.0.10/32", 1);
	assert_registered(f, "198.19.200.1", "198.19.200.0/24", 1);
	j = msfx_json(f, "registrations");
	assert_non_null(strstr(j, "{\"eid-prefix\":\"198.19.200.0/24\",\"site\":\"198.19.0.0/16\""));
	free(j);
	/* The old key no longer registers; the new one does. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 6, &ra), 0);
	assert_int_equal(msfx_counter(f, "drop-auth"), 1);
	assert_int_equal(msfx_register(f, "192.0.2.10", "doc-key-site-a2", 1, 7, &ra), 1);
	assert_registered(f, "198.18.1.1", "198.18.1.0/24", 1);
	/* The site of the kept registrations goes; site A stays the same. */
	reload_with(f, "operating-mode = MS\n"
		       "lisp-site {\n eid-prefix = 198.18.1.0/24\n key-type = 1\n"
		       " key = \"doc-key-site-a2\"\n proxy-reply = on\n}\n"
		       "lisp-site {\n eid-prefix = 198.19.0.0/17\n key-type = 2\n"
		       " key = \"" KEY_B "\"\n accept-more-specifics = on\n proxy-reply = on\n}\n");
	assert_int_equal(msfx_counter(f, "registrations-dropped-on-reload"), 5);
	assert_int_equal(msfx_counter(f, "registrations"), 1);
	assert_registered(f, "198.18.1.1", "198.18.1.0/24", 1);
	assert_unregistered(f, "198.19.0.10");
	assert_unregistered(f, "198.19.200.1");
	/* A static site taking a registered prefix over drops the registration
	 * too (and serves its own mapping). */
	reload_with(f, "operating-mode = MS\n"
		       "ms-static-registered-site {\n eid-prefix = 198.18.1.0/24\n"
		       " rloc-address {\n address = 203.0.113.9\n }\n}\n");
	assert_int_equal(msfx_counter(f, "registrations-dropped-on-reload"), 6);
	{
		const struct lisp_record *r = lookup(f, "198.18.1.1");

		assert_int_equal(r->n_loc, 1);
		assert_ip_is(&r->loc[0].addr.ip, "203.0.113.9");
	}
	msfx_free(f);
}

static void test_json_views(void **state)
{
	struct msfx *f = msfx_new(CFG);
	char *j;

	(void)state;
	/* Not a request of the MS: the control socket answers the error. */
	assert_null(role_answer(&ms_role, "bogus"));
	j = msfx_json(f, "registrations");
	assert_non_null(strstr(j, "\"eid-prefix\":\"198.18.9.0/24\""));
	assert_non_null(strstr(j, "\"static\":true"));
	free(j);
	assert_int_equal(msfx_counter(f, "rx-packets"), 0);
	msfx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept_and_notify),
		cmocka_unit_test(test_no_notify_without_m),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_more_specifics_accepted),
		cmocka_unit_test(test_two_records_two_sites),
		cmocka_unit_test(test_replay_without_xtr_id),
		cmocka_unit_test(test_replay_with_xtr_id),
		cmocka_unit_test(test_merge_and_expiry),
		cmocka_unit_test(test_refresh_keeps),
		cmocka_unit_test(test_ttl_expiry_and_withdrawal),
		cmocka_unit_test(test_registration_limits),
		cmocka_unit_test(test_static_site),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_reload_drops_other_sites_registrations),
		cmocka_unit_test(test_json_views),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
