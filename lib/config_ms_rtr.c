/* The RTRs a Map-Server offers to xTRs behind a NAT (operating-mode = MS),
 * in OOR 1.3's form:
 *   ms-rtr-node { name, address, key }              an RTR and the key it shares
 *   ms-rtrs-set { name, ttl, rtrs = { NAME, ... } }  RTRs offered together
 *   ms-advertised-rtrs-set = NAME                   the set Info-Replies name
 * Names are case-sensitive, as in OOR. */
#include "config_priv.h"

#include <string.h>

static int find_rtr(const struct lispd_config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_ms_rtrs; i++)
		if (strcmp(c->ms_rtrs[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int find_set(const struct lispd_config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_rtr_sets; i++)
		if (strcmp(c->rtr_sets[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int read_rtr_node(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_config *c)
{
	struct cfg_val v = { ctx, sec, "ms-rtr-node" };
	struct lispd_cfg_ms_rtr *r = &c->ms_rtrs[c->n_ms_rtrs];
	int other;

	r->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_get_name(&v, "name", r->name, sizeof(r->name)) ||
	    lispd_cfg_require(&v, "address") || lispd_cfg_get_ip(&v, "address", 0, &r->addr))
		return -1;
	other = find_rtr(c, r->name);
	if (other >= 0)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "name", 0), v.section,
				      "name '%s' is given twice (first on line %d)", r->name,
				      c->ms_rtrs[other].line);
	for (unsigned i = 0; i < c->n_ms_rtrs; i++)
		if (lisp_ip_equal(&c->ms_rtrs[i].addr, &r->addr))
			return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "address", 0), v.section,
					      "address %s is given twice (first on line %d, %s)",
					      cfg_getstr(sec, "address"), c->ms_rtrs[i].line,
					      c->ms_rtrs[i].name);
	/* Counted before the key is read so that a failure frees it. */
	c->n_ms_rtrs++;
	return lispd_cfg_get_key(&v, &r->key, &r->key_len);
}

static int read_rtr_set(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_config *c)
{
	struct cfg_val v = { ctx, sec, "ms-rtrs-set" };
	struct lispd_cfg_rtr_set *s = &c->rtr_sets[c->n_rtr_sets];
	unsigned n = cfg_size(sec, "rtrs");
	long ttl;
	int other;

	s->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_get_name(&v, "name", s->name, sizeof(s->name)) ||
	    lispd_cfg_get_uint(&v, "ttl", 0, 1, 0x7fffffffL, LISPD_CFG_DEFAULT_RTR_SET_TTL, &ttl))
		return -1;
	other = find_set(c, s->name);
	if (other >= 0)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "name", 0), v.section,
				      "name '%s' is given twice (first on line %d)", s->name,
				      c->rtr_sets[other].line);
	if (n == 0)
		return lispd_cfg_fail(ctx, s->line, v.section,
				      "missing rtrs (the names of its ms-rtr-node sections)");
	for (unsigned i = 0; i < n; i++) {
		const char *name = cfg_getnstr(sec, "rtrs", i);
		int line = lispd_cfg_line(ctx, sec, "rtrs", i);
		int r = find_rtr(c, name);

		if (r < 0)
			return lispd_cfg_fail(ctx, line, v.section,
					      "rtrs: '%.64s' is no ms-rtr-node name", name);
		for (unsigned j = 0; j < i; j++)
			if (s->rtrs[j] == r)
				return lispd_cfg_fail(ctx, line, v.section, "rtrs lists '%s' twice",
						      name);
		s->rtrs[i] = (uint8_t)r;
	}
	s->n_rtrs = n;
	s->ttl_min = (uint32_t)ttl;
	c->n_rtr_sets++;
	return 0;
}

static int read_advertised(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	struct cfg_val top = { ctx, root, NULL };
	char name[LISPD_CFG_NAME_MAX];
	int set;

	if (lispd_cfg_get_name(&top, "ms-advertised-rtrs-set", name, sizeof(name)))
		return -1;
	set = find_set(c, name);
	if (set < 0)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, root, "ms-advertised-rtrs-set", 0),
				      NULL, "ms-advertised-rtrs-set: '%s' is no ms-rtrs-set name",
				      name);
	c->advertise_rtrs = true;
	c->advertised_rtr_set = (unsigned)set;
	return 0;
}

int lispd_cfg_read_ms_rtrs(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	unsigned nr = cfg_size(root, "ms-rtr-node"), ns = cfg_size(root, "ms-rtrs-set");

	/* Every node before any set: a set may name a node written below it. */
	for (unsigned i = 0; i < nr; i++)
		if (read_rtr_node(ctx, cfg_getnsec(root, "ms-rtr-node", i), c))
			return -1;
	for (unsigned i = 0; i < ns; i++)
		if (read_rtr_set(ctx, cfg_getnsec(root, "ms-rtrs-set", i), c))
			return -1;
	if (lispd_cfg_has(root, "ms-advertised-rtrs-set") && read_advertised(ctx, root, c))
		return -1;
	return 0;
}
