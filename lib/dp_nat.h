/* The NATed nodes an RTR serves (lispd_nat, docs/NAT.md 4.2), in lib types:
 * committed by the RTR's control plane once the map-server confirmed a
 * registration it relayed, replaced when the node's NAT rebinds, deleted
 * when the registration expires, walked for status. The data plane sends
 * data for the node's EID prefix from rtr_rloc, UDP 4342, to
 * global:global_port, and relays data from it only when it comes from
 * global (docs/DATAPATH.md, "RTR").
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_NAT_H
#define DP_NAT_H

#include <stdint.h>

#include "dp_err.h"
#include "dp_maps.h"
#include "lisp_addr.h"

struct dp_nat_entry {
	/* The node's EID prefix in the RTR's instance (has_iid / iid, as the
	 * data plane's config: 0 when instance-ids are off). */
	struct lisp_prefix eid;
	struct lisp_ip global;        /* G: its NAT's public address, IPv4 */
	uint16_t global_port;         /* g1: public port of its register flow */
	struct lisp_ip rtr_rloc;      /* R: our RLOC it registered through, IPv4 */
	struct lisp_ip private_rloc;  /* P: its RLOC behind the NAT, IPv4 or none */
};

/* Commits e, or replaces the entry of the same prefix in one atomic
 * update (a NAT rebinding). Refused (EINVAL) unless the prefix can be
 * stored, G and R are IPv4, P is IPv4 or none and g1 is not 0;
 * (EADDRNOTAVAIL) unless R is an RLOC the data plane holds (lispd_rlocs:
 * the RTR's attach puts every one there). 0 or -1. */
int dp_nat_put(const struct dp_handle *h, const struct dp_nat_entry *e, struct dp_err *err);

/* ENOENT when there is no entry for exactly this prefix. */
int dp_nat_del(const struct dp_handle *h, const struct lisp_prefix *eid, struct dp_err *err);

/* Visits every entry; stops early when cb returns non-zero (-1 when that
 * was negative). */
typedef int (*dp_nat_cb)(const struct dp_nat_entry *e, void *ctx);
int dp_nat_foreach(const struct dp_handle *h, dp_nat_cb cb, void *ctx, struct dp_err *err);

#endif
