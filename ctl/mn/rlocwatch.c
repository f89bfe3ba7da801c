#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/nl.h"
#include "log.h"
#include "mn/rlocwatch.h"

unsigned rloc_view_rlocs(const struct rloc_view *v, const bool need_gw[3], struct lisp_ip out[2])
{
	unsigned n = 0;

	if (!v->link_up)
		return 0;
	for (unsigned f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++) {
		if (!v->has_addr[f] || (need_gw && need_gw[f] && !v->has_gw[f]))
			continue;
		out[n++] = v->addr[f];
	}
	return n;
}

unsigned rloc_view_diff(const struct rloc_view *a, const struct rloc_view *b,
			const bool need_gw[3])
{
	struct lisp_ip ra[2], rb[2];
	unsigned na = rloc_view_rlocs(a, need_gw, ra), nb = rloc_view_rlocs(b, need_gw, rb);
	unsigned changed = 0;

	if (na != nb)
		changed |= RLOCW_RLOCS;
	for (unsigned i = 0; i < na && i < nb; i++)
		if (!lisp_ip_equal(&ra[i], &rb[i]))
			changed |= RLOCW_RLOCS;
	for (unsigned f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++)
		if (a->has_gw[f] != b->has_gw[f] ||
		    (a->has_gw[f] && !lisp_ip_equal(&a->gw[f], &b->gw[f])))
			changed |= RLOCW_GW;
	if (a->mtu != b->mtu)
		changed |= RLOCW_MTU;
	return changed;
}

static unsigned afi_of_family(int family)
{
	return family == AF_INET ? LISP_AFI_IPV4 : family == AF_INET6 ? LISP_AFI_IPV6 : 0;
}

static void read_addrs(struct nl_cache *addrs, int ifindex, const struct rloc_view *prev,
		       struct rloc_view *out)
{
	for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		unsigned f = afi_of_family(rtnl_addr_get_family(a));
		struct lisp_ip ip;

		if (!f || rtnl_addr_get_ifindex(a) != ifindex ||
		    rtnl_addr_get_scope(a) != RT_SCOPE_UNIVERSE ||
		    (rtnl_addr_get_flags(a) & (IFA_F_TENTATIVE | IFA_F_DEPRECATED)) ||
		    nl_addr_to_ip(rtnl_addr_get_local(a), &ip))
			continue;
		/* The RLOC in use stays while it exists: a second address
		 * appearing is no reason to move. */
		if (out->has_addr[f] && !(prev && prev->has_addr[f] &&
					  lisp_ip_equal(&prev->addr[f], &ip)))
			continue;
		out->has_addr[f] = true;
		out->addr[f] = ip;
	}
}

static void read_gws(struct nl_cache *routes, int ifindex, struct rloc_view *out)
{
	uint32_t best[3] = { 0 };

	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		unsigned f = afi_of_family(rtnl_route_get_family(rt));
		struct rtnl_nexthop *nh;
		struct lisp_ip gw;

		if (!f || rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
		    rtnl_route_get_type(rt) != RTN_UNICAST ||
		    nl_addr_get_prefixlen(rtnl_route_get_dst(rt)) != 0 ||
		    rtnl_route_get_nnexthops(rt) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		if (rtnl_route_nh_get_ifindex(nh) != ifindex ||
		    nl_addr_to_ip(rtnl_route_nh_get_gateway(nh), &gw))
			continue;
		if (out->has_gw[f] && rtnl_route_get_priority(rt) >= best[f])
			continue;
		out->has_gw[f] = true;
		out->gw[f] = gw;
		best[f] = rtnl_route_get_priority(rt);
	}
}

int rloc_view_read(int ifindex, const struct rloc_view *prev, struct rloc_view *out)
{
	struct nl_sock *sk = nl_route_open();
	struct nl_cache *addrs = NULL, *routes = NULL;
	struct rtnl_link *link = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!sk)
		return -1;
	/* A failed read is not a link gone: the caller keeps its view. */
	if (rtnl_link_get_kernel(sk, ifindex, NULL, &link)) {
		errno = EIO;
		goto out;
	}
	out->link_up = (rtnl_link_get_flags(link) & IFF_UP) &&
		       (rtnl_link_get_flags(link) & IFF_RUNNING);
	out->mtu = rtnl_link_get_mtu(link);
	rtnl_link_put(link);
	if (rtnl_addr_alloc_cache(sk, &addrs) ||
	    rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &routes)) {
		errno = EIO;
		goto out;
	}
	read_addrs(addrs, ifindex, prev, out);
	read_gws(routes, ifindex, out);
	rc = 0;
out:
	if (routes)
		nl_cache_free(routes);
	if (addrs)
		nl_cache_free(addrs);
	nl_route_close(sk);
	return rc;
}

/* ---- the watcher ---------------------------------------------------------------- */

struct rlocw {
	struct ev_loop *loop;
	int fd;
	int ifindex;
	bool need_gw[3];
	struct rloc_view cur;
	struct ev_timer debounce;
	rlocw_cb cb;
	void *arg;
	uint64_t events, changes;
};

static void on_debounce(struct ev_timer *t, void *arg)
{
	struct rlocw *w = arg;
	struct rloc_view v;
	unsigned changed;

	(void)t;
	if (rloc_view_read(w->ifindex, &w->cur, &v)) {
		log_warn("reading the RLOCs back: %s", strerror(errno));
		return;
	}
	changed = rloc_view_diff(&w->cur, &v, w->need_gw);
	/* An address that is not (yet) usable still becomes the one we keep. */
	w->cur = v;
	if (!changed)
		return;
	w->changes++;
	w->cb(w->arg, &v, changed);
}

static void on_readable(int fd, uint32_t events, void *arg)
{
	struct rlocw *w = arg;
	char buf[8192];

	(void)events;
	/* What changed is read back from the kernel once the burst is over,
	 * so the messages themselves are only a wake-up (and an overrun,
	 * ENOBUFS, is one too). */
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && (errno == EINTR || errno == ENOBUFS)) {
			w->events++;
			continue;
		}
		if (n <= 0)
			break;
		w->events++;
	}
	if (!ev_timer_armed(&w->debounce))
		ev_timer_arm(w->loop, &w->debounce, RLOCW_DEBOUNCE_MS);
}

struct rlocw *rlocw_open(struct ev_loop *loop, int ifindex, const struct rloc_view *start,
			 const bool need_gw[3], rlocw_cb cb, void *arg)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
			     RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
	};
	struct rlocw *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->loop = loop;
	w->ifindex = ifindex;
	w->cur = *start;
	memcpy(w->need_gw, need_gw, sizeof(w->need_gw));
	w->cb = cb;
	w->arg = arg;
	ev_timer_init(&w->debounce, on_debounce, w);
	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (w->fd < 0)
		goto fail;
	if (bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    ev_fd_add(loop, w->fd, EPOLLIN, on_readable, w))
		goto fail;
	/* Whatever changed between the caller's reading and the subscription
	 * is caught by one look now. */
	ev_timer_arm(loop, &w->debounce, 0);
	return w;
fail:
	err = errno;
	if (w->fd >= 0)
		close(w->fd);
	free(w);
	errno = err;
	return NULL;
}

void rlocw_close(struct rlocw *w)
{
	if (!w)
		return;
	ev_timer_cancel(w->loop, &w->debounce);
	ev_fd_del(w->loop, w->fd);
	close(w->fd);
	free(w);
}

uint64_t rlocw_events(const struct rlocw *w)
{
	return w->events;
}

uint64_t rlocw_changes(const struct rlocw *w)
{
	return w->changes;
}
