#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "core/nl.h"
#include "log.h"
#include "mn/rlocs.h"
#include "mn/rlocwatch.h"

struct holder_ctx {
	const struct lisp_ip *ip;
	char *ifname;
	size_t len;
};

static bool holds(struct rtnl_addr *a, struct nl_cache *links, void *arg)
{
	const struct holder_ctx *c = arg;
	struct lisp_ip got;

	return nl_addr_to_ip(rtnl_addr_get_local(a), &got) == 0 && lisp_ip_equal(&got, c->ip) &&
	       rtnl_link_i2name(links, rtnl_addr_get_ifindex(a), c->ifname, c->len);
}

/* The interface holding ip, into ifname; 0 or 1 when none does. */
static int iface_of_addr(const struct lisp_ip *ip, char *ifname, size_t len)
{
	struct holder_ctx c = { .ip = ip, .ifname = ifname, .len = len };

	return nl_addr_walk(holds, &c);
}

/* The plan's entry of RLOC interface ifname, added when new; NULL when
 * there are too many (errbuf filled). */
static struct host_plan_iface *plan_iface(struct host_plan *plan, const char *ifname,
					  const char *src, int line, char *errbuf, size_t errlen)
{
	struct host_plan_iface *p;

	for (unsigned i = 0; i < plan->n_ifaces; i++)
		if (!strcmp(plan->ifaces[i].conf.name, ifname))
			return &plan->ifaces[i];
	if (plan->n_ifaces == MN_MAX_IFACES) {
		snprintf(errbuf, errlen, "%s:%d: RLOC interface %s: more than %d RLOC interfaces",
			 src, line, ifname, MN_MAX_IFACES);
		return NULL;
	}
	p = &plan->ifaces[plan->n_ifaces++];
	memset(p, 0, sizeof(*p));
	snprintf(p->conf.name, sizeof(p->conf.name), "%s", ifname);
	return p;
}

/* The interface gives RLOCs of family afi at r's priority/weight (the
 * first entry naming the interface and family rules), and rloc (may be
 * NULL: none now) is its address of that family. */
static void iface_take(struct host_plan_iface *p, uint16_t afi, const struct lispd_cfg_rloc *r,
		       const struct lisp_ip *rloc)
{
	if (!p->conf.use[afi]) {
		p->conf.use[afi] = true;
		p->conf.priority[afi] = r->priority;
		p->conf.weight[afi] = r->weight;
	}
	if (!rloc)
		return;
	for (unsigned i = 0; i < p->n_rlocs; i++)
		if (p->rlocs[i].afi == afi)
			return;
	p->rlocs[p->n_rlocs++] = *rloc;
}

static int plan_rloc(const struct lispd_cfg_rloc *r, struct host_plan *plan, const char *src,
		     char *errbuf, size_t errlen)
{
	char ifname[IF_NAMESIZE], buf[64];
	struct host_plan_iface *p;
	struct lisp_ip ip;
	int rc;

	if (r->kind == LISPD_RLOC_IFACE) {
		uint16_t afi = r->ip_version == 6 ? LISP_AFI_IPV6 : LISP_AFI_IPV4;

		p = plan_iface(plan, r->ifname, src, r->line, errbuf, errlen);
		if (!p)
			return -1;
		rc = nl_iface_addr(r->ifname, afi, &ip);
		if (rc < 0) {
			snprintf(errbuf, errlen, "%s:%d: reading the addresses of %s: %s", src,
				 r->line, r->ifname, strerror(errno));
			return -1;
		}
		if (rc == 1)
			log_warn("%s:%d: %s has no usable IPv%u address now", src, r->line,
				 r->ifname, r->ip_version);
		iface_take(p, afi, r, rc == 0 ? &ip : NULL);
		return 0;
	}
	if (!r->local)
		return 0;   /* an address of someone else (a NAT's, say): not a source */
	rc = iface_of_addr(&r->addr, ifname, sizeof(ifname));
	if (rc) {
		snprintf(errbuf, errlen, "%s:%d: rloc-address %s is marked local but no "
			 "interface holds it", src, r->line, nl_ip_str(&r->addr, buf, sizeof(buf)));
		return -1;
	}
	p = plan_iface(plan, ifname, src, r->line, errbuf, errlen);
	if (!p)
		return -1;
	iface_take(p, r->addr.afi, r, &r->addr);
	return 0;
}

/* With several RLOC interfaces, one whose link is down gives no RLOC now
 * (its watcher adds it once it comes up). A single interface is taken as
 * it is, as before multihoming. */
static void drop_down_ifaces(struct host_plan *plan)
{
	if (plan->n_ifaces < 2)
		return;
	for (unsigned i = 0; i < plan->n_ifaces; i++) {
		struct host_plan_iface *p = &plan->ifaces[i];
		int ifindex = (int)if_nametoindex(p->conf.name);
		struct rloc_view v;

		if (p->n_rlocs == 0)
			continue;
		if (ifindex <= 0 || (rloc_view_read(ifindex, NULL, &v) == 0 && !v.link_up)) {
			log_info("RLOC interface %s is down: no RLOC from it now", p->conf.name);
			p->n_rlocs = 0;
		}
	}
}

/* The sending RLOCs and the interface they start on, from the plan's
 * interfaces as they are now (lib's locator-set choice). */
static void plan_sources(struct host_plan *plan)
{
	struct mn_iface_now now[MN_MAX_IFACES];
	struct mn_locator locs[MN_MAX_LOCS];
	const struct mn_locator *best;
	unsigned n;

	for (unsigned i = 0; i < plan->n_ifaces; i++) {
		now[i].conf = &plan->ifaces[i].conf;
		now[i].ifindex = (int)(i + 1);   /* stands for the interface here */
		now[i].n_rlocs = plan->ifaces[i].n_rlocs;
		memcpy(now[i].rlocs, plan->ifaces[i].rlocs, sizeof(now[i].rlocs));
	}
	n = mn_locset_build(now, plan->n_ifaces, locs, MN_MAX_LOCS);
	plan->n_rlocs = mn_locset_sources(locs, n, plan->rlocs);
	best = mn_locset_best(locs, n, LISP_AFI_IPV4);
	if (!best)
		best = mn_locset_best(locs, n, LISP_AFI_IPV6);
	if (best)
		snprintf(plan->phys_name, sizeof(plan->phys_name), "%s",
			 plan->ifaces[best->ifindex - 1].conf.name);
}

static int plan_eid(const struct lispd_cfg_mapping *m, struct host_plan *plan, bool *iid_set,
		    const char *src, char *errbuf, size_t errlen)
{
	const struct lisp_ip *eid = &m->eid.addr.ip;
	uint32_t iid = m->eid.addr.has_iid ? m->eid.addr.iid : 0;
	char buf[64];

	if (*iid_set && iid != plan->iid) {
		snprintf(errbuf, errlen, "%s:%d: database-mapping: instance-id %u differs from "
			 "%u of an earlier mapping; one instance-id per node is supported", src,
			 m->line, iid, plan->iid);
		return -1;
	}
	*iid_set = true;
	plan->iid = iid;
	plan->use_iid = iid != 0;
	if (m->eid.plen != lisp_afi_bits(eid->afi))
		log_warn("%s:%d: EID prefix /%u: lmn0 gets %s as a host address", src, m->line,
			 m->eid.plen, nl_ip_str(eid, buf, sizeof(buf)));
	for (unsigned i = 0; i < plan->n_eids; i++)
		if (lisp_ip_equal(&plan->eids[i], eid))
			return 0;
	if (plan->n_eids == MN_HOST_MAX_EIDS) {
		snprintf(errbuf, errlen, "%s:%d: more than %d EIDs", src, m->line,
			 MN_HOST_MAX_EIDS);
		return -1;
	}
	plan->eids[plan->n_eids++] = *eid;
	return 0;
}

int rlocs_plan(const struct lispd_config *cfg, struct host_plan *plan, char *errbuf,
	       size_t errlen)
{
	const char *src = cfg->source ? cfg->source : "configuration";
	bool iid_set = false;

	plan->phys_name[0] = '\0';
	plan->n_rlocs = plan->n_eids = plan->n_petrs = plan->n_ifaces = 0;
	plan->use_iid = false;
	plan->iid = 0;
	plan->decap_src_check = cfg->decap_src_check;
	if (cfg->n_mappings == 0) {
		snprintf(errbuf, errlen, "%s: no database-mapping: a mobile node needs an EID",
			 src);
		return -1;
	}
	for (unsigned i = 0; i < cfg->n_mappings; i++) {
		const struct lispd_cfg_mapping *m = &cfg->mappings[i];

		if (plan_eid(m, plan, &iid_set, src, errbuf, errlen))
			return -1;
		for (unsigned j = 0; j < m->n_rlocs; j++)
			if (plan_rloc(&m->rlocs[j], plan, src, errbuf, errlen))
				return -1;
	}
	drop_down_ifaces(plan);
	plan_sources(plan);
	if (plan->n_rlocs == 0) {
		snprintf(errbuf, errlen, "%s: no database-mapping interface has a usable address "
			 "(of priority below 255) now, so there is no RLOC to send from", src);
		return -1;
	}
	for (unsigned i = 0; i < cfg->n_petrs; i++) {
		if (plan->n_petrs == MN_HOST_MAX_PETRS) {
			log_warn("%s:%d: more than %d proxy-ETRs: the rest are not used", src,
				 cfg->petrs[i].line, MN_HOST_MAX_PETRS);
			break;
		}
		plan->petrs[plan->n_petrs++] = cfg->petrs[i].addr;
	}
	return 0;
}
