/* Map definitions of the data plane. Layouts come from lispd_maps.h; every
 * map is pinned by name so the daemon, lispd-bpf and bpftool share them. */
#ifndef LISPD_BPF_MAPS_H
#define LISPD_BPF_MAPS_H

#include "lispd_maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, LISPD_MCACHE_MAX);
	__type(key, struct lispd_mc_key);
	__type(value, struct lispd_mc_value);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_mcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lispd_dp_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISPD_LOCAL_EID_MAX);
	__type(key, struct lispd_eid_key);
	__type(value, struct lispd_local_eid);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_eids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LISPD_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LISPD_MISS_RB_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_miss_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LISPD_LOCAL_RLOC_MAX);
	__type(key, struct lispd_rloc_key);
	__type(value, struct lispd_local_rloc);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_rlocs SEC(".maps");

/* Destination -> time of its last miss event (dedupe). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LISPD_MISS_SEEN_MAX);
	__type(key, struct lispd_eid_key);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_miss_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lispd_token_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_miss_tb SEC(".maps");

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
