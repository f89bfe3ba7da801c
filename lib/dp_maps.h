/* The data plane's pinned maps, reached through one handle: opened once from
 * a pin directory, it holds the fd of every map user space reads or writes,
 * and every other dp_* module that touches a map takes it. Also here: the
 * pin directories and paths, the counters (their names and the per-CPU
 * sums) and the local EIDs.
 *
 * The maps keep the names the BPF objects pin them under (bpftool map dump
 * shows them): lispd_cfg, lispd_mcache, lispd_eids, lispd_rlocs,
 * lispd_stats, lispd_miss_rb, lispd_eid_space for the PxTR and lispd_nat
 * for the RTR.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_MAPS_H
#define DP_MAPS_H

#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"

#define DP_PIN_DIR_DEFAULT "/sys/fs/bpf/lispd"
#define DP_PXTR_PIN_DIR_DEFAULT "/sys/fs/bpf/lispd-pxtr"
#define DP_RTR_PIN_DIR_DEFAULT "/sys/fs/bpf/lispd-rtr"

/* Instance-ids the data plane carries: 24 bits. */
#define DP_IID_MAX 0xffffffu

struct dp_handle {
	int config_fd;         /* the runtime config (dp_config.h) */
	int mcache_fd;         /* the map-cache (dp_mcache.h) */
	int eids_fd;           /* our EIDs, decapsulated for */
	int local_rlocs_fd;    /* our RLOCs, decapsulated at (dp_config.h) */
	int stats_fd;          /* the counters */
	int miss_rb_fd;        /* miss events (dp_miss.h) */
	int eid_space_fd;      /* the PxTR's EID space; -1 in the MN's pin directory */
	int nat_fd;            /* the RTR's NATed nodes (dp_nat.h); -1 but in the RTR's */
};

/* Every fd -1: a handle of no data plane, safe to dp_close. */
void dp_handle_init(struct dp_handle *h);

/* Opens every map pinned under pin_dir. -1 with err filled (ENOENT:
 * "nothing attached at <pin_dir>"); h is then as dp_handle_init leaves it. */
int dp_open(struct dp_handle *h, const char *pin_dir, struct dp_err *err);

/* Closes what is open; h is left as dp_handle_init leaves it. */
void dp_close(struct dp_handle *h);

/* "<pin_dir>/<name>" into buf. */
void dp_pin_path(char *buf, unsigned len, const char *pin_dir, const char *name);

/* ---- counters ---------------------------------------------------------- */

/* How many counters the data plane keeps. */
#define DP_STAT_MAX 58

/* Stable snake_case name of a counter, or NULL when idx is out of range. */
const char *dp_stat_name(unsigned idx);

/* Sums the per-CPU counters into out[0..DP_STAT_MAX). */
int dp_stats_read(const struct dp_handle *h, uint64_t out[DP_STAT_MAX], struct dp_err *err);

/* ---- local EIDs ---------------------------------------------------------- */

/* Replaces the local EIDs with eids[0..n) in instance iid. 0 or -1. */
int dp_eids_set(const struct dp_handle *h, uint32_t iid, unsigned n, const struct lisp_ip *eids,
		struct dp_err *err);

/* Calls cb for every local EID; stops early when cb returns non-zero (-1
 * when that was negative). */
typedef int (*dp_eid_cb)(uint32_t iid, const struct lisp_ip *eid, void *ctx);
int dp_eids_foreach(const struct dp_handle *h, dp_eid_cb cb, void *ctx);

#endif
