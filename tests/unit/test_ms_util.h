/* Fixture of the Map-Server tests: a configuration, a real event loop with
 * short timers, a cp_io that records what would be sent, and builders of
 * the messages xTRs and ITRs send (made with the codec, signed with the
 * site keys). Static inline so each test program takes what it uses. */
#ifndef TEST_MS_UTIL_H
#define TEST_MS_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "core/evloop.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "log.h"
#include "ms/ms.h"
#include "ms/ms_role.h"
#include "../common/testutil.h"

#define MS_ADDR4 "192.0.2.2"
#define MS_ADDR6 "2001:db8::2"
#define KEY_A "doc-key-site-a"
#define KEY_B "doc-key-site-b"

struct msfx_pkt {
	bool has_src;
	struct lisp_ip src;
	struct lisp_ip dst;
	uint16_t dport;
	size_t len;
	uint8_t buf[1500];
};

#define MSFX_MAX_PKTS 64

struct msfx {
	struct ev_loop *loop;
	struct cp_io io;
	struct lispd_config cfg;
	struct ms *ms;
	struct ms_timing timing;
	unsigned n;
	struct msfx_pkt pkt[MSFX_MAX_PKTS];
	int fail_sends;   /* the next sends fail */
	struct lisp_msg msg;
	struct lisp_map_request req;
	struct lisp_ecm ecm;
};

static inline int msfx_send(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
			    uint16_t dport, const uint8_t *buf, size_t len)
{
	struct msfx *f = ctx;
	struct msfx_pkt *p;

	if (f->fail_sends > 0) {
		f->fail_sends--;
		return -1;
	}
	assert_true(len <= sizeof(p->buf));
	if (f->n == MSFX_MAX_PKTS)
		fail_msg("more than %d packets sent", MSFX_MAX_PKTS);
	p = &f->pkt[f->n++];
	p->has_src = src != NULL;
	if (src)
		p->src = *src;
	p->dst = *dst;
	p->dport = dport;
	p->len = len;
	memcpy(p->buf, buf, len);
	return 0;
}

static inline struct lisp_ip msfx_ip(const char *s)
{
	struct lisp_ip ip;

	if (lisp_ip_parse(s, &ip, NULL))
		fail_msg("bad address %s", s);
	return ip;
}

static inline void assert_ip_is(const struct lisp_ip *got, const char *want)
{
	struct lisp_ip w = msfx_ip(want);
	char a[LISP_ADDR_STRLEN];

	if (!lisp_ip_equal(got, &w))
		fail_msg("address %s, want %s", lisp_ip_format(got, a, sizeof(a)), want);
}

static inline void assert_prefix_is(const struct lisp_prefix *got, const char *want)
{
	struct lisp_prefix w = tu_prefix(want);
	char a[LISP_ADDR_STRLEN];

	if (lisp_prefix_cmp(got, &w) != 0)
		fail_msg("prefix %s, want %s", lisp_prefix_format(got, a, sizeof(a)), want);
}

/* Timers of tens of milliseconds: a minute of TTL is 100 ms. */
static inline void msfx_fast_timing(struct ms_timing *t)
{
	memset(t, 0, sizeof(*t));
	t->reg_lifetime_ms = 150;
	t->ttl_unit_ms = 100;
	t->nonce_window_ms = 400;
	t->xtr_state_ms = 1000;
	t->sweep_ms = 50;
}

/* reg_lifetime_ms: how long a registration lives without refresh (tests
 * that do not wait for expiry take a long one: a slow run must not see it
 * go). */
static inline struct msfx *msfx_new_lifetime(const char *cfg_text, uint32_t reg_lifetime_ms)
{
	struct msfx *f = calloc(1, sizeof(*f));
	char err[512];

	assert_non_null(f);
	if (lispd_config_load_string(cfg_text, "ms.conf", &f->cfg, err, sizeof(err)))
		fail_msg("config: %s", err);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->io.send = msfx_send;
	f->io.ctx = f;
	msfx_fast_timing(&f->timing);
	f->timing.reg_lifetime_ms = reg_lifetime_ms;
	/* Refusals are logged (rate-limited); the tests read counters instead. */
	lispd_log_set_level(LISPD_LOG_ERR);
	f->ms = ms_new_timed(&f->cfg, f->loop, &f->io, &f->timing);
	assert_non_null(f->ms);
	return f;
}

static inline struct msfx *msfx_new(const char *cfg_text)
{
	return msfx_new_lifetime(cfg_text, 150);
}

static inline void msfx_free(struct msfx *f)
{
	ms_free(f->ms);
	ev_loop_free(f->loop);
	lispd_config_free(&f->cfg);
	free(f);
}

static inline void msfx_run(struct msfx *f, unsigned ms)
{
	uint64_t end = ev_now_ms(f->loop) + ms;

	for (uint64_t now = ev_now_ms(f->loop); now < end; now = ev_now_ms(f->loop))
		assert_int_equal(ev_loop_once(f->loop, (int)(end - now)), 0);
}

/* A datagram from `from` (port sport) to our address of its family. */
static inline void msfx_rx(struct msfx *f, const char *from, uint16_t sport, const uint8_t *buf,
			   size_t len)
{
	struct lisp_ip src = msfx_ip(from), dst = msfx_ip(strchr(from, ':') ? MS_ADDR6 : MS_ADDR4);

	ms_on_control(f->ms, &src, sport, &dst, buf, len);
}

/* A record of `eid` with locators given as "addr" strings (priority 1,
 * weight 100, reachable). */
static inline struct lisp_record msfx_record(const char *eid, uint32_t ttl, unsigned n_loc,
					     const char *const *locs)
{
	struct lisp_record r;

	memset(&r, 0, sizeof(r));
	r.ttl = ttl;
	r.authoritative = true;
	r.eid = tu_prefix(eid);
	for (unsigned i = 0; i < n_loc; i++) {
		struct lisp_ip ip = msfx_ip(locs[i]);

		r.loc[i].priority = 1;
		r.loc[i].weight = 100;
		r.loc[i].mpriority = 255;
		r.loc[i].reachable = true;
		r.loc[i].local = true;
		lisp_addr_from_ip(&r.loc[i].addr, &ip);
	}
	r.n_loc = (uint8_t)n_loc;
	return r;
}

/* A Map-Register skeleton: M set, alg, one record. */
static inline void msfx_register_init(struct lisp_map_register *m, uint8_t alg, uint64_t nonce,
				      const struct lisp_record *rec)
{
	memset(m, 0, sizeof(*m));
	m->type = LISP_MAP_REGISTER;
	m->want_notify = true;
	m->nonce = nonce;
	m->auth.alg_id = alg;
	m->n_rec = 1;
	m->rec[0] = *rec;
}

static inline size_t msfx_encode_register(const struct lisp_map_register *m, const char *key,
					  uint8_t *out, size_t cap)
{
	size_t len;
	struct lisp_err err = { 0 };
	char e[128];

	if (lisp_map_register_encode(out, cap, &len, m, (const uint8_t *)key, strlen(key), &err))
		fail_msg("encode register: %s", lisp_err_format(&err, e, sizeof(e)));
	return len;
}

/* Sends a register of one record from `from`; returns the number of packets
 * the MS sent in answer. */
static inline unsigned msfx_register(struct msfx *f, const char *from, const char *key,
				     uint8_t alg, uint64_t nonce, const struct lisp_record *rec)
{
	struct lisp_map_register m;
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	msfx_register_init(&m, alg, nonce, rec);
	len = msfx_encode_register(&m, key, buf, sizeof(buf));
	msfx_rx(f, from, LISP_CONTROL_PORT, buf, len);
	return f->n - before;
}

/* An ECM-wrapped Map-Request for `eid` from ITR-RLOC itr, inner source port
 * sport. Returns the length. */
static inline size_t msfx_build_ecm(uint8_t *out, size_t cap, const char *src_eid,
				    const char *eid, const char *itr, uint16_t sport,
				    uint64_t nonce)
{
	static struct lisp_map_request req;
	struct lisp_ecm ecm;
	uint8_t inner[1500];
	size_t inner_len, len;
	struct lisp_prefix q = tu_prefix(eid);
	struct lisp_ip sip = msfx_ip(src_eid), iip = msfx_ip(itr);

	memset(&req, 0, sizeof(req));
	req.nonce = nonce;
	lisp_addr_from_ip(&req.source_eid, &sip);
	req.n_itr = 1;
	lisp_addr_from_ip(&req.itr[0], &iip);
	req.n_eid = 1;
	req.eid[0] = q;
	assert_int_equal(lisp_map_request_encode(inner, sizeof(inner), &inner_len, &req, NULL), 0);
	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = sip;
	ecm.inner_dst = q.addr.ip;
	ecm.inner_ttl = 255;
	ecm.inner_sport = sport;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	assert_int_equal(lisp_ecm_encode(out, cap, &len, &ecm, NULL), 0);
	return len;
}

static inline const struct lisp_map_reply *msfx_reply(struct msfx *f, unsigned i)
{
	assert_true(i < f->n);
	assert_int_equal(lisp_msg_type(f->pkt[i].buf, f->pkt[i].len), LISP_MAP_REPLY);
	assert_int_equal(lisp_map_reply_decode(f->pkt[i].buf, f->pkt[i].len, &f->msg.u.reply,
					       NULL), 0);
	return &f->msg.u.reply;
}

static inline const struct lisp_map_register *msfx_notify(struct msfx *f, unsigned i,
							  const char *key)
{
	assert_true(i < f->n);
	assert_int_equal(lisp_msg_type(f->pkt[i].buf, f->pkt[i].len), LISP_MAP_NOTIFY);
	assert_int_equal(lisp_auth_verify(f->pkt[i].buf, f->pkt[i].len, (const uint8_t *)key,
					  strlen(key), NULL), 0);
	assert_int_equal(lisp_map_register_decode(f->pkt[i].buf, f->pkt[i].len, &f->msg.u.reg,
						  NULL), 0);
	return &f->msg.u.reg;
}

static inline char *msfx_json(struct msfx *f, const char *cmd)
{
	const struct role_answer *a = role_answer(&ms_role, cmd);
	struct tu_json t;

	if (!a)
		fail_msg("the MS has no answer to '%s'", cmd);
	a->json(f->ms, tu_json_open(&t));
	return tu_json_text(&t);
}

/* A counter's value read back from the "counters" JSON view. */
static inline long long msfx_counter(struct msfx *f, const char *name)
{
	char *text = msfx_json(f, "counters"), pat[96];
	long long v = -1;
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = strstr(text, pat);
	if (!p)
		fail_msg("no counter %s in %s", name, text);
	v = strtoll(p + strlen(pat), NULL, 10);
	free(text);
	return v;
}

#endif
