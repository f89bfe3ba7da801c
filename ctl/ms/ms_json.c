/* The control socket's views of the Map-Server, as JSON. */
#include "ms/ms_priv.h"

#include <string.h>

#include "json.h"

static void jprefix(struct json *j, const char *key, const struct lisp_prefix *p)
{
	char a[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_prefix_format(p, a, sizeof(a)));
}

static void jaddr(struct json *j, const char *key, const struct lisp_addr *addr)
{
	char a[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_addr_format(addr, a, sizeof(a)));
}

void ms_json_sites(void *arg, struct json *j)
{
	const struct ms *ms = arg;

	json_obj_begin(j, NULL);
	json_arr_begin(j, "sites");
	for (unsigned i = 0; i < ms->db.n_sites; i++) {
		const struct ms_site *s = &ms->db.sites[i];

		json_obj_begin(j, NULL);
		jprefix(j, "eid-prefix", &s->eid);
		json_bool(j, "static", s->is_static);
		json_uint(j, "key-type", s->key_type);
		json_bool(j, "accept-more-specifics", s->accept_more_specifics);
		json_bool(j, "proxy-reply", s->proxy_reply);
		json_uint(j, "registrations", s->n_regs);
		json_uint(j, "registers", s->registers);
		json_uint(j, "auth-failures", s->auth_failures);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void locator_json(struct json *j, const struct lisp_locator *l)
{
	json_obj_begin(j, NULL);
	jaddr(j, "address", &l->addr);
	json_uint(j, "priority", l->priority);
	json_uint(j, "weight", l->weight);
	json_bool(j, "reachable", l->reachable);
	json_bool(j, "local", l->local);
	json_obj_end(j);
}

static void contrib_json(struct ms *ms, struct json *j, const struct ms_contrib *c)
{
	uint64_t now = ev_now_ms(ms->loop);

	json_obj_begin(j, NULL);
	if (c->has_xtr_id) {
		char hex[2 * sizeof(c->xtr_id) + 1];

		for (unsigned i = 0; i < sizeof(c->xtr_id); i++)
			snprintf(hex + 2 * i, 3, "%02x", c->xtr_id[i]);
		json_str(j, "xtr-id", hex);
		json_uint(j, "site-id", c->site_id);
	}
	if (!c->is_static) {
		struct lisp_addr a;

		lisp_addr_from_ip(&a, &c->src);
		jaddr(j, "from", &a);
		json_uint(j, "port", c->sport);
	}
	json_bool(j, "static", c->is_static);
	json_bool(j, "proxy-reply", c->proxy_reply);
	if (c->rtr[0]) {
		json_str(j, "relayed-by", c->rtr);
		json_str(j, "relay-dialect", c->rtr_old ? "OLD" : "NEW");
	}
	json_uint(j, "ttl", c->ttl);
	if (c->expires_ms)
		json_int(j, "expires-in-s",
			 (int64_t)(c->expires_ms > now ? c->expires_ms - now : 0) / 1000);
	else
		json_null(j, "expires-in-s");
	json_arr_begin(j, "locators");
	for (unsigned i = 0; i < c->n_loc; i++)
		locator_json(j, &c->loc[i]);
	json_arr_end(j);
	json_obj_end(j);
}

void ms_json_registrations(void *arg, struct json *j)
{
	struct ms *ms = arg;
	json_obj_begin(j, NULL);
	json_arr_begin(j, "registrations");
	for (const struct ms_reg *r = ms->regs; r; r = r->next) {
		json_obj_begin(j, NULL);
		jprefix(j, "eid-prefix", &r->eid);
		jprefix(j, "site", &r->site->eid);
		json_arr_begin(j, "xtrs");
		for (const struct ms_contrib *c = r->contribs; c; c = c->next)
			contrib_json(ms, j, c);
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void ms_json_counters(void *arg, struct json *j)
{
	const struct ms *ms = arg;

	json_obj_begin(j, NULL);
#define MS_CTR_JSON(name, json_name) json_uint(j, json_name, ms->ctr.name);
	MS_COUNTERS(MS_CTR_JSON)
#undef MS_CTR_JSON
	/* The decode drops by reason; not "drop-": they count no drop of
	 * their own. */
	rx_errs_json(&ms->rx_errs, j, "decode-error-", '-');
	json_uint(j, "registrations", ms->n_regs);
	json_uint(j, "replay-entries", ms->replay.n);
	json_uint(j, "request-sources", ms->rl.n);
	json_obj_end(j);
}
