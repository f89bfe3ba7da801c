// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Baselines for `make bench`: the cheapest program of each hook, timed
 * beside the data plane in the same BPF_PROG_TEST_RUN loop, so the data
 * plane's cost is reported as a ratio to what any program costs there. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "lib/defs.h"

SEC("tc")
int lispd_bench_tc(struct __sk_buff *skb)
{
	(void)skb;
	return LISPD_TC_ACT_OK;
}

SEC("xdp")
int lispd_bench_xdp(struct xdp_md *ctx)
{
	(void)ctx;
	return LISPD_XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
