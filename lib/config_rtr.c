/* The RTR role of lispd.conf (operating-mode = RTR), in OOR 1.3's form:
 *   rtr-ifaces { rtr-iface { iface, ip_version, priority, weight } ... }
 *   rtr-ms-node { address, key, draft-version = OLD|NEW }     (repeatable)
 * plus a tunnel router's map-resolver, map-request-retries,
 * static-map-cache and rloc-probing. OOR reads only the first rtr-ifaces
 * section; its sample says several may be given, so the rtr-iface
 * sections of all of them are taken. */
#include "config_priv.h"

#include <string.h>
#include <strings.h>

static int read_iface(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_cfg_rtr *rtr)
{
	struct cfg_val v = { ctx, sec, "rtr-iface" };
	struct lispd_cfg_rtr_iface *f = &rtr->ifaces[rtr->n_ifaces];
	int line = lispd_cfg_sec_line(ctx, sec);
	long ipv, prio, weight;

	if (rtr->n_ifaces >= LISPD_CFG_MAX_RTR_IFACES)
		return lispd_cfg_fail(ctx, line, v.section, "more than %u rtr-iface sections in all",
				      LISPD_CFG_MAX_RTR_IFACES);
	if (lispd_cfg_require(&v, "iface") ||
	    lispd_cfg_get_ifname(&v, "iface", f->ifname, sizeof(f->ifname)) ||
	    lispd_cfg_get_uint(&v, "ip_version", 0, 4, 6, 4, &ipv) ||
	    lispd_cfg_get_uint(&v, "priority", 0, 0, 255, LISPD_CFG_DEFAULT_PRIORITY, &prio) ||
	    lispd_cfg_get_uint(&v, "weight", 0, 0, 255, LISPD_CFG_DEFAULT_WEIGHT, &weight))
		return -1;
	if (ipv != 4 && ipv != 6)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "ip_version", 0), v.section,
				      "ip_version %ld is not 4 or 6", ipv);
	for (unsigned i = 0; i < rtr->n_ifaces; i++)
		if (strcmp(rtr->ifaces[i].ifname, f->ifname) == 0 && rtr->ifaces[i].ip_version == ipv)
			return lispd_cfg_fail(ctx, line, v.section,
					      "iface %s, ip_version %ld is given twice (first on "
					      "line %d)", f->ifname, ipv, rtr->ifaces[i].line);
	f->ip_version = (uint8_t)ipv;
	f->priority = (uint8_t)prio;
	f->weight = (uint8_t)weight;
	f->line = line;
	rtr->n_ifaces++;
	return 0;
}

static int read_ifaces(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_cfg_rtr *rtr)
{
	unsigned n = cfg_size(root, "rtr-ifaces");

	for (unsigned i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(root, "rtr-ifaces", i);
		unsigned m = cfg_size(sec, "rtr-iface");

		if (m == 0)
			return lispd_cfg_fail(ctx, lispd_cfg_sec_line(ctx, sec), "rtr-ifaces",
					      "no rtr-iface section in it");
		for (unsigned j = 0; j < m; j++)
			if (read_iface(ctx, cfg_getnsec(sec, "rtr-iface", j), rtr))
				return -1;
	}
	if (rtr->n_ifaces == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no rtr-ifaces section (an RTR needs at least one rtr-iface: "
				      "the interfaces of its RLOCs)");
	return 0;
}

static int read_draft(const struct cfg_val *v, enum lispd_cfg_nat_draft *out)
{
	const char *s = cfg_getstr(v->sec, "draft-version");

	/* OOR's default. */
	if (!s || strcasecmp(s, "OLD") == 0) {
		*out = LISPD_NAT_DRAFT_OLD;
		return 0;
	}
	if (strcasecmp(s, "NEW") == 0) {
		*out = LISPD_NAT_DRAFT_NEW;
		return 0;
	}
	return lispd_cfg_fail(v->ctx, lispd_cfg_line(v->ctx, v->sec, "draft-version", 0),
			      v->section,
			      "draft-version '%.32s' is not OLD or NEW (OLD: a map-server of "
			      "draft-ermagan-lisp-nat-traversal before -04, NEW: -04 and later)", s);
}

static int read_ms_node(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_cfg_rtr *rtr)
{
	struct cfg_val v = { ctx, sec, "rtr-ms-node" };
	struct lispd_cfg_rtr_ms *m = &rtr->ms[rtr->n_ms];

	m->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_require(&v, "address") || lispd_cfg_get_ip(&v, "address", 0, &m->addr) ||
	    read_draft(&v, &m->draft))
		return -1;
	for (unsigned i = 0; i < rtr->n_ms; i++)
		if (lisp_ip_equal(&rtr->ms[i].addr, &m->addr))
			return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "address", 0), v.section,
					      "address %s is given twice (first on line %d)",
					      cfg_getstr(sec, "address"), rtr->ms[i].line);
	/* Counted before the key is read so that a failure frees it. */
	rtr->n_ms++;
	return lispd_cfg_get_key(&v, &m->key, &m->key_len);
}

int lispd_cfg_read_rtr(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	struct lispd_cfg_rtr *rtr = &c->rtr;
	unsigned n = cfg_size(root, "rtr-ms-node");

	if (read_ifaces(ctx, root, rtr))
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (read_ms_node(ctx, cfg_getnsec(root, "rtr-ms-node", i), rtr))
			return -1;
	if (rtr->n_ms == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no rtr-ms-node section (an RTR relays registrations only "
				      "to map-servers it shares a key with)");
	if (c->n_map_resolvers == 0 && c->n_statics == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no map-resolver and no static-map-cache (the RTR would "
				      "have no way to learn a mapping)");
	return 0;
}
