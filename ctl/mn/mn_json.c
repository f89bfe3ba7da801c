/* The control socket's views of the mobile node, as JSON. */
#include "mn/mn_priv.h"

#include <string.h>

#include "json.h"

static void jip(struct json *j, const char *key, const struct lisp_ip *ip)
{
	char a[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_ip_format(ip, a, sizeof(a)));
}

static unsigned n_registered(const struct mn *mn)
{
	unsigned n = 0;

	for (unsigned i = 0; i < mn->n_reg; i++)
		n += mn->reg[i].state == MN_REG_REGISTERED;
	return n;
}

void mn_json_status(void *arg, struct json *j)
{
	struct mn *mn = arg;
	char a[LISP_ADDR_STRLEN];

	json_obj_begin(j, NULL);
	json_str(j, "role", "mobile-node");
	json_arr_begin(j, "rlocs");
	for (unsigned i = 0; i < mn->n_rlocs; i++)
		jip(j, NULL, &mn->rlocs[i]);
	json_arr_end(j);
	json_arr_begin(j, "eids");
	for (unsigned i = 0; i < mn->conf.n_map; i++)
		json_str(j, NULL, lisp_prefix_format(&mn->conf.map[i].eid, a, sizeof(a)));
	json_arr_end(j);
	json_uint(j, "map_servers", mn->n_reg);
	json_uint(j, "registered", n_registered(mn));
	json_arr_begin(j, "map_resolvers");
	for (unsigned i = 0; i < mn->conf.n_mr; i++)
		jip(j, NULL, &mn->conf.mr[i]);
	json_arr_end(j);
	if (mn->itr.n_mr)
		jip(j, "current_resolver", &mn->itr.mr[mn->itr.cur_mr % mn->itr.n_mr]);
	else
		json_null(j, "current_resolver");
	json_uint(j, "map_cache_entries", mn->itr.mc_n);
	json_uint(j, "pending_requests", itr_pending(&mn->itr));
	json_obj_end(j);
}

void mn_json_registrations(void *arg, struct json *j)
{
	struct mn *mn = arg;
	uint64_t now = mn_now(mn);

	json_arr_begin(j, NULL);
	for (unsigned i = 0; i < mn->n_reg; i++) {
		const struct mn_reg *r = &mn->reg[i];
		const struct mn_ms_conf *ms = &mn->conf.ms[r->ms];

		json_obj_begin(j, NULL);
		jip(j, "map_server", &ms->addr);
		json_str(j, "state", mn_reg_state_name(r->state));
		json_str(j, "last_error", r->last_error);
		json_uint(j, "key_type", ms->alg);
		json_bool(j, "proxy_reply", ms->proxy_reply);
		json_uint(j, "sent", r->sent);
		json_uint(j, "notifies", r->notifies);
		json_uint(j, "auth_failures", r->auth_failures);
		json_uint(j, "attempts_this_round", r->attempts);
		if (r->last_ok_ms)
			json_uint(j, "last_ok_s_ago", (now - r->last_ok_ms) / 1000);
		else
			json_null(j, "last_ok_s_ago");
		json_obj_end(j);
	}
	json_arr_end(j);
}

void mn_json_counters(void *arg, struct json *j)
{
	const struct mn *mn = arg;

	json_obj_begin(j, NULL);
#define MN_COUNTER_JSON(name) json_uint(j, #name, mn->ctr.name);
	MN_COUNTERS(MN_COUNTER_JSON)
#undef MN_COUNTER_JSON
	itr_json_counters(&mn->itr, &mn->rx_errs, j);
	json_obj_end(j);
}
