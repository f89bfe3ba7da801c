/* Map-cache lookup and locator choice. The weighted choice is one table
 * read: user space expanded the weights of the best usable locators into
 * slot[] (dp_locset_build), so the data plane never loops over weights. */
#ifndef LISPD_BPF_MAPCACHE_H
#define LISPD_BPF_MAPCACHE_H

#include "lib/defs.h"
#include "lib/maps.h"
#include "lib/parse.h"

/* The prefix-trie key of one address (16 bytes, IPv4 in the first 4) in
 * instance iid: a lookup finds the longest prefix covering it. */
static __always_inline void lispd_host_key(struct lispd_mc_key *key, __u32 iid, __u8 family,
					   const __u8 *addr)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->prefixlen = LISPD_MC_KEY_FIXED_BITS + (family == LISPD_AF_INET ? 32 : 128);
	key->iid[0] = (__u8)(iid >> 16);
	key->iid[1] = (__u8)(iid >> 8);
	key->iid[2] = (__u8)iid;
	key->family = family;
	__builtin_memcpy(key->addr, addr, sizeof(key->addr));
}

/* The entry covering addr in instance iid. */
static __always_inline struct lispd_mc_value *lispd_mc_lookup_addr(__u32 iid, __u8 family,
								   const __u8 *addr)
{
	struct lispd_mc_key key;

	lispd_host_key(&key, iid, family, addr);
	return bpf_map_lookup_elem(&lispd_mcache, &key);
}

/* The entry for the flow's destination. */
static __always_inline struct lispd_mc_value *lispd_mc_lookup(__u32 iid, const struct lispd_flow *f)
{
	return lispd_mc_lookup_addr(iid, f->family, f->dst);
}

/* The locator for this flow, or NULL when the set has none usable or the
 * table points outside it (a malformed value must not crash the lookup). */
static __always_inline const struct lispd_locator *lispd_pick_locator(const struct lispd_locset *ls,
								       __u32 hash)
{
	__u32 n = ls->n_slots;
	__u32 s, idx;

	if (n == 0 || n > LISPD_SLOTS)
		return NULL;
	s = hash % n;
	lispd_barrier_var(s);
	if (s >= LISPD_SLOTS)
		return NULL;
	idx = ls->slot[s];
	if (idx >= LISPD_MAX_LOCATORS || idx >= ls->n_locators)
		return NULL;
	return &ls->loc[idx];
}

static __always_inline int lispd_is_local_eid(__u32 iid, __u8 family, const __u8 *addr)
{
	struct lispd_eid_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.iid = iid;
	key.family = family;
	__builtin_memcpy(key.addr, addr, sizeof(key.addr));
	return bpf_map_lookup_elem(&lispd_eids, &key) != NULL;
}

#endif
