#include <arpa/inet.h>
#include <errno.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
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
