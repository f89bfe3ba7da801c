/* Map-Requests through the map-resolvers, the Map-Replies answering them,
 * and SMRs. */
#include "itr/itr.h"

#include <stdlib.h>
#include <string.h>

#include "lisp_nonce.h"
#include "log.h"

static void on_req_timer(struct ev_timer *t, void *arg);

static uint64_t now_ms(struct itr *itr)
{
	return ev_now_ms(itr->loop);
}

#define DEF(field, v) itr->t.field = (timing && timing->field) ? timing->field : (v)

void itr_init(struct itr *itr, struct ev_loop *loop, struct cp_io *io, const struct dp_handle *dp,
	      const struct itr_timing *timing)
{
	memset(itr, 0, sizeof(*itr));
	itr->loop = loop;
	itr->io = io;
	itr->dp = dp;
	itr->mc_max = ITR_MC_MAX;
	DEF(req_retx_first_ms, 1000);
	DEF(req_min_interval_ms, 1000);
	DEF(req_hold_ms, 30000);
	DEF(req_hold_after, 10);
	DEF(smr_interval_ms, 3000);
	DEF(ttl_unit_ms, 60000);
	for (unsigned i = 0; i < ITR_REQ_MAX; i++) {
		itr->req[i].itr = itr;
		ev_timer_init(&itr->req[i].timer, on_req_timer, &itr->req[i]);
	}
}

#undef DEF

void itr_teardown(struct itr *itr)
{
	for (unsigned i = 0; i < ITR_REQ_MAX; i++)
		ev_timer_cancel(itr->loop, &itr->req[i].timer);
	itr_mc_free(itr);
}

void itr_set_resolvers(struct itr *itr, unsigned n, const struct lisp_ip *mr, unsigned retries)
{
	if (n > ITR_MAX_MR)
		n = ITR_MAX_MR;
	memcpy(itr->mr, mr, n * sizeof(*mr));
	itr->n_mr = n;
	itr->retries = retries;
	if (itr->cur_mr >= n)
		itr->cur_mr = 0;
}

bool itr_has_rloc_family(const struct itr *itr, uint16_t afi)
{
	/* No RLOC known at all (not yet set): no reason to exclude a family. */
	if (itr->n_rlocs == 0)
		return true;
	for (unsigned i = 0; i < itr->n_rlocs; i++)
		if (itr->rlocs[i].afi == afi)
			return true;
	return false;
}

void itr_set_rlocs(struct itr *itr, unsigned n, const struct lisp_ip *rlocs)
{
	bool had[3], changed = false;

	if (n > 2)
		n = 2;
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++)
		had[f] = itr_has_rloc_family(itr, f);
	memcpy(itr->rlocs, rlocs, n * sizeof(*rlocs));
	itr->n_rlocs = n;
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++)
		changed |= had[f] != itr_has_rloc_family(itr, f);
	/* The families we can send in changed: the slot tables follow. */
	if (changed)
		itr_mc_resync(itr);
}

void itr_set_eids(struct itr *itr, unsigned n, const struct lisp_ip *eids)
{
	bool seen[3] = { false, false, false };

	itr->n_eids = 0;
	for (unsigned i = 0; i < n && itr->n_eids < 2; i++) {
		uint16_t afi = eids[i].afi;

		if ((afi != LISP_AFI_IPV4 && afi != LISP_AFI_IPV6) || seen[afi])
			continue;
		seen[afi] = true;
		itr->eids[itr->n_eids++] = eids[i];
	}
}

static const struct lisp_ip *of_family(const struct lisp_ip *a, unsigned n, uint16_t afi)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i].afi == afi)
			return &a[i];
	return NULL;
}

static const struct lisp_ip *rloc_of(const struct itr *itr, uint16_t afi)
{
	return of_family(itr->rlocs, itr->n_rlocs, afi);
}

static const struct lisp_ip *eid_of(const struct itr *itr, uint16_t afi)
{
	return of_family(itr->eids, itr->n_eids, afi);
}

/* The ECM's inner source (see itr.h); NULL when an ITR with EIDs has
 * nothing of the family to send from. */
static const struct lisp_ip *inner_source(const struct itr *itr, const struct itr_req *r,
					  struct lisp_ip *unspec)
{
	uint16_t afi = r->eid.addr.ip.afi;
	const struct lisp_ip *missed = r->src.afi == afi ? &r->src : NULL;
	const struct lisp_ip *s;

	if (itr->n_eids) {
		s = missed ? missed : eid_of(itr, afi);
		return s ? s : rloc_of(itr, afi);
	}
	s = rloc_of(itr, afi);
	if (!s)
		s = missed;
	if (!s) {
		memset(unspec, 0, sizeof(*unspec));
		unspec->afi = afi;
		s = unspec;
	}
	return s;
}

unsigned itr_pending(const struct itr *itr)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ITR_REQ_MAX; i++)
		n += itr->req[i].used && itr->req[i].nonce != 0;
	return n;
}

static struct itr_req *find(struct itr *itr, const struct lisp_prefix *eid)
{
	for (unsigned i = 0; i < ITR_REQ_MAX; i++)
		if (itr->req[i].used && lisp_prefix_cmp(&itr->req[i].eid, eid) == 0)
			return &itr->req[i];
	return NULL;
}

/* A free slot, else the longest-idle one. */
static struct itr_req *alloc(struct itr *itr, uint64_t now)
{
	struct itr_req *best = NULL;

	for (unsigned i = 0; i < ITR_REQ_MAX; i++) {
		struct itr_req *r = &itr->req[i];

		if (!r->used)
			return r;
		if (r->nonce == 0 && now >= r->hold_until_ms &&
		    now - r->last_sent_ms >= ITR_REQ_IDLE_KEEP_MS &&
		    (!best || r->last_sent_ms < best->last_sent_ms))
			best = r;
	}
	return best;
}

/* The current resolver, or the next one of a family we have an RLOC for. */
static int pick_resolver(struct itr *itr)
{
	for (unsigned k = 0; k < itr->n_mr; k++) {
		unsigned i = (itr->cur_mr + k) % itr->n_mr;

		if (rloc_of(itr, itr->mr[i].afi))
			return (int)i;
	}
	return -1;
}

static int build(struct itr *itr, const struct itr_req *r, const struct lisp_ip *src,
		 size_t *len)
{
	struct lisp_map_request *q = &itr->tx_req;
	uint16_t afi = r->eid.addr.ip.afi;
	const struct lisp_ip *seid = eid_of(itr, afi);
	uint32_t iid = itr_prefix_iid(&r->eid);
	struct lisp_ecm ecm;
	size_t qlen = 0;

	memset(q, 0, sizeof(*q));
	q->nonce = r->nonce;
	q->smr_invoked = r->reason == ITR_REQ_SMR;
	q->pitr = itr->pitr;
	if (!seid)
		seid = eid_of(itr, afi == LISP_AFI_IPV4 ? LISP_AFI_IPV6 : LISP_AFI_IPV4);
	/* Without an EID of our own the source EID stays AFI 0. */
	if (seid) {
		lisp_addr_from_ip(&q->source_eid, seid);
		if (iid)
			lisp_addr_set_iid(&q->source_eid, iid);
	}
	for (unsigned i = 0; i < itr->n_rlocs; i++)
		lisp_addr_from_ip(&q->itr[q->n_itr++], &itr->rlocs[i]);
	q->n_eid = 1;
	q->eid[0] = r->eid;
	if (lisp_map_request_encode(itr->tx2, sizeof(itr->tx2), &qlen, q, NULL))
		return -1;

	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = *src;
	ecm.inner_dst = r->eid.addr.ip;
	ecm.inner_ttl = 255;
	ecm.inner_sport = LISP_CONTROL_PORT;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = itr->tx2;
	ecm.payload_len = qlen;
	return lisp_ecm_encode(itr->tx, sizeof(itr->tx), len, &ecm, NULL);
}

/* One try of r's request (nonce already set). */
static int send_try(struct itr *itr, struct itr_req *r)
{
	const struct lisp_ip *src;
	struct lisp_ip unspec;
	size_t len = 0;
	int mr;

	src = inner_source(itr, r, &unspec);
	if (itr->n_rlocs == 0 || !src) {
		itr->ctr.req_no_source++;
		return -1;
	}
	mr = pick_resolver(itr);
	if (mr < 0) {
		itr->ctr.req_no_resolver++;
		return -1;
	}
	if (build(itr, r, src, &len)) {
		itr->ctr.req_send_errors++;
		return -1;
	}
	r->mr = (unsigned)mr;
	r->tries++;
	r->last_sent_ms = now_ms(itr);
	itr->ctr.req_sent++;
	if (r->reason == ITR_REQ_SMR)
		itr->ctr.smr_invoked_sent++;
	if (cp_io_send(itr->io, NULL, &itr->mr[mr], LISP_CONTROL_PORT, itr->tx, len))
		itr->ctr.req_send_errors++;
	ev_timer_arm(itr->loop, &r->timer, r->retx_ms);
	r->retx_ms *= 2;
	return 0;
}

static void on_req_timer(struct ev_timer *t, void *arg)
{
	struct itr_req *r = arg;
	struct itr *itr = r->itr;
	char p[LISP_ADDR_STRLEN];

	(void)t;
	if (r->nonce == 0)
		return;
	itr->ctr.req_timeouts++;
	r->unanswered++;
	if (itr->n_mr > 1 && itr->cur_mr == r->mr) {
		/* Replies come from ETRs or map-servers, never from the resolver:
		 * silence is all we learn about it, so move on to the next. */
		itr->cur_mr = (r->mr + 1) % itr->n_mr;
		itr->ctr.resolver_failovers++;
	}
	if (r->unanswered >= itr->t.req_hold_after) {
		r->nonce = 0;
		r->hold_until_ms = now_ms(itr) + itr->t.req_hold_ms;
		itr->ctr.req_held++;
		lispd_log_rl(LISPD_LOG_WARN, "itr: %s: %u Map-Requests unanswered, pausing",
			     lisp_prefix_format(&r->eid, p, sizeof(p)), r->unanswered);
		return;
	}
	if (r->tries > itr->retries) {
		r->nonce = 0;
		itr->ctr.req_gave_up++;
		return;
	}
	itr->ctr.req_retries++;
	if (send_try(itr, r))
		r->nonce = 0;
}

int itr_resolve(struct itr *itr, const struct lisp_prefix *eid, const struct lisp_ip *src,
		enum itr_req_reason reason)
{
	uint64_t now = now_ms(itr);
	struct lisp_prefix canon = *eid;
	struct itr_req *r;

	itr_prefix_canon(&canon);
	r = find(itr, &canon);
	if (r && now < r->hold_until_ms) {
		itr->ctr.req_held++;
		return -1;
	}
	if (r && (r->nonce != 0 || now - r->last_sent_ms < itr->t.req_min_interval_ms)) {
		itr->ctr.req_rate_limited++;
		return -1;
	}
	if (!r) {
		r = alloc(itr, now);
		if (!r) {
			itr->ctr.req_table_full++;
			return -1;
		}
		ev_timer_cancel(itr->loop, &r->timer);
		memset(r, 0, sizeof(*r));
		r->itr = itr;
		ev_timer_init(&r->timer, on_req_timer, r);
		r->used = true;
		r->eid = canon;
	}
	memset(&r->src, 0, sizeof(r->src));
	if (src)
		r->src = *src;
	r->reason = reason;
	r->tries = 0;
	r->retx_ms = itr->t.req_retx_first_ms;
	if (lisp_nonce64(&r->nonce))
		return -1;
	if (send_try(itr, r)) {
		r->nonce = 0;
		return -1;
	}
	return 0;
}

void itr_on_reply(struct itr *itr, const struct lisp_map_reply *rep)
{
	struct itr_req *r = NULL;
	char a[LISP_ADDR_STRLEN];

	for (unsigned i = 0; i < ITR_REQ_MAX && rep->nonce; i++) {
		if (itr->req[i].used && itr->req[i].nonce == rep->nonce) {
			r = &itr->req[i];
			break;
		}
	}
	if (!r) {
		itr->ctr.reply_unknown_nonce++;
		lispd_log_rl(LISPD_LOG_DEBUG1, "itr: Map-Reply with unknown nonce dropped");
		return;
	}
	itr->ctr.reply_accepted++;
	r->nonce = 0;
	r->unanswered = 0;
	ev_timer_cancel(itr->loop, &r->timer);
	for (unsigned i = 0; i < rep->n_rec; i++) {
		struct lisp_prefix p = rep->rec[i].eid;

		/* Only what answers our question: a replier must not plant
		 * entries for prefixes we did not ask about. */
		itr_prefix_canon(&p);
		if (!lisp_prefix_contains(&p, &r->eid)) {
			itr->ctr.reply_record_foreign++;
			continue;
		}
		itr_mc_put_record(itr, &rep->rec[i], r->reason == ITR_REQ_REFRESH);
	}
	log_debug1("itr: Map-Reply for %s", lisp_prefix_format(&r->eid, a, sizeof(a)));
}

/* The SMR-invoked request for e: asks the mapping system, never the SMR's
 * sender (an SMR is not authenticated); the cached mapping stays until the
 * reply replaces it. Starts the entry's interval. */
static void smr_request(struct itr *itr, struct itr_mc_entry *e, const struct lisp_ip *src,
			uint64_t now)
{
	struct lisp_prefix p;

	e->last_smr_ms = now;
	itr_mc_touch(itr, e);
	itr_prefix_host(&p, itr_prefix_iid(&e->eid), src);
	itr_resolve(itr, &p, NULL, ITR_REQ_SMR);
}

void itr_on_smr_timer(struct ev_timer *t, void *arg)
{
	struct itr_mc_entry *e = arg;

	(void)t;
	/* Removal cancels this timer and a static put too; the check keeps
	 * the rule in one place should another path change the origin. */
	if (e->origin != ITR_MC_DYNAMIC)
		return;
	smr_request(e->itr, e, &e->smr_src, now_ms(e->itr));
}

/* FNV-1a over the SMR's ITR-RLOCs, in the order sent. */
static uint64_t smr_itr_hash(const struct lisp_map_request *req)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (unsigned i = 0; i < req->n_itr; i++) {
		const struct lisp_addr *a = &req->itr[i];
		uint8_t b[18] = { (uint8_t)(a->ip.afi >> 8), (uint8_t)a->ip.afi };

		if (a->kind != LISP_ADDR_IP)
			continue;
		memcpy(b + 2, a->ip.bytes, 16);
		for (unsigned k = 0; k < sizeof(b); k++)
			h = (h ^ b[k]) * 0x100000001b3ull;
	}
	return h;
}

void itr_on_smr(struct itr *itr, const struct lisp_map_request *req)
{
	const struct lisp_addr *s = &req->source_eid;
	uint32_t iid = s->has_iid ? s->iid : 0;
	struct itr_mc_entry *e;
	uint64_t now = now_ms(itr), h;

	itr->ctr.smr_received++;
	if (s->kind != LISP_ADDR_IP) {
		itr->ctr.smr_ignored++;
		return;
	}
	e = itr_mc_lookup(itr, iid, &s->ip);
	/* Static entries are the operator's: an SMR does not override them. */
	if (!e || e->origin != ITR_MC_DYNAMIC) {
		itr->ctr.smr_ignored++;
		return;
	}
	h = smr_itr_hash(req);
	if (e->last_smr_ms && now - e->last_smr_ms < itr->t.smr_interval_ms) {
		/* Not dropped: the peer's mapping may have changed again since
		 * our last request was answered (a move seen as two changes, an
		 * IPv4 then an IPv6 address), so one trailing request at the end
		 * of the interval takes every SMR of the interval; the bound of
		 * one request per entry per interval holds. The same ITR-RLOCs
		 * as the SMR already answered are the same news (one SMR per RLOC
		 * of ours): no trailing request for those, so it does not push
		 * the peer's next move to the end of another interval. */
		itr->ctr.smr_rate_limited++;
		if (ev_timer_armed(&e->smr_timer)) {
			e->smr_src = s->ip;   /* the trailing request asks for the latest */
			return;
		}
		if (h == e->smr_itr_hash)
			return;
		e->smr_src = s->ip;
		e->smr_itr_hash = h;
		itr->ctr.smr_deferred++;
		ev_timer_arm_at(itr->loop, &e->smr_timer, e->last_smr_ms + itr->t.smr_interval_ms);
		return;
	}
	/* After the interval: at once (a trailing request still armed, only
	 * possible if the loop ran late, is taken by this one). */
	ev_timer_cancel(itr->loop, &e->smr_timer);
	e->smr_itr_hash = h;
	smr_request(itr, e, &s->ip, now);
}
