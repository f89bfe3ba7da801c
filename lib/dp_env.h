/* Preconditions of loading and attaching the data plane, each failure with
 * a message naming what is missing. */
#ifndef DP_ENV_H
#define DP_ENV_H

#include "dp_err.h"

/* Privileges: root, or CAP_BPF + CAP_NET_ADMIN (CAP_SYS_ADMIN for BPF on
 * kernels before 5.8). */
int dp_check_privileges(struct dp_err *err);

/* /sys/kernel/btf/vmlinux readable. */
int dp_check_btf(struct dp_err *err);

/* pin_dir is on bpffs, or does not exist and its parent is. */
int dp_check_bpffs(const char *pin_dir, struct dp_err *err);

/* Program type, map types and helpers the programs use. */
int dp_check_kernel_features(struct dp_err *err);

/* Optional features, chosen at run time (no error when missing):
 * bpf_skb_adjust_room's BPF_F_ADJ_ROOM_DECAP_L3_IPV4/6 flags (Linux 6.3),
 * which the decapsulation uses on a family change (without them it falls
 * back, counting decap_l3_flag_fallback). Found by running a 4-instruction
 * TC program with BPF_PROG_TEST_RUN on a dummy frame. 1 present, 0 absent,
 * -errno when the probe itself could not run (no privileges...). */
int dp_probe_adj_room_decap_l3(void);

/* All of the required checks above in that order. 0 or -1. */
int dp_check_env(const char *pin_dir, struct dp_err *err);

#endif
