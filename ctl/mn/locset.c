#include "mn/locset.h"

#include <string.h>

#include "dp_attach.h"

unsigned mn_locset_build(const struct mn_iface_now *ifs, unsigned n_ifs, struct mn_locator *out,
			 unsigned cap)
{
	unsigned n = 0;

	for (unsigned i = 0; i < n_ifs; i++) {
		const struct mn_iface_conf *c = ifs[i].conf;

		for (unsigned k = 0; k < ifs[i].n_rlocs && k < 2; k++) {
			const struct lisp_ip *a = &ifs[i].rlocs[k];
			unsigned at;

			if (a->afi != LISP_AFI_IPV4 && a->afi != LISP_AFI_IPV6)
				continue;
			if (!c->use[a->afi] || n == cap)
				continue;
			/* Insertion keeps configuration order within a priority. */
			for (at = n; at > 0 && out[at - 1].priority > c->priority[a->afi]; at--)
				out[at] = out[at - 1];
			out[at] = (struct mn_locator){
				.addr = *a,
				.priority = c->priority[a->afi],
				.weight = c->weight[a->afi],
				.ifindex = ifs[i].ifindex,
			};
			n++;
		}
	}
	return n;
}

const struct mn_locator *mn_locset_best(const struct mn_locator *set, unsigned n, uint16_t afi)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i].addr.afi == afi && set[i].priority < MN_PRIO_UNUSABLE)
			return &set[i];
	return NULL;
}

unsigned mn_locset_sources(const struct mn_locator *set, unsigned n, struct lisp_ip out[2])
{
	unsigned k = 0;

	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++) {
		const struct mn_locator *b = mn_locset_best(set, n, f);

		if (b)
			out[k++] = b->addr;
	}
	return k;
}

bool mn_locset_equal(const struct mn_locator *a, unsigned na, const struct mn_locator *b,
		     unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (!lisp_ip_equal(&a[i].addr, &b[i].addr) || a[i].priority != b[i].priority ||
		    a[i].weight != b[i].weight || a[i].ifindex != b[i].ifindex)
			return false;
	return true;
}

unsigned mn_locset_lmn_mtu(const struct mn_iface_now *ifs, unsigned n_ifs, unsigned *limit)
{
	unsigned best = 0;

	for (unsigned i = 0; i < n_ifs; i++) {
		struct lisp_ip used[2];
		unsigned n = 0, mtu;

		for (unsigned k = 0; k < ifs[i].n_rlocs && k < 2; k++) {
			uint16_t f = ifs[i].rlocs[k].afi;

			if ((f == LISP_AFI_IPV4 || f == LISP_AFI_IPV6) && ifs[i].conf->use[f])
				used[n++] = ifs[i].rlocs[k];
		}
		if (n == 0 || ifs[i].mtu == 0)
			continue;
		mtu = dp_lmn_mtu(ifs[i].mtu, used, n);
		if (best == 0 || mtu < best) {
			best = mtu;
			if (limit)
				*limit = i;
		}
	}
	return best;
}
