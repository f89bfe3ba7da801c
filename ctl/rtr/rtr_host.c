/* RTR host setup: the RLOCs of the rtr-ifaces, the RTR data plane on
 * their interfaces under its journal (core/dp_journal.h). */
#include "rtr/rtr_host.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/dp_journal.h"
#include "core/journal.h"
#include "core/nl.h"
#include "dp_attach.h"

static const struct dp_journal journal = {
	.file = "rtr.state",
	.what = "RTR",
	.state_map = DP_RTR_STATE_MAP,
	.attached_by = "another lispd?",
	.detach = dp_rtr_detach,
	.unpin_partial = dp_rtr_unpin_partial,
};

static int attach(const void *opts, struct dp_err *err)
{
	return dp_rtr_attach(opts, err);
}

/* The interfaces of the RLOCs, each once, in the order first named. */
static unsigned devs_of(unsigned n, const struct rtr_rloc *rlocs, const char **devs,
			unsigned cap)
{
	unsigned n_devs = 0;

	for (unsigned i = 0; i < n; i++) {
		bool seen = false;

		for (unsigned k = 0; k < n_devs; k++)
			seen |= !strcmp(devs[k], rlocs[i].ifname);
		if (seen)
			continue;
		if (n_devs == cap)
			return cap + 1;
		devs[n_devs++] = rlocs[i].ifname;
	}
	return n_devs;
}

int rtr_host_rlocs(const struct lispd_cfg_rtr *c, struct rtr_rloc *out, unsigned *n,
		   char *errbuf, size_t errlen)
{
	const char *devs[JOURNAL_ATTACH_DEVS];

	*n = 0;
	for (unsigned i = 0; i < c->n_ifaces && i < RTR_MAX_RLOCS; i++) {
		const struct lispd_cfg_rtr_iface *f = &c->ifaces[i];
		struct rtr_rloc *r = &out[*n];
		uint16_t afi = f->ip_version == 4 ? LISP_AFI_IPV4 : LISP_AFI_IPV6;
		char a[64];
		int rc;

		memset(r, 0, sizeof(*r));
		rc = nl_iface_addr(f->ifname, afi, &r->addr);
		if (rc) {
			snprintf(errbuf, errlen, "rtr-iface %s (line %d): %s", f->ifname, f->line,
				 rc < 0 ? strerror(errno) :
				 f->ip_version == 4 ? "no usable IPv4 address (the RTR's RLOC)"
						    : "no usable global IPv6 address (the RTR's RLOC)");
			return -1;
		}
		for (unsigned k = 0; k < *n; k++)
			if (lisp_ip_equal(&out[k].addr, &r->addr)) {
				snprintf(errbuf, errlen, "rtr-iface %s (line %d): address %s is "
					 "another rtr-iface's already", f->ifname, f->line,
					 nl_ip_str(&r->addr, a, sizeof(a)));
				return -1;
			}
		snprintf(r->ifname, sizeof(r->ifname), "%s", f->ifname);
		r->priority = f->priority;
		r->weight = f->weight;
		(*n)++;
	}
	if (devs_of(*n, out, devs, JOURNAL_ATTACH_DEVS) > JOURNAL_ATTACH_DEVS) {
		snprintf(errbuf, errlen, "rtr-ifaces name more than %d interfaces",
			 JOURNAL_ATTACH_DEVS);
		return -1;
	}
	return 0;
}

int rtr_host_setup(unsigned n, const struct rtr_rloc *rlocs, const char *pin_dir,
		   const char *state_dir, struct dp_handle *dp, char *errbuf, size_t errlen)
{
	const char *devs[JOURNAL_ATTACH_DEVS];
	unsigned n_devs = devs_of(n, rlocs, devs, JOURNAL_ATTACH_DEVS);
	struct dp_rtr_opts o;

	memset(&o, 0, sizeof(o));
	o.pin_dir = pin_dir;
	o.n_rlocs = n;
	for (unsigned i = 0; i < n; i++) {
		o.rlocs[i].addr = rlocs[i].addr;
		o.rlocs[i].dev = rlocs[i].ifname;
	}
	o.miss_policy = DP_MISS_DROP;
	return dp_journal_setup(&journal, state_dir, pin_dir, devs, n_devs, attach, &o, dp, errbuf,
				errlen);
}

void rtr_host_stop(const char *state_dir)
{
	dp_journal_stop(&journal, state_dir);
}

int rtr_host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen)
{
	return dp_journal_cleanup_stale(&journal, state_dir, errbuf, errlen);
}
