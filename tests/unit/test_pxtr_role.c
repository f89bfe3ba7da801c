/* The PxTR role's control plane (ctl/pxtr over ctl/itr) with a recording
 * cp_io and a real event loop: misses become ECM Map-Requests with the p
 * bit to the map-resolver, only answers to our nonce fill the map-cache
 * (the BPF LPM trie the data plane reads, created here), SMRs trigger
 * SMR-invoked requests through the resolver, the eid-space trie follows the
 * configuration, entries expire. BPF maps need root (or CAP_BPF): without,
 * the tests that read them are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/bpf.h>

#include "config.h"
#include "core/evloop.h"
#include "dp_layout.h"
#include "dp_maps.h"
#include "dp_miss.h"
#include "lisp_msg.h"
#include "pxtr/pxtr.h"
#include "pxtr/pxtr_role.h"
#include "../common/testutil.h"

#define RLOC4 "192.0.2.1"
#define RLOC6 "2001:db8::1"
#define MR "192.0.2.100"
#define MN_EID "198.18.0.7"
#define MN_RLOC "203.0.113.7"
#define HOST "198.51.100.50"

#define CFG_HEAD "operating-mode = PxTR\nmap-resolver = { " MR " }\nmap-request-retries = 1\n"
#define CFG_PXTR(space)                                                              \
	"pxtr {\n rloc-iface = eth0\n native-iface = eth1\n"                         \
	" rloc-address = { " RLOC4 ", " RLOC6 " }\n eid-space = { " space " }\n}\n"
#define CFG_STATIC                                                                   \
	"static-map-cache {\n eid-prefix = 198.18.5.0/24\n"                          \
	" rloc-address {\n  address = 203.0.113.5\n }\n}\n"
#define CFG CFG_HEAD CFG_PXTR("198.18.0.0/15, 2001:db8:e1d::/48") CFG_STATIC

struct sent {
	struct lisp_ip dst;
	uint16_t dport;
	size_t len;
	uint8_t buf[1500];
};

struct fx {
	struct ev_loop *loop;
	struct cp_io io;
	struct lispd_config cfg;
	struct itr_timing timing;
	struct pxtr *px;
	int mc_fd, space_fd;
	struct dp_handle dp;   /* the two maps above */
	unsigned n;
	struct sent pkt[32];
	struct lisp_ecm ecm;
	struct lisp_map_request req;
	struct lisp_map_reply rep;
	uint8_t tx[1500];
};

static int fx_send(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
		   uint16_t dport, const uint8_t *buf, size_t len)
{
	struct fx *f = ctx;
	struct sent *s;

	(void)src;
	if (f->n == 32)
		fail_msg("more than 32 packets sent");
	assert_true(len <= sizeof(s->buf));
	s = &f->pkt[f->n++];
	s->dst = *dst;
	s->dport = dport;
	s->len = len;
	memcpy(s->buf, buf, len);
	return 0;
}

static struct lisp_ip ip_of(const char *s)
{
	struct lisp_ip ip;

	if (lisp_ip_parse(s, &ip, NULL))
		fail_msg("bad address %s", s);
	return ip;
}

static int lpm(const char *name, uint32_t value_size, uint32_t max)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);

	return bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, name, sizeof(struct lispd_mc_key), value_size,
			      max, &o);
}

static struct fx *fx_new(const char *text, bool maps)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct pxtr_opts o;
	char err[512];

	assert_non_null(f);
	if (lispd_config_load_string(text, "px.conf", &f->cfg, err, sizeof(err)))
		fail_msg("config: %s", err);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->io.send = fx_send;
	f->io.ctx = f;
	f->mc_fd = f->space_fd = -1;
	if (maps) {
		f->mc_fd = lpm("px_test_mc", sizeof(struct lispd_mc_value), 1024);
		f->space_fd = lpm("px_test_space", sizeof(struct lispd_eid_space_val), 64);
		if (f->mc_fd < 0 || f->space_fd < 0) {
			fprintf(stderr, "# no BPF maps (root / CAP_BPF needed): skipped\n");
			skip();
		}
	}
	f->timing = (struct itr_timing){ .req_retx_first_ms = 20, .req_min_interval_ms = 50,
					 .req_hold_ms = 200, .req_hold_after = 10,
					 .smr_interval_ms = 100, .ttl_unit_ms = 100 };
	dp_handle_init(&f->dp);
	f->dp.mcache_fd = f->mc_fd;
	f->dp.eid_space_fd = f->space_fd;
	o = (struct pxtr_opts){ .dp = maps ? &f->dp : NULL, .timing = &f->timing };
	f->px = pxtr_new(&f->cfg, f->loop, &f->io, &o);
	assert_non_null(f->px);
	return f;
}

static void fx_free(struct fx *f)
{
	pxtr_free(f->px);
	ev_loop_free(f->loop);
	lispd_config_free(&f->cfg);
	if (f->mc_fd >= 0)
		close(f->mc_fd);
	if (f->space_fd >= 0)
		close(f->space_fd);
	free(f);
}

static void fx_run(struct fx *f, unsigned ms)
{
	uint64_t end = ev_now_ms(f->loop) + ms;

	for (uint64_t now = ev_now_ms(f->loop); now < end; now = ev_now_ms(f->loop))
		assert_int_equal(ev_loop_once(f->loop, (int)(end - now)), 0);
}

/* A ring-buffer record, as miss_rb hands it on. */
static void miss_record(struct fx *f, const struct lispd_miss_event *ev)
{
	struct dp_miss m;

	assert_int_equal(dp_miss_decode(ev, sizeof(*ev), &m), 0);
	pxtr_on_miss(f->px, &m);
}

static void miss(struct fx *f, const char *dst, const char *src)
{
	struct lispd_miss_event ev;
	struct lisp_ip d = ip_of(dst), s = ip_of(src);

	memset(&ev, 0, sizeof(ev));
	ev.family = d.afi == LISP_AFI_IPV4 ? LISPD_AF_INET : LISPD_AF_INET6;
	ev.reason = LISPD_MISS_NO_ENTRY;
	memcpy(ev.dst, d.bytes, lisp_afi_bits(d.afi) / 8);
	memcpy(ev.src, s.bytes, lisp_afi_bits(s.afi) / 8);
	miss_record(f, &ev);
}

/* Decodes sent packet i as ECM + Map-Request into f->ecm / f->req. */
static void decode_request(struct fx *f, unsigned i)
{
	assert_true(i < f->n);
	assert_true(lisp_ip_equal(&f->pkt[i].dst, &(struct lisp_ip){ 0 }) == false);
	assert_int_equal(f->pkt[i].dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_ecm_decode(f->pkt[i].buf, f->pkt[i].len, &f->ecm, NULL), 0);
	assert_int_equal(lisp_map_request_decode(f->ecm.payload, f->ecm.payload_len, &f->req, NULL),
			 0);
}

/* A Map-Reply for the request f->req, one record eid -> loc with ttl. */
static void reply(struct fx *f, uint64_t nonce, const char *eid, const char *loc, uint32_t ttl)
{
	struct lisp_map_reply *r = &f->rep;
	struct lisp_ip src = ip_of(MN_RLOC), dst = ip_of(RLOC4);
	size_t len = 0;

	memset(r, 0, sizeof(*r));
	r->nonce = nonce;
	r->n_rec = 1;
	r->rec[0].eid = tu_prefix(eid);
	r->rec[0].ttl = ttl;
	r->rec[0].authoritative = true;
	if (loc) {
		r->rec[0].n_loc = 1;
		r->rec[0].loc[0].addr = tu_addr(loc);
		r->rec[0].loc[0].priority = 1;
		r->rec[0].loc[0].weight = 100;
		r->rec[0].loc[0].reachable = true;
		r->rec[0].loc[0].mpriority = 255;
	} else {
		r->rec[0].act = LISP_ACT_NATIVELY_FORWARD;
	}
	assert_int_equal(lisp_map_reply_encode(f->tx, sizeof(f->tx), &len, r, NULL), 0);
	pxtr_on_control(f->px, &src, LISP_CONTROL_PORT, &dst, f->tx, len);
}

/* An SMR from the MN whose EID is eid. */
static void smr(struct fx *f, const char *eid, bool is_smr)
{
	struct lisp_map_request q;
	struct lisp_ip src = ip_of(MN_RLOC), dst = ip_of(RLOC4);
	size_t len = 0;

	memset(&q, 0, sizeof(q));
	q.smr = is_smr;
	q.nonce = 0x5151;
	q.source_eid = tu_addr(eid);
	q.n_itr = 1;
	q.itr[0] = tu_addr(MN_RLOC);
	q.n_eid = 1;
	q.eid[0] = tu_prefix(HOST "/32");
	assert_int_equal(lisp_map_request_encode(f->tx, sizeof(f->tx), &len, &q, NULL), 0);
	pxtr_on_control(f->px, &src, LISP_CONTROL_PORT, &dst, f->tx, len);
}

/* The BPF map-cache entry covering addr (longest match), or false. */
static bool mc_get(struct fx *f, const char *addr, struct lispd_mc_value *v)
{
	struct lispd_mc_key k;
	struct lisp_ip ip = ip_of(addr);
	uint8_t fam = ip.afi == LISP_AFI_IPV4 ? LISPD_AF_INET : LISPD_AF_INET6;

	assert_int_equal(dp_mc_key(&k, 0, fam, ip.bytes, lisp_afi_bits(ip.afi)), 0);
	return bpf_map_lookup_elem(f->mc_fd, &k, v) == 0;
}

static bool in_space(struct fx *f, const char *addr)
{
	struct lispd_eid_space_val v;
	struct lispd_mc_key k;
	struct lisp_ip ip = ip_of(addr);
	uint8_t fam = ip.afi == LISP_AFI_IPV4 ? LISPD_AF_INET : LISPD_AF_INET6;

	assert_int_equal(dp_mc_key(&k, 0, fam, ip.bytes, lisp_afi_bits(ip.afi)), 0);
	return bpf_map_lookup_elem(f->space_fd, &k, &v) == 0;
}

static void assert_json_has(struct fx *f, const char *cmd, const char *want)
{
	const struct role_answer *a = role_answer(&pxtr_role, cmd);
	struct tu_json t;
	char *text;

	if (!a)
		fail_msg("the PxTR has no answer to '%s'", cmd);
	a->json(f->px, tu_json_open(&t));
	text = tu_json_text(&t);
	if (!strstr(text, want))
		fail_msg("'%s' answer lacks '%s': %s", cmd, want, text);
	free(text);
}

/* ---- tests -------------------------------------------------------------------- */

static void test_refuses_other_roles(void **state)
{
	struct lispd_config c;
	struct ev_loop *loop = ev_loop_new();
	struct cp_io io = { fx_send, NULL };
	char err[256];

	(void)state;
	assert_int_equal(lispd_config_load_string("operating-mode = MS\nlisp-site {\n"
						  " eid-prefix = 198.18.0.0/16\n key = k\n}\n",
						  "ms.conf", &c, err, sizeof(err)), 0);
	assert_null(pxtr_new(&c, loop, &io, NULL));
	assert_null(pxtr_new(NULL, loop, &io, NULL));
	lispd_config_free(&c);
	ev_loop_free(loop);
}

/* The EID space and the static entries reach the data plane's maps. */
static void test_new_fills_maps(void **state)
{
	struct fx *f = fx_new(CFG, true);
	struct lispd_mc_value v;
	struct lisp_ip want = ip_of("203.0.113.5");

	(void)state;
	assert_true(in_space(f, "198.18.0.1"));
	assert_true(in_space(f, "198.19.255.255"));
	assert_false(in_space(f, "198.20.0.1"));
	assert_true(in_space(f, "2001:db8:e1d:1::1"));
	assert_false(in_space(f, "2001:db8:e1e::1"));
	assert_true(mc_get(f, "198.18.5.9", &v));
	assert_int_equal(v.action, LISPD_ACT_ENCAP);
	assert_int_equal(v.ls.n_locators, 1);
	assert_memory_equal(v.ls.loc[0].addr, want.bytes, 4);
	assert_true(v.ls.n_slots > 0);
	assert_false(mc_get(f, MN_EID, &v));
	assert_int_equal(f->n, 0);   /* nothing sent before a miss */
	fx_free(f);
}

/* A miss: one ECM Map-Request to the resolver, as a PITR asks: p bit, no
 * source EID, our RLOCs as ITR-RLOCs, the EID's host prefix. Another miss
 * for it while in flight sends nothing. */
static void test_miss_sends_request(void **state)
{
	struct fx *f = fx_new(CFG, false);
	struct lisp_prefix want = tu_prefix(MN_EID "/32");
	struct lisp_ip mr = ip_of(MR), r4 = ip_of(RLOC4), r6 = ip_of(RLOC6), eid = ip_of(MN_EID);

	(void)state;
	miss(f, MN_EID, HOST);
	assert_int_equal(f->n, 1);
	assert_true(lisp_ip_equal(&f->pkt[0].dst, &mr));
	decode_request(f, 0);
	assert_true(lisp_ip_equal(&f->ecm.inner_src, &r4));
	assert_true(lisp_ip_equal(&f->ecm.inner_dst, &eid));
	assert_int_equal(f->ecm.inner_dport, LISP_CONTROL_PORT);
	assert_true(f->req.pitr);
	assert_false(f->req.smr);
	assert_false(f->req.smr_invoked);
	assert_int_equal(f->req.source_eid.kind, LISP_ADDR_NONE);
	assert_int_equal(f->req.n_itr, 2);
	assert_true(lisp_ip_equal(&f->req.itr[0].ip, &r4));
	assert_true(lisp_ip_equal(&f->req.itr[1].ip, &r6));
	assert_int_equal(f->req.n_eid, 1);
	tu_assert_prefix_equal(&f->req.eid[0], &want);
	assert_true(f->req.nonce != 0);
	miss(f, MN_EID, HOST);
	assert_int_equal(f->n, 1);
	assert_json_has(f, "counters", "\"req_rate_limited\":1");
	/* Unanswered: retried once (map-request-retries = 1), then given up. */
	fx_run(f, 150);
	assert_int_equal(f->n, 2);
	decode_request(f, 1);
	tu_assert_prefix_equal(&f->req.eid[0], &want);
	assert_json_has(f, "counters", "\"req_gave_up\":1");
	fx_free(f);
}

/* Misses outside the EID space and events of unknown families are not
 * resolved. */
static void test_miss_outside_space(void **state)
{
	struct fx *f = fx_new(CFG, false);
	struct lispd_miss_event ev;

	(void)state;
	miss(f, "198.20.0.1", HOST);
	memset(&ev, 0, sizeof(ev));
	ev.family = 9;
	miss_record(f, &ev);
	assert_int_equal(f->n, 0);
	assert_json_has(f, "counters", "\"miss_outside_space\":1");
	assert_json_has(f, "counters", "\"miss_bad\":1");
	fx_free(f);
}

/* Only the answer to our nonce is taken, and only its records covering
 * what we asked; it lands in the BPF map-cache and expires with its TTL
 * (refreshed once through the resolver at 90 % of it). */
static void test_reply_installs_and_expires(void **state)
{
	struct fx *f = fx_new(CFG, true);
	struct lispd_mc_value v;
	struct lisp_ip loc = ip_of(MN_RLOC);
	uint64_t nonce;

	(void)state;
	miss(f, MN_EID, HOST);
	decode_request(f, 0);
	nonce = f->req.nonce;
	reply(f, nonce + 1, MN_EID "/32", MN_RLOC, 1);
	assert_false(mc_get(f, MN_EID, &v));
	assert_json_has(f, "counters", "\"reply_unknown_nonce\":1");
	reply(f, nonce, "198.19.0.0/16", MN_RLOC, 1);   /* not what we asked */
	assert_false(mc_get(f, MN_EID, &v));
	assert_json_has(f, "counters", "\"reply_record_foreign\":1");

	miss(f, "198.18.0.8", HOST);                     /* a second request */
	decode_request(f, f->n - 1);
	nonce = f->req.nonce;
	reply(f, nonce, "198.18.0.8/32", MN_RLOC, 1);
	assert_true(mc_get(f, "198.18.0.8", &v));
	assert_int_equal(v.action, LISPD_ACT_ENCAP);
	assert_memory_equal(v.ls.loc[0].addr, loc.bytes, 4);
	assert_json_has(f, "map-cache", "\"eid\":\"198.18.0.8/32\",\"origin\":\"dynamic\"");
	/* The same nonce again is no longer outstanding. */
	reply(f, nonce, "198.18.0.8/32", "203.0.113.99", 1);
	assert_json_has(f, "counters", "\"reply_unknown_nonce\":2");
	assert_true(mc_get(f, "198.18.0.8", &v));
	assert_memory_equal(v.ls.loc[0].addr, loc.bytes, 4);
	/* TTL 1 unit = 100 ms: a refresh request near 90 ms, gone after 100. */
	fx_run(f, 95);
	assert_json_has(f, "counters", "\"mc_refresh_requests\":1");
	fx_run(f, 60);
	assert_false(mc_get(f, "198.18.0.8", &v));
	assert_json_has(f, "counters", "\"mc_expired\":1");
	fx_free(f);
}

/* A negative reply (natively-forward) is installed as such: the PITR's data
 * plane then leaves that traffic to the stack. */
static void test_negative_reply(void **state)
{
	struct fx *f = fx_new(CFG, true);
	struct lispd_mc_value v;

	(void)state;
	miss(f, MN_EID, HOST);
	decode_request(f, 0);
	reply(f, f->req.nonce, "198.18.0.0/24", NULL, 1);
	assert_true(mc_get(f, MN_EID, &v));
	assert_int_equal(v.action, LISPD_ACT_NATIVE_FORWARD);
	assert_int_equal(v.ls.n_slots, 0);
	fx_free(f);
}

/* An SMR for a cached EID: an SMR-invoked request through the resolver
 * (never a reply to the sender), at most one per interval; SMRs for
 * unknown or static entries and plain Map-Requests are ignored. */
static void test_smr(void **state)
{
	struct fx *f = fx_new(CFG, false);
	struct lisp_prefix want = tu_prefix(MN_EID "/32");
	struct lisp_ip mr = ip_of(MR);

	(void)state;
	smr(f, MN_EID, true);                   /* not cached yet */
	assert_int_equal(f->n, 0);
	assert_json_has(f, "counters", "\"smr_ignored\":1");
	miss(f, MN_EID, HOST);
	decode_request(f, 0);
	reply(f, f->req.nonce, MN_EID "/32", MN_RLOC, 10);
	fx_run(f, 60);                          /* past the request interval */
	smr(f, MN_EID, true);
	assert_int_equal(f->n, 2);
	assert_true(lisp_ip_equal(&f->pkt[1].dst, &mr));
	decode_request(f, 1);
	assert_true(f->req.smr_invoked);
	assert_false(f->req.smr);
	assert_true(f->req.pitr);
	tu_assert_prefix_equal(&f->req.eid[0], &want);
	smr(f, MN_EID, true);
	assert_int_equal(f->n, 2);
	assert_json_has(f, "counters", "\"smr_rate_limited\":1");
	smr(f, "198.18.5.1", true);             /* static entry: the operator's */
	assert_int_equal(f->n, 2);
	assert_json_has(f, "counters", "\"smr_ignored\":2");
	smr(f, MN_EID, false);                  /* a PxTR is nobody's ETR */
	assert_int_equal(f->n, 2);
	assert_json_has(f, "counters", "\"rx_unexpected\":1");
	assert_json_has(f, "counters", "\"smr_invoked_sent\":1");
	fx_free(f);
}

static void test_malformed_input(void **state)
{
	struct fx *f = fx_new(CFG, false);
	struct lisp_ip src = ip_of(MN_RLOC), dst = ip_of(RLOC4);
	uint8_t junk[3] = { 0x20, 0, 0 };   /* a Map-Reply type, cut short */
	uint8_t reg[4] = { 0x30, 0, 0, 0 };
	/* A Map-Reply of 255 records: the count is refused before any is read. */
	uint8_t many[12] = { 0x20, 0, 0, 255 };

	(void)state;
	pxtr_on_control(f->px, &src, 4342, &dst, junk, sizeof(junk));
	pxtr_on_control(f->px, &src, 4342, &dst, junk, 0);
	pxtr_on_control(f->px, &src, 4342, &dst, reg, sizeof(reg));
	pxtr_on_control(f->px, &src, 4342, &dst, many, sizeof(many));
	assert_int_equal(f->n, 0);
	assert_json_has(f, "counters", "\"rx_malformed\":3");
	assert_json_has(f, "counters", "\"rx_malformed_truncated\":2");
	assert_json_has(f, "counters", "\"rx_malformed_bad_count\":1");
	assert_json_has(f, "counters", "\"rx_unexpected\":1");
	fx_free(f);
}

/* Reload: new EID space and static entries in place, dynamic entries kept;
 * a change of interfaces or RLOCs is refused with nothing changed. */
static void test_reload(void **state)
{
	struct fx *f = fx_new(CFG, true);
	struct lispd_config c;
	struct lispd_mc_value v;
	char err[512];

	(void)state;
	miss(f, MN_EID, HOST);
	decode_request(f, 0);
	reply(f, f->req.nonce, MN_EID "/32", MN_RLOC, 10);
	assert_int_equal(lispd_config_load_string(CFG_HEAD CFG_PXTR("198.18.0.0/16, 10.99.0.0/16"),
						  "px.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(pxtr_reload(f->px, &c), 0);
	lispd_config_free(&c);
	assert_true(in_space(f, "198.18.0.1"));
	assert_false(in_space(f, "198.19.0.1"));
	assert_true(in_space(f, "10.99.1.1"));
	assert_false(in_space(f, "2001:db8:e1d::1"));
	assert_false(mc_get(f, "198.18.5.9", &v));   /* static entry gone */
	assert_true(mc_get(f, MN_EID, &v));          /* dynamic entry kept */
	assert_json_has(f, "status", "\"eid_space\":[\"198.18.0.0/16\",\"10.99.0.0/16\"]");

	assert_int_equal(lispd_config_load_string(
				 "operating-mode = PxTR\nmap-resolver = { " MR " }\n"
				 "pxtr {\n rloc-iface = eth7\n native-iface = eth1\n"
				 " rloc-address = { " RLOC4 " }\n eid-space = { 10.0.0.0/8 }\n}\n",
				 "px.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(pxtr_reload(f->px, &c), -1);
	lispd_config_free(&c);
	assert_true(in_space(f, "198.18.0.1"));
	assert_false(in_space(f, "10.1.1.1"));
	fx_free(f);
}

static void test_json(void **state)
{
	struct fx *f = fx_new(CFG, false);

	(void)state;
	assert_json_has(f, "status", "\"role\":\"PxTR\",\"rloc_iface\":\"eth0\","
				     "\"native_iface\":\"eth1\"");
	assert_json_has(f, "status", "\"rlocs\":[\"192.0.2.1\",\"2001:db8::1\"]");
	assert_json_has(f, "status", "\"map_cache_entries\":1");
	assert_json_has(f, "map-cache", "\"eid\":\"198.18.5.0/24\",\"origin\":\"static\"");
	assert_json_has(f, "map-cache", "\"rloc\":\"203.0.113.5\"");
	assert_null(role_answer(&pxtr_role, "registrations"));   /* no ETR: the core's error */
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refuses_other_roles),
		cmocka_unit_test(test_new_fills_maps),
		cmocka_unit_test(test_miss_sends_request),
		cmocka_unit_test(test_miss_outside_space),
		cmocka_unit_test(test_reply_installs_and_expires),
		cmocka_unit_test(test_negative_reply),
		cmocka_unit_test(test_smr),
		cmocka_unit_test(test_malformed_input),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
