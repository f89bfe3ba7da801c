/* Flow hash of the inner 5-tuple: stable for a flow (same input, same value
 * on every CPU and after restarts), spread well enough that hash % n_slots
 * follows the weights. A 32-bit avalanche mix per word; no seed, so user
 * space and tests can rely on stability. */
#ifndef LISPD_BPF_HASH_H
#define LISPD_BPF_HASH_H

#include "lib/parse.h"

static __always_inline __u32 lispd_mix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x7feb352du;
	h ^= h >> 15;
	h *= 0x846ca68bu;
	h ^= h >> 16;
	return h;
}

static __always_inline __u32 lispd_flow_hash(const struct lispd_flow *f)
{
	__u32 w[4];
	__u32 h = 0x4c495350u ^ ((__u32)f->proto << 8) ^ f->family;
	int i;

	__builtin_memcpy(w, f->src, sizeof(w));
#pragma unroll
	for (i = 0; i < 4; i++)
		h = lispd_mix32(h ^ w[i]);
	__builtin_memcpy(w, f->dst, sizeof(w));
#pragma unroll
	for (i = 0; i < 4; i++)
		h = lispd_mix32(h ^ w[i]);
	h = lispd_mix32(h ^ (((__u32)f->sport << 16) | f->dport));
	return h;
}

#endif
