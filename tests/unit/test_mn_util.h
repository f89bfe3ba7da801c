/* Fixture of the mobile-node protocol tests: a configuration, a real event
 * loop with millisecond timers, a cp_io that records what would be sent,
 * and helpers that decode those packets with the codec. Static inline so
 * each test program takes what it uses. Include after config.h.
 *
 * NAT detection's Info-Requests are recorded apart (info[]), so the tests
 * of registration, resolution and SMRs count their own packets; every
 * packet has its place in the order of all sends (seq). */
#ifndef TEST_MN_UTIL_H
#define TEST_MN_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/evloop.h"
#include "dp_maps.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "mn/mn_priv.h"
#include "mn/mn_role.h"
#include "../common/testutil.h"

#define MN_KEY "doc-only-mn-key"
#define MN_EID4 "198.18.0.10"
#define MN_EID6 "2001:db8:e1d::10"
#define MN_RLOC4 "192.0.2.100"
#define MN_RLOC6 "2001:db8::100"
#define MN_MS "192.0.2.2"
#define MN_MR1 "192.0.2.1"
#define MN_MR2 "198.51.100.1"

#define MN_CFG_MS                                  \
	"map-server {\n"                           \
	"    address = " MN_MS "\n"               \
	"    key-type = 2\n"                       \
	"    key = \"" MN_KEY "\"\n"               \
	"    proxy-reply = on\n"                   \
	"}\n"
#define MN_CFG_MAPPINGS                            \
	"database-mapping {\n"                     \
	"    eid-prefix = " MN_EID4 "/32\n"        \
	"    ttl = 3\n"                            \
	"    rloc-iface {\n"                       \
	"        interface = eth0\n"               \
	"        ip_version = 4\n"                 \
	"        priority = 1\n"                   \
	"        weight = 100\n"                   \
	"    }\n"                                  \
	"    rloc-iface {\n"                       \
	"        interface = eth0\n"               \
	"        ip_version = 6\n"                 \
	"        priority = 2\n"                   \
	"        weight = 50\n"                    \
	"    }\n"                                  \
	"}\n"                                      \
	"database-mapping {\n"                     \
	"    eid-prefix = " MN_EID6 "/128\n"       \
	"    rloc-iface {\n"                       \
	"        interface = eth0\n"               \
	"        ip_version = 6\n"                 \
	"    }\n"                                  \
	"}\n"
#define MN_CFG_MR "map-resolver = { " MN_MR1 ", " MN_MR2 " }\n"
#define MN_CFG_BASE MN_CFG_MR MN_CFG_MS MN_CFG_MAPPINGS

struct fx_pkt {
	bool has_src;
	struct lisp_ip src;
	struct lisp_ip dst;
	uint16_t dport;
	uint64_t at_ms;
	unsigned seq;              /* among every packet sent, Info-Requests included */
	size_t len;
	uint8_t buf[1500];
};

#define FX_MAX_PKTS 64
#define FX_MAX_INFO 128

struct fx {
	struct ev_loop *loop;
	struct cp_io io;
	struct lispd_config cfg;
	struct mn *mn;
	struct mn_timing timing;
	struct mn_host host;
	struct mn_opts opts;
	struct dp_handle dp;       /* only its map-cache: the test's map */
	uint64_t nonce;
	unsigned n;
	struct fx_pkt pkt[FX_MAX_PKTS];
	unsigned n_info;           /* Info-Requests */
	struct fx_pkt info[FX_MAX_INFO];
	unsigned n_sent;           /* both */
	/* Scratch for decoding what was sent (large structs). */
	struct lisp_msg msg;
	struct lisp_map_request req;
	struct lisp_ecm ecm;
};

static inline int fx_send(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
			  uint16_t dport, const uint8_t *buf, size_t len)
{
	struct fx *f = ctx;
	struct fx_pkt *p;

	assert_true(len <= sizeof(p->buf));
	if (lisp_msg_type(buf, len) == LISP_INFO) {
		if (f->n_info == FX_MAX_INFO)
			fail_msg("more than %d Info-Requests sent", FX_MAX_INFO);
		p = &f->info[f->n_info++];
	} else {
		if (f->n == FX_MAX_PKTS)
			fail_msg("more than %d packets sent", FX_MAX_PKTS);
		p = &f->pkt[f->n++];
	}
	p->seq = f->n_sent++;
	p->has_src = src != NULL;
	if (src)
		p->src = *src;
	p->dst = *dst;
	p->dport = dport;
	p->at_ms = ev_now_ms(f->loop);
	p->len = len;
	memcpy(p->buf, buf, len);
	return 0;
}

static inline uint64_t fx_next_nonce(void *ctx)
{
	struct fx *f = ctx;

	return ++f->nonce;
}

static inline struct lisp_ip fx_ip(const char *s)
{
	struct lisp_ip ip;

	if (lisp_ip_parse(s, &ip, NULL))
		fail_msg("bad address %s", s);
	return ip;
}

/* Short timers: what the protocol does in seconds happens in tens of ms. */
static inline void fx_fast_timing(struct mn_timing *t)
{
	memset(t, 0, sizeof(*t));
	t->reg_retx_first_ms = 20;
	t->reg_retx_max_ms = 80;
	t->reg_period_ms = 300;
	t->req_retx_first_ms = 20;
	t->req_min_interval_ms = 50;
	t->req_hold_ms = 200;
	t->req_hold_after = 10;
	t->reply_interval_ms = 100;
	t->smr_interval_ms = 100;
	t->smr_hold_ms = 1;
	t->ttl_unit_ms = 100;
	t->nat_retx_first_ms = 20;
	t->nat_retry_ms = 200;
	t->nat_refresh_max_ms = 300;
}

/* mn over cfg_text, not started, mirroring its map-cache into the BPF map
 * fd (-1: no data plane). timing NULL = fx_fast_timing. */
static inline struct fx *fx_new_fd(const char *cfg_text, const struct mn_timing *timing, int fd)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];

	assert_non_null(f);
	if (lispd_config_load_string(cfg_text, "test.conf", &f->cfg, err, sizeof(err)))
		fail_msg("config: %s", err);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->io.send = fx_send;
	f->io.ctx = f;
	if (timing)
		f->timing = *timing;
	else
		fx_fast_timing(&f->timing);
	f->host.n_rlocs = 2;
	f->host.rlocs[0] = fx_ip(MN_RLOC4);
	f->host.rlocs[1] = fx_ip(MN_RLOC6);
	dp_handle_init(&f->dp);
	f->dp.mcache_fd = fd;
	f->opts.dp = fd >= 0 ? &f->dp : NULL;
	f->opts.next_nonce = fx_next_nonce;
	f->opts.nonce_ctx = f;
	f->nonce = 1000;
	for (unsigned i = 0; i < 16; i++)
		f->opts.xtr_id[i] = (uint8_t)(0xa0 + i);
	f->opts.site_id = 0x5151;
	f->opts.timing = &f->timing;
	f->mn = mn_new(&f->cfg, f->loop, &f->io, &f->host, &f->opts);
	assert_non_null(f->mn);
	return f;
}

static inline struct fx *fx_new(const char *cfg_text)
{
	return fx_new_fd(cfg_text, NULL, -1);
}

static inline void fx_free(struct fx *f)
{
	mn_free(f->mn);
	ev_loop_free(f->loop);
	lispd_config_free(&f->cfg);
	free(f);
}

/* Runs the loop for ms milliseconds of real time. */
static inline void fx_run(struct fx *f, unsigned ms)
{
	uint64_t end = ev_now_ms(f->loop) + ms;

	for (uint64_t now = ev_now_ms(f->loop); now < end; now = ev_now_ms(f->loop))
		assert_int_equal(ev_loop_once(f->loop, (int)(end - now)), 0);
}

/* Runs until *count reaches n, failing after max_ms. */
static inline void fx_run_until_count(struct fx *f, const unsigned *count, const char *what,
				      unsigned n, unsigned max_ms)
{
	uint64_t end = ev_now_ms(f->loop) + max_ms;

	while (*count < n) {
		uint64_t now = ev_now_ms(f->loop);

		if (now >= end)
			fail_msg("%u %s after %u ms, want %u", *count, what, max_ms, n);
		assert_int_equal(ev_loop_once(f->loop, (int)(end - now)), 0);
	}
}

/* Runs until n packets were sent in total, failing after max_ms. */
static inline void fx_run_until(struct fx *f, unsigned n, unsigned max_ms)
{
	fx_run_until_count(f, &f->n, "packets", n, max_ms);
}

/* The same for Info-Requests. */
static inline void fx_run_until_info(struct fx *f, unsigned n, unsigned max_ms)
{
	fx_run_until_count(f, &f->n_info, "Info-Requests", n, max_ms);
}

static inline void fx_rx(struct fx *f, const char *from, uint16_t sport, const uint8_t *buf,
			 size_t len)
{
	struct lisp_ip src = fx_ip(from), dst = fx_ip(strchr(from, ':') ? MN_RLOC6 : MN_RLOC4);

	mn_on_control(f->mn, &src, sport, &dst, buf, len);
}

static inline void assert_ip(const struct lisp_ip *got, const char *want)
{
	struct lisp_ip w = fx_ip(want);
	char a[LISP_ADDR_STRLEN];

	if (!lisp_ip_equal(got, &w))
		fail_msg("address %s, want %s", lisp_ip_format(got, a, sizeof(a)), want);
}

/* Decodes sent packet i as an ECM-wrapped Map-Request into f->ecm / f->req. */
static inline const struct lisp_map_request *fx_ecm_request(struct fx *f, unsigned i)
{
	assert_true(i < f->n);
	assert_int_equal(lisp_msg_type(f->pkt[i].buf, f->pkt[i].len), LISP_ECM);
	assert_int_equal(lisp_ecm_decode(f->pkt[i].buf, f->pkt[i].len, &f->ecm, NULL), 0);
	assert_int_equal(lisp_map_request_decode(f->ecm.payload, f->ecm.payload_len, &f->req,
						 NULL), 0);
	return &f->req;
}

static inline const struct lisp_map_reply *fx_reply(struct fx *f, unsigned i)
{
	assert_true(i < f->n);
	assert_int_equal(lisp_map_reply_decode(f->pkt[i].buf, f->pkt[i].len, &f->msg.u.reply,
					       NULL), 0);
	return &f->msg.u.reply;
}

static inline const struct lisp_map_register *fx_register(struct fx *f, unsigned i)
{
	assert_true(i < f->n);
	assert_int_equal(lisp_map_register_decode(f->pkt[i].buf, f->pkt[i].len, &f->msg.u.reg,
						  NULL), 0);
	return &f->msg.u.reg;
}

/* A Map-Notify echoing reg (heap: free it) with the given nonce. */
static inline struct lisp_map_register *fx_notify_for(const struct lisp_map_register *reg, uint64_t nonce)
{
	struct lisp_map_register *n = calloc(1, sizeof(*n));

	*n = *reg;
	n->type = LISP_MAP_NOTIFY;
	n->nonce = nonce;
	memset(n->auth.data, 0, sizeof(n->auth.data));
	n->auth.len = 0;
	return n;
}

/* Encodes n signed with key and feeds it to the mn as if from the map-server. */
static inline void fx_rx_notify(struct fx *f, const struct lisp_map_register *n, const char *key,
		      const char *from, uint16_t sport)
{
	uint8_t buf[1500];
	size_t len = 0;

	assert_int_equal(lisp_map_register_encode(buf, sizeof(buf), &len, n, (const uint8_t *)key,
						  strlen(key), NULL), 0);
	fx_rx(f, from, sport, buf, len);
}

/* A Map-Reply with one record for prefix text, locators "addr/prio/weight/R"
 * (n_loc of them) or act when n_loc == 0, received from a peer ETR. */
static inline void fx_send_reply(struct fx *f, uint64_t nonce, const char *prefix, uint32_t ttl,
				 uint8_t act, unsigned n_loc, const char *const *locs,
				 const uint8_t *prio, const bool *up)
{
	struct lisp_map_reply *r = calloc(1, sizeof(*r));
	uint8_t buf[1500];
	size_t len = 0;

	r->nonce = nonce;
	r->n_rec = 1;
	r->rec[0].ttl = ttl;
	r->rec[0].act = act;
	r->rec[0].authoritative = true;
	r->rec[0].eid = tu_prefix(prefix);
	r->rec[0].n_loc = (uint8_t)n_loc;
	for (unsigned i = 0; i < n_loc; i++) {
		r->rec[0].loc[i].addr = tu_addr(locs[i]);
		r->rec[0].loc[i].priority = prio[i];
		r->rec[0].loc[i].weight = 50;
		r->rec[0].loc[i].reachable = up[i];
	}
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, r, NULL), 0);
	free(r);
	fx_rx(f, "203.0.113.77", LISP_CONTROL_PORT, buf, len);
}

/* An SMR (S=1 Map-Request) from a peer's RLOC whose source EID is
 * source_eid, naming our IPv4 EID, as a peer sends it after its move;
 * itr_rloc: its ITR-RLOC (the peer's locators then). */
static inline void fx_rx_smr_itr(struct fx *f, const char *from, const char *source_eid,
				 const char *itr_rloc)
{
	struct lisp_map_request *q = calloc(1, sizeof(*q));
	uint8_t buf[1500];
	size_t len = 0;

	assert_non_null(q);
	q->nonce = 0x534d52ull;
	q->smr = true;
	q->source_eid = tu_addr(source_eid);
	q->n_itr = 1;
	q->itr[0] = tu_addr(itr_rloc);
	q->n_eid = 1;
	q->eid[0] = tu_prefix(MN_EID4 "/32");
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, q, NULL), 0);
	free(q);
	fx_rx(f, from, LISP_CONTROL_PORT, buf, len);
}

static inline void fx_rx_smr(struct fx *f, const char *from, const char *source_eid)
{
	fx_rx_smr_itr(f, from, source_eid, from);
}

/* The control socket's answer to cmd (tu_json_text), through the role
 * table as lispd finds it; the test fails when the MN has no such answer. */
static inline char *fx_json(struct fx *f, const char *cmd)
{
	const struct role_answer *a = role_answer(&mn_role, cmd);
	struct tu_json t;

	if (!a)
		fail_msg("the MN has no answer to '%s'", cmd);
	a->json(f->mn, tu_json_open(&t));
	return tu_json_text(&t);
}

#endif
