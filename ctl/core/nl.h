/* Small shared pieces of the daemon's rtnetlink use (libnl-route-3). */
#ifndef CORE_NL_H
#define CORE_NL_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"

struct nl_sock;
struct nl_addr;
struct nl_cache;
struct rtnl_addr;

/* A connected NETLINK_ROUTE socket, or NULL (errno set). */
struct nl_sock *nl_route_open(void);
void nl_route_close(struct nl_sock *sk);

/* libnl's negative NLE_* codes to a positive errno. */
int nl_errno(int nle);

/* A new nl_addr for ip/plen (caller puts it), or NULL. */
struct nl_addr *nl_addr_of(const struct lisp_ip *ip, unsigned plen);
/* 0 when a holds an IPv4 or IPv6 address. */
int nl_addr_to_ip(struct nl_addr *a, struct lisp_ip *ip);

/* Calls cb for every address of the host (links: the link cache, to name
 * interfaces) until it returns true. 0 when it did, 1 when it never did,
 * -1 (errno) when the host cannot be read. */
typedef bool (*nl_addr_cb)(struct rtnl_addr *a, struct nl_cache *links, void *ctx);
int nl_addr_walk(nl_addr_cb cb, void *ctx);

/* The first usable address of family afi on ifname: global scope, neither
 * tentative nor deprecated. 0, 1 when there is none, -1 with errno. */
int nl_iface_addr(const char *ifname, uint16_t afi, struct lisp_ip *out);

/* "192.0.2.1" / "2001:db8::1" into buf (at least 46 bytes). */
const char *nl_ip_str(const struct lisp_ip *ip, char *buf, unsigned len);

#endif
