/* Map-Resolver: ECM Map-Requests answered by proxy reply, forwarded to the
 * ETR (E bit), or answered negatively. Negative prefixes are checked against
 * answers computed by hand (bits written out in the comments), for IPv4 and
 * IPv6 layouts, inside and outside sites. Also 20000 registrations, and the
 * Map-Request rate limits (per source with its table's replacement of the
 * least recently seen source, and overall). */
#include "test_ms_util.h"

#include "log.h"
#include "ms/ratelimit.h"

#define CFG                                        \
	"operating-mode = MS\n"                    \
	"lisp-site {\n"                            \
	"    eid-prefix = 198.18.1.0/24\n"         \
	"    key = \"" KEY_A "\"\n"                \
	"}\n"                                      \
	"lisp-site {\n"                            \
	"    eid-prefix = 198.18.2.0/24\n"         \
	"    key = \"" KEY_A "\"\n"                \
	"    proxy-reply = on\n"                   \
	"}\n"                                      \
	"lisp-site {\n"                            \
	"    eid-prefix = 198.19.0.0/16\n"         \
	"    key = \"" KEY_B "\"\n"                \
	"    accept-more-specifics = on\n"         \
	"}\n"                                      \
	"lisp-site {\n"                            \
	"    eid-prefix = 2001:db8:e1d::/48\n"     \
	"    key = \"" KEY_B "\"\n"                \
	"    accept-more-specifics = on\n"         \
	"}\n"

static const char *const LOC1[] = { "192.0.2.10" };
static const char *const LOC2[] = { "198.51.100.20" };
static const char *const LOC6[] = { "2001:db8::20" };

static void send_ecm(struct msfx *f, const char *eid, uint16_t sport, uint64_t nonce)
{
	uint8_t buf[1500];
	const char *src_eid = strchr(eid, ':') ? "2001:db8:e1d:ff::1" : "198.18.200.1";
	size_t len = msfx_build_ecm(buf, sizeof(buf), src_eid, eid, "192.0.2.77", sport, nonce);

	msfx_rx(f, "192.0.2.77", LISP_CONTROL_PORT, buf, len);
}

/* Asks for eid; expects a negative reply for `prefix` with `ttl`. */
static void expect_negative(struct msfx *f, const char *eid, const char *prefix, uint32_t ttl)
{
	const struct lisp_map_reply *rep;

	f->n = 0;
	send_ecm(f, eid, 61000, 0xabc);
	assert_int_equal(f->n, 1);
	rep = msfx_reply(f, 0);
	assert_int_equal(rep->nonce, 0xabc);
	assert_int_equal(rep->n_rec, 1);
	assert_prefix_is(&rep->rec[0].eid, prefix);
	assert_int_equal(rep->rec[0].n_loc, 0);
	assert_int_equal(rep->rec[0].act, LISP_ACT_NATIVELY_FORWARD);
	assert_int_equal(rep->rec[0].ttl, ttl);
	assert_false(rep->rec[0].authoritative);
	assert_ip_is(&f->pkt[0].dst, "192.0.2.77");
	assert_int_equal(f->pkt[0].dport, 61000);
}

static void test_negative_ipv4(void **state)
{
	struct msfx *f = msfx_new(CFG);

	(void)state;
	/* 198.18 = 11000110.00010010. Sites 198.18.1/24 (third octet
	 * 00000001), 198.18.2/24 (00000010), 198.19/16.
	 * 10.0.0.1 = 00001010...: differs from every site at bit 0. */
	expect_negative(f, "10.0.0.1", "0.0.0.0/1", 15);
	/* 198.18.200.1: third octet 11001000; /16 holds the sites, the /17
	 * with bit 16 = 1 holds none. */
	expect_negative(f, "198.18.200.1", "198.18.128.0/17", 15);
	/* 198.18.3.1 (00000011): /23 198.18.2.0 holds site 2; /24 is free. */
	expect_negative(f, "198.18.3.1", "198.18.3.0/24", 15);
	/* 198.18.0.7 (00000000): /23 198.18.0.0 holds site 1; /24 is free. */
	expect_negative(f, "198.18.0.7", "198.18.0.0/24", 15);
	/* 199.0.0.1 = 11000111: first difference from 198 at bit 7. */
	expect_negative(f, "199.0.0.1", "199.0.0.0/8", 15);
	/* Inside a site, nothing registered: the site, 1 minute. */
	expect_negative(f, "198.18.1.77", "198.18.1.0/24", 1);
	expect_negative(f, "198.19.77.1", "198.19.0.0/16", 1);
	/* Registered 198.19.0.10/32 inside 198.19/16:
	 *  .0.11: ...00001011 vs ...00001010 -> bit 31 -> /32 of its own;
	 *  .0.200: fourth octet 11001000 vs 00001010 -> bit 24 -> /25;
	 *  .128.1: bit 16 is 1, the registration's 0 -> /17. */
	struct lisp_record mn = msfx_record("198.19.0.10/32", 3, 1, LOC1);

	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_B, 1, 2, &mn), 1);
	expect_negative(f, "198.19.0.11", "198.19.0.11/32", 1);
	expect_negative(f, "198.19.0.200", "198.19.0.128/25", 1);
	expect_negative(f, "198.19.128.1", "198.19.128.0/17", 1);
	/* Outside every site, a registration does not change the answer. */
	expect_negative(f, "198.18.200.1", "198.18.128.0/17", 15);
	msfx_free(f);
}

static void test_negative_ipv6(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record mn = msfx_record("2001:db8:e1d:1::10/128", 3, 1, LOC6);

	(void)state;
	assert_int_equal(msfx_register(f, "2001:db8::20", KEY_B, 1, 1, &mn), 1);
	/* Third group ffff vs 0e1d = 0000 1110 ...: bit 32 differs -> /33. */
	expect_negative(f, "2001:db8:ffff::1", "2001:db8:8000::/33", 15);
	/* 0e1c vs 0e1d: last bit of the group, bit 47 -> /48. */
	expect_negative(f, "2001:db8:e1c::1", "2001:db8:e1c::/48", 15);
	/* 2001:db9::: second group 0db9 vs 0db8 differs at bit 31 -> /32. */
	expect_negative(f, "2001:db9::1", "2001:db9::/32", 15);
	/* Inside the site: fourth group 8000 (bit 48 = 1) vs 0001 -> /49. */
	expect_negative(f, "2001:db8:e1d:8000::1", "2001:db8:e1d:8000::/49", 1);
	/* 0002 vs 0001 in the fourth group: bit 62 -> /63. */
	expect_negative(f, "2001:db8:e1d:2::1", "2001:db8:e1d:2::/63", 1);
	/* ::11 vs ::10: last bit -> /128. */
	expect_negative(f, "2001:db8:e1d:1::11", "2001:db8:e1d:1::11/128", 1);
	msfx_free(f);
}

static void test_negative_instance(void **state)
{
	struct msfx *f = msfx_new(CFG
				  "lisp-site {\n"
				  "    eid-prefix = 198.18.0.0/16\n"
				  "    iid = 7\n"
				  "    key = \"" KEY_A "\"\n"
				  "}\n");
	uint8_t buf[1500];
	static struct lisp_map_request req;
	struct lisp_ecm ecm;
	uint8_t inner[512];
	size_t inner_len, len;
	struct lisp_ip sip = msfx_ip("198.18.200.1"), itr = msfx_ip("192.0.2.77");

	(void)state;
	/* Instance 7 has only 198.18.0.0/16: 198.19.0.1 differs at bit 15. */
	memset(&req, 0, sizeof(req));
	req.nonce = 5;
	lisp_addr_from_ip(&req.source_eid, &sip);
	req.n_itr = 1;
	lisp_addr_from_ip(&req.itr[0], &itr);
	req.n_eid = 1;
	req.eid[0] = tu_prefix("[7]198.19.0.1/32");
	assert_int_equal(lisp_map_request_encode(inner, sizeof(inner), &inner_len, &req, NULL), 0);
	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = sip;
	ecm.inner_dst = req.eid[0].addr.ip;
	ecm.inner_ttl = 64;
	ecm.inner_sport = 4342;
	ecm.inner_dport = 4342;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	assert_int_equal(lisp_ecm_encode(buf, sizeof(buf), &len, &ecm, NULL), 0);
	msfx_rx(f, "192.0.2.77", 4342, buf, len);
	assert_int_equal(f->n, 1);
	assert_prefix_is(&msfx_reply(f, 0)->rec[0].eid, "[7]198.19.0.0/16");
	assert_int_equal(f->msg.u.reply.rec[0].ttl, 15);
	/* [7]198.18.5.5 is inside the instance's site. */
	req.eid[0] = tu_prefix("[7]198.18.5.5/32");
	ecm.inner_dst = req.eid[0].addr.ip;
	assert_int_equal(lisp_map_request_encode(inner, sizeof(inner), &inner_len, &req, NULL), 0);
	ecm.payload_len = inner_len;
	assert_int_equal(lisp_ecm_encode(buf, sizeof(buf), &len, &ecm, NULL), 0);
	msfx_rx(f, "192.0.2.77", 4342, buf, len);
	assert_int_equal(f->n, 2);
	assert_prefix_is(&msfx_reply(f, 1)->rec[0].eid, "[7]198.18.0.0/16");
	assert_int_equal(f->msg.u.reply.rec[0].ttl, 1);
	msfx_free(f);
}

static void test_proxy_reply(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.2.0/24", 7, 1, LOC1);
	const struct lisp_map_reply *rep;

	(void)state;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &rec), 1);
	f->n = 0;
	send_ecm(f, "198.18.2.33/32", 61234, 0x5555);
	assert_int_equal(f->n, 1);
	assert_ip_is(&f->pkt[0].dst, "192.0.2.77");
	assert_int_equal(f->pkt[0].dport, 61234);
	rep = msfx_reply(f, 0);
	assert_int_equal(rep->nonce, 0x5555);
	assert_false(rep->probe);
	assert_prefix_is(&rep->rec[0].eid, "198.18.2.0/24");
	assert_false(rep->rec[0].authoritative);
	assert_int_equal(rep->rec[0].ttl, 7);
	assert_int_equal(rep->rec[0].n_loc, 1);
	assert_ip_is(&rep->rec[0].loc[0].addr.ip, "192.0.2.10");
	assert_int_equal(msfx_counter(f, "map-replies-proxy"), 1);
	msfx_free(f);
}

static void test_register_p_bit_proxies(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.1.0/24", 7, 1, LOC1);
	struct lisp_map_register m;
	uint8_t buf[1500];
	size_t len;

	(void)state;
	msfx_register_init(&m, 1, 1, &rec);
	m.proxy_reply = true;
	len = msfx_encode_register(&m, KEY_A, buf, sizeof(buf));
	msfx_rx(f, "192.0.2.10", 4342, buf, len);
	f->n = 0;
	send_ecm(f, "198.18.1.1/32", 4342, 9);
	assert_int_equal(f->n, 1);
	assert_int_equal(msfx_reply(f, 0)->rec[0].n_loc, 1);
	msfx_free(f);
}

static void test_forward_to_etr(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record rec = msfx_record("198.18.1.0/24", 7, 1, LOC2);
	uint8_t buf[1500];
	size_t len;
	struct lisp_ecm in, out;

	(void)state;
	/* Registered from one address, naming another RLOC as its locator. */
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &rec), 1);
	f->n = 0;
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "198.18.1.9/32", "192.0.2.77",
			     61000, 0x77);
	msfx_rx(f, "192.0.2.77", 4342, buf, len);
	assert_int_equal(f->n, 1);
	assert_ip_is(&f->pkt[0].dst, "198.51.100.20");
	assert_int_equal(f->pkt[0].dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_ecm_decode(buf, len, &in, NULL), 0);
	assert_int_equal(lisp_ecm_decode(f->pkt[0].buf, f->pkt[0].len, &out, NULL), 0);
	assert_false(in.to_etr);
	assert_true(out.to_etr);
	assert_true(lisp_ip_equal(&out.inner_src, &in.inner_src));
	assert_true(lisp_ip_equal(&out.inner_dst, &in.inner_dst));
	assert_int_equal(out.inner_sport, 61000);
	tu_assert_bytes(out.payload, out.payload_len, in.payload, in.payload_len);
	assert_int_equal(msfx_counter(f, "map-requests-forwarded"), 1);
	/* What we forwarded comes back (loop): not answered. */
	msfx_rx(f, "198.51.100.20", 4342, f->pkt[0].buf, f->pkt[0].len);
	assert_int_equal(f->n, 1);
	assert_int_equal(msfx_counter(f, "drop-ecm-to-etr"), 1);
	msfx_free(f);
}

static void test_forward_skips_unusable_locators(void **state)
{
	struct msfx *f = msfx_new(CFG);
	static const char *const locs[] = { "203.0.113.1", "203.0.113.2", "203.0.113.3" };
	struct lisp_record rec = msfx_record("198.18.1.0/24", 7, 3, locs);

	(void)state;
	rec.loc[0].reachable = false;  /* down */
	rec.loc[1].priority = 255;     /* never used */
	rec.loc[2].priority = 3;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &rec), 1);
	f->n = 0;
	send_ecm(f, "198.18.1.9/32", 61000, 1);
	assert_int_equal(f->n, 1);
	assert_ip_is(&f->pkt[0].dst, "203.0.113.3");
	/* No usable locator: the address that registered. */
	rec.loc[2].reachable = false;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 2, &rec), 1);
	f->n = 0;
	send_ecm(f, "198.18.1.9/32", 61000, 2);
	assert_int_equal(f->n, 1);
	assert_ip_is(&f->pkt[0].dst, "192.0.2.10");
	msfx_free(f);
}

static void test_drops(void **state)
{
	struct msfx *f = msfx_new(CFG);
	static struct lisp_map_request req;
	struct lisp_ip itr = msfx_ip("192.0.2.77");
	uint8_t buf[1500];
	size_t len;

	(void)state;
	/* A Map-Request sent directly, not in an ECM. */
	memset(&req, 0, sizeof(req));
	req.nonce = 1;
	req.n_itr = 1;
	lisp_addr_from_ip(&req.itr[0], &itr);
	req.n_eid = 1;
	req.eid[0] = tu_prefix("198.18.1.1/32");
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, &req, NULL), 0);
	msfx_rx(f, "192.0.2.77", 4342, buf, len);
	assert_int_equal(msfx_counter(f, "drop-direct-map-request"), 1);
	/* A Map-Reply, an empty datagram, a broken ECM. */
	buf[0] = 0x20;
	msfx_rx(f, "192.0.2.77", 4342, buf, len);
	msfx_rx(f, "192.0.2.77", 4342, buf, 0);
	assert_int_equal(msfx_counter(f, "drop-other-type"), 2);
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "198.18.1.1/32", "192.0.2.77", 61000,
			     1);
	msfx_rx(f, "192.0.2.77", 4342, buf, len - 1);
	assert_int_equal(msfx_counter(f, "drop-ecm-decode"), 1);
	/* Inner source port 0: nowhere to reply. */
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "198.18.1.1/32", "192.0.2.77", 0, 1);
	msfx_rx(f, "192.0.2.77", 4342, buf, len);
	assert_int_equal(msfx_counter(f, "drop-no-reply-port"), 1);
	/* The ITR-RLOC cannot be sent to. */
	f->fail_sends = 1;
	send_ecm(f, "198.18.1.1/32", 61000, 1);
	assert_int_equal(msfx_counter(f, "send-failed"), 1);
	assert_int_equal(msfx_counter(f, "drop-no-itr-rloc"), 1);
	assert_int_equal(f->n, 0);
	assert_int_equal(msfx_counter(f, "rx-packets"), 6);
	msfx_free(f);
}

static void test_merge_in_reply(void **state)
{
	struct msfx *f = msfx_new(CFG);
	struct lisp_record r1 = msfx_record("198.18.2.0/24", 9, 1, LOC1);
	struct lisp_record r2 = msfx_record("198.18.2.0/24", 9, 1, LOC2);
	const struct lisp_map_reply *rep;

	(void)state;
	assert_int_equal(msfx_register(f, "192.0.2.10", KEY_A, 1, 1, &r1), 1);
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_A, 1, 2, &r2), 1);
	/* The same locator twice (both xTRs list it) appears once. */
	r2.loc[1] = r1.loc[0];
	r2.n_loc = 2;
	assert_int_equal(msfx_register(f, "198.51.100.20", KEY_A, 1, 3, &r2), 1);
	f->n = 0;
	send_ecm(f, "198.18.2.1/32", 61000, 1);
	rep = msfx_reply(f, 0);
	assert_int_equal(rep->rec[0].n_loc, 2);
	msfx_free(f);
}

/* 20000 mobile nodes' /32s in one site: every lookup still finds its own. */
static void test_twenty_thousand(void **state)
{
	/* Past the default bounds of more-specifics and Map-Requests. */
	struct msfx *f = msfx_new(CFG "ms-limits {\n"
				  "    more-specifics-per-site = 20000\n"
				  "    map-request-burst = 100000\n"
				  "}\n");
	const unsigned n = 20000;
	char eid[96], loc[64], q[64];

	(void)state;
	for (unsigned i = 0; i < n; i++) {
		const char *locs[1] = { loc };
		struct lisp_record rec;
		struct lisp_map_register m;
		uint8_t buf[512];
		size_t len;

		/* 198.19.0.0 + 2i: every other address, so odd ones stay holes. */
		snprintf(eid, sizeof(eid), "198.19.%u.%u/32", (2 * i) / 256, (2 * i) % 256);
		snprintf(loc, sizeof(loc), "203.0.113.%u", i % 250 + 1);
		rec = msfx_record(eid, 3, 1, locs);
		msfx_register_init(&m, 1, i + 1, &rec);
		m.want_notify = false;
		m.proxy_reply = true;
		len = msfx_encode_register(&m, KEY_B, buf, sizeof(buf));
		msfx_rx(f, "192.0.2.10", 4342, buf, len);
	}
	assert_int_equal(msfx_counter(f, "registrations"), n);
	for (unsigned i = 0; i < n; i += 97) {
		const struct lisp_map_reply *rep;

		snprintf(q, sizeof(q), "198.19.%u.%u/32", (2 * i) / 256, (2 * i) % 256);
		snprintf(loc, sizeof(loc), "203.0.113.%u", i % 250 + 1);
		f->n = 0;
		send_ecm(f, q, 61000, i);
		rep = msfx_reply(f, 0);
		assert_prefix_is(&rep->rec[0].eid, q);
		assert_int_equal(rep->rec[0].n_loc, 1);
		assert_ip_is(&rep->rec[0].loc[0].addr.ip, loc);
		/* The odd neighbour is a hole of its own /32. */
		snprintf(q, sizeof(q), "198.19.%u.%u", (2 * i + 1) / 256, (2 * i + 1) % 256);
		snprintf(eid, sizeof(eid), "%s/32", q);
		expect_negative(f, q, eid, 1);
	}
	/* Beyond the last registration (198.19.156.62): 198.19.160.0 =
	 * third octet 10100000 vs 156 = 10011100: bit 18 -> /19. */
	expect_negative(f, "198.19.160.1", "198.19.160.0/19", 1);
	msfx_free(f);
}

static struct lisp_ip ip_of(const char *s)
{
	return msfx_ip(s);
}

/* One source: the burst at once, then rate tokens a second, never more. */
static void test_rl_source_bound(void **state)
{
	struct ms_rl rl;
	struct lisp_ip a = ip_of("192.0.2.1");
	const struct lisp_ip *k[MS_RL_MAX_KEYS] = { &a, NULL };
	unsigned pass = 0, src = 0;

	(void)state;
	assert_int_equal(ms_rl_init(&rl, 16, 100, 200, 10000, 1000), 0);
	for (unsigned i = 0; i < 300; i++) {
		enum ms_rl_verdict v = ms_rl_take(&rl, k, MS_RL_MAX_KEYS, 1000);

		pass += v == MS_RL_PASS;
		src += v == MS_RL_SOURCE;
	}
	assert_int_equal(pass, 200);
	assert_int_equal(src, 100);
	/* 250 ms later: 25 tokens; 1 ms later: a tenth of one, none whole. */
	pass = 0;
	for (unsigned i = 0; i < 100; i++)
		pass += ms_rl_take(&rl, k, MS_RL_MAX_KEYS, 1250) == MS_RL_PASS;
	assert_int_equal(pass, 25);
	assert_int_equal(ms_rl_take(&rl, k, MS_RL_MAX_KEYS, 1251), MS_RL_SOURCE);
	/* Idle for a minute: the bucket holds the burst, not 6000. */
	pass = 0;
	for (unsigned i = 0; i < 1000; i++)
		pass += ms_rl_take(&rl, k, MS_RL_MAX_KEYS, 61251) == MS_RL_PASS;
	assert_int_equal(pass, 200);
	ms_rl_free(&rl);
}

/* Many sources: each within its own bucket, all of them within the total. */
static void test_rl_total_bound(void **state)
{
	struct ms_rl rl;
	unsigned pass = 0, total = 0;
	char s[32];

	(void)state;
	assert_int_equal(ms_rl_init(&rl, 64, 100, 200, 1000, 0), 0);
	for (unsigned src = 0; src < 50; src++) {
		struct lisp_ip a;
		const struct lisp_ip *k[MS_RL_MAX_KEYS] = { &a, NULL };

		snprintf(s, sizeof(s), "198.51.100.%u", src + 1);
		a = ip_of(s);
		for (unsigned i = 0; i < 100; i++) {
			enum ms_rl_verdict v = ms_rl_take(&rl, k, MS_RL_MAX_KEYS, 5);

			pass += v == MS_RL_PASS;
			total += v == MS_RL_TOTAL;
		}
	}
	assert_int_equal(pass, 1000);
	assert_int_equal(total, 4000);
	ms_rl_free(&rl);
}

/* Sender and ITR-RLOC are both charged (once when the same address); a
 * refusal takes no token from either. */
static void test_rl_two_keys(void **state)
{
	struct ms_rl rl;
	struct lisp_ip a = ip_of("192.0.2.1"), b = ip_of("2001:db8::b");
	const struct lisp_ip *ab[MS_RL_MAX_KEYS] = { &a, &b }, *aa[MS_RL_MAX_KEYS] = { &a, &a };
	const struct lisp_ip *bb[MS_RL_MAX_KEYS] = { &b, NULL };

	(void)state;
	assert_int_equal(ms_rl_init(&rl, 16, 1, 4, 1000, 0), 0);
	assert_int_equal(ms_rl_take(&rl, aa, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(ms_rl_take(&rl, aa, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	/* a has 2 left, b 4: two more with both, then a is empty. */
	assert_int_equal(ms_rl_take(&rl, ab, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(ms_rl_take(&rl, ab, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(ms_rl_take(&rl, ab, MS_RL_MAX_KEYS, 0), MS_RL_SOURCE);
	/* b lost nothing to the refusal: 2 left. */
	assert_int_equal(ms_rl_take(&rl, bb, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(ms_rl_take(&rl, bb, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(ms_rl_take(&rl, bb, MS_RL_MAX_KEYS, 0), MS_RL_SOURCE);
	ms_rl_free(&rl);
}

/* A full table replaces the least recently seen source; a source seen
 * again is the most recent; the table never grows past its size. */
static void test_rl_lru(void **state)
{
	struct ms_rl rl;
	struct lisp_ip ip[6];
	char s[32];

	(void)state;
	assert_int_equal(ms_rl_init(&rl, 4, 1, 2, 1000, 0), 0);
	for (unsigned i = 0; i < 6; i++) {
		snprintf(s, sizeof(s), "203.0.113.%u", i + 1);
		ip[i] = ip_of(s);
	}
	for (unsigned i = 0; i < 4; i++) {
		const struct lisp_ip *k[MS_RL_MAX_KEYS] = { &ip[i], NULL };

		assert_int_equal(ms_rl_take(&rl, k, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	}
	/* 0 is seen again (and empties its bucket), so 1 is now the oldest. */
	const struct lisp_ip *k0[MS_RL_MAX_KEYS] = { &ip[0], NULL };

	assert_int_equal(ms_rl_take(&rl, k0, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(ms_rl_take(&rl, k0, MS_RL_MAX_KEYS, 0), MS_RL_SOURCE);
	const struct lisp_ip *k4[MS_RL_MAX_KEYS] = { &ip[4], NULL };

	assert_int_equal(ms_rl_take(&rl, k4, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_int_equal(rl.n, 4);
	assert_int_equal(rl.evicted, 1);
	assert_false(ms_rl_knows(&rl, &ip[1]));
	assert_true(ms_rl_knows(&rl, &ip[0]));
	assert_true(ms_rl_knows(&rl, &ip[2]));
	assert_true(ms_rl_knows(&rl, &ip[4]));
	/* 0 kept its empty bucket through the replacement. */
	assert_int_equal(ms_rl_take(&rl, k0, MS_RL_MAX_KEYS, 0), MS_RL_SOURCE);
	/* Next oldest: 2, then 3. */
	const struct lisp_ip *k5[MS_RL_MAX_KEYS] = { &ip[5], NULL };

	assert_int_equal(ms_rl_take(&rl, k5, MS_RL_MAX_KEYS, 0), MS_RL_PASS);
	assert_false(ms_rl_knows(&rl, &ip[2]));
	assert_true(ms_rl_knows(&rl, &ip[3]));
	assert_int_equal(rl.evicted, 2);
	assert_int_equal(rl.n, 4);
	ms_rl_free(&rl);
}

/* Through the Map-Resolver: one ITR flooding with Map-Requests gets the
 * burst, plus at most rate a second of the time it took; the rest are
 * dropped and counted; another ITR is still answered. */
static void test_request_rate_limited(void **state)
{
	struct msfx *f = msfx_new(CFG "ms-limits {\n"
				  "    map-request-rate = 1\n"
				  "    map-request-burst = 5\n"
				  "}\n");
	uint8_t buf[1500];
	size_t len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "10.0.0.1", "192.0.2.77",
				    61000, 1);
	uint64_t t0, secs;
	long long limited;

	(void)state;
	t0 = ev_now_ms(f->loop);
	f->n = 0;
	for (unsigned i = 0; i < 50; i++)
		msfx_rx(f, "192.0.2.77", LISP_CONTROL_PORT, buf, len);
	secs = (ev_now_ms(f->loop) - t0) / 1000 + 1;
	limited = msfx_counter(f, "drop-request-rate-limited");
	assert_int_equal(f->n + limited, 50);
	assert_true(f->n >= 5 && f->n <= 5 + secs);
	assert_int_equal(msfx_counter(f, "map-replies-negative"), f->n);
	assert_int_equal(msfx_counter(f, "request-sources"), 1);
	/* Another ITR (its own address as sender and ITR-RLOC). */
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "10.0.0.1", "198.51.100.9", 61000,
			     2);
	f->n = 0;
	msfx_rx(f, "198.51.100.9", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n, 1);
	/* A spoofer sending from elsewhere but naming the flooded ITR-RLOC is
	 * charged to that ITR-RLOC too: no reflection past its rate. */
	len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "10.0.0.1", "192.0.2.77", 61000, 3);
	f->n = 0;
	msfx_rx(f, "203.0.113.5", LISP_CONTROL_PORT, buf, len);
	assert_int_equal(f->n + msfx_counter(f, "drop-request-rate-limited") - limited, 1);
	msfx_free(f);
}

/* Over map-request-rate-total: counted apart from the per-source drops. */
static void test_request_rate_total(void **state)
{
	struct msfx *f = msfx_new(CFG "ms-limits {\n"
				  "    map-request-rate = 1\n"
				  "    map-request-burst = 1000\n"
				  "    map-request-rate-total = 3\n"
				  "}\n");
	uint8_t buf[1500];
	size_t len = msfx_build_ecm(buf, sizeof(buf), "198.18.200.1", "10.0.0.1", "192.0.2.77",
				    61000, 1);
	uint64_t t0, secs;

	(void)state;
	t0 = ev_now_ms(f->loop);
	f->n = 0;
	for (unsigned i = 0; i < 20; i++)
		msfx_rx(f, "192.0.2.77", LISP_CONTROL_PORT, buf, len);
	secs = (ev_now_ms(f->loop) - t0) / 1000 + 1;
	assert_true(f->n >= 3 && f->n <= 3 + 3 * secs);
	assert_int_equal(f->n + msfx_counter(f, "drop-request-rate-limited-total"), 20);
	assert_int_equal(msfx_counter(f, "drop-request-rate-limited"), 0);
	msfx_free(f);
}

static int quiet(void **state)
{
	(void)state;
	lispd_log_set_level(LISPD_LOG_ERR);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negative_ipv4),
		cmocka_unit_test(test_negative_ipv6),
		cmocka_unit_test(test_negative_instance),
		cmocka_unit_test(test_proxy_reply),
		cmocka_unit_test(test_register_p_bit_proxies),
		cmocka_unit_test(test_forward_to_etr),
		cmocka_unit_test(test_forward_skips_unusable_locators),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_merge_in_reply),
		cmocka_unit_test(test_twenty_thousand),
		cmocka_unit_test(test_rl_source_bound),
		cmocka_unit_test(test_rl_total_bound),
		cmocka_unit_test(test_rl_two_keys),
		cmocka_unit_test(test_rl_lru),
		cmocka_unit_test(test_request_rate_limited),
		cmocka_unit_test(test_request_rate_total),
	};

	return cmocka_run_group_tests(tests, quiet, NULL);
}
