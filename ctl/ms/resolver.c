/* Map-Resolver side (RFC 9301 §8.3-8.4): ECM-wrapped Map-Requests only.
 * For the requested EID:
 *  - registered, and the site or a registering xTR asked for proxy replies:
 *    Map-Reply from us (A=0) to the first usable ITR-RLOC, at the inner UDP
 *    source port;
 *  - registered otherwise: the ECM goes on to an ETR of the registration,
 *    with the E (to-ETR) bit set (§5.8), and the ETR answers the ITR;
 *  - not registered: negative Map-Reply, natively-forward, for the least-
 *    specific prefix covering the EID and no configured or registered
 *    prefix: TTL 1 minute inside a configured site, 15 outside every site.
 * Only within ms-limits' rates (ratelimit.h): over them, dropped and counted.
 * An ECM with N carries a Map-Register relayed by an RTR instead (rtr.c). */
#include "ms/ms_priv.h"

#include <string.h>

#include "log.h"

#define MS_MAX_PKT 1500
#define NEG_TTL_IN_SITE_MIN 1
#define NEG_TTL_NO_SITE_MIN 15

static bool is_ip(const struct lisp_addr *a)
{
	return a->kind == LISP_ADDR_IP &&
	       (a->ip.afi == LISP_AFI_IPV4 || a->ip.afi == LISP_AFI_IPV6);
}

static const struct lisp_ip *src_for(const struct lisp_ip *ours, const struct lisp_ip *to)
{
	return ours && ours->afi == to->afi ? ours : NULL;
}

/* Sends a Map-Reply to the first ITR-RLOC the core can send to. */
static int reply_to_itr(struct ms *ms, const struct lisp_map_request *req, uint16_t port,
			const struct lisp_ip *dst, const struct lisp_record *rec)
{
	static struct lisp_map_reply rep;
	uint8_t out[MS_MAX_PKT];
	size_t out_len;

	memset(&rep, 0, sizeof(rep));
	rep.nonce = req->nonce;
	rep.n_rec = 1;
	rep.rec[0] = *rec;
	if (lisp_map_reply_encode(out, sizeof(out), &out_len, &rep, NULL)) {
		ms->ctr.encode_failed++;
		return -1;
	}
	for (unsigned i = 0; i < req->n_itr; i++) {
		const struct lisp_ip *itr = &req->itr[i].ip;

		if (!is_ip(&req->itr[i]))
			continue;
		if (ms_send(ms, src_for(dst, itr), itr, port, out, out_len) == 0)
			return 0;
	}
	ms->ctr.drop_no_itr_rloc++;
	return -1;
}

/* The ETR address to forward to: the best reachable locator of the most
 * recently refreshed registration, else the address that registered. */
static const struct lisp_ip *etr_of(const struct ms_reg *reg)
{
	for (const struct ms_contrib *c = reg->contribs; c; c = c->next) {
		const struct lisp_locator *best = NULL;

		for (unsigned i = 0; i < c->n_loc; i++) {
			const struct lisp_locator *l = &c->loc[i];

			if (is_ip(&l->addr) && l->reachable && l->priority != 255 &&
			    (!best || l->priority < best->priority))
				best = l;
		}
		if (best)
			return &best->addr.ip;
		if (!c->is_static && c->src.afi)
			return &c->src;
	}
	return NULL;
}

static void forward(struct ms *ms, const struct lisp_ecm *ecm, const struct ms_reg *reg,
		    const struct lisp_ip *dst)
{
	struct lisp_ecm fwd = *ecm;
	const struct lisp_ip *etr = etr_of(reg);
	uint8_t out[MS_MAX_PKT];
	size_t out_len;

	if (!etr) {
		ms->ctr.drop_no_etr_rloc++;
		return;
	}
	fwd.to_etr = true;
	if (lisp_ecm_encode(out, sizeof(out), &out_len, &fwd, NULL)) {
		ms->ctr.encode_failed++;
		return;
	}
	if (ms_send(ms, src_for(dst, etr), etr, LISP_CONTROL_PORT, out, out_len) == 0)
		ms->ctr.requests_forwarded++;
}

static void answer(struct ms *ms, const struct lisp_ecm *ecm, const struct lisp_map_request *req,
		   const struct lisp_ip *dst)
{
	static struct lisp_record rec;
	const struct lisp_prefix *eid = &req->eid[0];
	struct ms_site *site = NULL;
	struct ms_reg *reg = NULL;
	bool proxy;

	if (is_ip(&eid->addr))
		ms_db_match(&ms->db, eid, &site, &reg);
	if (reg) {
		ms_reg_record(reg, &rec, &proxy);
		if (!proxy) {
			forward(ms, ecm, reg, dst);
			return;
		}
		rec.authoritative = false;
		if (reply_to_itr(ms, req, ecm->inner_sport, dst, &rec) == 0)
			ms->ctr.replies_proxy++;
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.eid = *eid;
	rec.act = LISP_ACT_NATIVELY_FORWARD;
	rec.ttl = site ? NEG_TTL_IN_SITE_MIN : NEG_TTL_NO_SITE_MIN;
	rec.eid.plen = (uint8_t)(is_ip(&eid->addr) ? ms_db_negative_len(&ms->db, eid, site) : 0);
	lisp_prefix_normalize(&rec.eid);
	if (reply_to_itr(ms, req, ecm->inner_sport, dst, &rec) == 0)
		ms->ctr.replies_negative++;
}

/* The answer goes to the first ITR-RLOC, so a request is charged to the
 * address it came from and to the one the answer goes to (once when they
 * are the same), and to every source together: no sender and no victim of
 * a reflection gets more than the configured rate. Counted and logged
 * (rate-limited) when over. */
static bool within_rate(struct ms *ms, const struct lisp_ip *src,
			const struct lisp_map_request *req)
{
	const struct lisp_ip *keys[MS_RL_MAX_KEYS] = { src, NULL };
	enum ms_rl_verdict v;
	char a[LISP_ADDR_STRLEN], b[LISP_ADDR_STRLEN] = "none";

	for (unsigned i = 0; i < req->n_itr && !keys[1]; i++)
		if (is_ip(&req->itr[i]))
			keys[1] = &req->itr[i].ip;
	v = ms_rl_take(&ms->rl, keys, MS_RL_MAX_KEYS, ev_now_ms(ms->loop));
	ms->ctr.request_sources_evicted = ms->rl.evicted;
	if (v == MS_RL_PASS)
		return true;
	if (keys[1])
		lisp_ip_format(keys[1], b, sizeof(b));
	if (v == MS_RL_SOURCE) {
		ms->ctr.drop_request_rate_limited++;
		lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Request from %s (ITR-RLOC %s) over "
			     "map-request-rate %u/s: dropped", lisp_ip_format(src, a, sizeof(a)), b,
			     ms->limits.request_rate);
	} else {
		ms->ctr.drop_request_rate_total++;
		lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Request from %s (ITR-RLOC %s) over "
			     "map-request-rate-total %u/s: dropped",
			     lisp_ip_format(src, a, sizeof(a)), b, ms->limits.request_rate_total);
	}
	return false;
}

void ms_handle_ecm(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	static struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct lisp_err err = { 0 };

	ms->ctr.rx_ecm++;
	if (lisp_ecm_decode(buf, len, &ecm, &err) != 0) {
		ms_decode_failed(ms, &ms->ctr.drop_ecm_decode, "ECM", src, &err);
		return;
	}
	/* A Map-Register an RTR relays for a node behind a NAT (rtr.c). */
	if (ecm.nat) {
		ms_handle_relayed(ms, src, sport, dst, &ecm);
		return;
	}
	/* One we (or another MS) meant for an ETR: answering would loop. */
	if (ecm.to_etr) {
		ms->ctr.drop_ecm_to_etr++;
		return;
	}
	if (lisp_msg_type(ecm.payload, ecm.payload_len) != LISP_MAP_REQUEST) {
		ms->ctr.drop_ecm_not_request++;
		return;
	}
	if (lisp_map_request_decode(ecm.payload, ecm.payload_len, &req, &err) != 0) {
		ms_decode_failed(ms, &ms->ctr.drop_request_decode, "Map-Request in ECM", src, &err);
		return;
	}
	/* RLOC probes go straight to ETRs, never through the mapping system. */
	if (req.probe) {
		ms->ctr.drop_request_probe++;
		return;
	}
	if (ecm.inner_sport == 0) {
		ms->ctr.drop_no_reply_port++;
		return;
	}
	if (!within_rate(ms, src, &req))
		return;
	/* One record per request is what ITRs send; further ones are not answered. */
	answer(ms, &ecm, &req, dst);
}
