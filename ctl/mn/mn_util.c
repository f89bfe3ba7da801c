/* Small helpers the protocol files share: our RLOCs and EIDs, prefixes. */
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

const struct lisp_ip *mn_eid_of(const struct mn *mn, uint16_t afi)
{
	for (unsigned i = 0; i < mn->conf.n_map; i++)
		if (mn->conf.map[i].eid.addr.ip.afi == afi)
			return &mn->conf.map[i].eid.addr.ip;
	return NULL;
}

int mn_map_covering(const struct mn *mn, const struct lisp_prefix *p)
{
	for (unsigned i = 0; i < mn->conf.n_map; i++)
		if (lisp_prefix_contains(&mn->conf.map[i].eid, p))
			return (int)i;
	return -1;
}

uint32_t mn_prefix_iid(const struct lisp_prefix *p)
{
	return p->addr.has_iid ? p->addr.iid : 0;
}

void mn_prefix_canon(struct lisp_prefix *p)
{
	uint32_t iid = mn_prefix_iid(p);

	p->addr.has_iid = false;
	p->addr.iid = 0;
	p->addr.iid_mask_len = 0;
	if (iid)
		lisp_addr_set_iid(&p->addr, iid);
}

void mn_prefix_host(struct lisp_prefix *p, uint32_t iid, const struct lisp_ip *ip)
{
	memset(p, 0, sizeof(*p));
	lisp_addr_from_ip(&p->addr, ip);
	p->plen = (uint8_t)lisp_afi_bits(ip->afi);
	if (iid)
		lisp_addr_set_iid(&p->addr, iid);
}

unsigned mn_our_locators(const struct mn *mn, unsigned i, const struct lisp_ip *probed,
			 struct lisp_locator *out, unsigned cap)
{
	const struct mn_map_conf *m = &mn->conf.map[i];
	unsigned n = 0;

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
