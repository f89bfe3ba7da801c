/* Following our locators as the host's network changes: a NETLINK_ROUTE
 * socket subscribed to link, address and route events sits on the event
 * loop; a burst of events (an address removed, another added, a gateway
 * replaced) is read as one change after a few milliseconds, the usable
 * RLOCs and gateways of the physical interface are read back from the
 * kernel, and the owner is called only when they differ from before. */
#ifndef MN_RLOCWATCH_H
#define MN_RLOCWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"

#define RLOCW_DEBOUNCE_MS 5

/* The locator side of the physical interface, per family (index AFI:
 * 1 IPv4, 2 IPv6). */
struct rloc_view {
	bool link_up;             /* IFF_UP and carrier */
	unsigned mtu;             /* of the link (lmn's MTU follows the smallest in use) */
	bool has_addr[3];
	struct lisp_ip addr[3];   /* global, neither tentative nor deprecated */
	bool has_gw[3];
	struct lisp_ip gw[3];     /* main table default via the interface, lowest metric */
};

/* What differs between two views. */
#define RLOCW_RLOCS 0x1u       /* the usable RLOC set */
#define RLOCW_GW 0x2u          /* a gateway */
#define RLOCW_MTU 0x4u         /* the link's MTU */

/* The usable RLOCs of v, IPv4 first (at most one per family): an address
 * on an up link, and, for a family in need_gw (index AFI), a gateway to
 * leave by. Returns the count. */
unsigned rloc_view_rlocs(const struct rloc_view *v, const bool need_gw[3], struct lisp_ip out[2]);
/* RLOCW_* flags of what changed from a to b. */
unsigned rloc_view_diff(const struct rloc_view *a, const struct rloc_view *b,
			const bool need_gw[3]);

/* Reads the view of ifindex from the kernel. prev (may be NULL): an address
 * still present is kept in preference to others of its family. 0, or -1
 * with errno. */
int rloc_view_read(int ifindex, const struct rloc_view *prev, struct rloc_view *out);

struct ev_loop;
struct rlocw;

/* Called on the loop with the new view, only when it differs (RLOCW_*). */
typedef void (*rlocw_cb)(void *arg, const struct rloc_view *v, unsigned changed);

/* Watches ifindex; start is the view the owner works from. NULL with errno. */
struct rlocw *rlocw_open(struct ev_loop *loop, int ifindex, const struct rloc_view *start,
			 const bool need_gw[3], rlocw_cb cb, void *arg);
void rlocw_close(struct rlocw *w);
/* Events seen and changes reported (for status). */
uint64_t rlocw_events(const struct rlocw *w);
uint64_t rlocw_changes(const struct rlocw *w);

#endif
