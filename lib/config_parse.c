/* The lispd.conf schema for libConfuse, and what runs while libConfuse
 * parses: line recording, duplicate and limit checks, keys of features not
 * implemented yet, and libConfuse's own errors turned into our messages. */
#include "config_priv.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SEC_START UINT_MAX           /* line-table index of a section's first line */
#define MAX_LINE_RECORDS (1u << 20)  /* far above what the limits allow */

/* libConfuse callbacks carry no user pointer. */
static __thread struct lispd_cfg_ctx *cur_ctx;

static int on_value(cfg_t *sec, cfg_opt_t *opt);

/* Every value is read as a string and checked by us (libConfuse's integers
 * would take octal "010" and hex, its booleans give no line). */
#define O_STR(n) { .name = (n), .type = CFGT_STR, .flags = CFGF_NODEFAULT, .validcb = on_value }
#define O_LIST(n) \
	{ .name = (n), .type = CFGT_STR, .flags = CFGF_LIST | CFGF_NODEFAULT, .validcb = on_value }
#define O_SEC(n, sub) \
	{ .name = (n), .type = CFGT_SEC, .flags = CFGF_MULTI, .subopts = (sub), .validcb = on_value }
#define O_END { .name = NULL }

static cfg_opt_t map_server_opts[] = {
	O_STR("address"), O_STR("key-type"), O_STR("key"), O_STR("proxy-reply"),
	O_STR("verify"), O_END,
};

static cfg_opt_t petr_opts[] = {
	O_STR("address"), O_STR("priority"), O_STR("weight"), O_END,
};

static cfg_opt_t db_rloc_address_opts[] = {
	O_STR("address"), O_STR("priority"), O_STR("weight"), O_STR("local"), O_END,
};

static cfg_opt_t static_rloc_address_opts[] = {
	O_STR("address"), O_STR("priority"), O_STR("weight"), O_END,
};

static cfg_opt_t rloc_iface_opts[] = {
	O_STR("interface"), O_STR("ip_version"), O_STR("priority"), O_STR("weight"), O_END,
};

static cfg_opt_t db_mapping_opts[] = {
	O_STR("eid-prefix"), O_STR("iid"), O_STR("ttl"),
	/* LISPmob 0.2 */
	O_STR("interface"), O_STR("priority"), O_STR("weight"),
	/* LISPmob 0.4 */
	O_STR("priority_v4"), O_STR("weight_v4"), O_STR("priority_v6"), O_STR("weight_v6"),
	/* OOR */
	O_SEC("rloc-address", db_rloc_address_opts), O_SEC("rloc-iface", rloc_iface_opts),
	O_END,
};

static cfg_opt_t static_map_cache_opts[] = {
	O_STR("eid-prefix"), O_STR("iid"),
	O_STR("rloc"), O_STR("priority"), O_STR("weight"),
	O_SEC("rloc-address", static_rloc_address_opts),
	O_END,
};

static cfg_opt_t rloc_probing_opts[] = {
	O_STR("rloc-probe-interval"), O_STR("rloc-probe-retries"),
	O_STR("rloc-probe-retries-interval"), O_END,
};

/* Map-Server role (operating-mode = MS). */
static cfg_opt_t lisp_site_opts[] = {
	O_STR("eid-prefix"), O_STR("iid"), O_STR("key-type"), O_STR("key"),
	O_STR("accept-more-specifics"), O_STR("proxy-reply"), O_END,
};

static cfg_opt_t ms_static_site_opts[] = {
	O_STR("eid-prefix"), O_STR("iid"),
	O_SEC("rloc-address", static_rloc_address_opts),
	O_END,
};

static cfg_opt_t ms_limits_opts[] = {
	O_STR("map-request-rate"), O_STR("map-request-burst"), O_STR("map-request-rate-total"),
	O_STR("more-specifics-per-site"), O_STR("registrations-max"), O_END,
};

/* PxTR role (operating-mode = PxTR). */
static cfg_opt_t pxtr_opts[] = {
	O_STR("rloc-iface"), O_STR("native-iface"), O_LIST("rloc-address"), O_LIST("eid-space"),
	O_STR("iid"), O_END,
};

/* NAT traversal: LISPmob 0.4's section of a mobile node, OOR's RTR role
 * (operating-mode = RTR) and the Map-Server's RTRs. */
static cfg_opt_t nat_traversal_opts[] = {
	O_STR("nat_aware"), O_STR("site_ID"), O_STR("xTR_ID"), O_END,
};

static cfg_opt_t rtr_iface_opts[] = {
	O_STR("iface"), O_STR("ip_version"), O_STR("priority"), O_STR("weight"), O_END,
};

static cfg_opt_t rtr_ifaces_opts[] = {
	O_SEC("rtr-iface", rtr_iface_opts), O_END,
};

static cfg_opt_t rtr_ms_node_opts[] = {
	O_STR("address"), O_STR("key"), O_STR("draft-version"), O_END,
};

static cfg_opt_t ms_rtr_node_opts[] = {
	O_STR("name"), O_STR("address"), O_STR("key"), O_END,
};

static cfg_opt_t ms_rtrs_set_opts[] = {
	O_STR("name"), O_STR("ttl"), O_LIST("rtrs"), O_END,
};

/* Sections of roles and features not implemented: any content is refused
 * with the section's name, so they need no inner schema. */
static cfg_opt_t refused_section_opts[] = { O_END };

static const char *const unsupported_sections[] = {
	"rtr-database-mapping", "explicit-locator-path", "replication-list", "multicast-info",
	"ddt-auth-site", "ddt-deleg-site",
};

/* Keys of features not implemented. Some are accepted with the one value
 * that describes what lispd does anyway, so existing OOR files that spell
 * out defaults keep working ("off" stands for any false boolean word). */
struct unsupported_key {
	const char *name;
	const char *accepted;   /* NULL: no value is accepted */
};

static const struct unsupported_key unsupported_keys[] = {
	{ "encapsulation", "LISP" },
	{ "router-mode", "off" },
	{ "override-dns", "off" },
	{ "ipv6-scope", "GLOBAL" },
	{ "override-dns-primary", NULL },
	{ "override-dns-secondary", NULL },
	{ "rtr-data-iface", NULL },
	{ "control-port", NULL },
	{ "rloc-probing-interval", NULL },
	{ "allowed-dst-eids", NULL },
	{ "ddt-root-addresses", NULL },
};

static cfg_opt_t top_opts[] = {
	O_STR("debug"), O_STR("map-request-retries"), O_STR("log-file"),
	O_STR("operating-mode"), O_STR("decap-source-check"),
	O_STR("nat_traversal_support"), O_STR("nat-keepalive-interval"),
	O_LIST("map-resolver"), O_LIST("proxy-itrs"),
	O_SEC("map-server", map_server_opts),
	O_SEC("proxy-etr", petr_opts),
	O_SEC("proxy-etr-ipv4", petr_opts),
	O_SEC("proxy-etr-ipv6", petr_opts),
	O_SEC("database-mapping", db_mapping_opts),
	O_SEC("static-map-cache", static_map_cache_opts),
	O_SEC("rloc-probing", rloc_probing_opts),
	O_SEC("nat-traversal", nat_traversal_opts),
	O_SEC("lisp-site", lisp_site_opts),
	O_SEC("ms-static-registered-site", ms_static_site_opts),
	O_STR("control-iface"),
	O_SEC("ms-limits", ms_limits_opts),
	O_SEC("ms-rtr-node", ms_rtr_node_opts),
	O_SEC("ms-rtrs-set", ms_rtrs_set_opts),
	O_STR("ms-advertised-rtrs-set"),
	O_SEC("pxtr", pxtr_opts),
	O_SEC("rtr-ifaces", rtr_ifaces_opts),
	O_SEC("rtr-ms-node", rtr_ms_node_opts),
	/* unsupported_keys, as lists so that any shape of value parses */
	O_LIST("encapsulation"), O_LIST("router-mode"),
	O_LIST("override-dns"), O_LIST("ipv6-scope"), O_LIST("override-dns-primary"),
	O_LIST("override-dns-secondary"), O_LIST("rtr-data-iface"),
	O_LIST("control-port"), O_LIST("rloc-probing-interval"), O_LIST("allowed-dst-eids"),
	O_LIST("ddt-root-addresses"),
	/* unsupported_sections */
	O_SEC("rtr-database-mapping", refused_section_opts),
	O_SEC("explicit-locator-path", refused_section_opts),
	O_SEC("replication-list", refused_section_opts),
	O_SEC("multicast-info", refused_section_opts),
	O_SEC("ddt-auth-site", refused_section_opts),
	O_SEC("ddt-deleg-site", refused_section_opts),
	O_END,
};

/* How many times an option may appear, checked as parsing goes so that a
 * huge file cannot make us build a huge tree first. */
struct count_limit {
	const char *name;
	unsigned max;
};

static const struct count_limit count_limits[] = {
	{ "map-server", LISPD_CFG_MAX_MAP_SERVERS },
	{ "proxy-etr", LISPD_CFG_MAX_PETRS },
	{ "proxy-etr-ipv4", LISPD_CFG_MAX_PETRS },
	{ "proxy-etr-ipv6", LISPD_CFG_MAX_PETRS },
	{ "database-mapping", LISPD_CFG_MAX_DB_MAPPINGS },
	{ "static-map-cache", LISPD_CFG_MAX_STATIC },
	{ "rloc-address", LISPD_CFG_MAX_RLOCS },
	{ "rloc-iface", LISPD_CFG_MAX_RLOCS },
	{ "rloc-probing", 1 },
	{ "nat-traversal", 1 },
	{ "map-resolver", LISPD_CFG_MAX_MAP_RESOLVERS },
	{ "proxy-itrs", LISPD_CFG_MAX_PROXY_ITRS },
	{ "lisp-site", LISPD_CFG_MAX_SITES },
	{ "ms-static-registered-site", LISPD_CFG_MAX_STATIC_SITES },
	{ "pxtr", 1 },
	{ "ms-limits", 1 },
	{ "eid-space", LISPD_CFG_MAX_EID_SPACE },
	{ "ms-rtr-node", LISPD_CFG_MAX_MS_RTRS },
	{ "ms-rtrs-set", LISPD_CFG_MAX_RTR_SETS },
	{ "rtrs", LISPD_CFG_MAX_MS_RTRS },
	{ "rtr-ifaces", LISPD_CFG_MAX_RTR_IFACES },
	{ "rtr-iface", LISPD_CFG_MAX_RTR_IFACES },
	{ "rtr-ms-node", LISPD_CFG_MAX_RTR_MS },
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- messages -------------------------------------------------------- */

/* Values quoted in messages come from the file: no control bytes may reach
 * a terminal or a log through them. */
static void neutralize_controls(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int lispd_cfg_fail(struct lispd_cfg_ctx *ctx, int line, const char *section,
		   const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (ctx->failed)
		return -1;
	ctx->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->errbuf || ctx->errlen == 0)
		return -1;
	if (line > 0)
		snprintf(ctx->errbuf, ctx->errlen, "%s:%d: %s%s%s", ctx->name, line,
			 section ? section : "", section ? ": " : "", msg);
	else
		snprintf(ctx->errbuf, ctx->errlen, "%s: %s%s%s", ctx->name,
			 section ? section : "", section ? ": " : "", msg);
	neutralize_controls(ctx->errbuf);
	return -1;
}

/* ---- line table ------------------------------------------------------ */

static size_t slot_hash(const void *key, unsigned idx, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull;

	h ^= (uint64_t)idx * 0xC2B2AE3D27D4EB4Full;
	h ^= h >> 29;
	return (size_t)h & (cap - 1);
}

static struct cfg_line_slot *slot_find(struct lispd_cfg_ctx *ctx, const void *key, unsigned idx)
{
	if (!ctx->slots)
		return NULL;
	for (size_t i = slot_hash(key, idx, ctx->cap);; i = (i + 1) & (ctx->cap - 1)) {
		struct cfg_line_slot *s = &ctx->slots[i];

		if (!s->key)
			return NULL;
		if (s->key == key && s->idx == idx)
			return s;
	}
}

static int slot_grow(struct lispd_cfg_ctx *ctx)
{
	size_t ncap = ctx->cap ? ctx->cap * 2 : 256;
	struct cfg_line_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -1;
	for (size_t i = 0; i < ctx->cap; i++) {
		struct cfg_line_slot *s = &ctx->slots[i];
		size_t j;

		if (!s->key)
			continue;
		for (j = slot_hash(s->key, s->idx, ncap); ns[j].key; j = (j + 1) & (ncap - 1))
			;
		ns[j] = *s;
	}
	free(ctx->slots);
	ctx->slots = ns;
	ctx->cap = ncap;
	return 0;
}

/* Records a line; keeps the smaller one when keep_min and already there. */
static int slot_put(struct lispd_cfg_ctx *ctx, const void *key, unsigned idx, int line,
		    bool keep_min)
{
	struct cfg_line_slot *s = slot_find(ctx, key, idx);

	if (s) {
		if (!keep_min || line < s->line)
			s->line = line;
		return 0;
	}
	if (ctx->used >= MAX_LINE_RECORDS)
		return lispd_cfg_fail(ctx, line, NULL, "configuration too large");
	if ((ctx->used + 1) * 2 > ctx->cap && slot_grow(ctx))
		return lispd_cfg_fail(ctx, line, NULL, "out of memory");
	size_t i = slot_hash(key, idx, ctx->cap);

	while (ctx->slots[i].key)
		i = (i + 1) & (ctx->cap - 1);
	ctx->slots[i] = (struct cfg_line_slot){ .key = key, .idx = idx, .line = line };
	ctx->used++;
	return 0;
}

static int slot_line(struct lispd_cfg_ctx *ctx, const void *key, unsigned idx)
{
	struct cfg_line_slot *s = slot_find(ctx, key, idx);

	return s ? s->line : 0;
}

int lispd_cfg_sec_line(struct lispd_cfg_ctx *ctx, cfg_t *sec)
{
	return slot_line(ctx, sec, SEC_START);
}

int lispd_cfg_line(struct lispd_cfg_ctx *ctx, cfg_t *sec, const char *name, unsigned idx)
{
	cfg_opt_t *opt = cfg_getopt(sec, name);
	int line = opt ? slot_line(ctx, opt, idx) : 0;

	return line ? line : lispd_cfg_sec_line(ctx, sec);
}

/* ---- parse-time checks -------------------------------------------------- */

static const char *section_name(const cfg_t *sec)
{
	return sec && sec->name && strcmp(sec->name, "root") != 0 ? sec->name : NULL;
}

static bool is_unsupported_section(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(unsupported_sections); i++)
		if (strcmp(name, unsupported_sections[i]) == 0)
			return true;
	return false;
}

static unsigned count_limit_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(count_limits); i++)
		if (strcmp(name, count_limits[i].name) == 0)
			return count_limits[i].max;
	return UINT_MAX;
}

/* libConfuse resolves "a|b" option names as paths into other sections;
 * such a name would set a value outside the section being written. */
static bool opt_belongs_to(const cfg_t *sec, const cfg_opt_t *opt)
{
	for (const cfg_opt_t *o = sec->opts; o->name; o++)
		if (o == opt)
			return true;
	return false;
}

static bool is_false_word(const char *v)
{
	return strcasecmp(v, "off") == 0 || strcasecmp(v, "false") == 0 ||
	       strcasecmp(v, "no") == 0;
}

static int check_unsupported_key(struct lispd_cfg_ctx *ctx, cfg_t *sec, cfg_opt_t *opt,
				 unsigned idx, int line)
{
	const char *v = opt->values[idx]->string ? opt->values[idx]->string : "";

	for (size_t i = 0; i < ARRAY_LEN(unsupported_keys); i++) {
		const struct unsupported_key *k = &unsupported_keys[i];

		if (strcmp(opt->name, k->name) != 0)
			continue;
		if (!k->accepted)
			return lispd_cfg_fail(ctx, line, section_name(sec),
					      "%s is not supported yet", k->name);
		bool ok = idx == 0 && (strcmp(k->accepted, "off") == 0
					       ? is_false_word(v)
					       : strcasecmp(v, k->accepted) == 0);
		if (!ok)
			return lispd_cfg_fail(ctx, line, section_name(sec),
					      "%s %.64s is not supported yet (only %s)", k->name,
					      v, k->accepted);
		return 0;
	}
	return 0;
}

/* Checked while parsing, so that the keys of another role that follow
 * are not reported before the role itself. */
static int check_operating_mode(struct lispd_cfg_ctx *ctx, const char *v, int line)
{
	static const char *const known[] = { "xTR", "DDT", "DDT-MR" };

	if (strcasecmp(v, "MN") == 0 || strcasecmp(v, "MS") == 0 || strcasecmp(v, "PxTR") == 0 ||
	    strcasecmp(v, "RTR") == 0)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if (strcasecmp(v, known[i]) == 0)
			return lispd_cfg_fail(ctx, line, NULL,
					      "operating-mode %s is not implemented yet (only MN, MS, "
					      "PxTR and RTR)", known[i]);
	return lispd_cfg_fail(ctx, line, NULL,
			      "operating-mode '%.64s' is not one of MN, xTR, RTR, MS, DDT, "
			      "DDT-MR, PxTR", v);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static int on_section_closed(struct lispd_cfg_ctx *ctx, cfg_t *sec, cfg_opt_t *opt,
			     unsigned idx, int line)
{
	cfg_t *child = opt->values[idx]->section;
	const char *where = section_name(sec);
	unsigned max = count_limit_of(opt->name);
	int start;

	/* An empty section has no value line: use its closing brace. */
	if (slot_put(ctx, child, SEC_START, line, true))
		return -1;
	start = slot_line(ctx, child, SEC_START);
	if (is_unsupported_section(opt->name))
		return lispd_cfg_fail(ctx, start, where, "%s is not supported yet", opt->name);
	if (opt->nvalues > max) {
		if (max == 1)
			return lispd_cfg_fail(ctx, start, where,
					      "%s section given twice (first on line %d)",
					      opt->name, slot_line(ctx, opt, 0));
		return lispd_cfg_fail(ctx, start, where, "more than %u %s sections", max,
				      opt->name);
	}
	if (slot_put(ctx, opt, idx, start, false) || slot_put(ctx, sec, SEC_START, start, true))
		return -1;
	ctx->last_opt = opt;
	ctx->last_idx = idx;
	ctx->last_hash = 0;
	return 0;
}

static int on_value(cfg_t *sec, cfg_opt_t *opt)
{
	struct lispd_cfg_ctx *ctx = cur_ctx;
	const char *where = section_name(sec);
	int line = sec->line;
	unsigned idx;

	if (!ctx)
		return 0;
	if (!opt_belongs_to(sec, opt))
		return lispd_cfg_fail(ctx, line, where,
				      "option names with '|' are not supported");
	if (opt->nvalues == 0)
		return 0;
	idx = opt->nvalues - 1;
	if (opt->type == CFGT_SEC)
		return on_section_closed(ctx, sec, opt, idx, line);

	const char *v = opt->values[idx]->string;
	uint64_t h = str_hash(v);

	if (opt->flags & CFGF_LIST) {
		/* libConfuse calls again, for the last value, at a list's '}'. */
		if (ctx->last_opt == opt && ctx->last_idx == idx && ctx->last_hash == h) {
			ctx->last_opt = NULL;
			return 0;
		}
		if (idx == 0 && slot_line(ctx, opt, 0))
			return lispd_cfg_fail(ctx, line, where, "%s given twice (first on line %d)",
					      opt->name, slot_line(ctx, opt, 0));
		if (opt->nvalues > count_limit_of(opt->name))
			return lispd_cfg_fail(ctx, line, where, "more than %u %s %s",
					      count_limit_of(opt->name), opt->name,
					      strcmp(opt->name, "rtrs") == 0 ? "names" : "addresses");
	} else if (slot_line(ctx, opt, 0)) {
		return lispd_cfg_fail(ctx, line, where, "%s given twice (first on line %d)",
				      opt->name, slot_line(ctx, opt, 0));
	}
	if (slot_put(ctx, opt, idx, line, false) || slot_put(ctx, sec, SEC_START, line, true))
		return -1;
	ctx->last_opt = opt;
	ctx->last_idx = idx;
	ctx->last_hash = h;
	if (strcmp(opt->name, "key") == 0)
		ctx->key_line = line;
	if (check_unsupported_key(ctx, sec, opt, idx, line))
		return -1;
	if (!where && strcmp(opt->name, "operating-mode") == 0)
		return check_operating_mode(ctx, v ? v : "", line);
	return 0;
}

static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct lispd_cfg_ctx *ctx = cur_ctx;
	const char *where = section_name(cfg);
	int line = cfg ? cfg->line : 0;
	char msg[256];

	if (!ctx || ctx->failed)
		return;
	if (is_unsupported_section(where)) {
		lispd_cfg_fail(ctx, line, NULL, "%s is not supported yet", where);
		return;
	}
	/* Text on the line of `key = ...` may well be the rest of a key
	 * written without quotes: do not echo it. */
	if (ctx->key_line > 0 && ctx->key_line == line) {
		lispd_cfg_fail(ctx, line, where,
			       "syntax error after key (text not shown; quote the key)");
		return;
	}
	if (strncmp(fmt, "no such option", 14) == 0) {
		va_list cp;

		va_copy(cp, ap);
		const char *name = va_arg(cp, const char *);

		lispd_cfg_fail(ctx, line, where, "unknown option '%.64s'", name ? name : "");
		va_end(cp);
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	lispd_cfg_fail(ctx, line, where, "%s", msg);
}

static bool at_token_start(const char *text, const char *p)
{
	return p == text || strchr(" \t\r\n={}(),+", p[-1]) != NULL;
}

/* libConfuse 3.3 counts a comment's newline twice (every later line number
 * is off) and refuses a comment inside a list ("{ a, # b"). So comments
 * never reach it: they become blanks, newlines kept, quoted text untouched.
 * Comment starts follow its lexer: '#' anywhere outside quotes, and "//"
 * and slash-star where a token may start. */
static int blank_comments(char *text)
{
	int line = 1, depth = 0, outer_open = 0;
	char *p = text;

	while (*p) {
		if (*p == '\n')
			line++;
		/* libConfuse 3.3 takes the end of the file as the end of an
		 * open section: count braces so that we can refuse that. */
		if (*p == '{' && depth++ == 0)
			outer_open = line;
		else if (*p == '}' && depth > 0)
			depth--;
		if (*p == '"' || *p == '\'') {
			char q = *p++;

			while (*p && *p != q) {
				if (*p == '\\' && p[1])
					p++;
				line += *p == '\n';
				p++;
			}
			if (*p)
				p++;
		} else if (*p == '#' || (*p == '/' && p[1] == '/' && at_token_start(text, p))) {
			while (*p && *p != '\n')
				*p++ = ' ';
		} else if (*p == '/' && p[1] == '*' && at_token_start(text, p)) {
			*p++ = ' ';
			*p++ = ' ';
			while (*p && !(p[0] == '*' && p[1] == '/')) {
				if (*p != '\n')
					*p = ' ';
				else
					line++;
				p++;
			}
			if (*p) {
				*p++ = ' ';
				*p++ = ' ';
			}
		} else {
			p++;
		}
	}
	return depth > 0 ? outer_open : 0;
}

cfg_t *lispd_cfg_parse(struct lispd_cfg_ctx *ctx, const char *text)
{
	struct lispd_cfg_ctx *saved = cur_ctx;
	size_t len = strlen(text);
	char *clean;
	cfg_t *cfg;
	int rc, unclosed;

	clean = malloc(len + 1);
	cfg = clean ? cfg_init(top_opts, CFGF_NOCASE) : NULL;
	if (!cfg) {
		free(clean);
		lispd_cfg_fail(ctx, 0, NULL, "out of memory");
		return NULL;
	}
	memcpy(clean, text, len + 1);
	unclosed = blank_comments(clean);
	cfg_set_error_function(cfg, on_error);
	cur_ctx = ctx;
	rc = cfg_parse_buf(cfg, clean);
	cur_ctx = saved;
	/* The copy holds the keys. */
	explicit_bzero(clean, len);
	free(clean);
	if (rc == CFG_SUCCESS && unclosed)
		lispd_cfg_fail(ctx, unclosed, NULL, "'{' is never closed");
	if (rc != CFG_SUCCESS || ctx->failed) {
		lispd_cfg_fail(ctx, 0, NULL, "cannot be parsed");
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

void lispd_cfg_ctx_release(struct lispd_cfg_ctx *ctx)
{
	free(ctx->slots);
	ctx->slots = NULL;
	ctx->cap = ctx->used = 0;
}
