/* The Map-Server role of lispd.conf (operating-mode = MS), in OOR 1.3's form:
 *   lisp-site { eid-prefix, iid, key-type, key, accept-more-specifics, proxy-reply }
 *   ms-static-registered-site { eid-prefix, iid, rloc-address { ... } }
 *   control-iface = IFNAME
 *   ms-limits { map-request-rate, map-request-burst, map-request-rate-total,
 *               more-specifics-per-site, registrations-max }   (ours, not OOR's)
 * (its RTRs for NAT traversal: config_ms_rtr.c), and the rule that a file
 * names the options of its own role only (MN, MS, PxTR or RTR): a key of
 * another role is an error naming it, never silently unused. */
#include "config_priv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lisp_auth.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define MODE_BIT(m) (1u << (m))
#define IN_MN MODE_BIT(LISPD_MODE_MN)
#define IN_MS MODE_BIT(LISPD_MODE_MS)
#define IN_PXTR MODE_BIT(LISPD_MODE_PXTR)
#define IN_RTR MODE_BIT(LISPD_MODE_RTR)

/* The options that belong to some roles only, with the roles that read
 * them; anything not listed is common to every role. */
static const struct role_key {
	const char *name;
	unsigned modes;
} role_keys[] = {
	{ "map-server", IN_MN },
	{ "database-mapping", IN_MN },
	{ "proxy-itrs", IN_MN },
	{ "proxy-etr", IN_MN },
	{ "proxy-etr-ipv4", IN_MN },
	{ "proxy-etr-ipv6", IN_MN },
	{ "nat-traversal", IN_MN },
	{ "nat-keepalive-interval", IN_MN },
	{ "decap-source-check", IN_MN },
	{ "rloc-probing", IN_MN | IN_RTR },
	{ "static-map-cache", IN_MN | IN_PXTR | IN_RTR },
	{ "map-resolver", IN_MN | IN_PXTR | IN_RTR },
	{ "map-request-retries", IN_MN | IN_PXTR | IN_RTR },
	{ "lisp-site", IN_MS },
	{ "ms-static-registered-site", IN_MS },
	{ "control-iface", IN_MS },
	{ "ms-limits", IN_MS },
	{ "ms-rtr-node", IN_MS },
	{ "ms-rtrs-set", IN_MS },
	{ "ms-advertised-rtrs-set", IN_MS },
	{ "pxtr", IN_PXTR },
	{ "rtr-ifaces", IN_RTR },
	{ "rtr-ms-node", IN_RTR },
};

enum lispd_cfg_mode lispd_cfg_mode_of(cfg_t *root)
{
	const char *m = cfg_getstr(root, "operating-mode");

	if (m && strcasecmp(m, "MS") == 0)
		return LISPD_MODE_MS;
	if (m && strcasecmp(m, "PxTR") == 0)
		return LISPD_MODE_PXTR;
	if (m && strcasecmp(m, "RTR") == 0)
		return LISPD_MODE_RTR;
	return LISPD_MODE_MN;
}

const char *lispd_config_mode_name(enum lispd_cfg_mode mode)
{
	switch (mode) {
	case LISPD_MODE_MS:
		return "MS";
	case LISPD_MODE_PXTR:
		return "PxTR";
	case LISPD_MODE_RTR:
		return "RTR";
	default:
		return "MN";
	}
}

static int option_line(struct lispd_cfg_ctx *ctx, cfg_t *root, const char *name)
{
	cfg_opt_t *opt = cfg_getopt(root, name);

	if (opt && opt->type == CFGT_SEC)
		return lispd_cfg_sec_line(ctx, cfg_getnsec(root, name, 0));
	return lispd_cfg_line(ctx, root, name, 0);
}

int lispd_cfg_check_role_keys(struct lispd_cfg_ctx *ctx, cfg_t *root, enum lispd_cfg_mode mode)
{
	for (size_t i = 0; i < ARRAY_LEN(role_keys); i++) {
		const struct role_key *k = &role_keys[i];
		int line;

		if ((k->modes & MODE_BIT(mode)) || cfg_size(root, k->name) == 0)
			continue;
		line = option_line(ctx, root, k->name);
		if (k->modes == IN_MS)
			return lispd_cfg_fail(ctx, line, NULL,
					      "%s is a Map-Server option: it needs operating-mode = MS",
					      k->name);
		if (k->modes == IN_PXTR)
			return lispd_cfg_fail(ctx, line, NULL,
					      "%s is a PxTR option: it needs operating-mode = PxTR",
					      k->name);
		if (k->modes == IN_RTR)
			return lispd_cfg_fail(ctx, line, NULL,
					      "%s is an RTR option: it needs operating-mode = RTR",
					      k->name);
		return lispd_cfg_fail(ctx, line, NULL,
				      "%s is a mobile-node option, not used with operating-mode = %s",
				      k->name, lispd_config_mode_name(mode));
	}
	return 0;
}

static int read_site(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_config *c)
{
	struct cfg_val v = { ctx, sec, "lisp-site" };
	struct lispd_cfg_site *s = &c->sites[c->n_sites];
	long key_type;

	s->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_get_eid(&v, &s->eid) ||
	    lispd_cfg_get_uint(&v, "key-type", 0, 0, 255, LISP_AUTH_HMAC_SHA1_96, &key_type))
		return -1;
	/* HKDF (3) would need the per-message key derivation on the MS side. */
	if (key_type != LISP_AUTH_HMAC_SHA1_96 && key_type != LISP_AUTH_HMAC_SHA256_128)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "key-type", 0), v.section,
				      "key-type %ld is not 1 or 2 (1 = HMAC-SHA-1-96, "
				      "2 = HMAC-SHA-256-128)", key_type);
	s->key_type = (uint8_t)key_type;
	/* Counted before the key is read so that a failure frees it. */
	c->n_sites++;
	return lispd_cfg_get_key(&v, &s->key, &s->key_len) ||
	       lispd_cfg_get_bool(&v, "accept-more-specifics", false,
				  &s->accept_more_specifics) ||
	       lispd_cfg_get_bool(&v, "proxy-reply", false, &s->proxy_reply)
		       ? -1
		       : 0;
}

/* Prefixes of sites and static sites, with where each comes from, sorted
 * to find duplicates in n log n (thousands of sites are expected). */
struct site_ref {
	const struct lisp_prefix *eid;
	const char *what;
	int line;
};

static int cmp_ref(const void *a, const void *b)
{
	const struct site_ref *x = a, *y = b;
	int c = lisp_prefix_cmp(x->eid, y->eid);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int check_unique(struct lispd_cfg_ctx *ctx, const struct lispd_config *c)
{
	size_t n = (size_t)c->n_sites + c->n_static_sites;
	struct site_ref *refs;
	int rc = 0;

	if (n < 2)
		return 0;
	refs = calloc(n, sizeof(*refs));
	if (!refs)
		return lispd_cfg_fail(ctx, 0, NULL, "out of memory");
	for (unsigned i = 0; i < c->n_sites; i++)
		refs[i] = (struct site_ref){ &c->sites[i].eid, "lisp-site", c->sites[i].line };
	for (unsigned i = 0; i < c->n_static_sites; i++)
		refs[c->n_sites + i] = (struct site_ref){ &c->static_sites[i].eid,
							  "ms-static-registered-site",
							  c->static_sites[i].line };
	qsort(refs, n, sizeof(*refs), cmp_ref);
	for (size_t i = 1; i < n && rc == 0; i++) {
		char buf[LISP_ADDR_STRLEN];

		if (lisp_prefix_cmp(refs[i].eid, refs[i - 1].eid) != 0)
			continue;
		rc = lispd_cfg_fail(ctx, refs[i].line, refs[i].what,
				    "eid-prefix %s is given twice (first on line %d, %s)",
				    lisp_prefix_format(refs[i].eid, buf, sizeof(buf)),
				    refs[i - 1].line, refs[i - 1].what);
	}
	free(refs);
	return rc;
}

/* Bounds on what peers can make the MS do (docs/SECURITY.md "Limits"). */
static int read_limits(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_cfg_ms_limits *l)
{
	struct cfg_val v = { ctx, NULL, "ms-limits" };
	long rate, burst, total, more, regs;

	if (cfg_size(root, "ms-limits") > 0)
		v.sec = cfg_getnsec(root, "ms-limits", 0);
	/* Without the section every key takes its default (cfg_size of a
	 * NULL section is 0). */
	if (lispd_cfg_get_uint(&v, "map-request-rate", 0, 1, 1000000, LISPD_CFG_DEFAULT_MR_RATE,
			       &rate) ||
	    lispd_cfg_get_uint(&v, "map-request-burst", 0, 1, 1000000, LISPD_CFG_DEFAULT_MR_BURST,
			       &burst) ||
	    lispd_cfg_get_uint(&v, "map-request-rate-total", 0, 1, 1000000,
			       LISPD_CFG_DEFAULT_MR_RATE_TOTAL, &total) ||
	    lispd_cfg_get_uint(&v, "more-specifics-per-site", 0, 0, 1000000,
			       LISPD_CFG_DEFAULT_MORE_SPECIFICS, &more) ||
	    lispd_cfg_get_uint(&v, "registrations-max", 0, 1, 10000000,
			       LISPD_CFG_DEFAULT_REGISTRATIONS, &regs))
		return -1;
	if (rate > total)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, v.sec, "map-request-rate", 0),
				      v.section, "map-request-rate %ld is above "
				      "map-request-rate-total %ld", rate, total);
	l->request_rate = (uint32_t)rate;
	l->request_burst = (uint32_t)burst;
	l->request_rate_total = (uint32_t)total;
	l->more_specifics = (uint32_t)more;
	l->registrations = (uint32_t)regs;
	return 0;
}

int lispd_cfg_read_ms(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	unsigned ns = cfg_size(root, "lisp-site");
	unsigned nst = cfg_size(root, "ms-static-registered-site");

	if (cfg_size(root, "control-iface") > 0) {
		struct cfg_val top = { ctx, root, NULL };

		if (lispd_cfg_get_ifname(&top, "control-iface", c->control_iface,
					 sizeof(c->control_iface)))
			return -1;
	}
	if (read_limits(ctx, root, &c->ms_limits))
		return -1;
	if (ns + nst == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no lisp-site or ms-static-registered-site section (a "
				      "Map-Server needs EID space to serve)");
	if (ns) {
		c->sites = calloc(ns, sizeof(*c->sites));
		if (!c->sites)
			return lispd_cfg_fail(ctx, 0, NULL, "out of memory");
	}
	if (nst) {
		c->static_sites = calloc(nst, sizeof(*c->static_sites));
		if (!c->static_sites)
			return lispd_cfg_fail(ctx, 0, NULL, "out of memory");
	}
	for (unsigned i = 0; i < ns; i++)
		if (read_site(ctx, cfg_getnsec(root, "lisp-site", i), c))
			return -1;
	for (unsigned i = 0; i < nst; i++) {
		if (lispd_cfg_read_static_site(ctx, cfg_getnsec(root, "ms-static-registered-site", i),
					       &c->static_sites[i]))
			return -1;
		c->n_static_sites++;
	}
	return check_unique(ctx, c);
}
