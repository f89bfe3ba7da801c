/* The RTR's answers on the control socket: status, counters and nat, the
 * committed nodes beside what the data plane's NAT table holds for each
 * (read back through lib/dp_nat.h, as bpftool would show it). */
#include "rtr/rtr_priv.h"

#include <stdio.h>

#include "json.h"

static void json_ip(struct json *j, const char *key, const struct lisp_ip *ip)
{
	char a[LISP_ADDR_STRLEN];

	json_str(j, key, ip->afi == LISP_AFI_NONE ? NULL : lisp_ip_format(ip, a, sizeof(a)));
}

/* "address:port" */
static void json_ip_port(struct json *j, const char *key, const struct lisp_ip *ip,
			 uint16_t port)
{
	char a[LISP_ADDR_STRLEN], s[LISP_ADDR_STRLEN + 8];

	snprintf(s, sizeof(s), "%s:%u", lisp_ip_format(ip, a, sizeof(a)), port);
	json_str(j, key, s);
}

static const char *draft_name(enum lispd_cfg_nat_draft d)
{
	return d == LISPD_NAT_DRAFT_NEW ? "NEW" : "OLD";
}

static int dp_seen(const struct dp_nat_entry *e, void *ctx)
{
	struct rtr *r = ctx;
	struct rtr_nat *n = prefix_index_find(&r->nat, &e->eid);

	if (n) {
		n->dp_seen = true;
		n->dp_view = *e;
	}
	return 0;
}

/* Reads the data plane's NAT table into the nodes' dp_view; the number of
 * its entries, or -1 without a data plane (or when it cannot be read). */
static long dp_walk(struct rtr *r)
{
	struct dp_err err;
	long n = 0;

	for (struct rtr_nat *x = rtr_nat_first(r); x; x = rtr_nat_next(r, x))
		x->dp_seen = false;
	if (!r->dp || dp_nat_foreach(r->dp, dp_seen, r, &err))
		return -1;
	for (struct rtr_nat *x = rtr_nat_first(r); x; x = rtr_nat_next(r, x))
		n += x->dp_seen;
	return n;
}

void rtr_json_status(void *arg, struct json *j)
{
	struct rtr *r = arg;
	long in_dp = dp_walk(r);

	json_obj_begin(j, NULL);
	json_str(j, "role", "RTR");
	json_arr_begin(j, "rlocs");
	for (unsigned i = 0; i < r->n_rlocs; i++) {
		json_obj_begin(j, NULL);
		json_ip(j, "address", &r->rlocs[i].addr);
		json_str(j, "iface", r->rlocs[i].ifname);
		json_uint(j, "priority", r->rlocs[i].priority);
		json_uint(j, "weight", r->rlocs[i].weight);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_arr_begin(j, "map_servers");
	for (unsigned i = 0; i < r->n_ms; i++) {
		json_obj_begin(j, NULL);
		json_ip(j, "address", &r->ms[i].addr);
		json_str(j, "draft_version", draft_name(r->ms[i].draft));
		json_uint(j, "relayed", r->ms[i].relayed);
		json_uint(j, "confirmed", r->ms[i].confirmed);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_uint(j, "nat_nodes", r->n_nat);
	if (in_dp < 0)
		json_null(j, "nat_nodes_in_dataplane");
	else
		json_uint(j, "nat_nodes_in_dataplane", (uint64_t)in_dp);
	json_uint(j, "pending_registers", r->n_pending);
	itr_json_status(&r->itr, j);
	json_obj_end(j);
}

static void json_node(struct json *j, const struct rtr_nat *n, uint64_t now)
{
	char a[LISP_ADDR_STRLEN], hex[2 * RTR_XTR_ID_LEN + 1];

	for (unsigned i = 0; i < RTR_XTR_ID_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", n->xtr_id[i]);
	json_obj_begin(j, NULL);
	json_str(j, "eid", lisp_prefix_format(&n->eid, a, sizeof(a)));
	json_ip_port(j, "global", &n->global, n->global_port);
	json_ip(j, "rtr_rloc", &n->rloc);
	json_ip(j, "private_rloc", &n->private_rloc);
	json_str(j, "xtr_id", hex);
	json_uint(j, "site_id", n->site_id);
	json_ip(j, "map_server", &n->ms);
	/* Whole seconds left, rounded up: 0 only once it is gone. */
	json_uint(j, "expires_in_s", n->expires_ms > now ? (n->expires_ms - now + 999) / 1000 : 0);
	json_uint(j, "confirmations", n->confirmations);
	json_uint(j, "rebindings", n->rebindings);
	if (n->dp_seen) {
		json_obj_begin(j, "dataplane");
		json_ip_port(j, "global", &n->dp_view.global, n->dp_view.global_port);
		json_ip(j, "rtr_rloc", &n->dp_view.rtr_rloc);
		json_ip(j, "private_rloc", &n->dp_view.private_rloc);
		json_obj_end(j);
	} else {
		json_null(j, "dataplane");
	}
	json_obj_end(j);
}

void rtr_json_nat(void *arg, struct json *j)
{
	struct rtr *r = arg;
	uint64_t now = rtr_now(r);

	dp_walk(r);
	json_arr_begin(j, NULL);
	for (const struct rtr_nat *n = rtr_nat_first(r); n; n = rtr_nat_next(r, n))
		json_node(j, n, now);
	json_arr_end(j);
}

/* One object, like the other roles': the RTR's counters, then the ITR's. */
void rtr_json_counters(void *arg, struct json *j)
{
	const struct rtr *r = arg;

	json_obj_begin(j, NULL);
#define RTR_COUNTER_JSON(name) json_uint(j, #name, r->ctr.name);
	RTR_COUNTERS(RTR_COUNTER_JSON)
#undef RTR_COUNTER_JSON
	itr_json_counters(&r->itr, &r->rx_errs, j);
	json_obj_end(j);
}
