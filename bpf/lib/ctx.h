/* One packet-access API for both hooks, so the parsing and checking code is
 * written once (Cilium's ctx_* idea, without compiling the object twice).
 *
 * Every function takes the hook as a constant argument. All callers are
 * __always_inline down to the entry point, so the compiler folds the hook
 * test and each program keeps only the helpers of its own type: the
 * verifier rejects bpf_xdp_* calls in a TC program (and the reverse) even
 * on a branch that is never taken, so nothing here may be a real call. */
#ifndef LISPD_BPF_CTX_H
#define LISPD_BPF_CTX_H

#include "lib/defs.h"

#define LISPD_HOOK_TC 0
#define LISPD_HOOK_XDP 1

/* Headers lie this far into the frame at most; bounding the offset is
 * also what lets the verifier accept a variable one for direct access. */
#define LISPD_DIRECT_MAX_OFF 255

/* Copies len bytes at off. Headers almost always sit in the linear part
 * (skb head, first XDP buffer): they are read there directly, which saves a
 * helper call per header (each costs a kernel function return, expensive
 * with SRSO/retbleed mitigations). Anything else (non-linear skb,
 * multi-buffer frame, beyond the end) goes through the load helper, which
 * also gives the error for a frame too short. len must be a constant. */
static __always_inline long lispd_load(void *ctx, int hook, __u32 off, void *to, __u32 len)
{
	void *data, *end, *p;

	/* The bound is checked on the register the pointer is built from:
	 * with off = base + const, clang may test base instead, and verifiers
	 * before ~6.10 do not carry that bound over to off (the PxTR object
	 * stopped loading on 6.1 when a spill made l3_len such a base). */
	lispd_barrier_var(off);
	if (off <= LISPD_DIRECT_MAX_OFF) {
		if (hook == LISPD_HOOK_XDP) {
			data = (void *)(long)((struct xdp_md *)ctx)->data;
			end = (void *)(long)((struct xdp_md *)ctx)->data_end;
		} else {
			data = (void *)(long)((struct __sk_buff *)ctx)->data;
			end = (void *)(long)((struct __sk_buff *)ctx)->data_end;
		}
		p = data + off;
		/* One register for the bounds check and the reads: the verifier
		 * only trusts the pointer it saw compared against the end. */
		lispd_barrier_var(p);
		if (p + len <= end) {
			__builtin_memcpy(to, p, len);
			return 0;
		}
	}
	if (hook == LISPD_HOOK_XDP)
		return bpf_xdp_load_bytes(ctx, off, to, len);
	return bpf_skb_load_bytes(ctx, off, to, len);
}

/* Plain store: no checksum side effects on either hook. */
static __always_inline long lispd_store(void *ctx, int hook, __u32 off, void *from, __u32 len)
{
	if (hook == LISPD_HOOK_XDP)
		return bpf_xdp_store_bytes(ctx, off, from, len);
	return bpf_skb_store_bytes(ctx, off, from, len, 0);
}

/* Frame length from the Ethernet header on, fragments included. */
static __always_inline __u32 lispd_ctx_len(void *ctx, int hook)
{
	if (hook == LISPD_HOOK_XDP)
		return (__u32)bpf_xdp_get_buff_len(ctx);
	return ((struct __sk_buff *)ctx)->len;
}

#endif
