/* The EID space a PxTR serves (LPM trie filled by user space from the
 * configuration): PETR decap admits inner sources inside it, PITR encap
 * takes destinations inside it. Only the PxTR object includes this, so the
 * mobile node's object carries no such map. */
#ifndef LISPD_BPF_EID_SPACE_H
#define LISPD_BPF_EID_SPACE_H

#include "lib/mapcache.h"
#include "lib/maps.h"

LISPD_PINNED_PREFIX_MAP(LISPD_EID_SPACE_MAX,
			struct lispd_eid_space_val) lispd_eid_space SEC(".maps");

/* 1 when addr (of family, in instance iid) lies inside a configured prefix. */
static __always_inline int lispd_in_eid_space(__u32 iid, __u8 family, const __u8 *addr)
{
	struct lispd_mc_key key;

	lispd_host_key(&key, iid, family, addr);
	return bpf_map_lookup_elem(&lispd_eid_space, &key) != NULL;
}

#endif
