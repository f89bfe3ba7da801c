/* The control socket's views of the mobile node, as JSON. */
#include "mn/mn_priv.h"

#include <inttypes.h>
#include <string.h>

/* Our strings are addresses, prefixes and fixed messages, but a last_error
 * may quote anything: escape what JSON requires. */
static void jstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void jip(FILE *out, const struct lisp_ip *ip)
{
	char a[LISP_ADDR_STRLEN];

	jstr(out, lisp_ip_format(ip, a, sizeof(a)));
}

static void jprefix(FILE *out, const struct lisp_prefix *p)
{
	char a[LISP_ADDR_STRLEN];

	jstr(out, lisp_prefix_format(p, a, sizeof(a)));
}

static int64_t left_s(struct mn *mn, uint64_t deadline_ms)
{
	uint64_t now = mn_now(mn);

	return deadline_ms > now ? (int64_t)((deadline_ms - now + 999) / 1000) : 0;
}

static unsigned n_registered(const struct mn *mn)
{
	unsigned n = 0;

	for (unsigned i = 0; i < mn->n_reg; i++)
		n += mn->reg[i].state == MN_REG_REGISTERED;
	return n;
}

static void status(struct mn *mn, FILE *out)
{
	fprintf(out, "{\"role\":\"mobile-node\",\"rlocs\":[");
	for (unsigned i = 0; i < mn->n_rlocs; i++) {
		fputs(i ? "," : "", out);
		jip(out, &mn->rlocs[i]);
	}
	fprintf(out, "],\"eids\":[");
	for (unsigned i = 0; i < mn->conf.n_map; i++) {
		fputs(i ? "," : "", out);
		jprefix(out, &mn->conf.map[i].eid);
	}
	fprintf(out, "],\"map_servers\":%u,\"registered\":%u,\"map_resolvers\":[", mn->n_reg,
		n_registered(mn));
	for (unsigned i = 0; i < mn->conf.n_mr; i++) {
		fputs(i ? "," : "", out);
		jip(out, &mn->conf.mr[i]);
	}
	fprintf(out, "],\"current_resolver\":");
	if (mn->conf.n_mr)
		jip(out, &mn->conf.mr[mn->res.cur_mr % mn->conf.n_mr]);
	else
		fputs("null", out);
	fprintf(out, ",\"map_cache_entries\":%u,\"pending_requests\":%u}\n", mn->mc.n,
		mn_resolve_pending(mn));
}

static void registrations(struct mn *mn, FILE *out)
{
	uint64_t now = mn_now(mn);

	fputc('[', out);
	for (unsigned i = 0; i < mn->n_reg; i++) {
		const struct mn_reg *r = &mn->reg[i];

		fputs(i ? "," : "", out);
		fputs("{\"map_server\":", out);
		jip(out, &mn->conf.ms[r->ms].addr);
		fprintf(out, ",\"state\":\"%s\",\"last_error\":", mn_reg_state_name(r->state));
		jstr(out, r->last_error);
		fprintf(out, ",\"key_type\":%u,\"proxy_reply\":%s,\"sent\":%" PRIu64
			",\"notifies\":%" PRIu64 ",\"auth_failures\":%" PRIu64
			",\"attempts_this_round\":%u,\"last_ok_s_ago\":",
			mn->conf.ms[r->ms].alg, mn->conf.ms[r->ms].proxy_reply ? "true" : "false",
			r->sent, r->notifies, r->auth_failures, r->attempts);
		if (r->last_ok_ms)
			fprintf(out, "%" PRIu64 "}", (now - r->last_ok_ms) / 1000);
		else
			fputs("null}", out);
	}
	fputs("]\n", out);
}

static void map_cache(struct mn *mn, FILE *out)
{
	bool first = true;

	fputc('[', out);
	for (const struct mn_mc_entry *e = mn->mc.head; e; e = e->next) {
		fputs(first ? "" : ",", out);
		first = false;
		fputs("{\"eid\":", out);
		jprefix(out, &e->eid);
		fprintf(out, ",\"origin\":\"%s\",\"action\":\"%s\"", mn_mc_origin_name(e->origin),
			mn_mc_action_name(e));
		if (e->origin == MN_MC_DYNAMIC)
			fprintf(out, ",\"ttl_min\":%u,\"expires_in_s\":%" PRId64, e->ttl_min,
				left_s(mn, e->expires_ms));
		fputs(",\"locators\":[", out);
		for (unsigned i = 0; i < e->n_loc; i++) {
			fputs(i ? "," : "", out);
			fputs("{\"rloc\":", out);
			jip(out, &e->loc[i].addr);
			fprintf(out, ",\"priority\":%u,\"weight\":%u,\"up\":%s}", e->loc[i].priority,
				e->loc[i].weight, e->loc[i].up ? "true" : "false");
		}
		fputs("]}", out);
	}
	fputs("]\n", out);
}

static const char *reason_name(enum mn_req_reason r)
{
	return r == MN_REQ_REFRESH ? "refresh" : r == MN_REQ_SMR ? "smr" : "miss";
}

static void pending(struct mn *mn, FILE *out)
{
	bool first = true;

	fputc('[', out);
	for (unsigned i = 0; i < MN_REQ_MAX; i++) {
		const struct mn_req *r = &mn->res.req[i];

		if (!r->used || r->nonce == 0)
			continue;
		fputs(first ? "" : ",", out);
		first = false;
		fputs("{\"eid\":", out);
		jprefix(out, &r->eid);
		fprintf(out, ",\"nonce\":\"%016" PRIx64 "\",\"reason\":\"%s\",\"tries\":%u,"
			"\"resolver\":", r->nonce, reason_name(r->reason), r->tries);
		jip(out, &mn->conf.mr[r->mr % (mn->conf.n_mr ? mn->conf.n_mr : 1)]);
		fputc('}', out);
	}
	fputs("]\n", out);
}

static void counters(struct mn *mn, FILE *out)
{
	const char *sep = "";

	fputc('{', out);
#define MN_COUNTER_JSON(name)                                                  \
	fprintf(out, "%s\"" #name "\":%" PRIu64, sep, mn->ctr.name); \
	sep = ",";
	MN_COUNTERS(MN_COUNTER_JSON)
#undef MN_COUNTER_JSON
	fputs("}\n", out);
}

void mn_ctl_json(struct mn *mn, const char *cmd, FILE *out)
{
	if (strcmp(cmd, "status") == 0)
		status(mn, out);
	else if (strcmp(cmd, "registrations") == 0)
		registrations(mn, out);
	else if (strcmp(cmd, "map-cache") == 0)
		map_cache(mn, out);
	else if (strcmp(cmd, "pending") == 0)
		pending(mn, out);
	else if (strcmp(cmd, "counters") == 0)
		counters(mn, out);
	else {
		fputs("{\"error\":", out);
		jstr(out, "unknown command");
		fputs("}\n", out);
	}
}
