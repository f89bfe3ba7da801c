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
	if (mn->itr.n_mr)
		jip(out, &mn->itr.mr[mn->itr.cur_mr % mn->itr.n_mr]);
	else
		fputs("null", out);
	fprintf(out, ",\"map_cache_entries\":%u,\"pending_requests\":%u}\n", mn->itr.mc_n,
		itr_pending(&mn->itr));
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

static void counters(struct mn *mn, FILE *out)
{
	const char *sep = "";

	fputc('{', out);
#define MN_COUNTER_JSON(name)                                                  \
	fprintf(out, "%s\"" #name "\":%" PRIu64, sep, mn->ctr.name); \
	sep = ",";
	MN_COUNTERS(MN_COUNTER_JSON)
#undef MN_COUNTER_JSON
	rx_errs_json(&mn->rx_errs, out, "rx_malformed_", '_', &sep);
	itr_json_counters(&mn->itr, out, &sep);
	fputs("}\n", out);
}

void mn_ctl_json(struct mn *mn, const char *cmd, FILE *out)
{
	if (strcmp(cmd, "status") == 0) {
		status(mn, out);
	} else if (strcmp(cmd, "registrations") == 0) {
		registrations(mn, out);
	} else if (strcmp(cmd, "map-cache") == 0) {
		itr_json_mapcache(&mn->itr, out);
		fputc('\n', out);
	} else if (strcmp(cmd, "pending") == 0) {
		itr_json_pending(&mn->itr, out);
		fputc('\n', out);
	} else if (strcmp(cmd, "counters") == 0) {
		counters(mn, out);
	} else {
		fputs("{\"error\":", out);
		jstr(out, "unknown command");
		fputs("}\n", out);
	}
}
