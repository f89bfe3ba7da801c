/* The ETR side of a mobile node: authoritative Map-Replies for our EIDs
 * (direct, or ECM-forwarded by a map-server) and RLOC-probe replies. SMRs
 * arrive here too and go to the ITR side (itr_on_smr): an SMR only ever
 * triggers an SMR-invoked Map-Request; it never changes the map-cache by
 * itself. */
#ifndef MN_ETR_H
#define MN_ETR_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"
#include "lisp_msg.h"

struct mn;

/* Replies are rate-limited per (requester RLOC, our EID): a requester
 * asking for our IPv4 and IPv6 EIDs at once gets both answers. */
#define MN_ETR_RL_MAX 64

struct mn_etr_rl {
	bool used;
	struct lisp_ip rloc;
	unsigned map;        /* index into conf.map */
	uint64_t last_ms;
};

struct mn_etr {
	struct mn_etr_rl rl[MN_ETR_RL_MAX];
};

/* req decoded from a datagram (outer src/sport/dst); ecm is the envelope
 * when the request came inside an ECM, else NULL. */
void mn_etr_on_request(struct mn *mn, const struct lisp_map_request *req,
		       const struct lisp_ip *src, uint16_t sport, const struct lisp_ip *dst,
		       const struct lisp_ecm *ecm);

#endif
