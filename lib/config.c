/* lispd.conf loading: file reading, top-level keys, map-servers, proxies,
 * and the checks a mobile node's configuration must pass as a whole (the
 * Map-Server role is read by config_ms.c, the PxTR by config_pxtr.c, the
 * RTR by config_rtr.c). */
#include "config_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lisp_auth.h"

static int read_debug(const struct cfg_val *v, struct lispd_config *c)
{
	const char *s = cfg_getstr(v->sec, "debug");
	long n;

	c->debug = 0;
	if (!s)
		return 0;
	/* LISPmob 0.2 wrote on/off, OOR a level. */
	if (!strcasecmp(s, "on") || !strcasecmp(s, "true") || !strcasecmp(s, "yes")) {
		c->debug = 1;
		return 0;
	}
	if (!strcasecmp(s, "off") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
		return 0;
	if (lispd_cfg_get_uint(v, "debug", 0, 0, 3, 0, &n))
		return -1;
	c->debug = (int)n;
	return 0;
}

static int read_log_file(const struct cfg_val *v, struct lispd_config *c)
{
	const char *s = cfg_getstr(v->sec, "log-file");
	int line = lispd_cfg_line(v->ctx, v->sec, "log-file", 0);

	if (!s)
		return 0;
	/* The daemon changes to / when it detaches: a relative path would move. */
	if (s[0] != '/')
		return lispd_cfg_fail(v->ctx, line, NULL, "log-file '%.64s' is not an absolute path",
				      s);
	if (strlen(s) >= PATH_MAX)
		return lispd_cfg_fail(v->ctx, line, NULL, "log-file path too long");
	c->log_file = strdup(s);
	if (!c->log_file)
		return lispd_cfg_fail(v->ctx, 0, NULL, "out of memory");
	return 0;
}

static int read_ip_list(const struct cfg_val *v, const char *name, struct lisp_ip *out,
			unsigned *n)
{
	unsigned count = cfg_size(v->sec, name);

	for (unsigned i = 0; i < count; i++) {
		if (lispd_cfg_get_ip(v, name, i, &out[i]))
			return -1;
		for (unsigned j = 0; j < i; j++)
			if (lisp_ip_equal(&out[i], &out[j]))
				return lispd_cfg_fail(v->ctx, lispd_cfg_line(v->ctx, v->sec, name, i),
						      NULL, "%s lists %s twice", name,
						      cfg_getnstr(v->sec, name, i));
	}
	*n = count;
	return 0;
}

static int read_map_server(struct lispd_cfg_ctx *ctx, cfg_t *sec, struct lispd_config *c)
{
	struct cfg_val v = { ctx, sec, "map-server" };
	struct lispd_cfg_map_server *ms = &c->map_servers[c->n_map_servers];
	long key_type;

	ms->line = lispd_cfg_sec_line(ctx, sec);
	if (lispd_cfg_require(&v, "address") || lispd_cfg_get_ip(&v, "address", 0, &ms->addr) ||
	    lispd_cfg_get_uint(&v, "key-type", 0, 0, 255, LISP_AUTH_HMAC_SHA1_96, &key_type))
		return -1;
	if (key_type < LISP_AUTH_HMAC_SHA1_96 || key_type > LISP_AUTH_HMAC_SHA256_HKDF)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, sec, "key-type", 0), v.section,
				      "key-type %ld is not 1, 2 or 3 (1 = HMAC-SHA-1-96, "
				      "2 = HMAC-SHA-256-128, 3 = HKDF-SHA-256)", key_type);
	ms->key_type = (uint8_t)key_type;
	/* Counted before the key is read so that a failure frees it. */
	c->n_map_servers++;
	if (lispd_cfg_get_key(&v, &ms->key, &ms->key_len) ||
	    lispd_cfg_get_bool(&v, "proxy-reply", false, &ms->proxy_reply) ||
	    lispd_cfg_get_bool(&v, "verify", false, &ms->verify))
		return -1;
	for (unsigned j = 0; j + 1 < c->n_map_servers; j++)
		if (lisp_ip_equal(&c->map_servers[j].addr, &ms->addr))
			return lispd_cfg_fail(ctx, ms->line, v.section,
					      "address %s is given twice (first on line %d)",
					      cfg_getstr(sec, "address"), c->map_servers[j].line);
	return 0;
}

static int read_petrs(struct lispd_cfg_ctx *ctx, cfg_t *root, const char *name,
		      enum lispd_cfg_petr_scope scope, struct lispd_config *c)
{
	unsigned n = cfg_size(root, name);

	for (unsigned i = 0; i < n; i++) {
		struct cfg_val v = { ctx, cfg_getnsec(root, name, i), name };
		struct lispd_cfg_petr *p;
		long prio, weight;

		if (c->n_petrs >= LISPD_CFG_MAX_PETRS)
			return lispd_cfg_fail(ctx, lispd_cfg_sec_line(ctx, v.sec), name,
					      "more than %u proxy-etr sections in all",
					      LISPD_CFG_MAX_PETRS);
		p = &c->petrs[c->n_petrs];
		p->line = lispd_cfg_sec_line(ctx, v.sec);
		p->scope = scope;
		if (lispd_cfg_require(&v, "address") || lispd_cfg_get_ip(&v, "address", 0, &p->addr) ||
		    lispd_cfg_get_uint(&v, "priority", 0, 0, 255, LISPD_CFG_DEFAULT_PRIORITY, &prio) ||
		    lispd_cfg_get_uint(&v, "weight", 0, 0, 255, LISPD_CFG_DEFAULT_WEIGHT, &weight))
			return -1;
		p->priority = (uint8_t)prio;
		p->weight = (uint8_t)weight;
		for (unsigned j = 0; j < c->n_petrs; j++)
			if (c->petrs[j].scope == scope && lisp_ip_equal(&c->petrs[j].addr, &p->addr))
				return lispd_cfg_fail(ctx, p->line, name,
						      "address %s is given twice (first on line %d)",
						      cfg_getstr(v.sec, "address"), c->petrs[j].line);
		c->n_petrs++;
	}
	return 0;
}

static int read_rloc_probing(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	struct lispd_cfg_rloc_probing *rp = &c->rloc_probing;
	struct cfg_val v = { ctx, NULL, "rloc-probing" };
	long interval, retries, retry_interval;

	/* OOR's defaults. */
	rp->interval_s = 0;
	rp->retries = 3;
	rp->retries_interval_s = 10;
	if (cfg_size(root, "rloc-probing") == 0)
		return 0;
	v.sec = cfg_getnsec(root, "rloc-probing", 0);
	if (lispd_cfg_get_uint(&v, "rloc-probe-interval", 0, 0, 86400, 0, &interval) ||
	    lispd_cfg_get_uint(&v, "rloc-probe-retries", 0, 0, 5, 3, &retries) ||
	    lispd_cfg_get_uint(&v, "rloc-probe-retries-interval", 0, 1, 86400, 10, &retry_interval))
		return -1;
	if (interval > 0 && lispd_cfg_has(v.sec, "rloc-probe-retries-interval") &&
	    retry_interval > interval)
		return lispd_cfg_fail(ctx, lispd_cfg_line(ctx, v.sec, "rloc-probe-retries-interval", 0),
				      v.section,
				      "rloc-probe-retries-interval %ld is longer than "
				      "rloc-probe-interval %ld", retry_interval, interval);
	rp->configured = true;
	rp->interval_s = (uint32_t)interval;
	rp->retries = (uint32_t)retries;
	rp->retries_interval_s = (uint32_t)retry_interval;
	return 0;
}

/* What a mobile node cannot run without. */
static int check_mobile_node(struct lispd_cfg_ctx *ctx, const struct lispd_config *c)
{
	if (c->n_map_servers == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no map-server section (a mobile node registers its EIDs "
				      "with at least one)");
	if (c->n_mappings == 0)
		return lispd_cfg_fail(ctx, 0, NULL,
				      "no database-mapping section (a mobile node needs its EID)");
	for (unsigned i = 0; i < c->n_mappings; i++) {
		const struct lisp_prefix *e = &c->mappings[i].eid;

		if (e->plen != lisp_afi_bits(e->addr.ip.afi)) {
			char buf[LISP_ADDR_STRLEN];

			return lispd_cfg_fail(ctx, c->mappings[i].line, "database-mapping",
					      "eid-prefix %s: a mobile node's EID is one address "
					      "(/32 or /128)",
					      lisp_prefix_format(e, buf, sizeof(buf)));
		}
	}
	return 0;
}

static int read_config(struct lispd_cfg_ctx *ctx, cfg_t *root, struct lispd_config *c)
{
	struct cfg_val top = { ctx, root, NULL };
	long retries;
	unsigned n;

	/* operating-mode was checked while parsing. */
	c->mode = lispd_cfg_mode_of(root);
	if (lispd_cfg_check_role_keys(ctx, root, c->mode) || read_debug(&top, c) ||
	    read_log_file(&top, c))
		return -1;
	if (c->mode != LISPD_MODE_MN && lispd_cfg_refuse_nat(ctx, root, c->mode))
		return -1;
	if (c->mode == LISPD_MODE_MS)
		return lispd_cfg_read_ms(ctx, root, c) || lispd_cfg_read_ms_rtrs(ctx, root, c) ? -1 : 0;
	if (lispd_cfg_get_uint(&top, "map-request-retries", 0, 0, 10, LISPD_CFG_DEFAULT_RETRIES,
			       &retries) ||
	    read_ip_list(&top, "map-resolver", c->map_resolvers, &c->n_map_resolvers) ||
	    read_ip_list(&top, "proxy-itrs", c->proxy_itrs, &c->n_proxy_itrs))
		return -1;
	c->map_request_retries = (unsigned)retries;
	if (c->mode == LISPD_MODE_PXTR)
		return lispd_cfg_read_mappings(ctx, root, c) || lispd_cfg_read_pxtr(ctx, root, c) ? -1
												  : 0;
	if (c->mode == LISPD_MODE_RTR)
		return read_rloc_probing(ctx, root, c) || lispd_cfg_read_mappings(ctx, root, c) ||
			       lispd_cfg_read_rtr(ctx, root, c)
			       ? -1
			       : 0;
	if (lispd_cfg_get_bool(&top, "decap-source-check", false, &c->decap_src_check))
		return -1;
	n = cfg_size(root, "map-server");
	for (unsigned i = 0; i < n; i++)
		if (read_map_server(ctx, cfg_getnsec(root, "map-server", i), c))
			return -1;
	if (read_petrs(ctx, root, "proxy-etr", LISPD_PETR_ALL, c) ||
	    read_petrs(ctx, root, "proxy-etr-ipv4", LISPD_PETR_IPV4_EIDS, c) ||
	    read_petrs(ctx, root, "proxy-etr-ipv6", LISPD_PETR_IPV6_EIDS, c) ||
	    read_rloc_probing(ctx, root, c) || lispd_cfg_read_mappings(ctx, root, c) ||
	    lispd_cfg_read_nat(ctx, root, c))
		return -1;
	return check_mobile_node(ctx, c);
}

int lispd_cfg_note(struct lispd_cfg_ctx *ctx, struct lispd_config *c, int line, const char *key,
		   const char *text)
{
	if (c->n_notes >= LISPD_CFG_MAX_NOTES)
		return lispd_cfg_fail(ctx, line, key, "too many notes (lispd's own error)");
	snprintf(c->notes[c->n_notes++], LISPD_CFG_NOTE_MAX, "%s:%d: %s: %s", ctx->name, line,
		 key, text);
	return 0;
}

/* libConfuse frees without wiping: clear the keys it holds first. */
static void wipe_keys(cfg_t *root)
{
	static const char *const holders[] = { "map-server", "lisp-site", "ms-rtr-node",
						"rtr-ms-node" };

	for (size_t h = 0; h < sizeof(holders) / sizeof(holders[0]); h++) {
		unsigned n = cfg_size(root, holders[h]);

		for (unsigned i = 0; i < n; i++) {
			char *key = cfg_getstr(cfg_getnsec(root, holders[h], i), "key");

			if (key)
				explicit_bzero(key, strlen(key));
		}
	}
}

static int load_text(const char *text, const char *name, struct lispd_config *out,
		     char *errbuf, size_t errlen)
{
	struct lispd_cfg_ctx ctx = { .name = name, .errbuf = errbuf, .errlen = errlen };
	cfg_t *root;
	int rc = -1;

	if (strlen(text) > LISPD_CFG_MAX_FILE_SIZE)
		return lispd_cfg_fail(&ctx, 0, NULL, "larger than %u bytes",
				      LISPD_CFG_MAX_FILE_SIZE);
	root = lispd_cfg_parse(&ctx, text);
	if (root) {
		out->source = strdup(name);
		rc = out->source ? read_config(&ctx, root, out)
				 : lispd_cfg_fail(&ctx, 0, NULL, "out of memory");
		wipe_keys(root);
		cfg_free(root);
	}
	lispd_cfg_ctx_release(&ctx);
	if (rc)
		lispd_config_free(out);
	return rc;
}

int lispd_config_load_string(const char *text, const char *name, struct lispd_config *out,
			     char *errbuf, size_t errlen)
{
	struct lispd_cfg_ctx ctx = { .name = name ? name : "(string)", .errbuf = errbuf,
				     .errlen = errlen };

	memset(out, 0, sizeof(*out));
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!text)
		return lispd_cfg_fail(&ctx, 0, NULL, "no text");
	return load_text(text, ctx.name, out, errbuf, errlen);
}

int lispd_config_load_file(const char *path, struct lispd_config *out, char *errbuf,
			   size_t errlen)
{
	struct lispd_cfg_ctx ctx = { .name = path ? path : "(null)", .errbuf = errbuf,
				     .errlen = errlen };
	struct stat st;
	char *buf;
	size_t n;
	FILE *fp;
	int rc;

	memset(out, 0, sizeof(*out));
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!path)
		return lispd_cfg_fail(&ctx, 0, NULL, "no configuration file given");
	fp = fopen(path, "r");
	if (!fp)
		return lispd_cfg_fail(&ctx, 0, NULL, "cannot open: %s", strerror(errno));
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		return lispd_cfg_fail(&ctx, 0, NULL, "is a directory");
	}
	buf = malloc(LISPD_CFG_MAX_FILE_SIZE + 2);
	if (!buf) {
		fclose(fp);
		return lispd_cfg_fail(&ctx, 0, NULL, "out of memory");
	}
	n = fread(buf, 1, LISPD_CFG_MAX_FILE_SIZE + 1, fp);
	if (ferror(fp)) {
		rc = lispd_cfg_fail(&ctx, 0, NULL, "cannot read: %s", strerror(errno));
	} else if (n > LISPD_CFG_MAX_FILE_SIZE) {
		rc = lispd_cfg_fail(&ctx, 0, NULL, "larger than %u bytes", LISPD_CFG_MAX_FILE_SIZE);
	} else if (memchr(buf, '\0', n)) {
		rc = lispd_cfg_fail(&ctx, 0, NULL, "contains a NUL byte (not a text file?)");
	} else {
		buf[n] = '\0';
		rc = load_text(buf, path, out, errbuf, errlen);
	}
	fclose(fp);
	explicit_bzero(buf, n < LISPD_CFG_MAX_FILE_SIZE + 2 ? n : LISPD_CFG_MAX_FILE_SIZE + 2);
	free(buf);
	return rc;
}

static void wipe_key(uint8_t *key, size_t len)
{
	if (!key)
		return;
	explicit_bzero(key, len);
	free(key);
}

void lispd_config_free(struct lispd_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n_map_servers; i++)
		wipe_key(c->map_servers[i].key, c->map_servers[i].key_len);
	for (unsigned i = 0; i < c->n_sites; i++)
		wipe_key(c->sites[i].key, c->sites[i].key_len);
	for (unsigned i = 0; i < c->n_ms_rtrs; i++)
		wipe_key(c->ms_rtrs[i].key, c->ms_rtrs[i].key_len);
	for (unsigned i = 0; i < c->rtr.n_ms; i++)
		wipe_key(c->rtr.ms[i].key, c->rtr.ms[i].key_len);
	free(c->sites);
	free(c->static_sites);
	free(c->source);
	free(c->log_file);
	free(c->mappings);
	free(c->statics);
	memset(c, 0, sizeof(*c));
}
