/* NAT traversal of a mobile node, in the two forms users have:
 *   OOR 1.3      nat_traversal_support = on|off
 *   LISPmob 0.4  nat-traversal { nat_aware = on|off, site_ID = HEX16, xTR_ID = HEX32 }
 * and our own nat-keepalive-interval = SECONDS (default 20). The keys of a
 * feature lispd does not run yet are checked and kept; turning it on adds
 * a note the daemon logs at start. NAT detection runs whatever they say
 * (ctl/mn/natdetect.h). */
#include "config_priv.h"

#include <ctype.h>
#include <string.h>

static const char *const oor_key = "nat_traversal_support";

/* Exactly 2 * len hex digits, as LISPmob wrote them. */
static int get_hex(const struct cfg_val *v, const char *name, uint8_t *out, size_t len,
		   bool *has)
{
	const char *s = cfg_getstr(v->sec, name);
	int line = lispd_cfg_line(v->ctx, v->sec, name, 0);

	*has = false;
	if (!s)
		return 0;
	if (strlen(s) != 2 * len)
		return lispd_cfg_fail(v->ctx, line, v->section,
				      "%s '%.40s' is not %zu hexadecimal digits", name, s, 2 * len);
	for (size_t i = 0; i < 2 * len; i++) {
		int c = tolower((unsigned char)s[i]);

		if (!isxdigit(c))
			return lispd_cfg_fail(v->ctx, line, v->section,
					      "%s '%.40s' is not %zu hexadecimal digits", name, s,
					      2 * len);
		c = c <= '9' ? c - '0' : c - 'a' + 10;
		out[i / 2] = (uint8_t)(i % 2 ? out[i / 2] | c : c << 4);
	}
	*has = true;
	return 0;
}

/* LISPmob 0.4's section; site_ID and xTR_ID are checked even when
 * nat_aware is off, since LISPmob's own tools always wrote them. */
static int read_lispmob_section(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_cfg_nat *n,
				const char **key)
{
	struct cfg_val v = { ctx, cfg_getnsec(root, "nat-traversal", 0), "nat-traversal" };

	*key = "nat_aware";
	n->line = lispd_cfg_line(ctx, v.sec, "nat_aware", 0);
	return lispd_cfg_get_bool(&v, "nat_aware", false, &n->enabled) ||
			       get_hex(&v, "site_ID", n->site_id, sizeof(n->site_id),
				       &n->has_site_id) ||
			       get_hex(&v, "xTR_ID", n->xtr_id, sizeof(n->xtr_id), &n->has_xtr_id)
		       ? -1
		       : 0;
}

int lispd_cfg_read_nat(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	struct cfg_val top = { ctx, root, NULL };
	struct lispd_cfg_nat *n = &c->nat;
	const char *key = oor_key;
	long keepalive;

	if (lispd_cfg_has(root, oor_key) && cfg_size(root, "nat-traversal") > 0)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, root, oor_key, 0), NULL,
				      "%s (OOR) cannot be mixed with the nat-traversal section "
				      "(LISPmob 0.4): keep one", oor_key);
	if (cfg_size(root, "nat-traversal") > 0) {
		if (read_lispmob_section(ctx, root, n, &key))
			return -1;
	} else {
		n->line = lispd_cfg_line(ctx, root, oor_key, 0);
		if (lispd_cfg_get_bool(&top, oor_key, false, &n->enabled))
			return -1;
	}
	if (lispd_cfg_get_uint(&top, "nat-keepalive-interval", 0, 1, 3600,
			       LISPD_CFG_DEFAULT_NAT_KEEPALIVE, &keepalive))
		return -1;
	if (!n->enabled && lispd_cfg_has(root, "nat-keepalive-interval"))
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, root, "nat-keepalive-interval", 0),
				      NULL, "nat-keepalive-interval needs %s = on", key);
	n->keepalive_s = (uint32_t)keepalive;
	if (!n->enabled)
		return 0;
	return lispd_cfg_note(ctx, c, n->line, key,
			      "NAT traversal is not implemented yet: the node detects a NAT "
			      "in front of an IPv4 address and leaves that address out of its "
			      "registration (\"not reachable: behind NAT\") instead of "
			      "registering through an RTR");
}

int lispd_cfg_refuse_nat(struct lispd_cfg_ctx *ctx, cfg_t *root, enum lispd_cfg_mode mode)
{
	struct cfg_val top = { ctx, root, NULL };
	bool on;

	/* Off describes every other role, so OOR files that spell it out pass. */
	if (lispd_cfg_get_bool(&top, oor_key, false, &on))
		return -1;
	if (!on)
		return 0;
	return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, root, oor_key, 0), NULL,
			      "%s = on is a mobile-node option, not used with operating-mode = %s",
			      oor_key, lispd_config_mode_name(mode));
}
