/* Our TC filters: one BPF program per hook at a fixed handle and priority,
 * so that we find, replace and remove our own and never a stranger's.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_TC_H
#define DP_TC_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"

/* Our filters sit at this handle and priority on every hook. */
#define DP_TC_HANDLE 0x4c15u
#define DP_TC_PRIO 0x4c15u

/* Id of the program currently at our handle/prio on that hook (0: none).
 * ingress selects the hook. Returns 0 or -1. */
int dp_tc_prog_at(int ifindex, bool ingress, uint32_t *prog_id, struct dp_err *err);

/* Attaches prog_fd (kernel program name `name`) at our handle/prio on dev's
 * hook, creating the clsact qdisc when absent (*created_qdisc tells). A
 * program already there is replaced when it is ours (prev_id, the one we
 * recorded, or one named `name`, e.g. after a lost record) or when forced;
 * otherwise -1 with EBUSY. *new_id receives the attached program's id. */
int dp_tc_attach(int ifindex, const char *dev, bool ingress, int prog_fd, const char *name,
		 uint32_t prev_id, bool force, bool *created_qdisc, uint32_t *new_id,
		 struct dp_err *err);

/* Removes our filter if the program there is ours (our_id or named `name`);
 * a stranger's program is left alone. 0 or -1. */
int dp_tc_detach(int ifindex, const char *dev, bool ingress, uint32_t our_id,
		 const char *name, struct dp_err *err);

/* Removes the clsact qdisc with whatever filters it holds: only for one we
 * created. 0 or a negative errno from libbpf. */
int dp_tc_qdisc_destroy(int ifindex);

#endif
