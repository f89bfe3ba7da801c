#include "dp_keys.h"

#include <string.h>

unsigned dp_family_len(uint8_t family)
{
	return family == LISPD_AF_INET ? 4 : family == LISPD_AF_INET6 ? 16 : 0;
}

int dp_mc_key(struct lispd_mc_key *key, uint32_t iid, uint8_t family, const void *addr,
	      unsigned plen)
{
	unsigned len = dp_family_len(family), i;

	if (!len || plen > len * 8 || iid > LISPD_IID_MASK)
		return -1;
	memset(key, 0, sizeof(*key));
	key->prefixlen = LISPD_MC_KEY_FIXED_BITS + plen;
	key->iid[0] = (uint8_t)(iid >> 16);
	key->iid[1] = (uint8_t)(iid >> 8);
	key->iid[2] = (uint8_t)iid;
	key->family = family;
	memcpy(key->addr, addr, len);
	for (i = 0; i < len; i++) {
		unsigned keep = plen > i * 8 ? plen - i * 8 : 0;

		if (keep < 8)
			key->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

int dp_eid_key(struct lispd_eid_key *key, uint32_t iid, uint8_t family, const void *addr)
{
	unsigned len = dp_family_len(family);

	if (!len || iid > LISPD_IID_MASK)
		return -1;
	memset(key, 0, sizeof(*key));
	key->iid = iid;
	key->family = family;
	memcpy(key->addr, addr, len);
	return 0;
}
