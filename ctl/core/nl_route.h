/* Default routes and source rules over rtnetlink (libnl-route-3): what a
 * role that steers traffic into its data plane puts on the host, and what
 * its journal undoes. */
#ifndef CORE_NL_ROUTE_H
#define CORE_NL_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"

struct nl_sock;

/* One default route, as much of it as it takes to re-create it exactly. */
struct nl_droute {
	uint16_t afi;
	uint32_t table;
	uint32_t metric;
	uint8_t proto;
	uint8_t scope;
	int oif;
	uint32_t nh_flags;
	bool has_gw;
	struct lisp_ip gw;
};

/* Adds r (refused when it exists) or deletes it. 0, or a negative errno
 * (-EEXIST / -ESRCH / -ENOENT as the kernel says). */
int nl_droute_op(struct nl_sock *sk, const struct nl_droute *r, bool add);

/* The unicast default routes of afi in table via oif, one nexthop each
 * (at most NL_DROUTES_MAX). */
#define NL_DROUTES_MAX 4
struct nl_droutes {
	uint16_t afi;
	uint32_t table;
	int oif;
	unsigned n;
	struct nl_droute found[NL_DROUTES_MAX];
};
/* Fills d->found from its afi, table and oif. 0, or a negative errno. */
int nl_droutes_find(struct nl_sock *sk, struct nl_droutes *d);

/* `from src lookup table` at priority prio: added (refused when it exists)
 * or deleted. 0, or a negative errno. */
int nl_rule_op(struct nl_sock *sk, const struct lisp_ip *src, uint32_t prio, uint32_t table,
	       bool add);

/* Whether a delete's answer says it is not there (any more). */
bool nl_gone(int rc);

#endif
