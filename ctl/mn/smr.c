#include "mn/mn_priv.h"

#include <string.h>

#include "lisp_nonce.h"
#include "log.h"

enum smr_verdict {
	SMR_SEND,          /* first in this round, interval over: send now */
	SMR_DONE,          /* already handled in this round */
	SMR_LATER,         /* told within the interval: owed, sent at its end */
};

/* Earliest end of interval among the owed RLOCs. */
static void arm_owed(struct mn *mn)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < mn->smr.n; i++)
		if (mn->smr.d[i].owed && mn->smr.d[i].last_ms + mn->t.smr_interval_ms < next)
			next = mn->smr.d[i].last_ms + mn->t.smr_interval_ms;
	if (next == UINT64_MAX)
		ev_timer_cancel(mn->loop, &mn->smr_owed);
	else
		ev_timer_arm_at(mn->loop, &mn->smr_owed, next);
}

/* What rloc gets in this round (records the round). */
static enum smr_verdict smr_check(struct mn *mn, const struct lisp_prefix *peer,
				  const struct lisp_ip *rloc, uint64_t now)
{
	struct mn_smr *s = &mn->smr;
	struct mn_smr_dest *oldest = NULL;

	for (unsigned i = 0; i < s->n; i++) {
		struct mn_smr_dest *d = &s->d[i];

		if (lisp_ip_equal(&d->rloc, rloc)) {
			if (d->round == s->round)
				return SMR_DONE;
			d->round = s->round;
			if (now - d->last_ms < mn->t.smr_interval_ms) {
				d->owed = true;
				d->peer = *peer;
				return SMR_LATER;
			}
			d->last_ms = now;
			d->owed = false;
			return SMR_SEND;
		}
		/* An owed RLOC is replaced only when every one is owed. */
		if (!oldest || (oldest->owed && !d->owed) ||
		    (oldest->owed == d->owed && d->last_ms < oldest->last_ms))
			oldest = d;
	}
	if (s->n < MN_SMR_DESTS)
		oldest = &s->d[s->n++];
	memset(oldest, 0, sizeof(*oldest));
	oldest->rloc = *rloc;
	oldest->last_ms = now;
	oldest->round = s->round;
	return SMR_SEND;
}

static void send_one(struct mn *mn, const struct lisp_prefix *peer, const struct lisp_ip *src,
		     const struct lisp_prefix *ours, const struct lisp_ip *dst)
{
	struct lisp_map_request *q = &mn->tx_smr;
	size_t len = 0;

	memset(q, 0, sizeof(*q));
	q->smr = true;
	if (lisp_nonce64(&q->nonce))
		q->nonce = mn_now(mn) ^ 0x534d52u;
	q->source_eid = ours->addr;
	for (unsigned i = 0; i < mn->n_rlocs; i++)
		lisp_addr_from_ip(&q->itr[q->n_itr++], &mn->rlocs[i]);
	/* Then every other locator we advertise: the ITR-RLOCs tell the peer
	 * what changed, and it takes a second SMR inside its interval only
	 * when they differ (itr_on_smr), e.g. when a locator we do not send
	 * from went away. */
	for (unsigned i = 0; i < mn->n_locs && q->n_itr < LISP_MAX_ITR_RLOCS; i++) {
		bool dup = false;

		for (unsigned k = 0; k < mn->n_rlocs; k++)
			dup |= lisp_ip_equal(&mn->locs[i].addr, &mn->rlocs[k]);
		if (!dup)
			lisp_addr_from_ip(&q->itr[q->n_itr++], &mn->locs[i].addr);
	}
	q->n_eid = 1;
	q->eid[0] = *peer;
	if (lisp_map_request_encode(mn->tx, sizeof(mn->tx), &len, q, NULL)) {
		mn->ctr.smr_send_errors++;
		return;
	}
	if (cp_io_send(mn->io, src, dst, LISP_CONTROL_PORT, mn->tx, len))
		mn->ctr.smr_send_errors++;
	else
		mn->ctr.smr_sent++;
}

/* One SMR per EID of ours to dst: the peer refreshes whichever of our
 * EIDs it caches (it looks the source EID up). */
static void smr_dest(struct mn *mn, const struct lisp_prefix *peer, const struct lisp_ip *dst)
{
	const struct lisp_ip *src = mn_rloc_of(mn, dst->afi);

	if (!src) {
		mn->ctr.smr_no_source++;
		return;
	}
	switch (smr_check(mn, peer, dst, mn_now(mn))) {
	case SMR_DONE:
		return;
	case SMR_LATER:
		mn->ctr.smr_tx_rate_limited++;
		return;
	case SMR_SEND:
		break;
	}
	for (unsigned i = 0; i < mn->conf.n_map; i++)
		send_one(mn, peer, src, &mn->conf.map[i].eid, dst);
}

unsigned mn_smr_all(struct mn *mn)
{
	uint64_t before = mn->ctr.smr_sent;

	if (mn->n_rlocs == 0 || mn->conf.n_map == 0)
		return 0;
	mn->smr.round++;
	/* Every dynamic entry, the most recently used first. */
	for (struct itr_mc_entry *e = mn->itr.lru_newest; e; e = e->lru_older) {
		for (unsigned i = 0; i < e->n_loc; i++)
			if (e->loc[i].up)
				smr_dest(mn, &e->eid, &e->loc[i].addr);
	}
	/* A proxy-ITR caches our mapping for the non-LISP sites talking to us;
	 * no peer prefix applies, so the record names our own. */
	for (unsigned i = 0; i < mn->conf.n_pitr; i++)
		smr_dest(mn, &mn->conf.map[0].eid, &mn->conf.pitr[i]);
	arm_owed(mn);
	log_debug1("mn: %u SMR(s) sent", (unsigned)(mn->ctr.smr_sent - before));
	return (unsigned)(mn->ctr.smr_sent - before);
}

void mn_smr_send_owed(struct mn *mn)
{
	uint64_t now = mn_now(mn);

	/* A move is waiting for its Map-Notify: its round (mn_smr_release)
	 * serves the owed RLOCs with the locators the map-server will give. */
	if (mn->smr_pending)
		return;
	mn->smr.round++;
	for (unsigned i = 0; i < mn->smr.n; i++) {
		struct mn_smr_dest *d = &mn->smr.d[i];
		const struct lisp_ip *src;

		if (!d->owed || now - d->last_ms < mn->t.smr_interval_ms)
			continue;
		d->owed = false;
		d->last_ms = now;
		d->round = mn->smr.round;
		src = mn_rloc_of(mn, d->rloc.afi);
		if (!src || mn->conf.n_map == 0) {
			mn->ctr.smr_no_source++;
			continue;
		}
		mn->ctr.smr_tx_deferred++;
		for (unsigned k = 0; k < mn->conf.n_map; k++)
			send_one(mn, &d->peer, src, &mn->conf.map[k].eid, &d->rloc);
	}
	arm_owed(mn);
}
