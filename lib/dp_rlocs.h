/* Which of our RLOCs the data plane sends from and which it decapsulates
 * for, with several RLOC interfaces: per family the source RLOC and the
 * interface it leaves by (the best up interface of that family), and every
 * RLOC of every up interface (accepted by decap, LISPD_MAP_LOCAL_RLOC).
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_RLOCS_H
#define DP_RLOCS_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"
#include "lispd_maps.h"

struct dp_rlocs {
	bool has_src[3];              /* by AFI: 1 IPv4, 2 IPv6 */
	struct lisp_ip src[3];        /* outer source of that family */
	int src_ifindex[3];           /* the interface holding it */
	unsigned n_local;
	struct lisp_ip local[LISPD_LOCAL_RLOC_MAX];
	int local_ifindex[LISPD_LOCAL_RLOC_MAX];
};

/* Writes sources into cfg (flags, rloc4/6, phys_ifindex, phys6_ifindex);
 * an interface index of a family without a source is left as it was. */
void dp_rlocs_to_config(const struct dp_rlocs *r, struct lispd_dp_config *cfg);

/* Applies r to the attached data plane at pin_dir, make-before-break: new
 * local RLOCs are accepted first, then one config update switches the
 * sources, then RLOCs no longer ours stop being accepted. 0 or -1. */
int dp_rlocs_apply(const char *pin_dir, const struct dp_rlocs *r, struct dp_err *err);

#endif
