#include "dp_link.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

/* libnl speaks NLE_* codes; callers of this module speak errno. */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0: return 0;
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV: return -ENODEV;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_BUSY: return -EBUSY;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_FAILURE: return -EIO;
	default: return -EPROTO;
	}
}

static struct nl_sock *route_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	if (nl_connect(sk, NETLINK_ROUTE)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int dp_link_get(const char *name, struct dp_link_info *out)
{
	struct nl_sock *sk = route_sock();
	struct rtnl_link *link = NULL;
	struct nl_addr *a;
	int rc;

	if (!sk)
		return -EIO;
	memset(out, 0, sizeof(*out));
	rc = nle_to_errno(rtnl_link_get_kernel(sk, 0, name, &link));
	if (rc == 0) {
		out->ifindex = rtnl_link_get_ifindex(link);
		out->mtu = rtnl_link_get_mtu(link);
		out->flags = rtnl_link_get_flags(link);
		a = rtnl_link_get_addr(link);
		if (a && nl_addr_get_len(a) == 6) {
			memcpy(out->mac, nl_addr_get_binary_addr(a), 6);
			out->has_mac = true;
		}
		rtnl_link_put(link);
	}
	nl_socket_free(sk);
	return rc;
}

static int set_mac(struct rtnl_link *link, const uint8_t *mac)
{
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);

	if (!a)
		return -ENOMEM;
	rtnl_link_set_addr(link, a);
	nl_addr_put(a);
	return 0;
}

static int up_by_name(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *cur = NULL, *change;
	int rc = nle_to_errno(rtnl_link_get_kernel(sk, 0, name, &cur));

	if (rc)
		return rc;
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(cur);
		return -ENOMEM;
	}
	rtnl_link_set_flags(change, IFF_UP);
	rc = nle_to_errno(rtnl_link_change(sk, cur, change, 0));
	rtnl_link_put(change);
	rtnl_link_put(cur);
	return rc;
}

int dp_link_create_lmn(const char *name, const char *peer_name, unsigned mtu, const uint8_t *mac)
{
	struct nl_sock *sk = route_sock();
	struct rtnl_link *link, *peer;
	int rc = -ENOMEM;

	if (!sk)
		return -EIO;
	link = rtnl_link_veth_alloc();
	if (!link)
		goto out_sock;
	peer = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, name);
	rtnl_link_set_name(peer, peer_name);
	if (mtu) {
		rtnl_link_set_mtu(link, mtu);
		rtnl_link_set_mtu(peer, mtu);
	}
	if (mac && set_mac(link, mac))
		goto out_link;
	/* lmn itself never resolves neighbours: everything leaving it is
	 * encapsulated in BPF. Both ends go up only once the pair exists (the
	 * kernel refuses to open a veth end before its peer is linked). */
	rtnl_link_set_flags(link, IFF_NOARP);
	rc = nle_to_errno(rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(peer);
	if (rc == 0)
		rc = up_by_name(sk, peer_name);
	if (rc == 0)
		rc = up_by_name(sk, name);
out_link:
	rtnl_link_veth_release(link);
out_sock:
	nl_socket_free(sk);
	return rc;
}

static int link_change(int ifindex, struct rtnl_link *change)
{
	struct nl_sock *sk = route_sock();
	struct rtnl_link *orig;
	int rc;

	if (!sk)
		return -EIO;
	orig = rtnl_link_alloc();
	if (!orig) {
		nl_socket_free(sk);
		return -ENOMEM;
	}
	rtnl_link_set_ifindex(orig, ifindex);
	rc = nle_to_errno(rtnl_link_change(sk, orig, change, 0));
	rtnl_link_put(orig);
	nl_socket_free(sk);
	return rc;
}

int dp_link_configure(int ifindex, unsigned mtu, const uint8_t *mac, bool up_noarp)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int rc = -ENOMEM;

	if (!change)
		return rc;
	if (mtu)
		rtnl_link_set_mtu(change, mtu);
	if (mac && set_mac(change, mac))
		goto out;
	if (up_noarp)
		rtnl_link_set_flags(change, IFF_UP | IFF_NOARP);
	rc = link_change(ifindex, change);
out:
	rtnl_link_put(change);
	return rc;
}

int dp_link_set_flags(int ifindex, unsigned flags, unsigned mask)
{
	struct rtnl_link *change = rtnl_link_alloc();
	int rc;

	if (!change)
		return -ENOMEM;
	if (flags & mask)
		rtnl_link_set_flags(change, flags & mask);
	if (~flags & mask)
		rtnl_link_unset_flags(change, ~flags & mask);
	rc = link_change(ifindex, change);
	rtnl_link_put(change);
	return rc;
}

int dp_link_delete(int ifindex)
{
	struct nl_sock *sk = route_sock();
	struct rtnl_link *link;
	int rc = -ENOMEM;

	if (!sk)
		return -EIO;
	link = rtnl_link_alloc();
	if (link) {
		rtnl_link_set_ifindex(link, ifindex);
		rc = nle_to_errno(rtnl_link_delete(sk, link));
		rtnl_link_put(link);
	}
	nl_socket_free(sk);
	return rc;
}

static struct rtnl_addr *host_addr(int ifindex, const struct lisp_ip *ip)
{
	int v6 = ip->afi == LISP_AFI_IPV6;
	struct rtnl_addr *ra;
	struct nl_addr *a;

	if (ip->afi != LISP_AFI_IPV4 && !v6)
		return NULL;
	a = nl_addr_build(v6 ? AF_INET6 : AF_INET, ip->bytes, v6 ? 16 : 4);
	if (!a)
		return NULL;
	nl_addr_set_prefixlen(a, v6 ? 128 : 32);
	ra = rtnl_addr_alloc();
	if (ra) {
		rtnl_addr_set_ifindex(ra, ifindex);
		rtnl_addr_set_local(ra, a);
		/* No neighbour on lmn answers DAD: the address must be usable at once. */
		if (v6)
			rtnl_addr_set_flags(ra, IFA_F_NODAD);
	}
	nl_addr_put(a);
	return ra;
}

static int addr_op(int ifindex, const struct lisp_ip *ip, int add)
{
	struct nl_sock *sk;
	struct rtnl_addr *ra = host_addr(ifindex, ip);
	int rc;

	if (!ra)
		return -EINVAL;
	sk = route_sock();
	if (!sk) {
		rtnl_addr_put(ra);
		return -EIO;
	}
	if (add) {
		rc = nle_to_errno(rtnl_addr_add(sk, ra, NLM_F_CREATE | NLM_F_EXCL));
		if (rc == -EEXIST)
			rc = 1;
	} else {
		rc = nle_to_errno(rtnl_addr_delete(sk, ra, 0));
	}
	rtnl_addr_put(ra);
	nl_socket_free(sk);
	return rc;
}

int dp_addr_add(int ifindex, const struct lisp_ip *ip)
{
	return addr_op(ifindex, ip, 1);
}

int dp_addr_del(int ifindex, const struct lisp_ip *ip)
{
	return addr_op(ifindex, ip, 0);
}

int dp_link_has_clsact(int ifindex)
{
	struct nl_sock *sk = route_sock();
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int found = 0, rc, tries;

	if (!sk)
		return -EIO;
	/* A dump that raced with another change of the namespace comes back
	 * interrupted (NLE_DUMP_INTR); it is simply asked again. */
	for (tries = 0; tries < 5; tries++) {
		rc = rtnl_qdisc_alloc_cache(sk, &cache);
		if (rc != -NLE_DUMP_INTR)
			break;
	}
	rc = nle_to_errno(rc);
	if (rc == 0) {
		for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
			struct rtnl_tc *tc = (struct rtnl_tc *)o;
			const char *kind = rtnl_tc_get_kind(tc);

			if (rtnl_tc_get_ifindex(tc) == ifindex && kind && !strcmp(kind, "clsact"))
				found = 1;
		}
		nl_cache_free(cache);
	}
	nl_socket_free(sk);
	return rc ? rc : found;
}
