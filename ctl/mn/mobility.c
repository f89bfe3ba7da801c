#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cp_sock.h"
#include "core/evloop.h"
#include "core/nl.h"
#include "log.h"
#include "mn/host.h"
#include "mn/mn.h"
#include "mn/mobility.h"
#include "mn/rlocwatch.h"

struct mn_mobility {
	const char *state_dir;
	struct mn_host *host;
	struct cp_sock *cs;
	struct mn *mn;
	bool need_gw[3];
	struct rlocw *w;
};

static const char *rlocs_text(unsigned n, const struct lisp_ip *r, char *buf, size_t len)
{
	char a[64];
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "",
				       nl_ip_str(&r[i], a, sizeof(a)));
	if (n == 0)
		snprintf(buf, len, "none");
	return buf;
}

static void on_change(void *arg, const struct rloc_view *v, unsigned changed)
{
	struct mn_mobility *m = arg;
	struct lisp_ip rlocs[2];
	unsigned n = rloc_view_rlocs(v, m->need_gw, rlocs);
	char err[512], txt[128];

	log_info("locators now %s%s", rlocs_text(n, rlocs, txt, sizeof(txt)),
		 changed & RLOCW_RLOCS ? "" : " (gateway change)");
	/* The host first: the new source must be routable before anything
	 * is sent from it, and the old one stops being a source at once. */
	if (host_update_rlocs(m->state_dir, m->host, n, rlocs, v->has_gw, v->gw, err,
			      sizeof(err)))
		log_err("following the move on the host: %s", err);
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++) {
		const struct lisp_ip *r = NULL;

		for (unsigned i = 0; i < n; i++)
			if (rlocs[i].afi == f)
				r = &rlocs[i];
		cp_sock_set_rloc(m->cs, f, r);
	}
	if (changed & RLOCW_RLOCS)
		mn_moved(m->mn, n, rlocs);
}

struct mn_mobility *mn_mobility_start(struct ev_loop *loop, const char *state_dir,
				      struct mn_host *host, struct cp_sock *cs, struct mn *mn)
{
	struct mn_mobility *m = calloc(1, sizeof(*m));
	struct rloc_view start;

	if (!m) {
		log_err("mobility: out of memory");
		return NULL;
	}
	m->state_dir = state_dir;
	m->host = host;
	m->cs = cs;
	m->mn = mn;
	/* A family that had a gateway at start needs one: an address alone
	 * (DHCP's first step) cannot carry our control traffic yet. */
	memcpy(m->need_gw, host->has_gw, sizeof(m->need_gw));
	/* The view the host was set up from, so the first look only reports
	 * what changed since. */
	memset(&start, 0, sizeof(start));
	start.link_up = true;
	for (unsigned i = 0; i < host->n_rlocs; i++) {
		uint16_t f = host->rlocs[i].afi;

		start.has_addr[f] = true;
		start.addr[f] = host->rlocs[i];
	}
	memcpy(start.has_gw, host->has_gw, sizeof(start.has_gw));
	memcpy(start.gw, host->gw, sizeof(start.gw));
	m->w = rlocw_open(loop, host->phys_ifindex, &start, m->need_gw, on_change, m);
	if (!m->w) {
		log_err("watching %s for moves: %s", host->phys_name, strerror(errno));
		free(m);
		return NULL;
	}
	return m;
}

void mn_mobility_stop(struct mn_mobility *m)
{
	if (!m)
		return;
	rlocw_close(m->w);
	free(m);
}
