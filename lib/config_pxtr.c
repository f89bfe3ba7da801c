/* The PxTR role of lispd.conf (operating-mode = PxTR). OOR 1.3 has no proxy
 * mode to follow (its proxy-etr keys configure an xTR's PETR), so the role
 * has one explicit section of its own:
 *
 *   pxtr {
 *       rloc-iface   = IFNAME              LISP side
 *       native-iface = IFNAME              non-LISP hosts
 *       rloc-address = { ADDR [, ADDR] }   our RLOCs, one per family
 *       eid-space    = { PREFIX, ... }     the EID space served
 *       iid          = N                   optional instance-id (24 bits)
 *   }
 *
 * plus the common map-resolver, map-request-retries and static-map-cache
 * (the PITR's map-cache) keys. */
#include "config_priv.h"

#include <string.h>

static int read_rlocs(const struct cfg_val *v, struct lispd_cfg_pxtr *p)
{
	unsigned n = cfg_size(v->sec, "rloc-address");

	if (n == 0)
		return lispd_cfg_fail(v->ctx, p->line, v->section,
				      "missing rloc-address (the PxTR's RLOC, one per family)");
	if (n > 2)
		return lispd_cfg_fail(v->ctx, lispd_cfg_line(v->ctx, v->sec, "rloc-address", 2),
				      v->section, "more than 2 rloc-address (one per family)");
	for (unsigned i = 0; i < n; i++) {
		if (lispd_cfg_get_ip(v, "rloc-address", i, &p->rlocs[i]))
			return -1;
		if (i == 1 && p->rlocs[0].afi == p->rlocs[1].afi)
			return lispd_cfg_fail(v->ctx,
					      lispd_cfg_line(v->ctx, v->sec, "rloc-address", 1),
					      v->section, "rloc-address: two addresses of the same "
					      "family (one per family)");
	}
	p->n_rlocs = n;
	return 0;
}

static int read_eid_space(const struct cfg_val *v, struct lispd_cfg_pxtr *p)
{
	unsigned n = cfg_size(v->sec, "eid-space");

	if (n == 0)
		return lispd_cfg_fail(v->ctx, p->line, v->section,
				      "missing eid-space (the EID prefixes this PxTR serves)");
	for (unsigned i = 0; i < n; i++) {
		struct lisp_prefix *e = &p->eid_space[i];
		const char *s = cfg_getnstr(v->sec, "eid-space", i);
		int line = lispd_cfg_line(v->ctx, v->sec, "eid-space", i);
		struct lisp_err err = { 0 };
		char buf[LISP_ADDR_STRLEN];

		/* The instance comes from the section's iid, never from the
		 * prefix: one PxTR data plane serves one instance. */
		if (strchr(s, '['))
			return lispd_cfg_fail(v->ctx, line, v->section,
					      "eid-space %.64s: write the instance-id as iid, "
					      "not in the prefix", s);
		if (lisp_prefix_parse(s, e, &err)) {
			if (err.what && strcmp(err.what, "host bits set") == 0)
				return lispd_cfg_fail(v->ctx, line, v->section,
						      "eid-space %.64s has host bits set beyond "
						      "its length", s);
			return lispd_cfg_fail(v->ctx, line, v->section,
					      "eid-space '%.64s' is not an IP prefix "
					      "(address/length)", s);
		}
		if (p->iid)
			lisp_addr_set_iid(&e->addr, p->iid);
		for (unsigned j = 0; j < i; j++)
			if (lisp_prefix_cmp(&p->eid_space[j], e) == 0)
				return lispd_cfg_fail(v->ctx, line, v->section,
						      "eid-space lists %s twice",
						      lisp_prefix_format(e, buf, sizeof(buf)));
	}
	p->n_eid_space = n;
	return 0;
}

int lispd_cfg_read_pxtr(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	struct lispd_cfg_pxtr *p = &c->pxtr;
	struct cfg_val v = { ctx, NULL, "pxtr" };
	long iid;

	if (cfg_size(root, "pxtr") == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no pxtr section (operating-mode = PxTR needs rloc-iface, "
				      "native-iface, rloc-address and eid-space in one)");
	v.sec = cfg_getnsec(root, "pxtr", 0);
	p->line = lispd_cfg_sec_line(ctx, v.sec);
	if (lispd_cfg_require(&v, "rloc-iface") ||
	    lispd_cfg_get_ifname(&v, "rloc-iface", p->rloc_iface, sizeof(p->rloc_iface)) ||
	    lispd_cfg_require(&v, "native-iface") ||
	    lispd_cfg_get_ifname(&v, "native-iface", p->native_iface, sizeof(p->native_iface)))
		return -1;
	if (strcmp(p->rloc_iface, p->native_iface) == 0)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, v.sec, "native-iface", 0), v.section,
				      "native-iface %s is also the rloc-iface (the two sides "
				      "must be different interfaces)", p->native_iface);
	if (lispd_cfg_get_uint(&v, "iid", 0, 0, LISPD_CFG_MAX_IID, 0, &iid))
		return -1;
	p->iid = (uint32_t)iid;
	if (read_rlocs(&v, p) || read_eid_space(&v, p))
		return -1;
	for (unsigned i = 0; i < c->n_statics; i++) {
		const struct lisp_addr *a = &c->statics[i].eid.addr;
		uint32_t siid = a->has_iid ? a->iid : 0;

		if (siid != p->iid)
			return lispd_cfg_fail(ctx, c->statics[i].line, "static-map-cache",
					      "instance-id %u is not the pxtr iid %u (the PxTR "
					      "data plane serves one instance)", siid, p->iid);
	}
	if (c->n_map_resolvers == 0 && c->n_statics == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no map-resolver and no static-map-cache (the PITR would "
				      "have no way to learn a mapping)");
	return 0;
}
