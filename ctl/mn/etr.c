/* Map-Replies for our EIDs, RLOC-probe replies, and SMRs. */
#include "mn/mn_priv.h"

#include <string.h>

#include "log.h"

/* True if a reply to (rloc, our mapping) may go now; records it. */
static bool rate_ok(struct mn *mn, const struct lisp_ip *rloc, unsigned map)
{
	uint64_t now = mn_now(mn);
	struct mn_etr_rl *slot = NULL, *oldest = NULL;

	for (unsigned i = 0; i < MN_ETR_RL_MAX; i++) {
		struct mn_etr_rl *s = &mn->etr.rl[i];

		if (!s->used) {
			if (!slot)
				slot = s;
			continue;
		}
		if (s->map == map && lisp_ip_equal(&s->rloc, rloc)) {
			if (now - s->last_ms < mn->t.reply_interval_ms)
				return false;
			s->last_ms = now;
			return true;
		}
		if (!oldest || s->last_ms < oldest->last_ms)
			oldest = s;
	}
	/* Table full: forget the requester heard from longest ago. */
	if (!slot)
		slot = oldest;
	slot->used = true;
	slot->rloc = *rloc;
	slot->map = map;
	slot->last_ms = now;
	return true;
}

/* Where the reply goes: the first ITR-RLOC of a family we have an RLOC
 * for; for an ECM without one, the inner source. */
static const struct lisp_ip *reply_target(struct mn *mn, const struct lisp_map_request *req,
					  const struct lisp_ecm *ecm)
{
	for (unsigned i = 0; i < req->n_itr; i++) {
		const struct lisp_addr *a = &req->itr[i];

		if (a->kind == LISP_ADDR_IP && mn_rloc_of(mn, a->ip.afi))
			return &a->ip;
	}
	if (ecm && mn_rloc_of(mn, ecm->inner_src.afi))
		return &ecm->inner_src;
	return NULL;
}

static void send_reply(struct mn *mn, const struct lisp_map_request *req, const struct lisp_ip *to,
		       uint16_t dport, const struct lisp_ip *from, const int *maps, unsigned n_maps,
		       const struct lisp_ip *probed)
{
	struct lisp_map_reply *rep = &mn->tx_rep;
	size_t len = 0;

	memset(rep, 0, sizeof(*rep));
	rep->nonce = req->nonce;
	rep->probe = req->probe;
	for (unsigned k = 0; k < n_maps; k++) {
		struct lisp_record *r = &rep->rec[rep->n_rec];
		unsigned i = (unsigned)maps[k];

		r->n_loc = (uint8_t)mn_our_locators(mn, i, probed, r->loc, LISP_MAX_LOCATORS);
		r->ttl = mn->conf.map[i].ttl_min;
		r->authoritative = true;
		r->act = LISP_ACT_NO_ACTION;
		r->eid = mn->conf.map[i].eid;
		rep->n_rec++;
	}
	if (lisp_map_reply_encode(mn->tx, sizeof(mn->tx), &len, rep, NULL) ||
	    cp_io_send(mn->io, from, to, dport, mn->tx, len)) {
		mn->ctr.etr_send_errors++;
		return;
	}
	if (req->probe)
		mn->ctr.probe_replies++;
	else
		mn->ctr.etr_replies++;
}

void mn_etr_on_request(struct mn *mn, const struct lisp_map_request *req,
		       const struct lisp_ip *src, uint16_t sport, const struct lisp_ip *dst,
		       const struct lisp_ecm *ecm)
{
	const struct lisp_ip *to;
	int maps[LISP_MAX_RECORDS];
	unsigned n_maps = 0, ours = 0;
	char a[LISP_ADDR_STRLEN];

	(void)src;
	if (req->smr) {
		/* Ours to act on only as an ITR: refresh the cached mapping
		 * through the resolver (ctl/itr). */
		itr_on_smr(&mn->itr, req);
		return;
	}
	if (req->probe && ecm) {
		/* Probes test the direct path; through the mapping system they
		 * prove nothing and would let anyone aim our replies. */
		mn->ctr.etr_probe_in_ecm++;
		return;
	}
	mn->ctr.etr_requests++;
	to = reply_target(mn, req, ecm);
	if (!to) {
		mn->ctr.etr_no_itr_rloc++;
		return;
	}
	for (unsigned i = 0; i < req->n_eid; i++) {
		int m = mn_map_covering(mn, &req->eid[i]);
		bool dup = false;

		if (m < 0)
			continue;
		ours++;
		for (unsigned k = 0; k < n_maps; k++)
			dup |= maps[k] == m;
		if (dup)
			continue;
		if (rate_ok(mn, to, (unsigned)m))
			maps[n_maps++] = m;
		else
			mn->ctr.etr_rate_limited++;
	}
	if (ours == 0) {
		mn->ctr.etr_not_ours++;
		return;
	}
	if (n_maps == 0)
		return;
	log_debug2("mn: Map-Reply%s to %s", req->probe ? " (probe)" : "",
		   lisp_ip_format(to, a, sizeof(a)));
	send_reply(mn, req, to, ecm ? ecm->inner_sport : sport,
		   req->probe && dst && dst->afi == to->afi ? dst : NULL, maps, n_maps,
		   req->probe ? dst : NULL);
}
