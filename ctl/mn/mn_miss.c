/* Miss events from the data plane. */
#include "mn/mn_priv.h"

#include "dp_miss.h"

void mn_on_miss(void *arg, const struct dp_miss *ev)
{
	struct mn *mn = arg;
	struct lisp_prefix p;

	mn->ctr.miss_events++;
	if (ev->dst.afi == LISP_AFI_NONE) {
		mn->ctr.miss_bad++;
		return;
	}
	/* Both reasons (no entry; a send-map-request entry hit) want a request. */
	itr_prefix_host(&p, ev->iid, &ev->dst);
	itr_resolve(&mn->itr, &p, ev->has_src ? &ev->src : NULL, ITR_REQ_MISS);
}
