/* The control socket's views of the Map-Server, as JSON. */
#include "ms/ms_priv.h"

#include <inttypes.h>
#include <string.h>

#include "core/ctlsock.h"

static void jprefix(FILE *out, const struct lisp_prefix *p)
{
	char a[LISP_ADDR_STRLEN];

	ctlsock_json_string(out, lisp_prefix_format(p, a, sizeof(a)));
}

static void jaddr(FILE *out, const struct lisp_addr *addr)
{
	char a[LISP_ADDR_STRLEN];

	ctlsock_json_string(out, lisp_addr_format(addr, a, sizeof(a)));
}

static const char *jbool(bool b)
{
	return b ? "true" : "false";
}

static void sites_json(struct ms *ms, FILE *out)
{
	fputs("{\"sites\":[", out);
	for (unsigned i = 0; i < ms->db.n_sites; i++) {
		const struct ms_site *s = &ms->db.sites[i];

		fprintf(out, "%s{\"eid-prefix\":", i ? "," : "");
		jprefix(out, &s->eid);
		fprintf(out, ",\"static\":%s,\"key-type\":%u,\"accept-more-specifics\":%s,"
			     "\"proxy-reply\":%s,\"registrations\":%u,\"registers\":%" PRIu64
			     ",\"auth-failures\":%" PRIu64 "}",
			jbool(s->is_static), s->key_type, jbool(s->accept_more_specifics),
			jbool(s->proxy_reply), s->n_regs, s->registers, s->auth_failures);
	}
	fputs("]}\n", out);
}

static void contrib_json(struct ms *ms, FILE *out, const struct ms_contrib *c)
{
	uint64_t now = ev_now_ms(ms->loop);

	fputs("{", out);
	if (c->has_xtr_id) {
		fputs("\"xtr-id\":\"", out);
		for (unsigned i = 0; i < 16; i++)
			fprintf(out, "%02x", c->xtr_id[i]);
		fprintf(out, "\",\"site-id\":%" PRIu64 ",", c->site_id);
	}
	if (!c->is_static) {
		struct lisp_addr a;

		lisp_addr_from_ip(&a, &c->src);
		fputs("\"from\":", out);
		jaddr(out, &a);
		fprintf(out, ",\"port\":%u,", c->sport);
	}
	fprintf(out, "\"static\":%s,\"proxy-reply\":%s,\"ttl\":%u,\"expires-in-s\":",
		jbool(c->is_static), jbool(c->proxy_reply), c->ttl);
	if (c->expires_ms)
		fprintf(out, "%" PRId64, (int64_t)(c->expires_ms > now ? c->expires_ms - now : 0) / 1000);
	else
		fputs("null", out);
	fputs(",\"locators\":[", out);
	for (unsigned i = 0; i < c->n_loc; i++) {
		const struct lisp_locator *l = &c->loc[i];

		fprintf(out, "%s{\"address\":", i ? "," : "");
		jaddr(out, &l->addr);
		fprintf(out, ",\"priority\":%u,\"weight\":%u,\"reachable\":%s,\"local\":%s}",
			l->priority, l->weight, jbool(l->reachable), jbool(l->local));
	}
	fputs("]}", out);
}

static void registrations_json(struct ms *ms, FILE *out)
{
	fputs("{\"registrations\":[", out);
	for (const struct ms_reg *r = ms->regs; r; r = r->next) {
		fprintf(out, "%s{\"eid-prefix\":", r == ms->regs ? "" : ",");
		jprefix(out, &r->eid);
		fputs(",\"site\":", out);
		jprefix(out, &r->site->eid);
		fputs(",\"xtrs\":[", out);
		for (const struct ms_contrib *c = r->contribs; c; c = c->next) {
			if (c != r->contribs)
				fputc(',', out);
			contrib_json(ms, out, c);
		}
		fputs("]}", out);
	}
	fputs("]}\n", out);
}

static void counters_json(struct ms *ms, FILE *out)
{
	const char *sep = "";

	fputc('{', out);
#define MS_CTR_JSON(name, json)                                                \
	fprintf(out, "%s\"%s\":%" PRIu64, sep, json, ms->ctr.name);            \
	sep = ",";
	MS_COUNTERS(MS_CTR_JSON)
#undef MS_CTR_JSON
	/* The three decode drops by reason; not "drop-": they count no drop
	 * of their own. */
	rx_errs_json(&ms->rx_errs, out, "decode-error-", '-', &sep);
	fprintf(out, ",\"registrations\":%zu,\"replay-entries\":%zu,\"request-sources\":%u}\n",
		ms->n_regs, ms->replay.n, ms->rl.n);
}

void ms_ctl_json(struct ms *ms, const char *cmd, FILE *out)
{
	if (cmd && strcmp(cmd, "sites") == 0)
		sites_json(ms, out);
	else if (cmd && strcmp(cmd, "registrations") == 0)
		registrations_json(ms, out);
	else if (cmd && strcmp(cmd, "counters") == 0)
		counters_json(ms, out);
	else
		fputs("{\"error\":\"unknown command (sites, registrations, counters)\"}\n", out);
}
