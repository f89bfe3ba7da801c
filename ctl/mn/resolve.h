/* Resolution: ECM-wrapped Map-Requests to the map-resolvers, a table of
 * requests keyed by prefix (rate limit, hold-down) whose outstanding nonce
 * is the only one a Map-Reply may carry, retries with doubling intervals,
 * failover to the next resolver when a try goes unanswered. */
#ifndef MN_RESOLVE_H
#define MN_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evloop.h"
#include "lisp_addr.h"
#include "lisp_msg.h"

struct mn;

/* Bounded: a flood of misses cannot grow memory. */
#define MN_REQ_MAX 256
/* An idle entry (no request in flight, no hold) is reusable after this. */
#define MN_REQ_IDLE_KEEP_MS 60000

enum mn_req_reason {
	MN_REQ_MISS = 0,
	MN_REQ_REFRESH,   /* entry near expiry */
	MN_REQ_SMR,       /* SMR-invoked (s=1) */
};

struct mn_req {
	struct mn *mn;
	bool used;
	struct lisp_prefix eid;   /* what the record asks for */
	struct lisp_ip src_eid;   /* inner source; afi NONE = pick our EID */
	enum mn_req_reason reason;
	uint64_t nonce;           /* 0 = nothing in flight */
	unsigned tries;           /* sends of the request in flight */
	unsigned mr;              /* resolver of the last try */
	uint32_t retx_ms;
	uint64_t last_sent_ms;
	unsigned unanswered;      /* consecutive tries without a reply */
	uint64_t hold_until_ms;
	struct ev_timer timer;
};

struct mn_resolver {
	unsigned cur_mr;
	struct mn_req req[MN_REQ_MAX];
};

void mn_resolve_init(struct mn *mn);
void mn_resolve_teardown(struct mn *mn);
/* Asks for eid (a host prefix on a miss; an entry's prefix on a refresh or
 * SMR). src_eid may be NULL. Returns 0 when a request went out, -1 when it
 * was suppressed (counted). */
int mn_resolve(struct mn *mn, const struct lisp_prefix *eid, const struct lisp_ip *src_eid,
	       enum mn_req_reason reason);
void mn_resolve_on_reply(struct mn *mn, const struct lisp_map_reply *rep);
unsigned mn_resolve_pending(const struct mn *mn);

#endif
