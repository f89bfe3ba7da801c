#include "dp_miss.h"

#include <string.h>

#include "dp_layout.h"

int dp_miss_decode(const void *data, size_t size, struct dp_miss *out)
{
	struct lispd_miss_event ev;
	uint8_t family;

	if (size != sizeof(ev))
		return -1;
	/* Copied out: ring buffer memory is not aligned for the struct. */
	memcpy(&ev, data, sizeof(ev));
	memset(out, 0, sizeof(*out));
	out->iid = ev.iid & LISPD_IID_MASK;
	family = dp_family_len(ev.family) ? ev.family : LISPD_AF_NONE;
	dp_ip_from_map(&out->dst, family, ev.dst);
	dp_ip_from_map(&out->src, family, ev.src);
	for (unsigned i = 0; i < dp_family_len(family); i++)
		out->has_src |= ev.src[i] != 0;
	return 0;
}
