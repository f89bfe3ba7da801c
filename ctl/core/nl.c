#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/nl.h"

struct nl_sock *nl_route_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (!sk) {
		errno = ENOMEM;
		return NULL;
	}
	rc = nl_connect(sk, NETLINK_ROUTE);
	if (rc) {
		nl_socket_free(sk);
		errno = nl_errno(rc);
		return NULL;
	}
	return sk;
}

void nl_route_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

int nl_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0: return 0;
	case NLE_EXIST: return EEXIST;
	case NLE_OBJ_NOTFOUND: return ENOENT;
	case NLE_NODEV: return ENODEV;
	case NLE_PERM: return EPERM;
	case NLE_NOMEM: return ENOMEM;
	case NLE_INVAL: return EINVAL;
	case NLE_BUSY: return EBUSY;
	case NLE_AGAIN: return EAGAIN;
	case NLE_NOADDR: return EADDRNOTAVAIL;
	case NLE_RANGE: return ERANGE;
	case NLE_OPNOTSUPP: return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return EAFNOSUPPORT;
	case NLE_NOACCESS: return EACCES;
	default: return EIO;
	}
}

struct nl_addr *nl_addr_of(const struct lisp_ip *ip, unsigned plen)
{
	int family = ip->afi == LISP_AFI_IPV4 ? AF_INET : AF_INET6;
	struct nl_addr *a = nl_addr_build(family, ip->bytes, ip->afi == LISP_AFI_IPV4 ? 4 : 16);

	if (a)
		nl_addr_set_prefixlen(a, (int)plen);
	return a;
}

int nl_addr_to_ip(struct nl_addr *a, struct lisp_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!a)
		return -1;
	if (nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4)
		return lisp_ip_from_bytes(ip, LISP_AFI_IPV4, nl_addr_get_binary_addr(a));
	if (nl_addr_get_family(a) == AF_INET6 && nl_addr_get_len(a) == 16)
		return lisp_ip_from_bytes(ip, LISP_AFI_IPV6, nl_addr_get_binary_addr(a));
	return -1;
}

const char *nl_ip_str(const struct lisp_ip *ip, char *buf, unsigned len)
{
	if (!inet_ntop(ip->afi == LISP_AFI_IPV4 ? AF_INET : AF_INET6, ip->bytes, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

int nl_addr_walk(nl_addr_cb cb, void *ctx)
{
	struct nl_sock *sk = nl_route_open();
	struct nl_cache *links = NULL, *addrs = NULL;
	int rc = 1;

	if (!sk)
		return -1;
	if (rtnl_link_alloc_cache(sk, AF_UNSPEC, &links) || rtnl_addr_alloc_cache(sk, &addrs)) {
		errno = EIO;
		rc = -1;
		goto out;
	}
	for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o))
		if (cb((struct rtnl_addr *)o, links, ctx)) {
			rc = 0;
			break;
		}
out:
	if (addrs)
		nl_cache_free(addrs);
	if (links)
		nl_cache_free(links);
	nl_route_close(sk);
	return rc;
}

struct iface_addr_ctx {
	int ifindex;
	int family;
	struct lisp_ip *out;
};

static bool usable_addr_of(struct rtnl_addr *a, struct nl_cache *links, void *arg)
{
	const struct iface_addr_ctx *c = arg;

	(void)links;
	return rtnl_addr_get_ifindex(a) == c->ifindex && rtnl_addr_get_family(a) == c->family &&
	       rtnl_addr_get_scope(a) == RT_SCOPE_UNIVERSE &&
	       !(rtnl_addr_get_flags(a) & (IFA_F_TENTATIVE | IFA_F_DEPRECATED)) &&
	       nl_addr_to_ip(rtnl_addr_get_local(a), c->out) == 0;
}

int nl_iface_addr(const char *ifname, uint16_t afi, struct lisp_ip *out)
{
	struct iface_addr_ctx c = {
		.ifindex = (int)if_nametoindex(ifname),
		.family = afi == LISP_AFI_IPV4 ? AF_INET : AF_INET6,
		.out = out,
	};

	return c.ifindex > 0 ? nl_addr_walk(usable_addr_of, &c) : 1;
}
