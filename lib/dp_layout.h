/* The map layouts of bpf/lispd_maps.h as user space builds and reads them:
 * addresses, keys, locator sets. Private to lib/dp_*.c and the tests that
 * fill maps by hand; programs use the lib-typed interfaces of dp_maps.h,
 * dp_mcache.h, dp_config.h and dp_miss.h, so they never see a BPF layout. */
#ifndef DP_LAYOUT_H
#define DP_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"
#include "lispd_maps.h"

/* ---- addresses (dp_maps.c) ------------------------------------------------ */

/* Bytes of an address of this family: 4, 16, or 0. */
unsigned dp_family_len(uint8_t family);

/* Between struct lisp_ip and the family + bytes of the maps. */
uint8_t dp_family_of_afi(uint16_t afi);
void dp_ip_from_map(struct lisp_ip *ip, uint8_t family, const uint8_t *addr);

/* ---- keys (dp_mcache.c, dp_maps.c) ------------------------------------------ */

/* Map-cache key for [iid] addr/plen: prefixlen includes the 32 bits of
 * iid+family, host bits beyond plen are cleared. Returns 0, or -1 when the
 * family is unknown or plen exceeds its width. */
int dp_mc_key(struct lispd_mc_key *key, uint32_t iid, uint8_t family, const void *addr,
	      unsigned plen);

/* Key of p in instance iid (p's own iid is ignored). -1 when out of range. */
int dp_mc_key_of(struct lispd_mc_key *key, uint32_t iid, const struct lisp_prefix *p);

/* The prefix a map-cache key stands for (has_iid set when iid != 0). */
void dp_mc_key_to_prefix(const struct lispd_mc_key *key, struct lisp_prefix *p);

/* Visits every entry of the prefix map fd (map-cache, EID space, NATed
 * nodes), its value read into value (the map's value size); entries
 * deleted meanwhile are skipped. Stops early when cb returns non-zero (-1
 * when that was negative); map names the map in err. */
typedef int (*dp_prefix_cb)(const struct lispd_mc_key *key, const void *value, void *ctx);
int dp_prefix_walk(int fd, void *value, dp_prefix_cb cb, void *ctx, const char *map,
		   struct dp_err *err);

/* Exact-address key (local EIDs, miss dedupe). Returns 0 or -1. */
int dp_eid_key(struct lispd_eid_key *key, uint32_t iid, uint8_t family, const void *addr);

/* ---- locator sets (dp_mcache.c) --------------------------------------------- */

/* Appends one locator. family is LISPD_AF_INET or LISPD_AF_INET6; addr holds
 * 4 or 16 bytes. Returns 0, or -1 when the set is full or family unknown.
 * The slot table is stale until dp_locset_build(). */
int dp_locset_add(struct lispd_locset *ls, uint8_t family, const void *addr, uint8_t priority,
		  uint8_t weight, bool up);

/* Rebuilds ls->slot[] from ls->loc[0..n_locators): only locators that are up,
 * of a known family and priority < 255 count; of those, only the lowest
 * priority; each gets slots in proportion to its weight (largest remainder
 * over LISPD_SLOTS, at least one slot for any non-zero weight; all weights
 * 0 means equal shares). n_slots = 0 when nothing is usable.
 * Returns n_slots, or -1 when n_locators is out of range. */
int dp_locset_build(struct lispd_locset *ls);

#endif
