/* Info-Request -> Info-Reply (NAT detection, docs/NAT.md 3.1, 4.3): the
 * node learns the address and port its NAT gave it (the request's source
 * as seen here) and the RTRs it may register through.
 *
 * Answered only for an EID inside a configured site and a MAC valid with
 * that site's key, and only within the Map-Request rates (the same
 * buckets: an Info-Reply goes to the request's source address, which a
 * replayed request chooses). Info-Requests carry random nonces, so no
 * replay state is kept: a replay gets the same answer, to the same place. */
#include "ms/ms_priv.h"

#include <string.h>

#include "lisp_auth.h"
#include "log.h"

#define MS_MAX_PKT 1500

static bool within_rate(struct ms *ms, const struct lisp_ip *src)
{
	const struct lisp_ip *keys[1] = { src };
	enum ms_rl_verdict v = ms_rl_take(&ms->rl, keys, 1, ev_now_ms(ms->loop));
	char a[LISP_ADDR_STRLEN];

	ms->ctr.request_sources_evicted = ms->rl.evicted;
	if (v == MS_RL_PASS)
		return true;
	if (v == MS_RL_SOURCE)
		ms->ctr.drop_info_rate_limited++;
	else
		ms->ctr.drop_info_rate_total++;
	lispd_log_rl(LISPD_LOG_WARN, "ms: Info-Request from %s over map-request-rate%s: dropped",
		     lisp_ip_format(src, a, sizeof(a)), v == MS_RL_SOURCE ? "" : "-total");
	return false;
}

/* The site whose key must have signed the request; NULL (counted) when
 * there is none. */
static struct ms_site *site_of(struct ms *ms, const struct lisp_info *req,
			       const struct lisp_ip *src)
{
	struct lisp_prefix eid = req->eid;
	struct ms_site *site = NULL;
	struct ms_reg *reg;
	char a[LISP_ADDR_STRLEN], p[LISP_ADDR_STRLEN];

	if (eid.addr.kind == LISP_ADDR_IP) {
		lisp_prefix_normalize(&eid);
		ms_db_match(&ms->db, &eid, &site, &reg);
	}
	if (site && !site->is_static)
		return site;
	if (site)
		ms->ctr.drop_info_static_site++;
	else
		ms->ctr.drop_info_no_site++;
	lispd_log_rl(LISPD_LOG_WARN, "ms: Info-Request from %s for %s: %s: dropped",
		     lisp_ip_format(src, a, sizeof(a)), lisp_prefix_format(&req->eid, p, sizeof(p)),
		     site ? "a static registered site" : "no such site");
	return NULL;
}

static void send_reply(struct ms *ms, const struct lisp_info *req, const struct ms_site *site,
		       const struct lisp_ip *src, uint16_t sport, const struct lisp_ip *dst)
{
	static struct lisp_info rep;
	uint8_t out[MS_MAX_PKT];
	size_t len;

	memset(&rep, 0, sizeof(rep));
	rep.reply = true;
	rep.nonce = req->nonce;
	rep.auth.key_id = req->auth.key_id;
	rep.auth.alg_id = req->auth.alg_id;
	rep.auth.len = req->auth.len;
	rep.ttl = ms->rtrs.ttl_min;
	rep.eid = req->eid;
	rep.ms_port = LISP_CONTROL_PORT;
	rep.etr_port = sport;
	lisp_addr_from_ip(&rep.global_etr, src);
	lisp_addr_from_ip(&rep.ms, dst);
	/* private_etr stays AFI 0, as the draft (4.2) says. */
	rep.n_rtr = ms->rtrs.n_offer;
	memcpy(rep.rtr, ms->rtrs.offer, sizeof(rep.rtr));
	if (lisp_info_encode(out, sizeof(out), &len, &rep, site->key, site->key_len, NULL)) {
		ms->ctr.encode_failed++;
		return;
	}
	if (ms_send(ms, dst, src, sport, out, len) == 0)
		ms->ctr.info_replies++;
}

void ms_handle_info(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
		    const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	static struct lisp_info req;
	struct ms_site *site;
	struct lisp_err err = { 0 };
	char a[LISP_ADDR_STRLEN], p[LISP_ADDR_STRLEN];

	ms->ctr.rx_info++;
	if (lisp_info_decode(buf, len, &req, &err) != 0) {
		ms_decode_failed(ms, &ms->ctr.drop_info_decode, "Info message", src, &err);
		return;
	}
	/* Replies are for nodes; one sent here is no question. */
	if (req.reply) {
		ms->ctr.drop_info_reply++;
		return;
	}
	if (!within_rate(ms, src))
		return;
	site = site_of(ms, &req, src);
	if (!site)
		return;
	if (req.auth.alg_id != site->key_type ||
	    lisp_auth_verify(buf, len, site->key, site->key_len, NULL) != 0) {
		ms->ctr.drop_info_auth++;
		site->auth_failures++;
		lispd_log_rl(LISPD_LOG_WARN, "ms: Info-Request from %s: authentication failed "
			     "for site %s", lisp_ip_format(src, a, sizeof(a)),
			     lisp_prefix_format(&site->eid, p, sizeof(p)));
		return;
	}
	send_reply(ms, &req, site, src, sport, dst);
}
