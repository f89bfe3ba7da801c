/* Miss events from the data plane. Reads bpf/lispd_maps.h, so it must not
 * include lib/config.h. */
#include "mn/mn_priv.h"

#include <string.h>

#include "dp_pinned.h"
#include "lispd_maps.h"

void mn_on_miss(struct mn *mn, const struct lispd_miss_event *ev)
{
	struct lisp_prefix p;
	struct lisp_ip dst, src;
	bool have_src;

	mn->ctr.miss_events++;
	if (ev->family != LISPD_AF_INET && ev->family != LISPD_AF_INET6) {
		mn->ctr.miss_bad++;
		return;
	}
	dp_ip_from_map(&dst, ev->family, ev->dst);
	dp_ip_from_map(&src, ev->family, ev->src);
	have_src = false;
	for (unsigned i = 0; i < lisp_afi_bits(src.afi) / 8; i++)
		have_src |= src.bytes[i] != 0;
	/* Both reasons (no entry; a send-map-request entry hit) want a request. */
	itr_prefix_host(&p, ev->iid & LISPD_IID_MASK, &dst);
	itr_resolve(&mn->itr, &p, have_src ? &src : NULL, ITR_REQ_MISS);
}
