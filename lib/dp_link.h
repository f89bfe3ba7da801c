/* The interfaces the data plane sits on, through rtnetlink (libnl-route-3):
 * the lmn veth pair that carries the EIDs, its addresses, MTU and MAC. */
#ifndef DP_LINK_H
#define DP_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"

struct dp_link_info {
	int ifindex;
	unsigned mtu;
	unsigned flags;       /* IFF_* */
	uint8_t mac[6];
	bool has_mac;
};

/* Functions return 0 or a negative errno. */

/* -ENODEV when there is no such interface. */
int dp_link_get(const char *name, struct dp_link_info *out);

/* Creates the veth pair name <-> peer, both up, NOARP on name, with this MTU
 * on both ends and mac (6 bytes, may be NULL) on name. -EEXIST if taken. */
int dp_link_create_lmn(const char *name, const char *peer, unsigned mtu, const uint8_t *mac);

/* Changes MTU (0: keep), MAC (NULL: keep) and sets up + NOARP on an existing
 * interface. */
int dp_link_configure(int ifindex, unsigned mtu, const uint8_t *mac, bool up_noarp);

/* Restores flags bits in mask to the values in flags. */
int dp_link_set_flags(int ifindex, unsigned flags, unsigned mask);

int dp_link_delete(int ifindex);

/* 1 when a clsact qdisc sits on ifindex, 0 when not, or a negative errno. */
int dp_link_has_clsact(int ifindex);

/* Host address (/32, /128 with nodad) on ifindex. dp_addr_add returns 1 when
 * the address was already there, 0 when added. */
int dp_addr_add(int ifindex, const struct lisp_ip *ip);
int dp_addr_del(int ifindex, const struct lisp_ip *ip);

#endif
