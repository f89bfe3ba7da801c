/* Building the locator sets the data plane reads (struct lispd_locset):
 * locators plus the slot table that turns the weighted choice among the
 * best usable locators into one array read in BPF. */
#ifndef DP_LOCSET_H
#define DP_LOCSET_H

#include <stdbool.h>
#include <stdint.h>

#include "lispd_maps.h"

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
