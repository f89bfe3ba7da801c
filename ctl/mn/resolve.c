/* Map-Requests through the map-resolvers and the Map-Replies answering them. */
#include "mn/mn_priv.h"

#include <string.h>

#include "lisp_nonce.h"
#include "log.h"

static void on_req_timer(struct ev_timer *t, void *arg);

void mn_resolve_init(struct mn *mn)
{
	for (unsigned i = 0; i < MN_REQ_MAX; i++) {
		mn->res.req[i].mn = mn;
		ev_timer_init(&mn->res.req[i].timer, on_req_timer, &mn->res.req[i]);
	}
}

void mn_resolve_teardown(struct mn *mn)
{
	for (unsigned i = 0; i < MN_REQ_MAX; i++)
		ev_timer_cancel(mn->loop, &mn->res.req[i].timer);
}

unsigned mn_resolve_pending(const struct mn *mn)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MN_REQ_MAX; i++)
		n += mn->res.req[i].used && mn->res.req[i].nonce != 0;
	return n;
}

static struct mn_req *find(struct mn *mn, const struct lisp_prefix *eid)
{
	for (unsigned i = 0; i < MN_REQ_MAX; i++)
		if (mn->res.req[i].used && lisp_prefix_cmp(&mn->res.req[i].eid, eid) == 0)
			return &mn->res.req[i];
	return NULL;
}

static bool idle(const struct mn_req *r, uint64_t now)
{
	return r->nonce == 0 && now >= r->hold_until_ms &&
	       now - r->last_sent_ms >= MN_REQ_IDLE_KEEP_MS;
}

/* A free slot, else the longest-idle one. */
static struct mn_req *alloc(struct mn *mn, uint64_t now)
{
	struct mn_req *best = NULL;

	for (unsigned i = 0; i < MN_REQ_MAX; i++) {
		struct mn_req *r = &mn->res.req[i];

		if (!r->used)
			return r;
		if (idle(r, now) && (!best || r->last_sent_ms < best->last_sent_ms))
			best = r;
	}
	return best;
}

/* The current resolver, or the next one of a family we have an RLOC for. */
static int pick_resolver(struct mn *mn)
{
	unsigned n = mn->conf.n_mr;

	for (unsigned k = 0; k < n; k++) {
		unsigned i = (mn->res.cur_mr + k) % n;

		if (mn_rloc_of(mn, mn->conf.mr[i].afi))
			return (int)i;
	}
	return -1;
}

static int build(struct mn *mn, struct mn_req *r, const struct lisp_ip *inner_src, size_t *len)
{
	struct lisp_map_request *q = &mn->tx_req;
	const struct lisp_ip *seid = mn_eid_of(mn, r->eid.addr.ip.afi);
	uint32_t iid = mn_prefix_iid(&r->eid);
	struct lisp_ecm ecm;
	size_t qlen = 0;

	memset(q, 0, sizeof(*q));
	q->nonce = r->nonce;
	q->smr_invoked = r->reason == MN_REQ_SMR;
	if (!seid)
		seid = mn_eid_of(mn, r->eid.addr.ip.afi == LISP_AFI_IPV4 ? LISP_AFI_IPV6
									 : LISP_AFI_IPV4);
	if (seid) {
		lisp_addr_from_ip(&q->source_eid, seid);
		if (iid)
			lisp_addr_set_iid(&q->source_eid, iid);
	}
	for (unsigned i = 0; i < mn->n_rlocs; i++)
		lisp_addr_from_ip(&q->itr[q->n_itr++], &mn->rlocs[i]);
	q->n_eid = 1;
	q->eid[0] = r->eid;
	if (lisp_map_request_encode(mn->tx2, sizeof(mn->tx2), &qlen, q, NULL))
		return -1;

	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = *inner_src;
	ecm.inner_dst = r->eid.addr.ip;
	ecm.inner_ttl = 255;
	ecm.inner_sport = LISP_CONTROL_PORT;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = mn->tx2;
	ecm.payload_len = qlen;
	return lisp_ecm_encode(mn->tx, sizeof(mn->tx), len, &ecm, NULL);
}

/* One try of r's request (nonce already set). */
static int send_try(struct mn *mn, struct mn_req *r)
{
	uint16_t afi = r->eid.addr.ip.afi;
	const struct lisp_ip *inner_src = r->src_eid.afi == afi ? &r->src_eid : NULL;
	size_t len = 0;
	int mr;

	if (!inner_src)
		inner_src = mn_eid_of(mn, afi);
	if (!inner_src)
		inner_src = mn_rloc_of(mn, afi);
	if (!inner_src || mn->n_rlocs == 0) {
		mn->ctr.req_no_source++;
		return -1;
	}
	mr = pick_resolver(mn);
	if (mr < 0) {
		mn->ctr.req_no_resolver++;
		return -1;
	}
	if (build(mn, r, inner_src, &len)) {
		mn->ctr.req_send_errors++;
		return -1;
	}
	r->mr = (unsigned)mr;
	r->tries++;
	r->last_sent_ms = mn_now(mn);
	mn->ctr.req_sent++;
	if (r->reason == MN_REQ_SMR)
		mn->ctr.smr_invoked_sent++;
	if (cp_io_send(mn->io, NULL, &mn->conf.mr[mr], LISP_CONTROL_PORT, mn->tx, len))
		mn->ctr.req_send_errors++;
	ev_timer_arm(mn->loop, &r->timer, r->retx_ms);
	r->retx_ms *= 2;
	return 0;
}

static void on_req_timer(struct ev_timer *t, void *arg)
{
	struct mn_req *r = arg;
	struct mn *mn = r->mn;
	char p[LISP_ADDR_STRLEN];

	(void)t;
	if (r->nonce == 0)
		return;
	mn->ctr.req_timeouts++;
	r->unanswered++;
	if (mn->conf.n_mr > 1 && mn->res.cur_mr == r->mr) {
		/* Replies come from ETRs or map-servers, never from the resolver,
		 * so silence is all we learn about it: move on to the next. */
		mn->res.cur_mr = (r->mr + 1) % mn->conf.n_mr;
		mn->ctr.resolver_failovers++;
	}
	if (r->unanswered >= mn->t.req_hold_after) {
		r->nonce = 0;
		r->hold_until_ms = mn_now(mn) + mn->t.req_hold_ms;
		mn->ctr.req_held++;
		lispd_log_rl(LISPD_LOG_WARN, "mn: %s: %u Map-Requests unanswered, pausing",
			     lisp_prefix_format(&r->eid, p, sizeof(p)), r->unanswered);
		return;
	}
	if (r->tries > mn->conf.retries) {
		r->nonce = 0;
		mn->ctr.req_gave_up++;
		return;
	}
	mn->ctr.req_retries++;
	if (send_try(mn, r))
		r->nonce = 0;
}

int mn_resolve(struct mn *mn, const struct lisp_prefix *eid, const struct lisp_ip *src_eid,
	       enum mn_req_reason reason)
{
	uint64_t now = mn_now(mn);
	struct mn_req *r = find(mn, eid);

	if (r && now < r->hold_until_ms) {
		mn->ctr.req_held++;
		return -1;
	}
	if (r && (r->nonce != 0 || now - r->last_sent_ms < mn->t.req_min_interval_ms)) {
		mn->ctr.req_rate_limited++;
		return -1;
	}
	if (!r) {
		r = alloc(mn, now);
		if (!r) {
			mn->ctr.req_table_full++;
			return -1;
		}
		ev_timer_cancel(mn->loop, &r->timer);
		memset(r, 0, sizeof(*r));
		r->mn = mn;
		ev_timer_init(&r->timer, on_req_timer, r);
		r->used = true;
		r->eid = *eid;
		mn_prefix_canon(&r->eid);
	}
	memset(&r->src_eid, 0, sizeof(r->src_eid));
	if (src_eid)
		r->src_eid = *src_eid;
	r->reason = reason;
	r->tries = 0;
	r->retx_ms = mn->t.req_retx_first_ms;
	if (lisp_nonce64(&r->nonce))
		return -1;
	if (send_try(mn, r)) {
		r->nonce = 0;
		return -1;
	}
	return 0;
}

void mn_resolve_on_reply(struct mn *mn, const struct lisp_map_reply *rep)
{
	struct mn_req *r = NULL;
	char a[LISP_ADDR_STRLEN];

	for (unsigned i = 0; i < MN_REQ_MAX && rep->nonce; i++) {
		if (mn->res.req[i].used && mn->res.req[i].nonce == rep->nonce) {
			r = &mn->res.req[i];
			break;
		}
	}
	if (!r) {
		mn->ctr.reply_unknown_nonce++;
		lispd_log_rl(LISPD_LOG_DEBUG1, "mn: Map-Reply with unknown nonce dropped");
		return;
	}
	mn->ctr.reply_accepted++;
	r->nonce = 0;
	r->unanswered = 0;
	ev_timer_cancel(mn->loop, &r->timer);
	for (unsigned i = 0; i < rep->n_rec; i++) {
		/* Only what answers our question: a replier must not plant entries
		 * for prefixes we did not ask about. */
		if (!lisp_prefix_contains(&rep->rec[i].eid, &r->eid)) {
			mn->ctr.reply_record_foreign++;
			continue;
		}
		mn_mc_put_record(mn, &rep->rec[i], r->reason == MN_REQ_REFRESH);
	}
	log_debug1("mn: Map-Reply for %s", lisp_prefix_format(&r->eid, a, sizeof(a)));
}
