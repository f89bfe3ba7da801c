/* Small helpers the protocol files share: our RLOCs and EIDs. */
#include "mn/mn_priv.h"

#include <string.h>

uint64_t mn_now(struct mn *mn)
{
	return ev_now_ms(mn->loop);
}

const struct lisp_ip *mn_rloc_of(const struct mn *mn, uint16_t afi)
{
	for (unsigned i = 0; i < mn->n_rlocs; i++)
		if (mn->rlocs[i].afi == afi)
			return &mn->rlocs[i];
	return NULL;
}

int mn_map_covering(const struct mn *mn, const struct lisp_prefix *p)
{
	for (unsigned i = 0; i < mn->conf.n_map; i++)
		if (lisp_prefix_contains(&mn->conf.map[i].eid, p))
			return (int)i;
	return -1;
}

unsigned mn_our_locators(const struct mn *mn, unsigned i, const struct lisp_ip *probed,
			 struct lisp_locator *out, unsigned cap)
{
	const struct mn_map_conf *m = &mn->conf.map[i];
	unsigned n = 0;

	if (mn->has_locs) {
		/* Every RLOC interface's address, at its own priority/weight. */
		for (unsigned k = 0; k < mn->n_locs && n < cap; k++) {
			const struct mn_locator *c = &mn->locs[k];
			struct lisp_locator *l;

			if (!m->use[c->addr.afi])
				continue;
			l = &out[n++];
			memset(l, 0, sizeof(*l));
			l->priority = c->priority;
			l->weight = c->weight;
			l->mpriority = 255;
			l->local = true;
			l->reachable = true;
			l->probed = probed && lisp_ip_equal(probed, &c->addr);
			lisp_addr_from_ip(&l->addr, &c->addr);
		}
		return n;
	}
	for (unsigned k = 0; k < mn->n_rlocs && n < cap; k++) {
		const struct lisp_ip *r = &mn->rlocs[k];
		struct lisp_locator *l;

		if (!m->use[r->afi])
			continue;
		l = &out[n++];
		memset(l, 0, sizeof(*l));
		l->priority = m->priority[r->afi];
		l->weight = m->weight[r->afi];
		l->mpriority = 255;
		l->local = true;
		l->reachable = true;
		l->probed = probed && lisp_ip_equal(probed, r);
		lisp_addr_from_ip(&l->addr, r);
	}
	return n;
}
