/* The control socket's views of the mobile node, as JSON. */
#include "mn/mn_priv.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

static void jip(struct json *j, const char *key, const struct lisp_ip *ip)
{
	char a[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_ip_format(ip, a, sizeof(a)));
}

/* What NAT detection says of rloc towards map-server ms (the fields of
 * one object). */
static void jnat(struct mn *mn, struct json *j, unsigned ms, const struct lisp_ip *rloc)
{
	const struct mn_nat_probe *p = mn_nat_probe_of(mn, ms, rloc);
	char a[LISP_ADDR_STRLEN], g[LISP_ADDR_STRLEN + 8];

	jip(j, "rloc", rloc);
	json_str(j, "registration", mn_nat_hides(mn, ms, rloc) ? "not reachable: behind NAT"
							      : "advertised");
	if (rloc->afi == LISP_AFI_IPV6) {
		json_str(j, "nat", "not probed (IPv6)");
		return;
	}
	if (!p) {
		json_str(j, "nat", mn_nat_state_name(MN_NAT_UNKNOWN));
		if (mn->conf.ms[ms].addr.afi == LISP_AFI_IPV6)
			json_str(j, "detail", "not probed: an IPv6 map-server cannot see an IPv4 "
				 "RLOC, and no IPv4 map-server is configured");
		return;
	}
	json_str(j, "nat", mn_nat_state_name(p->state));
	json_str(j, "detail", mn_nat_detail(p, a, sizeof(a)));
	if (!lisp_ip_equal(&p->ms_addr, &mn->conf.ms[ms].addr))
		jip(j, "probed_at", &p->ms_addr);
	json_uint(j, "info_sent", p->sent);
	json_uint(j, "info_replies", p->replies);
	if (!p->reply_ms) {
		json_null(j, "last_reply_s_ago");
		return;
	}
	json_uint(j, "last_reply_s_ago", (mn_now(mn) - p->reply_ms) / 1000);
	snprintf(g, sizeof(g), "%s:%u", lisp_ip_format(&p->global, a, sizeof(a)), p->global_port);
	json_str(j, "global", g);
	json_arr_begin(j, "rtrs");
	for (unsigned i = 0; i < p->n_rtr; i++)
		jip(j, NULL, &p->rtr[i]);
	json_arr_end(j);
	json_uint(j, "rtrs_ttl_min", p->ttl_min);
}

/* Our RLOCs as advertised: the locator set, else the sending RLOCs. */
static unsigned our_rlocs(const struct mn *mn, const struct lisp_ip **out)
{
	unsigned n = 0;

	if (!mn->has_locs) {
		for (unsigned i = 0; i < mn->n_rlocs; i++)
			out[n++] = &mn->rlocs[i];
		return n;
	}
	for (unsigned i = 0; i < mn->n_locs; i++)
		out[n++] = &mn->locs[i].addr;
	return n;
}

static void jnat_rlocs(struct mn *mn, struct json *j, unsigned ms)
{
	const struct lisp_ip *r[MN_MAX_LOCS];
	unsigned n = our_rlocs(mn, r);

	json_arr_begin(j, "rlocs");
	for (unsigned i = 0; i < n; i++) {
		json_obj_begin(j, NULL);
		jnat(mn, j, ms, r[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
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
	/* Per map-server and RLOC: public, behind NAT or unknown. */
	json_arr_begin(j, "nat");
	for (unsigned i = 0; i < mn->n_reg; i++) {
		const struct lisp_ip *r[MN_MAX_LOCS];
		unsigned n = our_rlocs(mn, r);

		for (unsigned k = 0; k < n; k++) {
			json_obj_begin(j, NULL);
			jip(j, "map_server", &mn->conf.ms[mn->reg[i].ms].addr);
			jnat(mn, j, mn->reg[i].ms, r[k]);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
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
		jnat_rlocs(mn, j, r->ms);
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
