/* Keys of the data-plane maps, built the way BPF looks them up. */
#ifndef DP_KEYS_H
#define DP_KEYS_H

#include <stdint.h>

#include "lispd_maps.h"

/* Map-cache key for [iid] addr/plen: prefixlen includes the 32 bits of
 * iid+family, host bits beyond plen are cleared. Returns 0, or -1 when the
 * family is unknown or plen exceeds its width. */
int dp_mc_key(struct lispd_mc_key *key, uint32_t iid, uint8_t family, const void *addr,
	      unsigned plen);

/* Exact-address key (local EIDs, miss dedupe). Returns 0 or -1. */
int dp_eid_key(struct lispd_eid_key *key, uint32_t iid, uint8_t family, const void *addr);

/* Bytes of an address of this family: 4, 16, or 0. */
unsigned dp_family_len(uint8_t family);

#endif
