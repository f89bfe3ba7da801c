/* Fixture of the RTR role's tests (ctl/rtr): an RTR configuration, a real
 * event loop with short timers, a cp_io that records what would be sent
 * (source, destination, port, bytes), optionally the RTR's BPF object
 * loaded but attached nowhere (its NAT table the commits land in, read
 * back with dp_nat_foreach), and builders of what nodes and map-servers
 * send: the node's ECM Map-Register (made with the codec, signed with the
 * site key) and the map-server's answers in both dialects, genuine or
 * forged. Static inline so each test program takes what it uses. */
#ifndef TEST_RTR_UTIL_H
#define TEST_RTR_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bpf_object.h"
#include "config.h"
#include "core/evloop.h"
#include "dp_nat.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "log.h"
#include "rtr/rtr.h"
#include "rtr/rtr_role.h"
#include "../common/testutil.h"

#define RTR4 "192.0.2.66"            /* the RTR's RLOCs */
#define RTR4_B "192.0.2.67"
#define MS_NEW "192.0.2.2"           /* its map-servers, one per dialect */
#define MS_OLD "192.0.2.3"
#define MS_STRANGER "192.0.2.9"      /* a map-server it does not serve */
#define KEY_NEW "k-rtr-new"          /* the keys it shares with them */
#define KEY_OLD "k-rtr-old"
#define KEY_SITE "k-site"            /* the node's site key (the map-server's) */
#define MR "192.0.2.100"
#define NODE_EID "198.18.1.1/32"
#define NODE_P "198.51.100.130"      /* the node's RLOC behind its NAT */
#define NODE_G "203.0.113.2"         /* its NAT's public address */
#define NODE_G1 40001                /* the NAT's port of its register flow */

#define RTR_CFG_HEAD                                                                  \
	"operating-mode = RTR\nmap-resolver = { " MR " }\nmap-request-retries = 1\n" \
	"rtr-ifaces {\n rtr-iface {\n  iface = eth0\n  ip_version = 4\n }\n"         \
	" rtr-iface {\n  iface = eth1\n  ip_version = 4\n }\n}\n"
#define RTR_CFG_MS(addr, key, draft)                                                 \
	"rtr-ms-node {\n address = " addr "\n key = \"" key "\"\n draft-version = " draft "\n}\n"
#define RTR_CFG                                                                       \
	RTR_CFG_HEAD RTR_CFG_MS(MS_NEW, KEY_NEW, "NEW") RTR_CFG_MS(MS_OLD, KEY_OLD, "OLD")

static const uint8_t RFX_XTR_ID[16] = { 0xbf, 0x57, 0x65, 0x50, 0x44, 0x80, 0xa7, 0x3a,
					0xc0, 0xd2, 0x93, 0xa7, 0x0e, 0x4d, 0xa9, 0xe6 };

struct rfx_pkt {
	bool has_src;
	struct lisp_ip src;
	struct lisp_ip dst;
	uint16_t dport;
	size_t len;
	uint8_t buf[1500];
};

#define RFX_MAX_PKTS 64

struct rfx {
	struct ev_loop *loop;
	struct cp_io io;
	struct lispd_config cfg;
	struct rtr *rtr;
	struct rtr_timing timing;
	struct itr_timing itr_timing;
	struct tb *tb;                 /* the RTR's BPF object, or NULL */
	struct dp_handle dp;
	unsigned n;
	struct rfx_pkt pkt[RFX_MAX_PKTS];
	bool count_only;               /* floods: sends counted, not kept */
	unsigned n_counted;
	struct lisp_ecm ecm;
	struct lisp_map_register reg;
	struct lisp_data_map_notify dmn;
	struct lisp_msg msg;
};

static inline int rfx_send(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
			   uint16_t dport, const uint8_t *buf, size_t len)
{
	struct rfx *f = ctx;
	struct rfx_pkt *p;

	assert_true(len <= sizeof(p->buf));
	if (f->count_only) {
		f->n_counted++;
		return 0;
	}
	if (f->n == RFX_MAX_PKTS)
		fail_msg("more than %d packets sent", RFX_MAX_PKTS);
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

static inline struct lisp_ip rfx_ip(const char *s)
{
	struct lisp_ip ip;

	if (lisp_ip_parse(s, &ip, NULL))
		fail_msg("bad address %s", s);
	return ip;
}

static inline void rfx_assert_ip(const struct lisp_ip *got, const char *want)
{
	struct lisp_ip w = rfx_ip(want);
	char a[LISP_ADDR_STRLEN];

	if (!lisp_ip_equal(got, &w))
		fail_msg("address %s, want %s", lisp_ip_format(got, a, sizeof(a)), want);
}

/* The RTR of cfg_text with RLOCs RTR4 on eth0 and RTR4_B on eth1; with
 * dp, over the RTR's BPF object, loaded and holding both RLOCs (NULL
 * when it cannot be loaded: the caller skips). Timers of tens of
 * milliseconds. */
static inline struct rfx *rfx_new(const char *cfg_text, bool dp)
{
	struct rfx *f = calloc(1, sizeof(*f));
	struct rtr_rloc rlocs[2];
	struct rtr_opts o;
	char err[512];

	assert_non_null(f);
	if (lispd_config_load_string(cfg_text, "rtr.conf", &f->cfg, err, sizeof(err)))
		fail_msg("config: %s", err);
	f->loop = ev_loop_new();
	assert_non_null(f->loop);
	f->io.send = rfx_send;
	f->io.ctx = f;
	dp_handle_init(&f->dp);
	if (dp) {
		f->tb = tb_load(TB_RTR, 0);
		if (!f->tb) {
			fprintf(stderr, "# cannot load the RTR's BPF object (root / CAP_BPF needed)\n");
			ev_loop_free(f->loop);
			lispd_config_free(&f->cfg);
			free(f);
			return NULL;
		}
		assert_int_equal(tb_local_rloc_on(f->tb, LISPD_AF_INET, RTR4, true, 1), 0);
		assert_int_equal(tb_local_rloc_on(f->tb, LISPD_AF_INET, RTR4_B, true, 2), 0);
		tb_handle(f->tb, &f->dp);
	}
	memset(rlocs, 0, sizeof(rlocs));
	rlocs[0].addr = rfx_ip(RTR4);
	strcpy(rlocs[0].ifname, "eth0");
	rlocs[1].addr = rfx_ip(RTR4_B);
	strcpy(rlocs[1].ifname, "eth1");
	f->timing = (struct rtr_timing){ .pending_ms = 200, .nat_lifetime_ms = 600 };
	f->itr_timing = (struct itr_timing){ .req_retx_first_ms = 20, .req_min_interval_ms = 50,
					     .req_hold_ms = 200, .req_hold_after = 10,
					     .smr_interval_ms = 100, .ttl_unit_ms = 100 };
	memset(&o, 0, sizeof(o));
	o.dp = dp ? &f->dp : NULL;
	o.timing = &f->timing;
	o.itr_timing = &f->itr_timing;
	o.n_rlocs = 2;
	o.rlocs = rlocs;
	/* Refusals are logged (rate-limited); the tests read counters instead. */
	lispd_log_set_level(LISPD_LOG_ERR);
	f->rtr = rtr_new(&f->cfg, f->loop, &f->io, &o);
	assert_non_null(f->rtr);
	return f;
}

static inline void rfx_free(struct rfx *f)
{
	if (!f)
		return;
	rtr_free(f->rtr);
	ev_loop_free(f->loop);
	lispd_config_free(&f->cfg);
	tb_free(f->tb);
	free(f);
}

static inline void rfx_run(struct rfx *f, unsigned ms)
{
	uint64_t end = ev_now_ms(f->loop) + ms;

	for (uint64_t now = ev_now_ms(f->loop); now < end; now = ev_now_ms(f->loop))
		assert_int_equal(ev_loop_once(f->loop, (int)(end - now)), 0);
}

/* A datagram from from:sport to our address to. */
static inline void rfx_rx(struct rfx *f, const char *from, uint16_t sport, const char *to,
			  const uint8_t *buf, size_t len)
{
	struct lisp_ip src = rfx_ip(from), dst = rfx_ip(to);

	rtr_on_control(f->rtr, &src, sport, &dst, buf, len);
}

/* ---- what a node sends ------------------------------------------------------- */

/* The node's register, as docs/NAT.md 3.3 has it: P, I, M and R set, one
 * record eid with the RTR (reachable) and its private RLOC (local,
 * unreachable), HMAC-SHA-1 with the site key. */
static inline void rfx_register_init(struct lisp_map_register *m, uint64_t nonce, const char *eid)
{
	struct lisp_record *r = &m->rec[0];
	struct lisp_ip rtr = rfx_ip(RTR4), p = rfx_ip(NODE_P);

	memset(m, 0, sizeof(*m));
	m->type = LISP_MAP_REGISTER;
	m->proxy_reply = true;
	m->xtr_id_present = true;
	m->rtr = true;
	m->want_notify = true;
	m->nonce = nonce;
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	memcpy(m->xtr_id, RFX_XTR_ID, sizeof(m->xtr_id));
	m->n_rec = 1;
	r->ttl = 3;
	r->eid = tu_prefix(eid);
	r->n_loc = 2;
	r->loc[0] = (struct lisp_locator){ .priority = 1, .weight = 100, .mpriority = 255,
					   .reachable = true };
	lisp_addr_from_ip(&r->loc[0].addr, &rtr);
	r->loc[1] = (struct lisp_locator){ .priority = 1, .weight = 100, .mpriority = 255,
					   .local = true };
	lisp_addr_from_ip(&r->loc[1].addr, &p);
}

/* m in an ECM (R when rtr_bit) from the node's private RLOC to map-server
 * ms, inner UDP 4342 -> 4342. Returns the length. */
static inline size_t rfx_ecm_register(uint8_t *out, size_t cap, const struct lisp_map_register *m,
				      const char *ms, bool rtr_bit)
{
	uint8_t inner[1500];
	struct lisp_ecm ecm;
	size_t inner_len, len;

	assert_int_equal(lisp_map_register_encode(inner, sizeof(inner), &inner_len, m,
						  (const uint8_t *)KEY_SITE, strlen(KEY_SITE), NULL),
			 0);
	memset(&ecm, 0, sizeof(ecm));
	ecm.rtr = rtr_bit;
	ecm.inner_src = rfx_ip(NODE_P);
	ecm.inner_dst = rfx_ip(ms);
	ecm.inner_ttl = 255;
	ecm.inner_df = true;
	ecm.inner_sport = LISP_CONTROL_PORT;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	assert_int_equal(lisp_ecm_encode(out, cap, &len, &ecm, NULL), 0);
	return len;
}

/* The node registers eid with ms through the RTR: from its NAT
 * NODE_G:port to our RLOC to. Returns the packets the RTR sent. */
static inline unsigned rfx_node_register(struct rfx *f, uint64_t nonce, const char *eid,
					 const char *ms, uint16_t port, const char *to)
{
	struct lisp_map_register m;
	uint8_t buf[1500];
	unsigned before = f->n;
	size_t len;

	rfx_register_init(&m, nonce, eid);
	len = rfx_ecm_register(buf, sizeof(buf), &m, ms, true);
	rfx_rx(f, NODE_G, port, to, buf, len);
	return f->n - before;
}

/* ---- what a map-server answers ------------------------------------------------ */

/* The Map-Notify of a register (nonce, xTR-ID, one record eid), signed
 * with the site key; with old_rtr_key, the OLD dialect's R and second
 * auth field with that key. Returns the length. */
static inline size_t rfx_notify(uint8_t *out, size_t cap, uint64_t nonce, const uint8_t *xtr_id,
				const char *eid, const char *old_rtr_key)
{
	struct lisp_map_register m;
	size_t len;

	rfx_register_init(&m, nonce, eid);
	m.type = LISP_MAP_NOTIFY;
	memcpy(m.xtr_id, xtr_id, sizeof(m.xtr_id));
	m.rtr = old_rtr_key != NULL;
	if (old_rtr_key) {
		m.has_rtr_auth = true;
		m.rtr_auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
		m.rtr_auth.len = 20;
	}
	assert_int_equal(lisp_map_register_encode(out, cap, &len, &m, (const uint8_t *)KEY_SITE,
						  strlen(KEY_SITE), NULL), 0);
	if (old_rtr_key)
		assert_int_equal(lisp_auth_sign_at(out, len, lisp_map_notify_rtr_auth_off(&m, len),
						   (const uint8_t *)old_rtr_key,
						   strlen(old_rtr_key), NULL), 0);
	return len;
}

/* NEW: the notify in an ECM with R (map-server -> the node's private
 * RLOC), S and the MS-RTR MAC with rtr_key; NULL: S clear. */
static inline size_t rfx_answer_new(uint8_t *out, size_t cap, uint64_t nonce,
				    const uint8_t *xtr_id, const char *eid, const char *rtr_key)
{
	uint8_t inner[1500];
	struct lisp_ecm ecm;
	size_t len;

	memset(&ecm, 0, sizeof(ecm));
	ecm.payload_len = rfx_notify(inner, sizeof(inner), nonce, xtr_id, eid, NULL);
	ecm.payload = inner;
	ecm.rtr = true;
	ecm.inner_src = rfx_ip(MS_NEW);
	ecm.inner_dst = rfx_ip(NODE_P);
	ecm.inner_ttl = 255;
	ecm.inner_df = true;
	ecm.inner_sport = LISP_CONTROL_PORT;
	ecm.inner_dport = LISP_CONTROL_PORT;
	if (rtr_key) {
		ecm.rtr_auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
		assert_int_equal(lisp_ecm_rtr_auth_sign(&ecm, (const uint8_t *)rtr_key,
							strlen(rtr_key), NULL), 0);
	}
	assert_int_equal(lisp_ecm_encode(out, cap, &len, &ecm, NULL), 0);
	return len;
}

/* ---- reading what the RTR did --------------------------------------------------- */

/* Packet i as a Data-Map-Notify from our RLOC rloc:4342 to the node's
 * NAT NODE_G:port, its inner packet map-server ms -> NODE_P, 4342 ->
 * 4342; the Map-Notify in it verified with the site key (over the bytes
 * before the OLD dialect's emptied field when there is one) and decoded
 * into f->reg. */
static inline const struct lisp_map_register *rfx_dmn(struct rfx *f, unsigned i, const char *rloc,
						      uint16_t port, const char *ms)
{
	const struct rfx_pkt *p = &f->pkt[i];
	const struct lisp_inner_udp *in = &f->dmn.inner;
	size_t signed_len;

	assert_true(i < f->n);
	assert_true(p->has_src);
	rfx_assert_ip(&p->src, rloc);
	rfx_assert_ip(&p->dst, NODE_G);
	assert_int_equal(p->dport, port);
	assert_int_equal(lisp_data_map_notify_decode(p->buf, p->len, &f->dmn, NULL), 0);
	assert_true(f->dmn.hdr.i);
	assert_int_equal(f->dmn.hdr.iid, LISP_IID_DATA_MAP_NOTIFY);
	rfx_assert_ip(&in->inner_src, ms);
	rfx_assert_ip(&in->inner_dst, NODE_P);
	assert_int_equal(in->inner_sport, LISP_CONTROL_PORT);
	assert_int_equal(in->inner_dport, LISP_CONTROL_PORT);
	assert_int_equal(lisp_map_register_decode(in->payload, in->payload_len, &f->reg, NULL), 0);
	assert_int_equal(f->reg.type, LISP_MAP_NOTIFY);
	signed_len = lisp_map_notify_rtr_auth_off(&f->reg, in->payload_len);
	assert_int_equal(lisp_auth_verify(in->payload, signed_len, (const uint8_t *)KEY_SITE,
					  strlen(KEY_SITE), NULL), 0);
	return &f->reg;
}

static inline char *rfx_json(struct rfx *f, const char *req)
{
	const struct role_answer *a = role_answer(&rtr_role, req);
	struct tu_json t;

	if (!a)
		fail_msg("the RTR has no answer to '%s'", req);
	a->json(f->rtr, tu_json_open(&t));
	return tu_json_text(&t);
}

/* A counter's value read back from the "counters" JSON view. */
static inline long long rfx_counter(struct rfx *f, const char *name)
{
	char *text = rfx_json(f, "counters"), pat[96];
	long long v;
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", name);
	p = strstr(text, pat);
	if (!p)
		fail_msg("no counter %s in %s", name, text);
	v = strtoll(p + strlen(pat), NULL, 10);
	free(text);
	return v;
}

/* The NATed nodes in the data plane's table. */
struct rfx_nat_seen {
	unsigned n;
	struct dp_nat_entry e[8];
};

static inline int rfx_nat_collect(const struct dp_nat_entry *e, void *ctx)
{
	struct rfx_nat_seen *s = ctx;

	if (s->n < 8)
		s->e[s->n] = *e;
	s->n++;
	return 0;
}

static inline void rfx_dp_nat(struct rfx *f, struct rfx_nat_seen *s)
{
	struct dp_err err;

	memset(s, 0, sizeof(*s));
	if (dp_nat_foreach(&f->dp, rfx_nat_collect, s, &err))
		fail_msg("dp_nat_foreach: %s", err.msg);
}

#endif
