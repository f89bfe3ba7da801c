/* Our locator set with several RLOC interfaces (multihoming): every usable
 * address of every RLOC interface, with the priority and weight configured
 * for that interface and family (RFC 9300: lower priority preferred, 255
 * never used for unicast), and from it the RLOC each family sends from: the
 * usable one of lowest priority below 255, the earlier interface in the
 * configuration on a tie. Pure functions, no I/O. */
#ifndef MN_LOCSET_H
#define MN_LOCSET_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"

#define MN_MAX_IFACES 4
#define MN_MAX_LOCS (2 * MN_MAX_IFACES)
#define MN_PRIO_UNUSABLE 255

/* One RLOC interface as configured (index AFI: 1 IPv4, 2 IPv6). */
struct mn_iface_conf {
	char name[IF_NAMESIZE];
	bool use[3];
	uint8_t priority[3];
	uint8_t weight[3];
};

/* One interface now: its usable RLOCs (at most one per family) and its
 * link MTU (0: unknown). */
struct mn_iface_now {
	const struct mn_iface_conf *conf;
	int ifindex;
	unsigned n_rlocs;
	struct lisp_ip rlocs[2];
	unsigned mtu;
};

struct mn_locator {
	struct lisp_ip addr;
	uint8_t priority;
	uint8_t weight;
	int ifindex;
};

/* Every usable address of a family its interface uses, with that
 * interface's priority/weight, ordered by priority (configuration order
 * within one priority). Returns the count (at most cap). */
unsigned mn_locset_build(const struct mn_iface_now *ifs, unsigned n_ifs, struct mn_locator *out,
			 unsigned cap);

/* The locator of family afi to send from: the first (best) one of that
 * family with priority < 255, or NULL. set as built above. */
const struct mn_locator *mn_locset_best(const struct mn_locator *set, unsigned n, uint16_t afi);

/* The sending RLOCs (at most one per family, IPv4 first) into out[2];
 * returns the count. */
unsigned mn_locset_sources(const struct mn_locator *set, unsigned n, struct lisp_ip out[2]);

/* The MTU lmn can offer over these interfaces: the smallest, over every
 * interface with a usable RLOC of a family it uses, of its link MTU less
 * the outer header (56 bytes when that RLOC set has IPv6, else 36;
 * dp_lmn_mtu). Every such interface counts, not only the sending ones: a
 * priority change or a peer's choice may move traffic onto any of them
 * without a netlink event. 0 when none has an RLOC and a known MTU;
 * *limit (may be NULL) gets the index of the interface that sets it. */
unsigned mn_locset_lmn_mtu(const struct mn_iface_now *ifs, unsigned n_ifs, unsigned *limit);

bool mn_locset_equal(const struct mn_locator *a, unsigned na, const struct mn_locator *b,
		     unsigned nb);

#endif
