#include "dp_locset.h"

#include <string.h>

int dp_locset_add(struct lispd_locset *ls, uint8_t family, const void *addr, uint8_t priority,
		  uint8_t weight, bool up)
{
	struct lispd_locator *l;

	if (ls->n_locators >= LISPD_MAX_LOCATORS)
		return -1;
	if (family != LISPD_AF_INET && family != LISPD_AF_INET6)
		return -1;
	l = &ls->loc[ls->n_locators++];
	memset(l, 0, sizeof(*l));
	l->family = family;
	l->priority = priority;
	l->weight = weight;
	l->flags = up ? LISPD_LOC_UP : 0;
	memcpy(l->addr, addr, family == LISPD_AF_INET ? 4 : 16);
	return 0;
}

static bool usable(const struct lispd_locator *l)
{
	return (l->flags & LISPD_LOC_UP) && l->priority != 255 &&
	       (l->family == LISPD_AF_INET || l->family == LISPD_AF_INET6);
}

int dp_locset_build(struct lispd_locset *ls)
{
	unsigned share[LISPD_MAX_LOCATORS] = { 0 }, rem[LISPD_MAX_LOCATORS] = { 0 };
	unsigned weight[LISPD_MAX_LOCATORS] = { 0 };
	unsigned total = 0, given = 0, n = ls->n_locators, i, best = 256;

	if (n > LISPD_MAX_LOCATORS)
		return -1;
	memset(ls->slot, 0, sizeof(ls->slot));
	ls->n_slots = 0;
	for (i = 0; i < n; i++)
		if (usable(&ls->loc[i]) && ls->loc[i].priority < best)
			best = ls->loc[i].priority;
	if (best == 256)
		return 0;
	for (i = 0; i < n; i++)
		if (usable(&ls->loc[i]) && ls->loc[i].priority == best)
			total += weight[i] = ls->loc[i].weight;
	if (total == 0) {
		for (i = 0; i < n; i++)
			if (usable(&ls->loc[i]) && ls->loc[i].priority == best)
				total += weight[i] = 1;
	}

	for (i = 0; i < n; i++) {
		share[i] = weight[i] * LISPD_SLOTS / total;
		rem[i] = weight[i] * LISPD_SLOTS % total;
		given += share[i];
	}
	/* Largest remainder: the leftover slots go to the biggest fractions. */
	while (given < LISPD_SLOTS) {
		unsigned pick = 0, top = 0;

		for (i = 0; i < n; i++)
			if (rem[i] > top) {
				top = rem[i];
				pick = i;
			}
		share[pick]++;
		rem[pick] = 0;
		given++;
	}
	/* A tiny non-zero weight still gets a slot, taken from the largest share. */
	for (i = 0; i < n; i++) {
		if (weight[i] && !share[i]) {
			unsigned big = 0, j;

			for (j = 1; j < n; j++)
				if (share[j] > share[big])
					big = j;
			share[big]--;
			share[i]++;
		}
	}
	for (i = 0; i < n; i++)
		while (share[i]--)
			ls->slot[ls->n_slots++] = (uint8_t)i;
	return ls->n_slots;
}
