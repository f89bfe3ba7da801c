/* Reading and writing the data plane's pinned maps by path, without the BPF
 * object: what lispd-bpf's read commands and the daemon need after attach. */
#ifndef DP_PINNED_H
#define DP_PINNED_H

#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"
#include "lispd_maps.h"

/* "<pin_dir>/<name>" into buf. */
void dp_pin_path(char *buf, unsigned len, const char *pin_dir, const char *name);

/* fd of a pinned map, or -1 (ENOENT: "nothing attached at <pin_dir>"). */
int dp_pinned_open(const char *pin_dir, const char *name, struct dp_err *err);

int dp_config_read(const char *pin_dir, struct lispd_dp_config *cfg, struct dp_err *err);

/* Sums the per-CPU counters into out[0..LISPD_STAT_MAX). */
int dp_stats_read(const char *pin_dir, uint64_t out[LISPD_STAT_MAX], struct dp_err *err);

/* Calls cb for every local EID; stops early when cb returns non-zero. */
typedef int (*dp_eid_cb)(const struct lispd_eid_key *key, void *ctx);
int dp_eids_foreach(const char *pin_dir, dp_eid_cb cb, void *ctx, struct dp_err *err);

/* Conversions between struct lisp_ip and the family + bytes of the maps. */
uint8_t dp_family_of_afi(uint16_t afi);
void dp_ip_from_map(struct lisp_ip *ip, uint8_t family, const uint8_t *addr);

#endif
