/* Map definitions of the data plane. Layouts come from lispd_maps.h; every
 * map is pinned by name so the daemon, lispd-bpf and bpftool share them. */
#ifndef LISPD_BPF_MAPS_H
#define LISPD_BPF_MAPS_H

#include "lispd_maps.h"

/* A map pinned by name whose key and value types are in the BTF, so
 * bpftool prints their fields. */
#define LISPD_PINNED_MAP(map_type, max, key_type, value_type) \
	struct {                                              \
		__uint(type, map_type);                       \
		__uint(max_entries, max);                     \
		__type(key, key_type);                        \
		__type(value, value_type);                    \
		__uint(pinning, LIBBPF_PIN_BY_NAME);          \
	}

/* A pinned prefix trie over {iid, family, address} keys; the kernel
 * accepts LPM tries only unpreallocated. */
#define LISPD_PINNED_PREFIX_MAP(max, value_type)          \
	struct {                                          \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);      \
		__uint(map_flags, BPF_F_NO_PREALLOC);     \
		__uint(max_entries, max);                 \
		__type(key, struct lispd_mc_key);         \
		__type(value, value_type);                \
		__uint(pinning, LIBBPF_PIN_BY_NAME);      \
	}

LISPD_PINNED_PREFIX_MAP(LISPD_MCACHE_MAX, struct lispd_mc_value) lispd_mcache SEC(".maps");

LISPD_PINNED_MAP(BPF_MAP_TYPE_ARRAY, 1, __u32, struct lispd_dp_config) lispd_cfg SEC(".maps");

LISPD_PINNED_MAP(BPF_MAP_TYPE_HASH, LISPD_LOCAL_EID_MAX, struct lispd_eid_key,
		 struct lispd_local_eid) lispd_eids SEC(".maps");

LISPD_PINNED_MAP(BPF_MAP_TYPE_PERCPU_ARRAY, LISPD_STAT_MAX, __u32, __u64) lispd_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LISPD_MISS_RB_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_miss_rb SEC(".maps");

LISPD_PINNED_MAP(BPF_MAP_TYPE_HASH, LISPD_LOCAL_RLOC_MAX, struct lispd_rloc_key,
		 struct lispd_local_rloc) lispd_rlocs SEC(".maps");

/* Destination -> time of its last miss event (dedupe). */
LISPD_PINNED_MAP(BPF_MAP_TYPE_LRU_HASH, LISPD_MISS_SEEN_MAX, struct lispd_eid_key,
		 __u64) lispd_miss_seen SEC(".maps");

LISPD_PINNED_MAP(BPF_MAP_TYPE_ARRAY, 1, __u32,
		 struct lispd_token_bucket) lispd_miss_tb SEC(".maps");

static __always_inline struct lispd_dp_config *lispd_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&lispd_cfg, &zero);
}

static __always_inline void lispd_stat_inc(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&lispd_stats, &idx);

	if (c)
		*c += 1;
}

/* Returned by a step that has not decided the verdict: the caller goes on.
 * No hook's verdict is negative. */
#define LISPD_GO_ON (-1)

/* Counts and returns the verdict in one statement at every exit. */
static __always_inline int lispd_verdict(__u32 stat, int act)
{
	lispd_stat_inc(stat);
	return act;
}

static __always_inline __u32 lispd_cfg_iid(const struct lispd_dp_config *cfg)
{
	return (cfg->flags & LISPD_CFG_USE_IID) ? (cfg->iid & LISPD_IID_MASK) : 0;
}

#endif
