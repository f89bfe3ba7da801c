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

/* All of the above in that order. 0 or -1. */
int dp_check_env(const char *pin_dir, struct dp_err *err);

#endif
