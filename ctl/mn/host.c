/* Host setup of the mobile node: the data plane attached, each RLOC
 * interface's table and rules, the default into lmn; every change
 * journaled first (host_journal.c). */
#include <errno.h>
#include <inttypes.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/nl.h"
#include "dp_attach.h"
#include "dp_config.h"
#include "dp_link.h"
#include "dp_maps.h"
#include "log.h"
#include "mn/host_priv.h"

/* The plan (mn/rlocs.c) stops at the MN's own limits and attach takes it
 * whole: a plan the data plane cannot hold must not get past the
 * configuration check. */
_Static_assert(MN_HOST_MAX_EIDS <= DP_MAX_EIDS, "local EIDs the data plane cannot hold");
_Static_assert(MN_HOST_MAX_PETRS <= DP_MAX_PETRS, "PETRs the data plane cannot hold");
_Static_assert(MN_MAX_IFACES - 1 <= DP_MAX_DECAP_DEVS, "RLOC interfaces left without decap");
_Static_assert(MN_MAX_LOCS <= DP_MAX_LOCAL_RLOCS, "locators decap would not accept");

#define LMN_METRIC4 0u
/* IPv6 turns metric 0 into 1024; 1 is the best an IPv6 route can have. */
#define LMN_METRIC6 1u

int host_fail(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool plan_has_family(const struct lisp_ip *ips, unsigned n, uint16_t afi)
{
	for (unsigned i = 0; i < n; i++)
		if (ips[i].afi == afi)
			return true;
	return false;
}

/* Table T: default via the physical gateway, and `from RLOC lookup T`. */
static int setup_rloc_routing(struct nl_sock *sk, struct journal *j, const struct lisp_ip *rloc,
			      int phys, const char *phys_name, uint32_t table, bool *has_gw,
			      struct lisp_ip *gw, char *errbuf, size_t errlen)
{
	struct nl_droutes d = { .afi = rloc->afi, .table = RT_TABLE_MAIN, .oif = phys };
	struct nl_droute r;
	char txt[64];
	int rc;

	nl_ip_str(rloc, txt, sizeof(txt));
	rc = nl_droutes_find(sk, &d);
	if (rc)
		return host_fail(errbuf, errlen, "reading routes: %s", strerror(-rc));
	if (d.n == 0) {
		log_warn("no IPv%c default route on %s: control messages from %s follow "
			 "the main table", rloc->afi == LISP_AFI_IPV4 ? '4' : '6', phys_name, txt);
	} else {
		r = d.found[0];
		*has_gw = r.has_gw;
		*gw = r.gw;
		r.table = table;
		r.metric = 0;
		r.proto = RTPROT_STATIC;
		if (host_journal_route(j, "route", &r, 0, errbuf, errlen))
			return -1;
		rc = nl_droute_op(sk, &r, true);
		if (rc == -EEXIST)
			return host_fail(errbuf, errlen, "routing table %" PRIu32 " already has an "
					 "IPv%c default route: it is not ours, remove it or "
					 "choose another table", table,
					 rloc->afi == LISP_AFI_IPV4 ? '4' : '6');
		if (rc)
			return host_fail(errbuf, errlen, "adding the default route of table %" PRIu32
					 ": %s", table, strerror(-rc));
	}
	if (host_journal_rule(j, rloc, table, errbuf, errlen))
		return -1;
	rc = nl_rule_op(sk, rloc, MN_HOST_RULE_PRIO, table, true);
	if (rc && rc != -EEXIST)
		return host_fail(errbuf, errlen, "adding rule from %s lookup %" PRIu32 ": %s", txt,
				 table, strerror(-rc));
	return 0;
}

int host_demote_defaults(struct nl_sock *sk, struct journal *j, uint16_t afi, int phys,
			 uint32_t metric, char *errbuf, size_t errlen)
{
	struct nl_droutes d = { .afi = afi, .table = RT_TABLE_MAIN, .oif = phys };
	int rc = nl_droutes_find(sk, &d);

	if (rc)
		return host_fail(errbuf, errlen, "reading routes: %s", strerror(-rc));
	for (unsigned i = 0; i < d.n; i++) {
		struct nl_droute moved = d.found[i];

		if (moved.metric >= MN_HOST_PHYS_METRIC)
			continue;
		if (host_journal_route(j, "demote", &d.found[i], metric, errbuf, errlen))
			return -1;
		moved.metric = metric;
		rc = nl_droute_op(sk, &moved, true);
		if (rc && rc != -EEXIST)
			return host_fail(errbuf, errlen, "adding the demoted default route: %s",
					 strerror(-rc));
		rc = nl_droute_op(sk, &d.found[i], false);
		if (rc && !nl_gone(rc))
			return host_fail(errbuf, errlen, "removing the physical default route: %s",
					 strerror(-rc));
	}
	return 0;
}

/* Every RLOC interface's physical defaults demoted, then the default
 * into lmn. */
static int setup_eid_routing(struct nl_sock *sk, struct journal *j, uint16_t afi,
			     const struct mn_host *host, int lmn, char *errbuf, size_t errlen)
{
	struct nl_droute r = { 0 };
	int rc;

	for (unsigned i = 0; i < host->n_ifaces; i++)
		if (host->ifs[i].ifindex > 0 &&
		    host_demote_defaults(sk, j, afi, host->ifs[i].ifindex, host->ifs[i].phys_metric,
					 errbuf, errlen))
			return -1;
	r.afi = afi;
	r.table = RT_TABLE_MAIN;
	r.metric = afi == LISP_AFI_IPV4 ? LMN_METRIC4 : LMN_METRIC6;
	r.proto = RTPROT_STATIC;
	r.scope = RT_SCOPE_LINK;
	r.oif = lmn;
	if (host_journal_route(j, "route", &r, 0, errbuf, errlen))
		return -1;
	rc = nl_droute_op(sk, &r, true);
	if (rc)
		return host_fail(errbuf, errlen, "adding the default route via lmn: %s",
				 strerror(-rc));
	return 0;
}

/* Each RLOC interface's state: index, table, the routing of its RLOCs. */
static int setup_ifaces(struct nl_sock *sk, struct journal *j, const struct host_plan *plan,
			struct mn_host *out, char *errbuf, size_t errlen)
{
	struct dp_link_info li;

	out->n_ifaces = plan->n_ifaces;
	for (unsigned i = 0; i < plan->n_ifaces; i++) {
		const struct host_plan_iface *p = &plan->ifaces[i];
		struct mn_host_iface *h = &out->ifs[i];

		h->conf = p->conf;
		h->ifindex = (int)if_nametoindex(p->conf.name);
		h->table = out->table + i;
		h->phys_metric = MN_HOST_PHYS_METRIC + i;
		if (h->ifindex <= 0)
			continue;
		if (dp_link_get(p->conf.name, &li) == 0)
			h->mtu = li.mtu;
		for (unsigned k = 0; k < p->n_rlocs; k++) {
			uint16_t f = p->rlocs[k].afi;

			if (setup_rloc_routing(sk, j, &p->rlocs[k], h->ifindex, p->conf.name,
					       h->table, &h->has_gw[f], &h->gw[f], errbuf, errlen))
				return -1;
			h->rlocs[h->n_rlocs++] = p->rlocs[k];
		}
	}
	return 0;
}

/* The locator set of the interfaces as set up. */
static unsigned host_locset(const struct mn_host *host, struct mn_locator *out)
{
	struct mn_iface_now now[MN_MAX_IFACES];

	host_now(host, now);
	return mn_locset_build(now, host->n_ifaces, out, MN_MAX_LOCS);
}

/* The attach options of plan; *decap_fd gets the decap program when an
 * RLOC interface does not exist yet. */
static void attach_opts(const struct host_plan *plan, struct dp_attach_opts *o, int *decap_fd)
{
	dp_attach_opts_init(o);
	o->pin_dir = plan->pin_dir;
	o->phys_dev = plan->phys_name;
	o->lmn_dev = plan->lmn_name[0] ? plan->lmn_name : NULL;
	o->n_eids = plan->n_eids;
	memcpy(o->eids, plan->eids, sizeof(plan->eids[0]) * plan->n_eids);
	o->n_rlocs = plan->n_rlocs;
	memcpy(o->rlocs, plan->rlocs, sizeof(plan->rlocs[0]) * plan->n_rlocs);
	o->use_iid = plan->use_iid;
	o->iid = plan->iid;
	o->decap_src_check = plan->decap_src_check;
	o->n_petrs = plan->n_petrs;
	memcpy(o->petrs, plan->petrs, sizeof(plan->petrs[0]) * plan->n_petrs);
	/* While a mapping is unknown, the PETR carries the flow's first packets. */
	o->miss_policy = plan->n_petrs ? DP_MISS_PETR : DP_MISS_DROP;
	/* Every other RLOC interface decapsulates too (make-before-break). */
	for (unsigned i = 0; i < plan->n_ifaces && o->n_decap_devs < DP_MAX_DECAP_DEVS; i++) {
		const char *name = plan->ifaces[i].conf.name;

		if (!strcmp(name, plan->phys_name))
			continue;
		if (!if_nametoindex(name)) {
			log_warn("RLOC interface %s does not exist yet: used once it appears", name);
			o->decap_fd_out = decap_fd;
			continue;
		}
		o->decap_devs[o->n_decap_devs++] = name;
	}
}

/* The data plane on, journaled first, and its maps opened. */
static int attach(const struct host_plan *plan, struct journal *j, struct dp_handle *dp,
		  struct mn_host *out, struct dp_state *st, char *errbuf, size_t errlen)
{
	struct dp_attach_opts o;
	struct dp_err err;
	const char *devs[JOURNAL_ATTACH_DEVS];
	int decap_fd = -1;

	attach_opts(plan, &o, &decap_fd);
	if (dp_state_read(plan->pin_dir, st, NULL) == 0)
		return host_fail(errbuf, errlen, "a data plane is already attached at %s (by "
				 "lispd-bpf?); detach it first", plan->pin_dir);
	devs[0] = o.phys_dev;
	memcpy(devs + 1, o.decap_devs, sizeof(devs[0]) * o.n_decap_devs);
	if (journal_attach(j, plan->pin_dir, o.lmn_dev ? o.lmn_dev : DP_LMN_DEFAULT, devs,
			   1 + o.n_decap_devs))
		return host_fail(errbuf, errlen, "journal: %s", strerror(errno));
	if (dp_attach(&o, &err))
		return host_fail(errbuf, errlen, "attaching the data plane: %s", err.msg);
	if (dp_state_read(plan->pin_dir, st, &err)) {
		if (decap_fd >= 0)
			close(decap_fd);
		return host_fail(errbuf, errlen, "%s", err.msg);
	}
	memset(out, 0, sizeof(*out));
	out->decap_fd = decap_fd;
	if (dp_open(dp, plan->pin_dir, &err))
		return host_fail(errbuf, errlen, "%s", err.msg);
	out->dp = dp;
	return 0;
}

static int do_setup(const struct host_plan *plan, struct journal *j, struct dp_handle *dp,
		    struct mn_host *out, char *errbuf, size_t errlen)
{
	struct dp_state st;
	struct dp_link_info li;
	struct nl_sock *sk;
	struct mn_locator locs[MN_MAX_LOCS];
	unsigned n_locs;
	int rc = -1;

	if (plan->n_eids > DP_MAX_EIDS || plan->n_petrs > DP_MAX_PETRS || plan->n_rlocs > 2 ||
	    plan->n_ifaces > MN_MAX_IFACES)
		return host_fail(errbuf, errlen, "too many EIDs, PETRs, RLOCs or interfaces for "
				 "the data plane");
	if (attach(plan, j, dp, out, &st, errbuf, errlen))
		return -1;
	snprintf(out->pin_dir, sizeof(out->pin_dir), "%s", plan->pin_dir);
	snprintf(out->lmn_name, sizeof(out->lmn_name), "%s", st.lmn_name);
	snprintf(out->phys_name, sizeof(out->phys_name), "%s", st.phys_name);
	out->lmn_ifindex = st.lmn_ifindex;
	out->phys_ifindex = st.phys_ifindex;
	out->table = plan->table ? plan->table : MN_HOST_TABLE_DEFAULT;
	if (dp_link_get(st.phys_name, &li) == 0)
		out->phys_mtu = li.mtu;
	if (dp_link_get(st.lmn_name, &li) == 0)
		out->lmn_mtu = li.mtu;

	sk = nl_route_open();
	if (!sk)
		return host_fail(errbuf, errlen, "netlink: %s", strerror(errno));
	if (setup_ifaces(sk, j, plan, out, errbuf, errlen))
		goto out;
	if (plan_has_family(plan->eids, plan->n_eids, LISP_AFI_IPV4) &&
	    setup_eid_routing(sk, j, LISP_AFI_IPV4, out, st.lmn_ifindex, errbuf, errlen))
		goto out;
	if (plan_has_family(plan->eids, plan->n_eids, LISP_AFI_IPV6) &&
	    setup_eid_routing(sk, j, LISP_AFI_IPV6, out, st.lmn_ifindex, errbuf, errlen))
		goto out;
	n_locs = host_locset(out, locs);
	if (host_apply_locators(out, n_locs, locs, errbuf, errlen))
		goto out;
	/* attach sized lmn for the sending interface; another one in use
	 * from the start may leave less. */
	if (host_update_lmn_mtu(j, out, errbuf, errlen))
		goto out;
	rc = 0;
out:
	nl_route_close(sk);
	return rc;
}

int host_setup(const struct host_plan *plan, const char *state_dir, struct dp_handle *dp,
	       struct mn_host *out, char *errbuf, size_t errlen)
{
	char ignored[256];
	struct journal j;
	int rc;

	journal_init(&j, state_dir, HOST_JOURNAL);
	if (journal_create(&j, errbuf, errlen)) {
		if (errno == EEXIST)
			return host_fail(errbuf, errlen, "%s exists: the journal of an earlier run, "
					 "replay it first (host_cleanup_stale)", j.path);
		return -1;
	}
	out->decap_fd = -1;
	rc = do_setup(plan, &j, dp, out, errbuf, errlen);
	journal_close(&j);
	if (rc) {
		dp_close(dp);
		host_restore(state_dir, ignored, sizeof(ignored));
		if (out->decap_fd >= 0)
			close(out->decap_fd);
		out->decap_fd = -1;
	}
	return rc;
}
