/* The part of the data plane's runtime config (LISPD_MAP_CONFIG) that every
 * attach fills the same way: our RLOCs, the instance-id, the pacing of miss
 * events; and writing the record. The role-specific fields are the
 * caller's. */
#ifndef DP_CONFIG_H
#define DP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"
#include "lispd_maps.h"

/* Miss notification defaults: one event per destination per second, at most
 * 100 events per second overall. */
#define DP_MISS_INTERVAL_MS 1000
#define DP_MISS_RATE 100
#define DP_MISS_BURST 100

/* Zeroes cfg, then sets the RLOCs (at most one per family, already checked),
 * the instance-id when use_iid, and the default miss pacing. */
void dp_config_init(struct lispd_dp_config *cfg, const struct lisp_ip *rlocs, unsigned n_rlocs,
		    bool use_iid, uint32_t iid);

/* Writes cfg as the single entry of the config map fd. 0 or -1. */
int dp_config_write(int fd, const struct lispd_dp_config *cfg, struct dp_err *err);

#endif
