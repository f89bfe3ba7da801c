/* The data plane's runtime config (lispd_cfg: one entry) and the RLOCs it
 * decapsulates at (lispd_rlocs), in lib types: written whole at attach,
 * read back by status, and its RLOCs switched on a move. With several RLOC
 * interfaces, per family the source RLOC and the interface it leaves by
 * (the best up interface of that family), and every RLOC of every up
 * interface (accepted by decap, so that peers still sending to the
 * interface just left behind are decapsulated).
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "dp_maps.h"
#include "dp_mcache.h"
#include "lisp_addr.h"

#define DP_MAX_LOCAL_RLOCS 16

/* Miss notification: one event per destination per second, at most 100
 * events per second overall. */
#define DP_MISS_INTERVAL_MS 1000
#define DP_MISS_RATE 100
#define DP_MISS_BURST 100

/* What encapsulation does when no map-cache entry matches. */
enum dp_miss_policy {
	DP_MISS_DROP = 0,
	DP_MISS_PETR = 1,     /* encapsulate to the PETRs */
};

struct dp_config {
	unsigned n_rlocs;                 /* outer sources, at most one per family */
	struct lisp_ip rlocs[2];          /* read back: IPv4 first */
	bool use_iid;                     /* send I=1 + iid; accept only that iid */
	uint32_t iid;                     /* 24 bits */
	int lmn_ifindex;                  /* decapsulated packets are delivered here; 0: none */
	int phys_ifindex;                 /* encapsulated packets leave here ... */
	int phys6_ifindex;                /* ... those with an IPv6 outer header here (0: phys) */
	bool has_lmn_mac;                 /* decap addresses delivered frames to lmn_mac */
	uint8_t lmn_mac[6];
	enum dp_miss_policy miss_policy;
	bool decap_src_check;             /* outer source a locator of the inner source's entry */
	unsigned n_petrs;
	struct lisp_ip petrs[DP_MAX_LOCATORS];
};

/* Writes c as the whole config, with the miss pacing above. 0 or -1. */
int dp_config_write(const struct dp_handle *h, const struct dp_config *c, struct dp_err *err);

int dp_config_read(const struct dp_handle *h, struct dp_config *c, struct dp_err *err);

struct dp_rlocs {
	bool has_src[3];              /* by AFI: 1 IPv4, 2 IPv6 */
	struct lisp_ip src[3];        /* outer source of that family */
	int src_ifindex[3];           /* the interface holding it */
	unsigned n_local;
	struct lisp_ip local[DP_MAX_LOCAL_RLOCS];
	int local_ifindex[DP_MAX_LOCAL_RLOCS];
};

/* Applies r, make-before-break: new local RLOCs are accepted first, then
 * one config update switches the sources (an interface index of a family
 * without a source is left as it was), then RLOCs no longer ours stop
 * being accepted. 0 or -1. */
int dp_rlocs_apply(const struct dp_handle *h, const struct dp_rlocs *r, struct dp_err *err);

#endif
