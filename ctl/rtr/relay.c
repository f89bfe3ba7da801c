/* A node's Map-Register, ECM-encapsulated to the RTR (docs/NAT.md 3.3),
 * relayed to the map-server it addressed (3.4) and remembered by nonce
 * until that map-server answers.
 *
 * No open relay: the register goes only to a configured rtr-ms-node, the
 * one we share a key with; anything else is dropped and counted. The
 * register itself is the site's to authenticate: the map-server does. */
#include "rtr/rtr_priv.h"

#include <errno.h>
#include <string.h>

#include "log.h"

static void on_pending_timer(struct ev_timer *t, void *arg)
{
	struct rtr_pending *p = arg;

	(void)t;
	p->rtr->ctr.pending_expired++;
	rtr_pending_release(p);
}

void rtr_pending_release(struct rtr_pending *p)
{
	ev_timer_cancel(p->rtr->loop, &p->timer);
	p->used = false;
	p->rtr->n_pending--;
}

void rtr_pending_clear(struct rtr *r)
{
	for (unsigned i = 0; i < RTR_PENDING_MAX; i++)
		if (r->pending[i].used)
			rtr_pending_release(&r->pending[i]);
}

struct rtr_pending *rtr_pending_find(struct rtr *r, uint64_t nonce, const struct lisp_ip *ms)
{
	for (unsigned i = 0; i < RTR_PENDING_MAX; i++) {
		struct rtr_pending *p = &r->pending[i];

		if (p->used && p->nonce == nonce && lisp_ip_equal(&p->ms, ms))
			return p;
	}
	return NULL;
}

/* The slot for a register: its nonce's (a retransmission: the latest
 * path wins), a free one, or the oldest, forgotten. */
static struct rtr_pending *pending_slot(struct rtr *r, uint64_t nonce, const struct lisp_ip *ms)
{
	struct rtr_pending *p = rtr_pending_find(r, nonce, ms), *oldest = NULL;

	if (p) {
		r->ctr.reg_retransmits++;
		rtr_pending_release(p);
		return p;
	}
	for (unsigned i = 0; i < RTR_PENDING_MAX; i++) {
		p = &r->pending[i];
		if (!p->used)
			return p;
		if (!oldest || p->at_ms < oldest->at_ms)
			oldest = p;
	}
	r->ctr.pending_evicted++;
	rtr_pending_release(oldest);
	return oldest;
}

static void pending_add(struct rtr *r, const struct lisp_ip *src, uint16_t sport,
			const struct lisp_ip *dst, const struct lisp_ecm *ecm,
			const struct lisp_map_register *reg)
{
	struct rtr_pending *p = pending_slot(r, reg->nonce, &ecm->inner_dst);

	p->used = true;
	p->nonce = reg->nonce;
	p->ms = ecm->inner_dst;
	p->global = *src;
	p->global_port = sport;
	p->rloc = *dst;
	p->private_rloc = ecm->inner_src;
	memcpy(p->xtr_id, reg->xtr_id, sizeof(p->xtr_id));
	p->at_ms = rtr_now(r);
	ev_timer_init(&p->timer, on_pending_timer, p);
	ev_timer_arm(r->loop, &p->timer, r->t.pending_ms);
	r->n_pending++;
}

/* The bytes of the node's inner IP header, UDP header and register: the
 * decoder takes no IPv4 options and no IPv6 extension headers. */
static size_t inner_len(const struct lisp_ecm *ecm)
{
	return ecm->payload_len + 8 + (ecm->inner_src.afi == LISP_AFI_IPV4 ? 20 : 40);
}

/* NEW: an ECM with N (R clear) from our RLOC, the node's inner packet as
 * it came: the codec writes the header, the node's bytes follow it. */
static int encode_new(struct rtr *r, const uint8_t *buf, size_t len, const struct lisp_ecm *in,
		      size_t *out_len)
{
	struct lisp_ecm e;
	size_t n = inner_len(in);

	memset(&e, 0, sizeof(e));
	e.nat = true;
	e.inner = in->inner;
	if (n > len || lisp_ecm_encode(r->tx, sizeof(r->tx), out_len, &e, NULL))
		return -1;
	memcpy(r->tx + *out_len - n, buf + len - n, n);
	return 0;
}

static void relay(struct rtr *r, struct rtr_ms *ms, const struct lisp_ip *rloc,
		  const uint8_t *buf, size_t len, const struct lisp_ecm *ecm)
{
	const uint8_t *out = ecm->payload;
	size_t out_len = ecm->payload_len;
	char a[LISP_ADDR_STRLEN];

	if (ms->draft == LISPD_NAT_DRAFT_NEW) {
		if (encode_new(r, buf, len, ecm, &out_len)) {
			r->ctr.relay_send_errors++;
			return;
		}
		out = r->tx;
	}
	if (cp_io_send(r->io, rloc, &ms->addr, LISP_CONTROL_PORT, out, out_len)) {
		const char *why = strerror(errno);

		r->ctr.relay_send_errors++;
		lispd_log_rl(LISPD_LOG_WARN, "rtr: relaying a Map-Register to %s: %s",
			     lisp_ip_format(&ms->addr, a, sizeof(a)), why);
		return;
	}
	r->ctr.reg_relayed++;
	ms->relayed++;
}

/* What the register must be for us to relay it; the counter of the first
 * rule it breaks, or NULL. */
static uint64_t *refusal(struct rtr *r, const struct lisp_ip *src, uint16_t sport,
			 const struct lisp_ip *dst, const struct lisp_ecm *ecm,
			 const struct lisp_map_register *reg, const struct rtr_ms *ms)
{
	if (!ecm->rtr && !reg->rtr)
		return &r->ctr.drop_reg_not_rtr;
	if (!ms)
		return &r->ctr.drop_reg_unknown_ms;
	if (!reg->xtr_id_present)
		return &r->ctr.drop_reg_no_xtr_id;
	if (!reg->want_notify)
		return &r->ctr.drop_reg_no_notify;
	/* The OLD map-server sees only the register: its own R says "through
	 * an RTR", and we cannot set it under the site's MAC. */
	if (ms->draft == LISPD_NAT_DRAFT_OLD && !reg->rtr)
		return &r->ctr.drop_reg_old_no_r;
	/* NAT traversal is IPv4's: the data plane keeps IPv4 NAT bindings. */
	if (src->afi != LISP_AFI_IPV4 || sport == 0)
		return &r->ctr.drop_reg_not_ipv4;
	if (!rtr_is_rloc(r, dst))
		return &r->ctr.drop_reg_not_rloc;
	return NULL;
}

void rtr_relay_register(struct rtr *r, const struct lisp_ip *src, uint16_t sport,
			const struct lisp_ip *dst, const uint8_t *buf, size_t len,
			const struct lisp_ecm *ecm)
{
	struct lisp_map_register *reg = &r->rx.u.reg;
	struct lisp_err err = { 0 };
	struct rtr_ms *ms;
	char a[LISP_ADDR_STRLEN], b[LISP_ADDR_STRLEN];
	uint64_t *drop;

	r->ctr.reg_received++;
	if (lisp_map_register_decode(ecm->payload, ecm->payload_len, reg, &err)) {
		rtr_rx_malformed(r, &err);
		return;
	}
	ms = rtr_ms_find(r, &ecm->inner_dst);
	drop = refusal(r, src, sport, dst, ecm, reg, ms);
	if (drop) {
		(*drop)++;
		if (drop == &r->ctr.drop_reg_unknown_ms)
			lispd_log_rl(LISPD_LOG_WARN, "rtr: Map-Register from %s for %s, not a "
				     "map-server of ours (rtr-ms-node): dropped",
				     lisp_ip_format(src, a, sizeof(a)),
				     lisp_ip_format(&ecm->inner_dst, b, sizeof(b)));
		return;
	}
	pending_add(r, src, sport, dst, ecm, reg);
	relay(r, ms, dst, buf, len, ecm);
	log_debug1("rtr: Map-Register from %s:%u relayed to %s", lisp_ip_format(src, a, sizeof(a)),
		   sport, lisp_ip_format(&ms->addr, b, sizeof(b)));
}
