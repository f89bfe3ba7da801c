/* The ITR side of resolution, shared by every role that encapsulates: ECM-wrapped Map-Requests to the map-resolvers
 * (rate limit and hold-down per prefix, retries with doubling intervals,
 * failover between resolvers, only the outstanding nonce accepted), the
 * map-cache (static entries from the configuration, dynamic ones from
 * Map-Replies with TTL refresh and expiry) mirrored into the BPF map-cache,
 * and SMRs (an SMR for a cached prefix triggers an SMR-invoked request
 * through the resolver, never a reply to the SMR's sender; at most one per
 * entry per smr_interval_ms: SMRs inside the interval are not lost but
 * coalesced into one trailing request at its end).
 *
 * Used by the mobile node (ctl/mn) and the PxTR (ctl/pxtr). Map-Requests
 * carry our RLOCs as ITR-RLOCs and the p (PITR) bit when asked. Their
 * source EID and the ECM's inner source depend on whether the ITR has EIDs
 * of its own (itr_set_eids):
 *  - with EIDs (a mobile node): the source EID is ours of the requested
 *    family (else of the other one); the inner source is the address that
 *    missed, else our EID, else our RLOC of the family; none: not sent;
 *  - without (a PITR): no source EID (AFI 0); the inner source is our RLOC
 *    of the family, else the address that missed, else the unspecified
 *    address (the reply goes to the ITR-RLOCs whatever it is).
 * No sockets: packets go out through struct cp_io; time comes from the
 * ev_loop. */
#ifndef ITR_ITR_H
#define ITR_ITR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cp_io.h"
#include "core/evloop.h"
#include "lisp_addr.h"
#include "lisp_msg.h"
#include "prefix_index.h"

struct json;
struct lispd_cfg_mapping;
struct rx_errs;

#define ITR_MAX_MR 16
#define ITR_MAX_LOC 8          /* = DP_MAX_LOCATORS (asserted in itr_mapcache.c) */
#define ITR_REQ_MAX 256        /* bounded: a flood of misses cannot grow memory */
#define ITR_REQ_IDLE_KEEP_MS 60000
#define ITR_MC_MAX 16384       /* default of itr.mc_max */
#define ITR_MC_REFRESH_MAX 3   /* refreshes of an entry without a new miss */
#define ITR_MC_TTL_CAP_MIN 1440
#define ITR_TX_MAX 1232        /* within the IPv6 minimum MTU less IPv6 + UDP */

/* Protocol timers. Zero fields take the value shown; tests shrink them. */
struct itr_timing {
	uint32_t req_retx_first_ms;    /* 1000: Map-Request retry, doubling */
	uint32_t req_min_interval_ms;  /* 1000: one request per prefix per interval */
	uint32_t req_hold_ms;          /* 30000: pause for a prefix ... */
	uint32_t req_hold_after;       /* 10: ... after this many unanswered tries */
	uint32_t smr_interval_ms;      /* 3000: one SMR-invoked request per cached prefix */
	uint32_t ttl_unit_ms;          /* 60000: a record TTL counts minutes */
};

#define ITR_COUNTERS(X)                                                          \
	X(req_sent)              /* Map-Requests, retries included */             \
	X(req_retries)                                                            \
	X(req_send_errors)                                                        \
	X(req_timeouts)          /* a try without a reply */                      \
	X(req_rate_limited)      /* same prefix within the interval, or in flight */ \
	X(req_held)              /* prefix paused after too many unanswered */    \
	X(req_gave_up)           /* retries exhausted */                          \
	X(req_table_full)                                                         \
	X(req_no_resolver)                                                        \
	X(req_no_source)         /* no RLOC (or, with EIDs, no EID) to send from */ \
	X(resolver_failovers)                                                     \
	X(reply_accepted)                                                         \
	X(reply_unknown_nonce)   /* dropped */                                    \
	X(reply_record_foreign)  /* record not covering what we asked: skipped */ \
	X(mc_installed)          /* positive entries installed or replaced */    \
	X(mc_negative)           /* negative entries installed or replaced */    \
	X(mc_expired)                                                             \
	X(mc_deleted_ttl0)                                                        \
	X(mc_refresh_requests)                                                    \
	X(mc_static_kept)        /* reply for a static prefix: static wins */     \
	X(mc_full)               /* table full of static entries: reply dropped */ \
	X(mc_evicted)            /* least recently used dynamic entry made room */ \
	X(dp_errors)             /* BPF map-cache update failed */                \
	X(smr_received)                                                           \
	X(smr_ignored)           /* not cached (or static): nothing to refresh */ \
	X(smr_rate_limited)      /* within the interval: no request at once */    \
	X(smr_deferred)          /* ... of those, trailing requests scheduled */  \
	X(smr_invoked_sent)

struct itr_counters {
#define ITR_COUNTER_FIELD(name) uint64_t name;
	ITR_COUNTERS(ITR_COUNTER_FIELD)
#undef ITR_COUNTER_FIELD
};

enum itr_req_reason {
	ITR_REQ_MISS = 0,
	ITR_REQ_REFRESH,   /* entry near expiry */
	ITR_REQ_SMR,       /* SMR-invoked (s=1) */
};

struct itr;
struct dp_handle;            /* lib/dp_maps.h */

struct itr_req {
	struct itr *itr;
	bool used;
	struct lisp_prefix eid;
	struct lisp_ip src;       /* the address that missed; afi NONE = unknown */
	enum itr_req_reason reason;
	uint64_t nonce;           /* 0 = nothing in flight */
	unsigned tries;
	unsigned mr;
	uint32_t retx_ms;
	uint64_t last_sent_ms;
	unsigned unanswered;
	uint64_t hold_until_ms;
	struct ev_timer timer;
};

struct itr_loc {
	struct lisp_ip addr;
	uint8_t priority;
	uint8_t weight;
	bool up;
};

enum itr_mc_origin {
	ITR_MC_STATIC = 0,
	ITR_MC_DYNAMIC,
};

struct itr_mc_entry {
	struct prefix_trie_node *node;   /* in itr->mc */
	/* Dynamic entries only: the neighbours in the eviction order. */
	struct itr_mc_entry *lru_older, *lru_newer;
	struct itr *itr;
	struct lisp_prefix eid;   /* canonical: has_iid only when iid != 0 */
	enum itr_mc_origin origin;
	uint8_t action;           /* Map-Reply ACT; meaningful when n_loc == 0 */
	unsigned n_loc;
	struct itr_loc loc[ITR_MAX_LOC];
	uint32_t ttl_min;
	uint64_t installed_ms;
	uint64_t expires_ms;      /* dynamic only */
	unsigned refreshes;
	bool refresh_due;
	bool static_stale;        /* marked by itr_mc_static_mark */
	uint64_t last_smr_ms;     /* last SMR-invoked request (at once or trailing) */
	/* Armed when an SMR came inside the interval: at its end one trailing
	 * SMR-invoked request asks for the latest such SMR's source EID. */
	struct ev_timer smr_timer;
	struct lisp_ip smr_src;
	/* The ITR-RLOCs (the peer's locators when it sent it) of the SMR the
	 * last or pending request answers: the same set again inside the
	 * interval is the same news (the peer tells each of our RLOCs). */
	uint64_t smr_itr_hash;
	struct ev_timer timer;
};

struct itr {
	struct ev_loop *loop;
	struct cp_io *io;
	struct itr_timing t;
	const struct dp_handle *dp;  /* its map-cache mirrors ours; NULL = no data plane */
	bool pitr;                /* set the p bit in Map-Requests */

	unsigned n_mr;
	struct lisp_ip mr[ITR_MAX_MR];
	unsigned retries;         /* map-request-retries: 0 = one try only */
	unsigned cur_mr;
	unsigned n_rlocs;
	struct lisp_ip rlocs[2];
	unsigned n_eids;          /* 0 = no EID of our own (a PITR) */
	struct lisp_ip eids[2];   /* at most one per family */

	struct itr_counters ctr;
	struct itr_req req[ITR_REQ_MAX];
	struct prefix_index mc;   /* the map-cache: entries by prefix */
	/* The dynamic entries, from the least recently installed, refreshed
	 * or SMRed to the most recently. */
	struct itr_mc_entry *lru_oldest, *lru_newest;
	unsigned mc_n;
	/* Bound of the table (ITR_MC_MAX; tests shrink it). When full, a new
	 * entry evicts lru_oldest, from the data plane too: a scan of unknown
	 * EIDs cannot grow memory or push out the BPF map-cache's static
	 * entries. */
	unsigned mc_max;

	struct lisp_map_request tx_req;
	uint8_t tx[ITR_TX_MAX];
	uint8_t tx2[ITR_TX_MAX];
};

/* Zeroes *itr and sets it up; timing NULL = protocol values. */
void itr_init(struct itr *itr, struct ev_loop *loop, struct cp_io *io, const struct dp_handle *dp,
	      const struct itr_timing *timing);
/* Stops every timer, frees the map-cache table (the BPF map is left as it
 * is: the data plane owner tears it down). */
void itr_teardown(struct itr *itr);

void itr_set_resolvers(struct itr *itr, unsigned n, const struct lisp_ip *mr, unsigned retries);
void itr_set_rlocs(struct itr *itr, unsigned n, const struct lisp_ip *rlocs);
/* True when we have an RLOC of family afi (or no RLOC is known yet). */
bool itr_has_rloc_family(const struct itr *itr, uint16_t afi);
/* Rewrites every map-cache entry into the data plane (after our RLOC
 * families changed: locators of a family we lack get no slot). */
void itr_mc_resync(struct itr *itr);
/* Our own EIDs: the first address of each family counts. */
void itr_set_eids(struct itr *itr, unsigned n, const struct lisp_ip *eids);

/* Asks for eid (a host prefix on a miss; an entry's prefix on a refresh or
 * SMR). src: the address that missed, may be NULL. 0 when a request went
 * out, -1 when it was suppressed (counted). */
int itr_resolve(struct itr *itr, const struct lisp_prefix *eid, const struct lisp_ip *src,
		enum itr_req_reason reason);
/* A Map-Reply: accepted only for an outstanding nonce; records that do not
 * cover what we asked are skipped. */
void itr_on_reply(struct itr *itr, const struct lisp_map_reply *rep);
/* A Map-Request with S=1 (the caller checked). */
void itr_on_smr(struct itr *itr, const struct lisp_map_request *req);
/* The smr_timer callback of a map-cache entry (arg: the entry); internal to
 * ctl/itr, which arms it (itr_on_smr) and cancels it with the entry. */
void itr_on_smr_timer(struct ev_timer *t, void *arg);
unsigned itr_pending(const struct itr *itr);

/* Map-cache. Static entries never expire and replies do not replace them;
 * an entry without locators is a drop entry. */
int itr_mc_put_static(struct itr *itr, const struct lisp_prefix *eid, unsigned n_loc,
		      const struct itr_loc *loc);
int itr_mc_put_record(struct itr *itr, const struct lisp_record *rec, bool refreshed);
/* The configuration's static-map-cache entries (their address locators),
 * each through itr_mc_put_static. 0, or -1 when one was refused. */
int itr_mc_put_config(struct itr *itr, unsigned n, const struct lispd_cfg_mapping *statics);
/* The entry of exactly eid; the longest prefix covering ip. */
struct itr_mc_entry *itr_mc_find(struct itr *itr, const struct lisp_prefix *eid);
struct itr_mc_entry *itr_mc_lookup(struct itr *itr, uint32_t iid, const struct lisp_ip *ip);
void itr_mc_remove(struct itr *itr, struct itr_mc_entry *e);
/* Every entry in prefix order (instance-id, family, address, length); take
 * next before removing e. */
struct itr_mc_entry *itr_mc_first(const struct itr *itr);
struct itr_mc_entry *itr_mc_next(const struct itr *itr, const struct itr_mc_entry *e);
/* A dynamic entry SMRed: the most recently used one now. Internal to
 * ctl/itr, like itr_mc_free (itr_teardown: the table without the BPF map). */
void itr_mc_touch(struct itr *itr, struct itr_mc_entry *e);
void itr_mc_free(struct itr *itr);
/* A reload of the static entries without a gap for the ones kept: mark
 * every static entry, put the new ones (itr_mc_put_static unmarks what it
 * touches, each an atomic update of the BPF entry), then sweep removes the
 * static entries still marked. */
void itr_mc_static_mark(struct itr *itr);
void itr_mc_static_sweep(struct itr *itr);
/* The data plane's name of the entry's action ("encap", "drop", ...). */
const char *itr_mc_action_name(const struct itr_mc_entry *e);

/* JSON views: the map-cache and the requests in flight ("pending"), each
 * an array: the answers of those names in the role table (core/role.h) of
 * a role whose object holds its struct itr as first member. itr_json_counters writes members of the role's counters object
 * after the role's own: the role's control messages that failed to decode,
 * by reason (rx_malformed_<reason>), then the ITR's counters. */
void itr_json_map_cache(void *itr, struct json *j);
void itr_json_pending(void *itr, struct json *j);
/* Those two as rows of a role's answers (struct role_answer). */
#define ITR_ROLE_ANSWERS \
	{ "map-cache", itr_json_map_cache }, { "pending", itr_json_pending }
void itr_json_counters(const struct itr *itr, const struct rx_errs *rx, struct json *j);
/* The members of a role's status the ITR knows: map_resolvers (an array),
 * map_cache_entries, pending_requests. */
void itr_json_status(const struct itr *itr, struct json *j);

/* Prefix helpers: the iid of p, and p made canonical (iid LCAF only when
 * iid != 0, mask length 32, no host bits). */
uint32_t itr_prefix_iid(const struct lisp_prefix *p);
void itr_prefix_canon(struct lisp_prefix *p);
void itr_prefix_host(struct lisp_prefix *p, uint32_t iid, const struct lisp_ip *ip);

#endif
