/* operating-mode = MN: the mobile node as a role of lispd (core/role.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/nl.h"
#include "core/privs.h"
#include "core/role.h"
#include "core/state.h"
#include "itr/itr.h"
#include "dp_attach.h"
#include "json.h"
#include "log.h"
#include "mn/host.h"
#include "mn/mn.h"
#include "mn/mn_role.h"
#include "mn/mobility.h"
#include "mn/rlocs.h"

struct mn_role {
	struct host_plan plan;
	struct lispd_state *state;    /* Map-Register nonces and the xTR-ID */
	struct mn_host host;
	bool host_up;
	struct mn_mobility *mobility;
};

/* lmn0 and the MN data plane; host changes journaled in the state directory. */
static const struct role_dataplane dataplane = {
	.pin_dir_default = DP_PIN_DIR_DEFAULT,
	.cleanup_stale = host_cleanup_stale,
	.stale_done = "its host changes were undone",
	.on_miss = mn_on_miss,
};

/* The control socket's requests it answers. */
static const struct role_answer answers[] = {
	{ "status", mn_json_status },
	{ "registrations", mn_json_registrations },
	{ "counters", mn_json_counters },
	ITR_ROLE_ANSWERS,
	{ NULL, NULL },
};

static struct mn_role *priv(struct lispd *d)
{
	return d->priv;
}

static void describe(const struct lispd_config *cfg, const char *path, FILE *out)
{
	fprintf(out, "%s: %u map-server(s), %u map-resolver(s), %u proxy-etr(s), "
		"%u proxy-itr(s), %u database-mapping(s), %u static-map-cache entr%s\n",
		path, cfg->n_map_servers, cfg->n_map_resolvers, cfg->n_petrs,
		cfg->n_proxy_itrs, cfg->n_mappings, cfg->n_statics,
		cfg->n_statics == 1 ? "y" : "ies");
	if (cfg->nat.enabled)
		fprintf(out, "%s: NAT traversal on (keepalive every %u s), not implemented yet\n",
			path, cfg->nat.keepalive_s);
}

/* What the configuration asks of this host (interfaces, their addresses)
 * is checked before anything is written. */
static int check(struct lispd *d)
{
	struct mn_role *r = calloc(1, sizeof(*r));
	char err[512];

	if (!r) {
		log_err("out of memory");
		return -1;
	}
	r->host.decap_fd = -1;
	d->priv = r;
	snprintf(r->plan.pin_dir, sizeof(r->plan.pin_dir), "%s", d->pin_dir);
	if (rlocs_plan(&d->cfg, &r->plan, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

static int host_up(struct lispd *d)
{
	struct mn_role *r = priv(d);
	char err[512];

	r->state = state_open(d->state_dir, err, sizeof(err));
	if (!r->state) {
		log_err("%s", err);
		return -1;
	}
	if (host_setup(&r->plan, d->state_dir, &d->dp, &r->host, err, sizeof(err))) {
		log_err("host setup: %s", err);
		return -1;
	}
	r->host_up = true;
	log_info("%s up: MTU %u, physical %s, table %" PRIu32, r->host.lmn_name, r->host.lmn_mtu,
		 r->host.phys_name, r->host.table);
	return 0;
}

static int cp_setup(struct lispd *d)
{
	const struct mn_host *h = &priv(d)->host;

	for (unsigned i = 0; i < h->n_rlocs; i++)
		cp_sock_set_rloc(&d->cp, h->rlocs[i].afi, &h->rlocs[i]);
	return 0;
}

/* The counter lives on disk; if it cannot advance, stopping beats sending
 * a nonce that might repeat. */
static uint64_t next_nonce(void *ctx)
{
	struct lispd *d = ctx;
	uint64_t n;

	if (state_next_nonce(priv(d)->state, &n)) {
		log_err("cannot reserve Map-Register nonces in %s: %s; stopping",
			state_dir(priv(d)->state), strerror(errno));
		ev_loop_stop(d->loop);
		return 0;
	}
	return n;
}

static int create(struct lispd *d)
{
	struct mn_role *r = priv(d);
	struct mn_opts mo;

	memset(&mo, 0, sizeof(mo));
	mo.dp = &d->dp;
	mo.next_nonce = next_nonce;
	mo.nonce_ctx = d;
	memcpy(mo.xtr_id, state_xtr_id(r->state), sizeof(mo.xtr_id));
	d->obj = mn_new(&d->cfg, d->loop, &d->cp.io, &r->host, &mo);
	return d->obj ? 0 : -1;
}

static int run(struct lispd *d)
{
	struct mn_role *r = priv(d);

	mn_start(d->obj);
	r->mobility = mn_mobility_start(d->loop, d->state_dir, &r->host, &d->cp, d->obj);
	return r->mobility ? 0 : -1;
}

static void stop(struct lispd *d)
{
	struct mn_role *r = priv(d);
	char err[512];

	if (!r)
		return;
	mn_mobility_stop(r->mobility);
	mn_free(d->obj);
	if (r->host_up) {
		if (r->host.decap_fd >= 0)
			close(r->host.decap_fd);
		if (host_restore(d->state_dir, err, sizeof(err)))
			log_err("restoring the host: %s", err);
		else
			log_info("host restored");
	}
	state_close(r->state);
	free(r);
}

static void json_ip(struct json *j, const char *key, const struct lisp_ip *ip)
{
	char buf[64];

	json_str(j, key, nl_ip_str(ip, buf, sizeof(buf)));
}

/* What host setup made. */
static void daemon_json(struct lispd *d, struct json *j)
{
	const struct mn_host *h = &priv(d)->host;

	json_str(j, "lmn", h->lmn_name);
	json_uint(j, "lmn_mtu", h->lmn_mtu);
	json_str(j, "phys", h->phys_name);
	json_uint(j, "phys_mtu", h->phys_mtu);
	json_uint(j, "table", h->table);
	json_arr_begin(j, "rlocs");
	for (unsigned i = 0; i < h->n_rlocs; i++)
		json_ip(j, NULL, &h->rlocs[i]);
	json_arr_end(j);
}

/* CAP_NET_ADMIN: a move changes the `from RLOC` rules and the table's
 * default routes; SIGTERM removes lmn0, the routes, rules, addresses, TC
 * filters and qdiscs. CAP_BPF: map-cache and runtime-config map updates (a
 * move, a Map-Reply, a reload's static entries); before Linux 6.5 every
 * bpf() command needs it when kernel.unprivileged_bpf_disabled is set, as
 * Debian's default is. */
const struct role mn_role = {
	.mode = LISPD_MODE_MN, .name = "MN", .key = "mn",
	.dp = &dataplane,
	.caps_kept = PRIVS_CAP(CAP_NET_ADMIN) | PRIVS_CAP(CAP_BPF),
	.describe = describe,
	.check = check, .host_setup = host_up, .cp_setup = cp_setup, .create = create,
	.run = run, .stop = stop,
	.on_control = mn_on_control,
	.reload = mn_reload, .reload_note = "interfaces and EIDs on lmn take effect at restart",
	.answers = answers, .daemon_json = daemon_json,
};
