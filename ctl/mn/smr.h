/* Telling peers that our locators changed: Solicit-Map-Requests (S=1, our
 * EID as source, our new RLOCs as ITR-RLOCs, the peer's prefix as record)
 * sent straight to each up locator of every dynamic map-cache entry and to
 * the configured proxy-ITRs, on port 4342, never wrapped in an ECM. A peer
 * answers by asking the mapping system again (RFC 9301 s. 6.1), so a flood
 * of SMRs is bounded per destination RLOC: at most one per interval. An
 * RLOC told within the interval of an earlier locator set is owed the
 * current one: it gets it when its interval ends (one trailing SMR, however
 * many moves came in between), so a peer never keeps a stale set until TTL. */
#ifndef MN_SMR_H
#define MN_SMR_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"

#define MN_SMR_DESTS 64   /* RLOCs remembered for the rate limit (oldest replaced) */

struct mn_smr_dest {
	struct lisp_ip rloc;
	uint64_t last_ms;
	uint64_t round;
	bool owed;                /* limited since its last SMR: one due at last_ms + interval */
	struct lisp_prefix peer;  /* the record of the owed SMR */
};

struct mn_smr {
	unsigned n;
	uint64_t round;           /* one per mn_smr_all: a peer RLOC gets one SMR per EID of ours */
	struct mn_smr_dest d[MN_SMR_DESTS];
};

struct mn;

/* SMRs to every peer and proxy-ITR now; returns how many went out. */
unsigned mn_smr_all(struct mn *mn);
/* After a move: sends the SMRs held back for the new registration, if any
 * (called when a Map-Notify is accepted, or when the hold expires). */
void mn_smr_release(struct mn *mn);
/* The owed SMRs whose interval has ended (the smr_owed timer). */
void mn_smr_send_owed(struct mn *mn);

#endif
