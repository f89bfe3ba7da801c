#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cp_sock.h"
#include "core/evloop.h"
#include "core/nl.h"
#include "log.h"
#include "mn/host.h"
#include "mn/locset.h"
#include "mn/mn.h"
#include "mn/mobility.h"
#include "mn/rlocwatch.h"

struct mn_mobility;

/* One watched RLOC interface. */
struct mob_iface {
	struct mn_mobility *m;
	unsigned idx;              /* into host->ifs */
	struct rloc_view view;     /* as last reported */
	struct rlocw *w;
};

struct mn_mobility {
	struct ev_loop *loop;
	int link_fd;               /* link events, while a configured interface is absent */
	const char *state_dir;
	struct mn_host *host;
	struct cp_sock *cs;
	struct mn *mn;
	bool need_gw[3];
	unsigned n_if;
	struct mob_iface ifs[MN_MAX_IFACES];
};

static const char *locs_text(unsigned n, const struct mn_locator *l, char *buf, size_t len)
{
	char a[64];
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s (priority %u, weight %u)",
				       i ? ", " : "", nl_ip_str(&l[i].addr, a, sizeof(a)),
				       l[i].priority, l[i].weight);
	if (n == 0)
		snprintf(buf, len, "none");
	return buf;
}

/* The locator set of every watched interface as last seen. */
static unsigned current_locs(const struct mn_mobility *m, struct mn_locator *out)
{
	struct mn_iface_now now[MN_MAX_IFACES];
	unsigned n = 0;

	for (unsigned i = 0; i < m->n_if; i++) {
		const struct mob_iface *f = &m->ifs[i];
		const struct mn_host_iface *h = &m->host->ifs[f->idx];

		now[n].conf = &h->conf;
		now[n].ifindex = h->ifindex;
		now[n].n_rlocs = rloc_view_rlocs(&f->view, m->need_gw, now[n].rlocs);
		n++;
	}
	return mn_locset_build(now, n, out, MN_MAX_LOCS);
}

static void on_change(void *arg, const struct rloc_view *v, unsigned changed)
{
	struct mob_iface *f = arg;
	struct mn_mobility *m = f->m;
	struct mn_host *host = m->host;
	struct mn_locator locs[MN_MAX_LOCS];
	struct lisp_ip rlocs[2];
	unsigned n_rlocs, n_locs;
	bool set_changed;
	char err[512], txt[512];

	f->view = *v;
	n_rlocs = rloc_view_rlocs(v, m->need_gw, rlocs);
	/* The host first: the interface's table and `from RLOC` rules must
	 * route the new source before the data plane sends from it
	 * (make-before-break), and an old source stops being one at once. */
	if (host_update_iface(m->state_dir, host, f->idx, n_rlocs, rlocs, v->has_gw, v->gw, v->mtu,
			      err, sizeof(err)))
		log_err("following %s on the host: %s", host->ifs[f->idx].conf.name, err);
	n_locs = current_locs(m, locs);
	set_changed = !mn_locset_equal(locs, n_locs, host->locs, host->n_locs);
	log_info("%s changed: locators now %s%s", host->ifs[f->idx].conf.name,
		 locs_text(n_locs, locs, txt, sizeof(txt)),
		 changed & RLOCW_RLOCS ? "" : changed & RLOCW_GW ? " (gateway change)" :
		 " (MTU change)");
	if (set_changed && host_apply_locators(host, n_locs, locs, err, sizeof(err)))
		log_err("switching the data plane's RLOCs: %s", err);
	for (uint16_t fam = LISP_AFI_IPV4; fam <= LISP_AFI_IPV6; fam++) {
		const struct lisp_ip *r = NULL;

		for (unsigned i = 0; i < host->n_rlocs; i++)
			if (host->rlocs[i].afi == fam)
				r = &host->rlocs[i];
		cp_sock_set_rloc(m->cs, fam, r);
	}
	if (set_changed) {
		mn_set_locators(m->mn, host->n_locs, host->locs);
		mn_moved(m->mn, host->n_rlocs, host->rlocs);
	}
}

/* The view host setup worked from, so the first look reports only what
 * changed since. */
static void start_view(const struct mn_host_iface *h, struct rloc_view *v)
{
	memset(v, 0, sizeof(*v));
	v->link_up = h->n_rlocs > 0;
	v->mtu = h->mtu;
	for (unsigned i = 0; i < h->n_rlocs; i++) {
		uint16_t f = h->rlocs[i].afi;

		v->has_addr[f] = true;
		v->addr[f] = h->rlocs[i];
	}
	memcpy(v->has_gw, h->has_gw, sizeof(v->has_gw));
	memcpy(v->gw, h->gw, sizeof(v->gw));
}

/* Starts the watcher of host interface idx. 0, or -1 (logged). */
static int watch(struct mn_mobility *m, unsigned idx)
{
	struct mob_iface *f = &m->ifs[m->n_if];
	const struct mn_host_iface *h = &m->host->ifs[idx];

	f->m = m;
	f->idx = idx;
	start_view(h, &f->view);
	f->w = rlocw_open(m->loop, h->ifindex, &f->view, m->need_gw, on_change, f);
	if (!f->w) {
		log_err("watching %s for moves: %s", h->conf.name, strerror(errno));
		return -1;
	}
	m->n_if++;
	return 0;
}

/* A configured RLOC interface absent at start (a USB modem, a VPN, a
 * veth made later) that exists now gets decap and its own watcher, whose
 * first look reports its addresses: they join the locator set as any
 * change does. Link events are only a wake-up; names are looked up. */
static void on_links(int fd, uint32_t events, void *arg)
{
	struct mn_mobility *m = arg;
	struct mn_host *host = m->host;
	bool absent = false;
	char buf[8192], err[512];

	(void)events;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == EINTR || errno == ENOBUFS)
		;
	for (unsigned i = 0; i < host->n_ifaces; i++) {
		if (host->ifs[i].ifindex > 0)
			continue;
		if (!if_nametoindex(host->ifs[i].conf.name)) {
			absent = true;
			continue;
		}
		if (host_add_iface(host, i, err, sizeof(err))) {
			log_err("RLOC interface %s appeared: %s", host->ifs[i].conf.name, err);
			continue;
		}
		log_info("RLOC interface %s appeared: watched", host->ifs[i].conf.name);
		watch(m, i);
	}
	if (!absent) {
		ev_fd_del(m->loop, m->link_fd);
		close(m->link_fd);
		m->link_fd = -1;
	}
}

static int watch_links(struct mn_mobility *m)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };

	m->link_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (m->link_fd < 0)
		return -1;
	if (bind(m->link_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    ev_fd_add(m->loop, m->link_fd, EPOLLIN, on_links, m)) {
		close(m->link_fd);
		m->link_fd = -1;
		return -1;
	}
	/* One that appeared between host setup and the subscription. */
	on_links(m->link_fd, 0, m);
	return 0;
}

struct mn_mobility *mn_mobility_start(struct ev_loop *loop, const char *state_dir,
				      struct mn_host *host, struct cp_sock *cs, struct mn *mn)
{
	struct mn_mobility *m = calloc(1, sizeof(*m));
	bool absent = false;

	if (!m) {
		log_err("mobility: out of memory");
		return NULL;
	}
	m->state_dir = state_dir;
	m->host = host;
	m->cs = cs;
	m->mn = mn;
	/* A family that had a gateway at start (on any RLOC interface) needs
	 * one: an address alone (DHCP's first step) cannot carry our control
	 * traffic yet. */
	for (unsigned i = 0; i < host->n_ifaces; i++)
		for (unsigned f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++)
			m->need_gw[f] |= host->ifs[i].has_gw[f];
	m->loop = loop;
	m->link_fd = -1;
	for (unsigned i = 0; i < host->n_ifaces; i++) {
		if (host->ifs[i].ifindex <= 0) {
			absent = true;
			continue;
		}
		if (watch(m, i)) {
			mn_mobility_stop(m);
			return NULL;
		}
	}
	if (absent && watch_links(m)) {
		log_err("watching for RLOC interfaces to appear: %s", strerror(errno));
		mn_mobility_stop(m);
		return NULL;
	}
	return m;
}

void mn_mobility_stop(struct mn_mobility *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->n_if; i++)
		rlocw_close(m->ifs[i].w);
	if (m->link_fd >= 0) {
		ev_fd_del(m->loop, m->link_fd);
		close(m->link_fd);
	}
	free(m);
}
