/* Map-Register replay protection, per site.
 *
 * RFC 9301 wants the nonce of an xTR's Map-Registers to increase, and the MS
 * to refuse one not greater than the last accepted. Deployed senders differ:
 * Open Overlay Router and LISPmob send random nonces and no xTR-ID (see
 * tests/interop/data: successive registers of one xTR carry unrelated
 * nonces), so "greater" would refuse half their registrations. Hence:
 *  - Map-Register with the I bit (xTR-ID present, as our MN sends): the
 *    nonce must be greater than the last one accepted from that xTR-ID for
 *    that site (the RFC rule); that state outlives the registrations
 *    (xtr_state_ms) so an old message cannot be replayed after expiry.
 *  - Without the I bit: an exact repeat of a nonce accepted for that site
 *    within nonce_window_ms is refused. That stops the replay of a recent
 *    capture; an older capture can still be replayed. Such senders get no
 *    more protection than the protocol they speak allows (the identity of an
 *    I=0 sender is only its unauthenticated source address).
 * Lookups are hash-table operations: O(1) per message. */
#ifndef MS_REPLAY_H
#define MS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

struct ms_replay_ent;

struct ms_replay {
	struct ms_replay_ent **buckets;
	size_t n_buckets;   /* power of two, or 0 */
	size_t n;
};

void ms_replay_init(struct ms_replay *r);
void ms_replay_free(struct ms_replay *r);

/* True when the register (site, xtr_id or NULL for I=0, nonce) replays one
 * already accepted. */
bool ms_replay_seen(const struct ms_replay *r, const struct lisp_prefix *site,
		    const uint8_t *xtr_id, uint64_t nonce, uint64_t now_ms,
		    uint64_t nonce_window_ms);
/* Records an accepted register. Returns 0, or -1 when out of memory. */
int ms_replay_commit(struct ms_replay *r, const struct lisp_prefix *site, const uint8_t *xtr_id,
		     uint64_t nonce, uint64_t now_ms);
/* Forgets xTR-IDs unseen for xtr_keep_ms and nonces older than nonce_keep_ms. */
void ms_replay_sweep(struct ms_replay *r, uint64_t now_ms, uint64_t xtr_keep_ms,
		     uint64_t nonce_keep_ms);

#endif
