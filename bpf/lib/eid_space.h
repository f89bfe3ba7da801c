/* The EID space a PxTR serves (LPM trie filled by user space from the
 * configuration): PETR decap admits inner sources inside it, PITR encap
 * takes destinations inside it. Only the PxTR object includes this, so the
 * mobile node's object carries no such map. */
#ifndef LISPD_BPF_EID_SPACE_H
#define LISPD_BPF_EID_SPACE_H

#include "lib/maps.h"

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, LISPD_EID_SPACE_MAX);
	__type(key, struct lispd_mc_key);
	__type(value, struct lispd_eid_space_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} lispd_eid_space SEC(".maps");

/* 1 when addr (of family, in instance iid) lies inside a configured prefix. */
static __always_inline int lispd_in_eid_space(__u32 iid, __u8 family, const __u8 *addr)
{
	struct lispd_mc_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.prefixlen = LISPD_MC_KEY_FIXED_BITS + (family == LISPD_AF_INET ? 32 : 128);
	key.iid[0] = (__u8)(iid >> 16);
	key.iid[1] = (__u8)(iid >> 8);
	key.iid[2] = (__u8)iid;
	key.family = family;
	__builtin_memcpy(key.addr, addr, sizeof(key.addr));
	return bpf_map_lookup_elem(&lispd_eid_space, &key) != NULL;
}

#endif
