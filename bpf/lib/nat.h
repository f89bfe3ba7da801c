/* The NATed nodes an RTR serves (LPM trie filled by the RTR's control plane
 * from the registrations it relayed and the map-server confirmed): EID
 * prefix -> the node's NAT (docs/NAT.md 4.2). Only the RTR object includes
 * this, so the other objects carry no such map. */
#ifndef LISPD_BPF_NAT_H
#define LISPD_BPF_NAT_H

#include "lib/mapcache.h"
#include "lib/maps.h"

LISPD_PINNED_PREFIX_MAP(LISPD_NAT_MAX, struct lispd_nat_entry) lispd_nat SEC(".maps");

/* The entry of the NATed node whose EID prefix covers addr (of family, in
 * instance iid), or NULL. */
static __always_inline struct lispd_nat_entry *lispd_nat_lookup(__u32 iid, __u8 family,
								const __u8 *addr)
{
	struct lispd_mc_key key;

	lispd_host_key(&key, iid, family, addr);
	return bpf_map_lookup_elem(&lispd_nat, &key);
}

#endif
