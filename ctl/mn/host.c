/* Host setup of the mobile node. Every change is first appended to
 * STATE_DIR/host.state (and fsynced), then made; restoring replays that
 * log backwards, treating "already gone" as done, so it works after a clean
 * exit, after a crash at any point, and when run twice. */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/attach_log.h"
#include "core/nl.h"
#include "dp_attach.h"
#include "dp_config.h"
#include "dp_link.h"
#include "dp_maps.h"
#include "log.h"
#include "mn/host.h"

#define STATE_FILE "host.state"
#define MAX_LOG_LINES 64
#define LMN_METRIC4 0u
/* IPv6 turns metric 0 into 1024; 1 is the best an IPv6 route can have. */
#define LMN_METRIC6 1u

/* One default route, as much of it as we need to re-create it exactly. */
struct droute {
	uint16_t afi;
	uint32_t table;
	uint32_t metric;
	uint8_t proto;
	uint8_t scope;
	int oif;
	uint32_t nh_flags;
	bool has_gw;
	struct lisp_ip gw;
};

static void state_path(char *buf, size_t len, const char *dir)
{
	snprintf(buf, len, "%s/%s", dir, STATE_FILE);
}

/* ---- the write-ahead log ---------------------------------------------------- */

struct wal {
	int fd;
};

static int wal_append(struct wal *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int wal_append(struct wal *w, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(line) - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	line[n++] = '\n';
	if (write(w->fd, line, (size_t)n) != n || fdatasync(w->fd))
		return -1;
	return 0;
}

static const char *ip_text(const struct lisp_ip *ip, char *buf, size_t len)
{
	return nl_ip_str(ip, buf, (unsigned)len);
}

static int ip_parse(const char *s, struct lisp_ip *ip)
{
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1)
		return lisp_ip_from_bytes(ip, LISP_AFI_IPV4, b);
	if (inet_pton(AF_INET6, s, b) == 1)
		return lisp_ip_from_bytes(ip, LISP_AFI_IPV6, b);
	return -1;
}

static int wal_route(struct wal *w, const char *verb, const struct droute *r, uint32_t extra)
{
	char gw[64] = "-";

	if (r->has_gw)
		ip_text(&r->gw, gw, sizeof(gw));
	return wal_append(w, "%s %u %" PRIu32 " %" PRIu32 " %u %u %d %" PRIu32 " %s %" PRIu32,
			  verb, r->afi, r->table, r->metric, r->proto, r->scope, r->oif,
			  r->nh_flags, gw, extra);
}

static int parse_route(const char *args, struct droute *r, uint32_t *extra)
{
	char gw[64];
	unsigned afi, proto, scope;

	memset(r, 0, sizeof(*r));
	if (sscanf(args, "%u %" SCNu32 " %" SCNu32 " %u %u %d %" SCNu32 " %63s %" SCNu32, &afi,
		   &r->table, &r->metric, &proto, &scope, &r->oif, &r->nh_flags, gw, extra) != 9)
		return -1;
	if (afi != LISP_AFI_IPV4 && afi != LISP_AFI_IPV6)
		return -1;
	r->afi = (uint16_t)afi;
	r->proto = (uint8_t)proto;
	r->scope = (uint8_t)scope;
	if (strcmp(gw, "-")) {
		if (ip_parse(gw, &r->gw) || r->gw.afi != r->afi)
			return -1;
		r->has_gw = true;
	}
	return 0;
}

/* ---- routes and rules ------------------------------------------------------- */

static int family_of(uint16_t afi)
{
	return afi == LISP_AFI_IPV4 ? AF_INET : AF_INET6;
}

static struct rtnl_route *route_build(const struct droute *r)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct lisp_ip any = { .afi = r->afi };
	struct nl_addr *dst = nl_addr_of(&any, 0);

	if (!rt || !nh || !dst)
		goto fail;
	rtnl_route_set_family(rt, (uint8_t)family_of(r->afi));
	rtnl_route_set_table(rt, r->table);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_protocol(rt, r->proto);
	rtnl_route_set_scope(rt, r->scope);
	rtnl_route_set_priority(rt, r->metric);
	if (rtnl_route_set_dst(rt, dst))
		goto fail;
	nl_addr_put(dst);
	dst = NULL;
	rtnl_route_nh_set_ifindex(nh, r->oif);
	if (r->nh_flags)
		rtnl_route_nh_set_flags(nh, r->nh_flags);
	if (r->has_gw) {
		struct nl_addr *gw = nl_addr_of(&r->gw, lisp_afi_bits(r->afi));

		if (!gw)
			goto fail;
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	rtnl_route_add_nexthop(rt, nh);
	return rt;
fail:
	if (dst)
		nl_addr_put(dst);
	if (nh)
		rtnl_route_nh_free(nh);
	if (rt)
		rtnl_route_put(rt);
	return NULL;
}

/* 0, or a negative errno (-EEXIST / -ESRCH / -ENOENT as the kernel says). */
static int route_op(struct nl_sock *sk, const struct droute *r, bool add)
{
	struct rtnl_route *rt = route_build(r);
	int rc;

	if (!rt)
		return -ENOMEM;
	rc = add ? rtnl_route_add(sk, rt, NLM_F_EXCL) : rtnl_route_delete(sk, rt, 0);
	rtnl_route_put(rt);
	return rc ? -nl_errno(rc) : 0;
}

static bool gone(int rc)
{
	return rc == -ENOENT || rc == -ESRCH || rc == -ENODEV;
}

struct find_ctx {
	uint16_t afi;
	uint32_t table;
	int oif;
	unsigned n;
	struct droute found[4];
};

/* The unicast default routes of table via oif (one nexthop each). */
static int find_defaults(struct nl_sock *sk, struct find_ctx *fc)
{
	struct nl_cache *cache = NULL;
	int rc = rtnl_route_alloc_cache(sk, family_of(fc->afi), 0, &cache);

	fc->n = 0;
	if (rc)
		return -nl_errno(rc);
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct rtnl_nexthop *nh;
		struct droute *d;

		if (rtnl_route_get_table(rt) != fc->table ||
		    rtnl_route_get_type(rt) != RTN_UNICAST ||
		    nl_addr_get_prefixlen(rtnl_route_get_dst(rt)) != 0 ||
		    rtnl_route_get_nnexthops(rt) != 1)
			continue;
		nh = rtnl_route_nexthop_n(rt, 0);
		if (rtnl_route_nh_get_ifindex(nh) != fc->oif || fc->n == 4)
			continue;
		d = &fc->found[fc->n++];
		memset(d, 0, sizeof(*d));
		d->afi = fc->afi;
		d->table = fc->table;
		d->metric = rtnl_route_get_priority(rt);
		d->proto = rtnl_route_get_protocol(rt);
		d->scope = rtnl_route_get_scope(rt);
		d->oif = fc->oif;
		d->nh_flags = rtnl_route_nh_get_flags(nh) & RTNH_F_ONLINK;
		d->has_gw = nl_addr_to_ip(rtnl_route_nh_get_gateway(nh), &d->gw) == 0;
	}
	nl_cache_free(cache);
	return 0;
}

static int rule_op(struct nl_sock *sk, const struct lisp_ip *src, uint32_t prio, uint32_t table,
		   bool add)
{
	struct rtnl_rule *rule = rtnl_rule_alloc();
	struct nl_addr *a = nl_addr_of(src, lisp_afi_bits(src->afi));
	int rc = -ENOMEM;

	if (!rule || !a)
		goto out;
	rtnl_rule_set_family(rule, family_of(src->afi));
	rtnl_rule_set_prio(rule, prio);
	rtnl_rule_set_table(rule, table);
	rtnl_rule_set_action(rule, FR_ACT_TO_TBL);
	if (rtnl_rule_set_src(rule, a))
		goto out;
	rc = add ? rtnl_rule_add(sk, rule, NLM_F_EXCL) : rtnl_rule_delete(sk, rule, 0);
	rc = rc ? -nl_errno(rc) : 0;
out:
	if (a)
		nl_addr_put(a);
	if (rule)
		rtnl_rule_put(rule);
	return rc;
}

/* ---- restore ------------------------------------------------------------------ */

static void keep_first(char *errbuf, size_t errlen, bool *failed, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void keep_first(char *errbuf, size_t errlen, bool *failed, const char *fmt, ...)
{
	va_list ap;

	if (*failed)
		return;
	*failed = true;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* Undoes one log line. */
static void undo_line(struct nl_sock *sk, char *line, char *errbuf, size_t errlen, bool *failed)
{
	char *args = strchr(line, ' ');
	struct droute r;
	uint32_t extra;
	int rc;

	if (!args)
		return;
	*args++ = '\0';
	if (!strcmp(line, "attach")) {
		struct dp_err err;

		if (dp_detach(args, &err) == 0)
			return;
		if (err.errnum == ENOENT)   /* attach cut short: no state record */
			dp_unpin_partial(args);
		else
			keep_first(errbuf, errlen, failed, "detaching the data plane: %s", err.msg);
	} else if (attach_log_undo(line, args)) {
		/* what an attach cut short may have left (core/attach_log.h) */
	} else if (!strcmp(line, "route")) {
		if (parse_route(args, &r, &extra))
			return;
		rc = route_op(sk, &r, false);
		if (rc && !gone(rc))
			keep_first(errbuf, errlen, failed, "deleting a default route (table %" PRIu32
				   "): %s", r.table, strerror(-rc));
	} else if (!strcmp(line, "demote")) {
		struct droute moved;

		if (parse_route(args, &r, &extra))
			return;
		/* The original first, so the host is never without a default. */
		rc = route_op(sk, &r, true);
		/* The node moved and that gateway is no longer on its link
		 * (the kernel's ENETUNREACH, which libnl reports as a generic
		 * failure): the network's current default is the host's. */
		if (rc && rc != -EEXIST && rc != -ENODEV && rc != -ENETUNREACH && rc != -EIO)
			keep_first(errbuf, errlen, failed, "restoring the physical default route: %s",
				   strerror(-rc));
		moved = r;
		moved.metric = extra;
		rc = route_op(sk, &moved, false);
		if (rc && !gone(rc))
			keep_first(errbuf, errlen, failed, "deleting the demoted default route: %s",
				   strerror(-rc));
	} else if (!strcmp(line, "mtu")) {
		char name[IF_NAMESIZE];
		struct dp_link_info li;
		unsigned mtu;

		/* lmn's MTU as attach left it; gone with lmn is done. */
		if (sscanf(args, "%15s %u", name, &mtu) != 2 || dp_link_get(name, &li))
			return;
		rc = dp_link_configure(li.ifindex, mtu, NULL, false);
		if (rc && !gone(rc))
			keep_first(errbuf, errlen, failed, "restoring the MTU of %s: %s", name,
				   strerror(-rc));
	} else if (!strcmp(line, "rule")) {
		char src[64];
		struct lisp_ip ip;
		uint32_t prio, table;

		if (sscanf(args, "%63s %" SCNu32 " %" SCNu32, src, &prio, &table) != 3 ||
		    ip_parse(src, &ip))
			return;
		rc = rule_op(sk, &ip, prio, table, false);
		if (rc && !gone(rc))
			keep_first(errbuf, errlen, failed, "deleting rule from %s: %s", src,
				   strerror(-rc));
	}
}

int host_restore(const char *state_dir, char *errbuf, size_t errlen)
{
	char path[4096], *lines[MAX_LOG_LINES], buf[512];
	unsigned n = 0;
	bool failed = false;
	struct nl_sock *sk;
	FILE *fp;

	state_path(path, sizeof(path), state_dir);
	fp = fopen(path, "re");
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (n < MAX_LOG_LINES && fgets(buf, sizeof(buf), fp)) {
		/* A line without its newline was torn by a crash before its
		 * change was made: nothing to undo for it. */
		if (!strchr(buf, '\n'))
			break;
		buf[strcspn(buf, "\n")] = '\0';
		lines[n] = strdup(buf);
		if (lines[n])
			n++;
	}
	fclose(fp);
	sk = nl_route_open();
	if (!sk) {
		snprintf(errbuf, errlen, "netlink: %s", strerror(errno));
		for (unsigned i = 0; i < n; i++)
			free(lines[i]);
		return -1;
	}
	while (n > 0) {
		n--;
		undo_line(sk, lines[n], errbuf, errlen, &failed);
		free(lines[n]);
	}
	nl_route_close(sk);
	/* Every step was tried; another attempt would meet the same errors. */
	unlink(path);
	return failed ? -1 : 0;
}

int host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen)
{
	char path[4096];

	state_path(path, sizeof(path), state_dir);
	if (access(path, F_OK))
		return 0;
	if (host_restore(state_dir, errbuf, errlen))
		return -1;
	return 1;
}

/* ---- setup -------------------------------------------------------------------- */

static int fail_msg(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_msg(char *errbuf, size_t errlen, const char *fmt, ...)
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
static int setup_rloc_routing(struct nl_sock *sk, struct wal *w, const struct lisp_ip *rloc,
			      int phys, const char *phys_name, uint32_t table, bool *has_gw,
			      struct lisp_ip *gw, char *errbuf, size_t errlen)
{
	struct find_ctx fc = { .afi = rloc->afi, .table = RT_TABLE_MAIN, .oif = phys };
	struct droute r;
	char txt[64];
	int rc;

	ip_text(rloc, txt, sizeof(txt));
	rc = find_defaults(sk, &fc);
	if (rc)
		return fail_msg(errbuf, errlen, "reading routes: %s", strerror(-rc));
	if (fc.n == 0) {
		log_warn("no IPv%c default route on %s: control messages from %s follow "
			 "the main table", rloc->afi == LISP_AFI_IPV4 ? '4' : '6', phys_name, txt);
	} else {
		r = fc.found[0];
		*has_gw = r.has_gw;
		*gw = r.gw;
		r.table = table;
		r.metric = 0;
		r.proto = RTPROT_STATIC;
		if (wal_route(w, "route", &r, 0))
			return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
		rc = route_op(sk, &r, true);
		if (rc == -EEXIST)
			return fail_msg(errbuf, errlen, "routing table %" PRIu32 " already has an "
					"IPv%c default route: it is not ours, remove it or "
					"choose another table", table,
					rloc->afi == LISP_AFI_IPV4 ? '4' : '6');
		if (rc)
			return fail_msg(errbuf, errlen, "adding the default route of table %" PRIu32
					": %s", table, strerror(-rc));
	}
	if (wal_append(w, "rule %s %u %" PRIu32, txt, MN_HOST_RULE_PRIO, table))
		return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
	rc = rule_op(sk, rloc, MN_HOST_RULE_PRIO, table, true);
	if (rc && rc != -EEXIST)
		return fail_msg(errbuf, errlen, "adding rule from %s lookup %" PRIu32 ": %s", txt,
				table, strerror(-rc));
	return 0;
}

/* Physical defaults of the family below metric move there (metric: one per
 * RLOC interface, MN_HOST_PHYS_METRIC + its index, so that two interfaces'
 * defaults never collide at one metric). */
static int demote_phys_defaults(struct nl_sock *sk, struct wal *w, uint16_t afi, int phys,
				uint32_t metric, char *errbuf, size_t errlen)
{
	struct find_ctx fc = { .afi = afi, .table = RT_TABLE_MAIN, .oif = phys };
	int rc = find_defaults(sk, &fc);

	if (rc)
		return fail_msg(errbuf, errlen, "reading routes: %s", strerror(-rc));
	for (unsigned i = 0; i < fc.n; i++) {
		struct droute moved = fc.found[i];

		if (moved.metric >= MN_HOST_PHYS_METRIC)
			continue;
		if (wal_route(w, "demote", &fc.found[i], metric))
			return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
		moved.metric = metric;
		rc = route_op(sk, &moved, true);
		if (rc && rc != -EEXIST)
			return fail_msg(errbuf, errlen, "adding the demoted default route: %s",
					strerror(-rc));
		rc = route_op(sk, &fc.found[i], false);
		if (rc && !gone(rc))
			return fail_msg(errbuf, errlen, "removing the physical default route: %s",
					strerror(-rc));
	}
	return 0;
}

/* Every RLOC interface's physical defaults demoted, then the default
 * into lmn. */
static int setup_eid_routing(struct nl_sock *sk, struct wal *w, uint16_t afi,
			     const struct mn_host *host, int lmn, char *errbuf, size_t errlen)
{
	struct droute r = { 0 };
	int rc;

	for (unsigned i = 0; i < host->n_ifaces; i++)
		if (host->ifs[i].ifindex > 0 &&
		    demote_phys_defaults(sk, w, afi, host->ifs[i].ifindex, host->ifs[i].phys_metric,
					 errbuf, errlen))
			return -1;
	r.afi = afi;
	r.table = RT_TABLE_MAIN;
	r.metric = afi == LISP_AFI_IPV4 ? LMN_METRIC4 : LMN_METRIC6;
	r.proto = RTPROT_STATIC;
	r.scope = RT_SCOPE_LINK;
	r.oif = lmn;
	if (wal_route(w, "route", &r, 0))
		return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
	rc = route_op(sk, &r, true);
	if (rc)
		return fail_msg(errbuf, errlen, "adding the default route via lmn: %s",
				strerror(-rc));
	return 0;
}

/* Each RLOC interface's state: index, table, the routing of its RLOCs. */
static int setup_ifaces(struct nl_sock *sk, struct wal *w, const struct host_plan *plan,
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

			if (setup_rloc_routing(sk, w, &p->rlocs[k], h->ifindex, p->conf.name,
					       h->table, &h->has_gw[f], &h->gw[f], errbuf, errlen))
				return -1;
			h->rlocs[h->n_rlocs++] = p->rlocs[k];
		}
	}
	return 0;
}

/* The interfaces as set up (or last updated), for mn/locset. */
static void host_now(const struct mn_host *host, struct mn_iface_now now[MN_MAX_IFACES])
{
	for (unsigned i = 0; i < host->n_ifaces; i++) {
		now[i].conf = &host->ifs[i].conf;
		now[i].ifindex = host->ifs[i].ifindex;
		now[i].n_rlocs = host->ifs[i].n_rlocs;
		memcpy(now[i].rlocs, host->ifs[i].rlocs, sizeof(now[i].rlocs));
		now[i].mtu = host->ifs[i].mtu;
	}
}

/* The locator set of the interfaces as set up. */
static unsigned host_locset(const struct mn_host *host, struct mn_locator *out)
{
	struct mn_iface_now now[MN_MAX_IFACES];

	host_now(host, now);
	return mn_locset_build(now, host->n_ifaces, out, MN_MAX_LOCS);
}

static int update_lmn_mtu(struct wal *w, struct mn_host *host, char *errbuf, size_t errlen);

static int do_setup(const struct host_plan *plan, struct wal *w, struct dp_handle *dp,
		    struct mn_host *out, char *errbuf, size_t errlen)
{
	struct dp_attach_opts o;
	struct dp_state st;
	struct dp_link_info li;
	struct dp_err err;
	struct nl_sock *sk;
	struct mn_locator locs[MN_MAX_LOCS];
	uint32_t table = plan->table ? plan->table : MN_HOST_TABLE_DEFAULT;
	char pre[ATTACH_LOG_MAX][320];
	const char *devs[ATTACH_LOG_DEVS];
	unsigned n_locs, n_pre;
	int rc = -1, decap_fd = -1;

	if (plan->n_eids > DP_MAX_EIDS || plan->n_petrs > DP_MAX_PETRS || plan->n_rlocs > 2 ||
	    plan->n_ifaces > MN_MAX_IFACES)
		return fail_msg(errbuf, errlen, "too many EIDs, PETRs, RLOCs or interfaces for the "
				"data plane");
	dp_attach_opts_init(&o);
	o.pin_dir = plan->pin_dir;
	o.phys_dev = plan->phys_name;
	o.lmn_dev = plan->lmn_name[0] ? plan->lmn_name : NULL;
	o.n_eids = plan->n_eids;
	memcpy(o.eids, plan->eids, sizeof(plan->eids[0]) * plan->n_eids);
	o.n_rlocs = plan->n_rlocs;
	memcpy(o.rlocs, plan->rlocs, sizeof(plan->rlocs[0]) * plan->n_rlocs);
	o.use_iid = plan->use_iid;
	o.iid = plan->iid;
	o.decap_src_check = plan->decap_src_check;
	o.n_petrs = plan->n_petrs;
	memcpy(o.petrs, plan->petrs, sizeof(plan->petrs[0]) * plan->n_petrs);
	/* While a mapping is unknown, the PETR carries the flow's first packets. */
	o.miss_policy = plan->n_petrs ? DP_MISS_PETR : DP_MISS_DROP;
	/* Every other RLOC interface decapsulates too (make-before-break). */
	for (unsigned i = 0; i < plan->n_ifaces && o.n_decap_devs < DP_MAX_DECAP_DEVS; i++) {
		const char *name = plan->ifaces[i].conf.name;

		if (!strcmp(name, plan->phys_name))
			continue;
		if (!if_nametoindex(name)) {
			log_warn("RLOC interface %s does not exist yet: used once it appears", name);
			o.decap_fd_out = &decap_fd;
			continue;
		}
		o.decap_devs[o.n_decap_devs++] = name;
	}

	if (dp_state_read(plan->pin_dir, &st, NULL) == 0)
		return fail_msg(errbuf, errlen, "a data plane is already attached at %s (by "
				"lispd-bpf?); detach it first", plan->pin_dir);
	devs[0] = o.phys_dev;
	memcpy(devs + 1, o.decap_devs, sizeof(devs[0]) * o.n_decap_devs);
	n_pre = attach_log_lines(plan->pin_dir, o.lmn_dev ? o.lmn_dev : DP_LMN_DEFAULT, devs,
				 1 + o.n_decap_devs, pre);
	for (unsigned i = 0; i < n_pre; i++)
		if (wal_append(w, "%s", pre[i]))
			return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
	if (wal_append(w, "attach %s", plan->pin_dir))
		return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
	if (dp_attach(&o, &err))
		return fail_msg(errbuf, errlen, "attaching the data plane: %s", err.msg);
	if (dp_state_read(plan->pin_dir, &st, &err)) {
		if (decap_fd >= 0)
			close(decap_fd);
		return fail_msg(errbuf, errlen, "%s", err.msg);
	}

	memset(out, 0, sizeof(*out));
	out->decap_fd = decap_fd;
	if (dp_open(dp, plan->pin_dir, &err))
		return fail_msg(errbuf, errlen, "%s", err.msg);
	out->dp = dp;
	snprintf(out->pin_dir, sizeof(out->pin_dir), "%s", plan->pin_dir);
	snprintf(out->lmn_name, sizeof(out->lmn_name), "%s", st.lmn_name);
	snprintf(out->phys_name, sizeof(out->phys_name), "%s", st.phys_name);
	out->lmn_ifindex = st.lmn_ifindex;
	out->phys_ifindex = st.phys_ifindex;
	out->table = table;
	if (dp_link_get(st.phys_name, &li) == 0)
		out->phys_mtu = li.mtu;
	if (dp_link_get(st.lmn_name, &li) == 0)
		out->lmn_mtu = li.mtu;

	sk = nl_route_open();
	if (!sk)
		return fail_msg(errbuf, errlen, "netlink: %s", strerror(errno));
	if (setup_ifaces(sk, w, plan, out, errbuf, errlen))
		goto out;
	if (plan_has_family(plan->eids, plan->n_eids, LISP_AFI_IPV4) &&
	    setup_eid_routing(sk, w, LISP_AFI_IPV4, out, st.lmn_ifindex, errbuf, errlen))
		goto out;
	if (plan_has_family(plan->eids, plan->n_eids, LISP_AFI_IPV6) &&
	    setup_eid_routing(sk, w, LISP_AFI_IPV6, out, st.lmn_ifindex, errbuf, errlen))
		goto out;
	n_locs = host_locset(out, locs);
	if (host_apply_locators(out, n_locs, locs, errbuf, errlen))
		goto out;
	/* attach sized lmn for the sending interface; another one in use
	 * from the start may leave less. */
	if (update_lmn_mtu(w, out, errbuf, errlen))
		goto out;
	rc = 0;
out:
	nl_route_close(sk);
	return rc;
}

int host_setup(const struct host_plan *plan, const char *state_dir, struct dp_handle *dp,
	       struct mn_host *out, char *errbuf, size_t errlen)
{
	char path[4096], ignored[256];
	struct wal w;
	int rc;

	state_path(path, sizeof(path), state_dir);
	w.fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (w.fd < 0) {
		if (errno == EEXIST)
			return fail_msg(errbuf, errlen, "%s exists: stale host state, clean it first "
					"(host_cleanup_stale)", path);
		return fail_msg(errbuf, errlen, "%s: %s", path, strerror(errno));
	}
	out->decap_fd = -1;
	rc = do_setup(plan, &w, dp, out, errbuf, errlen);
	close(w.fd);
	if (rc) {
		dp_close(dp);
		host_restore(state_dir, ignored, sizeof(ignored));
		if (out->decap_fd >= 0)
			close(out->decap_fd);
		out->decap_fd = -1;
	}
	return rc;
}

int host_add_iface(struct mn_host *host, unsigned idx, char *errbuf, size_t errlen)
{
	struct mn_host_iface *h;
	struct dp_link_info li;
	struct dp_err err;
	int rc;

	if (idx >= host->n_ifaces)
		return fail_msg(errbuf, errlen, "no RLOC interface %u", idx);
	h = &host->ifs[idx];
	if (h->ifindex > 0)
		return 0;
	if (host->decap_fd < 0)
		return fail_msg(errbuf, errlen, "the decap program was not kept");
	rc = dp_link_get(h->conf.name, &li);
	if (rc)
		return fail_msg(errbuf, errlen, "%s: %s", h->conf.name, strerror(-rc));
	if (dp_attach_decap_dev(host->pin_dir, host->decap_fd, h->conf.name, &err))
		return fail_msg(errbuf, errlen, "decap on %s: %s", h->conf.name, err.msg);
	h->ifindex = li.ifindex;
	h->mtu = li.mtu;
	return 0;
}

/* ---- following a move ---------------------------------------------------------- */

typedef bool (*line_match)(const char *line, const void *ctx);

static bool same_text(const char *line, const void *ctx)
{
	return !strcmp(line, ctx);
}

struct route_key {
	uint16_t afi;
	uint32_t table;
	struct lisp_ip gw;
};

static bool same_table_route(const char *line, const void *ctx)
{
	const struct route_key *k = ctx;
	struct droute r;
	uint32_t extra;

	return !strncmp(line, "route ", 6) && parse_route(line + 6, &r, &extra) == 0 &&
	       r.afi == k->afi && r.table == k->table && r.has_gw && lisp_ip_equal(&r.gw, &k->gw);
}

/* Removes the first line that matches from the state file (written aside,
 * synced, renamed over), so the log of a long-moving node stays short:
 * only what is on the host now is in it. */
static int state_drop_line(const char *state_dir, line_match match, const void *ctx)
{
	char path[4096], tmp[4200], buf[512];
	bool dropped = false;
	FILE *in, *out;
	int rc = 0;

	state_path(path, sizeof(path), state_dir);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	in = fopen(path, "re");
	if (!in)
		return -1;
	out = fopen(tmp, "we");
	if (!out) {
		fclose(in);
		return -1;
	}
	while (fgets(buf, sizeof(buf), in)) {
		size_t n = strcspn(buf, "\n");
		char line[512];

		memcpy(line, buf, n);
		line[n] = '\0';
		if (!dropped && buf[n] == '\n' && match(line, ctx)) {
			dropped = true;
			continue;
		}
		if (fputs(buf, out) == EOF)
			rc = -1;
	}
	fclose(in);
	if (fflush(out) || fdatasync(fileno(out)))
		rc = -1;
	if (fclose(out))
		rc = -1;
	if (rc == 0 && rename(tmp, path))
		rc = -1;
	if (rc)
		unlink(tmp);
	return rc;
}

/* Log lines of what a move took off the host, dropped once every new line
 * is appended (dropping rewrites the file, which an open append fd would
 * no longer reach). */
struct drops {
	unsigned n_rules, n_routes;
	char rules[2][128];
	struct route_key routes[2];
};

static void drops_apply(const char *state_dir, const struct drops *d)
{
	for (unsigned i = 0; i < d->n_rules; i++)
		state_drop_line(state_dir, same_text, d->rules[i]);
	for (unsigned i = 0; i < d->n_routes; i++)
		state_drop_line(state_dir, same_table_route, &d->routes[i]);
}

static const struct lisp_ip *of_afi(const struct lisp_ip *ips, unsigned n, uint16_t afi)
{
	for (unsigned i = 0; i < n; i++)
		if (ips[i].afi == afi)
			return &ips[i];
	return NULL;
}

int host_apply_locators(struct mn_host *host, unsigned n, const struct mn_locator *locs,
			char *errbuf, size_t errlen)
{
	struct dp_rlocs r;
	struct dp_err err;

	memset(&r, 0, sizeof(r));
	if (n > MN_MAX_LOCS)
		return fail_msg(errbuf, errlen, "more than %d locators", MN_MAX_LOCS);
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++) {
		const struct mn_locator *b = mn_locset_best(locs, n, f);

		if (!b)
			continue;
		r.has_src[f] = true;
		r.src[f] = b->addr;
		r.src_ifindex[f] = b->ifindex;
	}
	for (unsigned i = 0; i < n; i++) {
		r.local[r.n_local] = locs[i].addr;
		r.local_ifindex[r.n_local++] = locs[i].ifindex;
	}
	if (dp_rlocs_apply(host->dp, &r, &err))
		return fail_msg(errbuf, errlen, "%s", err.msg);
	host->n_rlocs = mn_locset_sources(locs, n, host->rlocs);
	host->n_locs = n;
	memcpy(host->locs, locs, sizeof(locs[0]) * n);
	return 0;
}

/* `from NEW lookup T` in, `from OLD lookup T` out (logged first, dropped
 * from the log once gone). */
static int update_rule(struct nl_sock *sk, struct wal *w, struct drops *drops,
		       const struct lisp_ip *old, const struct lisp_ip *now, uint32_t table,
		       char *errbuf, size_t errlen)
{
	char txt[64];
	int rc;

	if (old && now && lisp_ip_equal(old, now))
		return 0;
	if (now) {
		ip_text(now, txt, sizeof(txt));
		if (wal_append(w, "rule %s %u %" PRIu32, txt, MN_HOST_RULE_PRIO, table))
			return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
		rc = rule_op(sk, now, MN_HOST_RULE_PRIO, table, true);
		if (rc && rc != -EEXIST)
			return fail_msg(errbuf, errlen, "adding rule from %s lookup %" PRIu32 ": %s",
					txt, table, strerror(-rc));
	}
	if (old) {
		ip_text(old, txt, sizeof(txt));
		rc = rule_op(sk, old, MN_HOST_RULE_PRIO, table, false);
		if (rc && !gone(rc))
			return fail_msg(errbuf, errlen, "deleting rule from %s: %s", txt,
					strerror(-rc));
		snprintf(drops->rules[drops->n_rules++], sizeof(drops->rules[0]), "rule %s %u %" PRIu32,
			 txt, MN_HOST_RULE_PRIO, table);
	}
	return 0;
}

static void table_route(struct droute *r, uint16_t afi, uint32_t table, int phys,
			const struct lisp_ip *gw)
{
	memset(r, 0, sizeof(*r));
	r->afi = afi;
	r->table = table;
	r->proto = RTPROT_STATIC;
	r->scope = RT_SCOPE_UNIVERSE;
	r->oif = phys;
	r->has_gw = true;
	r->gw = *gw;
}

/* Table T's default follows the gateway of the interface. */
static int update_table_gw(struct nl_sock *sk, struct wal *w, struct drops *drops,
			   struct mn_host_iface *host, uint16_t afi, bool has_gw,
			   const struct lisp_ip *gw, char *errbuf, size_t errlen)
{
	struct route_key *key;
	struct droute r;
	char gwt[64];
	int rc;

	if (has_gw == host->has_gw[afi] && (!has_gw || lisp_ip_equal(gw, &host->gw[afi])))
		return 0;
	if (host->has_gw[afi]) {
		/* The route setup installed carries the physical route's
		 * protocol and flags: delete by destination, table and
		 * gateway, which both forms share. */
		table_route(&r, afi, host->table, host->ifindex, &host->gw[afi]);
		rc = route_op(sk, &r, false);
		if (rc && !gone(rc))
			return fail_msg(errbuf, errlen, "deleting the default route of table %" PRIu32
					": %s", host->table, strerror(-rc));
		host->has_gw[afi] = false;
		key = &drops->routes[drops->n_routes++];
		key->afi = afi;
		key->table = host->table;
		key->gw = host->gw[afi];
	}
	if (!has_gw)
		return 0;
	table_route(&r, afi, host->table, host->ifindex, gw);
	if (wal_route(w, "route", &r, 0))
		return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
	rc = route_op(sk, &r, true);
	if (rc && rc != -EEXIST)
		return fail_msg(errbuf, errlen, "adding the default route of table %" PRIu32
				" via %s: %s", host->table, ip_text(gw, gwt, sizeof(gwt)),
				strerror(-rc));
	host->has_gw[afi] = true;
	host->gw[afi] = *gw;
	return 0;
}

/* lmn's MTU leaves room for the outer header over the interfaces in use:
 * the smallest of their MTUs less 56 bytes for one with an IPv6 RLOC, 36
 * with IPv4 only (mn_locset_lmn_mtu), so the stack sizes packets, GSO
 * segments and TCP MSS for the tunnel as it is now, whichever interface
 * carries it. The MTU attach set is logged once, before the first change:
 * restore puts it back whatever happened in between. Without any RLOC
 * nothing changes (nothing leaves anyway). */
static int update_lmn_mtu(struct wal *w, struct mn_host *host, char *errbuf, size_t errlen)
{
	struct mn_iface_now now[MN_MAX_IFACES];
	unsigned limit = 0, mtu, tunnel;
	int rc;

	host_now(host, now);
	mtu = tunnel = mn_locset_lmn_mtu(now, host->n_ifaces, &limit);
	if (mtu == 0 || mtu == host->lmn_mtu)
		return 0;
	/* Below 1280 the kernel takes IPv6 (our IPv6 EIDs) off lmn: stay at
	 * 1280 and let the data plane's Packet Too Big handle the rest. */
	if (mtu < 1280) {
		log_warn("%s: the tunnel leaves %u bytes; keeping %s at 1280",
			 host->ifs[limit].conf.name, mtu, host->lmn_name);
		mtu = 1280;
		if (mtu == host->lmn_mtu)
			return 0;
	}
	if (!host->lmn_mtu_logged) {
		if (wal_append(w, "mtu %s %u", host->lmn_name, host->lmn_mtu))
			return fail_msg(errbuf, errlen, "state file: %s", strerror(errno));
		host->lmn_mtu_logged = true;
	}
	rc = dp_link_configure(host->lmn_ifindex, mtu, NULL, false);
	if (rc)
		return fail_msg(errbuf, errlen, "setting the MTU of %s to %u: %s", host->lmn_name,
				mtu, strerror(-rc));
	log_info("%s: MTU %u -> %u (%s, MTU %u, outer header over IPv%c)", host->lmn_name,
		 host->lmn_mtu, mtu, host->ifs[limit].conf.name, host->ifs[limit].mtu,
		 host->ifs[limit].mtu - tunnel > DP_OVERHEAD4 ? '6' : '4');
	host->lmn_mtu = mtu;
	return 0;
}

int host_update_iface(const char *state_dir, struct mn_host *host, unsigned idx, unsigned n,
		      const struct lisp_ip *rlocs, const bool has_gw[3],
		      const struct lisp_ip gw[3], unsigned mtu, char *errbuf, size_t errlen)
{
	struct mn_host_iface *h;
	char path[4096];
	struct drops drops = { 0 };
	struct nl_sock *sk;
	struct wal w;
	int rc = 0;

	if (idx >= host->n_ifaces || host->ifs[idx].ifindex <= 0)
		return fail_msg(errbuf, errlen, "no RLOC interface %u", idx);
	if (n > 2)
		return fail_msg(errbuf, errlen, "more than one RLOC per family");
	h = &host->ifs[idx];
	state_path(path, sizeof(path), state_dir);
	w.fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (w.fd < 0)
		return fail_msg(errbuf, errlen, "%s: %s", path, strerror(errno));
	sk = nl_route_open();
	if (!sk) {
		close(w.fd);
		return fail_msg(errbuf, errlen, "netlink: %s", strerror(errno));
	}
	for (uint16_t f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6 && rc == 0; f++) {
		const struct lisp_ip *old = of_afi(h->rlocs, h->n_rlocs, f);
		const struct lisp_ip *now = of_afi(rlocs, n, f);

		/* A new physical default (DHCP) would outrank lmn's: demoted
		 * like the first one, and put back on restore. */
		rc = demote_phys_defaults(sk, &w, f, h->ifindex, h->phys_metric, errbuf, errlen);
		if (rc == 0)
			rc = update_table_gw(sk, &w, &drops, h, f, has_gw[f], &gw[f], errbuf, errlen);
		if (rc == 0)
			rc = update_rule(sk, &w, &drops, old, now, h->table, errbuf, errlen);
	}
	h->n_rlocs = n;
	memcpy(h->rlocs, rlocs, sizeof(h->rlocs[0]) * n);
	if (mtu)
		h->mtu = mtu;
	if (rc == 0)
		rc = update_lmn_mtu(&w, host, errbuf, errlen);
	nl_route_close(sk);
	close(w.fd);
	drops_apply(state_dir, &drops);
	return rc;
}
