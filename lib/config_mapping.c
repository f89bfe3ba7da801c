/* database-mapping and static-map-cache sections, in the three formats:
 *   LISPmob 0.2  interface + priority/weight; rloc + priority/weight
 *   LISPmob 0.4  interface + priority_v4/weight_v4/priority_v6/weight_v6
 *                (priority -1: do not use that family)
 *   OOR          rloc-address { } and rloc-iface { } sub-sections */
#include "config_priv.h"

#include <stdlib.h>
#include <string.h>

static int add_rloc(struct lispd_cfg_ctx *ctx, struct lispd_cfg_mapping *m, const char *what,
		    const struct lispd_cfg_rloc *r)
{
	for (unsigned i = 0; i < m->n_rlocs; i++) {
		const struct lispd_cfg_rloc *o = &m->rlocs[i];
		bool same = o->kind == r->kind &&
			    (r->kind == LISPD_RLOC_ADDRESS
				     ? lisp_ip_equal(&o->addr, &r->addr)
				     : strcmp(o->ifname, r->ifname) == 0 &&
					       o->ip_version == r->ip_version);

		if (same)
			return lispd_cfg_fail(ctx, r->line, what,
					      "the same RLOC is given twice (first on line %d)",
					      o->line);
	}
	if (m->n_rlocs >= LISPD_CFG_MAX_RLOCS)
		return lispd_cfg_fail(ctx, r->line, what, "more than %u RLOCs in one mapping",
				      LISPD_CFG_MAX_RLOCS);
	m->rlocs[m->n_rlocs++] = *r;
	return 0;
}

static int get_prio_weight(const struct cfg_val *v, const char *pname, const char *wname,
			   long pmin, long *prio, long *weight)
{
	if (lispd_cfg_get_uint(v, pname, 0, pmin, 255, LISPD_CFG_DEFAULT_PRIORITY, prio))
		return -1;
	return lispd_cfg_get_uint(v, wname, 0, 0, 255, LISPD_CFG_DEFAULT_WEIGHT, weight);
}

static int add_iface_rloc(const struct cfg_val *v, struct lispd_cfg_mapping *m,
			  const char *ifname, int ip_version, long prio, long weight, int line)
{
	struct lispd_cfg_rloc r = {
		.kind = LISPD_RLOC_IFACE,
		.ip_version = (uint8_t)ip_version,
		.priority = (uint8_t)prio,
		.weight = (uint8_t)weight,
		.line = line,
	};

	strcpy(r.ifname, ifname);
	return add_rloc(v->ctx, m, v->section, &r);
}

/* The LISPmob `interface` key of a database-mapping. */
static int read_legacy_interface(const struct cfg_val *v, struct lispd_cfg_mapping *m)
{
	static const char *const v02[] = { "priority", "weight" };
	static const char *const v04[] = { "priority_v4", "weight_v4", "priority_v6", "weight_v6" };
	const char *first02 = NULL, *first04 = NULL;
	char ifname[IF_NAMESIZE];
	long p4, w4, p6, w6;
	int line;

	for (size_t i = 0; i < 2; i++)
		if (!first02 && lispd_cfg_has(v->sec, v02[i]))
			first02 = v02[i];
	for (size_t i = 0; i < 4; i++)
		if (!first04 && lispd_cfg_has(v->sec, v04[i]))
			first04 = v04[i];
	if (first02 && first04)
		return lispd_cfg_fail(v->ctx, lispd_cfg_line(v->ctx, v->sec, first04, 0),
				      v->section,
				      "%s (LISPmob 0.4) cannot be mixed with %s (LISPmob 0.2)",
				      first04, first02);
	if (!lispd_cfg_has(v->sec, "interface")) {
		const char *stray = first02 ? first02 : first04;

		if (stray)
			return lispd_cfg_fail(v->ctx, lispd_cfg_line(v->ctx, v->sec, stray, 0),
					      v->section, "%s needs interface", stray);
		return 0;
	}
	if (lispd_cfg_get_ifname(v, "interface", ifname, sizeof(ifname)))
		return -1;
	line = lispd_cfg_line(v->ctx, v->sec, "interface", 0);
	if (!first04) {
		/* LISPmob 0.2: the interface's addresses of both families. */
		if (get_prio_weight(v, "priority", "weight", 0, &p4, &w4))
			return -1;
		p6 = p4;
		w6 = w4;
	} else if (get_prio_weight(v, "priority_v4", "weight_v4", -1, &p4, &w4) ||
		   get_prio_weight(v, "priority_v6", "weight_v6", -1, &p6, &w6)) {
		return -1;
	}
	if (p4 < 0 && p6 < 0)
		return lispd_cfg_fail(v->ctx, line, v->section,
				      "priority_v4 and priority_v6 are both -1: interface %s "
				      "gives no RLOC", ifname);
	if (p4 >= 0 && add_iface_rloc(v, m, ifname, 4, p4, w4, line))
		return -1;
	if (p6 >= 0 && add_iface_rloc(v, m, ifname, 6, p6, w6, line))
		return -1;
	return 0;
}

static int read_rloc_ifaces(const struct cfg_val *parent, struct lispd_cfg_mapping *m)
{
	unsigned n = cfg_size(parent->sec, "rloc-iface");

	for (unsigned i = 0; i < n; i++) {
		struct cfg_val v = { parent->ctx, cfg_getnsec(parent->sec, "rloc-iface", i),
				     "rloc-iface" };
		char ifname[IF_NAMESIZE];
		long ipv, prio, weight;

		if (lispd_cfg_require(&v, "interface") ||
		    lispd_cfg_get_ifname(&v, "interface", ifname, sizeof(ifname)) ||
		    lispd_cfg_get_uint(&v, "ip_version", 0, 4, 6, 4, &ipv) ||
		    get_prio_weight(&v, "priority", "weight", 0, &prio, &weight))
			return -1;
		if (ipv != 4 && ipv != 6)
			return lispd_cfg_fail(v.ctx, lispd_cfg_line(v.ctx, v.sec, "ip_version", 0),
					      v.section, "ip_version %ld is not 4 or 6", ipv);
		if (add_iface_rloc(&v, m, ifname, (int)ipv, prio, weight,
				   lispd_cfg_sec_line(v.ctx, v.sec)))
			return -1;
	}
	return 0;
}

static int read_rloc_addresses(const struct cfg_val *parent, struct lispd_cfg_mapping *m,
			       bool has_local)
{
	unsigned n = cfg_size(parent->sec, "rloc-address");

	for (unsigned i = 0; i < n; i++) {
		struct cfg_val v = { parent->ctx, cfg_getnsec(parent->sec, "rloc-address", i),
				     "rloc-address" };
		struct lispd_cfg_rloc r = { .kind = LISPD_RLOC_ADDRESS };
		long prio, weight;
		bool local = false;

		if (lispd_cfg_require(&v, "address") || lispd_cfg_get_ip(&v, "address", 0, &r.addr) ||
		    get_prio_weight(&v, "priority", "weight", 0, &prio, &weight) ||
		    (has_local && lispd_cfg_get_bool(&v, "local", true, &local)))
			return -1;
		r.priority = (uint8_t)prio;
		r.weight = (uint8_t)weight;
		r.local = local;
		r.line = lispd_cfg_sec_line(v.ctx, v.sec);
		if (add_rloc(v.ctx, m, v.section, &r))
			return -1;
	}
	return 0;
}

static int read_db_mapping(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_cfg_mapping *m)
{
	struct cfg_val v = { ctx, sec, "database-mapping" };
	long ttl;

	m->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_get_eid(&v, &m->eid) ||
	    lispd_cfg_get_uint(&v, "ttl", 0, 1, 0x7fffffffL, LISPD_CFG_DEFAULT_TTL_MIN, &ttl))
		return -1;
	m->ttl_min = (uint32_t)ttl;
	if (read_legacy_interface(&v, m))
		return -1;
	m->legacy_iface = m->n_rlocs > 0 && cfg_size(sec, "rloc-iface") == 0 &&
			  cfg_size(sec, "rloc-address") == 0;
	if (read_rloc_ifaces(&v, m) || read_rloc_addresses(&v, m, true))
		return -1;
	if (m->n_rlocs == 0)
		return lispd_cfg_fail(ctx, m->line, v.section,
				      "no RLOC (give interface, rloc-iface or rloc-address)");
	return 0;
}

static int read_static(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_cfg_mapping *m)
{
	struct cfg_val v = { ctx, sec, "static-map-cache" };

	m->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_get_eid(&v, &m->eid))
		return -1;
	if (lispd_cfg_has(sec, "rloc")) {
		struct lispd_cfg_rloc r = { .kind = LISPD_RLOC_ADDRESS };
		long prio, weight;

		if (lispd_cfg_get_ip(&v, "rloc", 0, &r.addr) ||
		    get_prio_weight(&v, "priority", "weight", 0, &prio, &weight))
			return -1;
		r.priority = (uint8_t)prio;
		r.weight = (uint8_t)weight;
		r.line = lispd_cfg_line(ctx, sec, "rloc", 0);
		if (add_rloc(ctx, m, v.section, &r))
			return -1;
	} else {
		const char *stray = lispd_cfg_has(sec, "priority") ? "priority"
				    : lispd_cfg_has(sec, "weight") ? "weight" : NULL;

		if (stray)
			return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, stray, 0), v.section,
					      "%s needs rloc", stray);
	}
	if (read_rloc_addresses(&v, m, false))
		return -1;
	if (m->n_rlocs == 0)
		return lispd_cfg_fail(ctx, m->line, v.section, "no RLOC (give rloc-address)");
	return 0;
}

int lispd_cfg_read_static_site(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_cfg_mapping *m)
{
	struct cfg_val v = { ctx, sec, "ms-static-registered-site" };

	m->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_get_eid(&v, &m->eid) || read_rloc_addresses(&v, m, false))
		return -1;
	if (m->n_rlocs == 0)
		return lispd_cfg_fail(ctx, m->line, v.section, "no RLOC (give rloc-address)");
	return 0;
}

static int check_unique_eids(struct lispd_cfg_ctx *ctx, const struct lispd_cfg_mapping *ms,
			     unsigned n, const char *what)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (lisp_prefix_cmp(&ms[i].eid, &ms[j].eid) == 0) {
				char buf[LISP_ADDR_STRLEN];

				return lispd_cfg_fail(ctx, ms[i].line, what,
						      "eid-prefix %s is given twice (first on "
						      "line %d)",
						      lisp_prefix_format(&ms[i].eid, buf, sizeof(buf)),
						      ms[j].line);
			}
	return 0;
}

/* LISPmob multihoming: a database-mapping of the `interface` form whose
 * eid-prefix an earlier one of that form has gives that earlier one its
 * RLOCs (the same interface and family twice is an error at its line), and
 * m is emptied. 0 (m kept or merged), -1. */
static int merge_legacy(struct lispd_cfg_ctx *ctx, struct lispd_cfg_mapping *ms, unsigned n,
			struct lispd_cfg_mapping *m)
{
	if (!m->legacy_iface)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		if (!ms[i].legacy_iface || lisp_prefix_cmp(&ms[i].eid, &m->eid) != 0)
			continue;
		for (unsigned k = 0; k < m->n_rlocs; k++)
			if (add_rloc(ctx, &ms[i], "database-mapping", &m->rlocs[k]))
				return -1;
		memset(m, 0, sizeof(*m));
		return 0;
	}
	return 0;
}

int lispd_cfg_read_mappings(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	unsigned nd = cfg_size(root, "database-mapping");
	unsigned ns = cfg_size(root, "static-map-cache");

	if (nd) {
		c->mappings = calloc(nd, sizeof(*c->mappings));
		if (!c->mappings)
			return lispd_cfg_fail(ctx, 0, NULL, "out of memory");
	}
	if (ns) {
		c->statics = calloc(ns, sizeof(*c->statics));
		if (!c->statics)
			return lispd_cfg_fail(ctx, 0, NULL, "out of memory");
	}
	for (unsigned i = 0; i < nd; i++) {
		struct lispd_cfg_mapping *m = &c->mappings[c->n_mappings];

		if (read_db_mapping(ctx, cfg_getnsec(root, "database-mapping", i), m))
			return -1;
		if (merge_legacy(ctx, c->mappings, c->n_mappings, m) < 0)
			return -1;
		if (m->n_rlocs == 0)
			continue;   /* merged */
		c->n_mappings++;
	}
	for (unsigned i = 0; i < ns; i++) {
		if (read_static(ctx, cfg_getnsec(root, "static-map-cache", i), &c->statics[i]))
			return -1;
		c->n_statics++;
	}
	if (check_unique_eids(ctx, c->mappings, c->n_mappings, "database-mapping"))
		return -1;
	return check_unique_eids(ctx, c->statics, c->n_statics, "static-map-cache");
}
