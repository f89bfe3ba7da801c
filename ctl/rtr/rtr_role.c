/* operating-mode = RTR: NAT traversal's re-encapsulating tunnel router as
 * a role of lispd (core/role.h): the RLOCs of the rtr-ifaces read at start,
 * the RTR data plane on their interfaces under its own pin directory,
 * registers relayed and committed, misses resolved through the
 * map-resolvers. */
#include <stdlib.h>
#include <string.h>

#include "core/privs.h"
#include "core/role.h"
#include "dp_maps.h"
#include "log.h"
#include "rtr/rtr.h"
#include "rtr/rtr_host.h"
#include "rtr/rtr_role.h"

/* What the start found and did, for create and stop (d->priv). */
struct rtr_role {
	unsigned n_rlocs;
	struct rtr_rloc rlocs[RTR_MAX_RLOCS];
	bool host_up;          /* the RTR data plane is on the host */
};

/* The RLOCs: what the interfaces hold now, before anything is written. */
static int check(struct lispd *d)
{
	struct rtr_role *r = calloc(1, sizeof(*r));
	char err[512];

	d->priv = r;
	if (!r) {
		log_err("out of memory");
		return -1;
	}
	if (rtr_host_rlocs(&d->cfg.rtr, r->rlocs, &r->n_rlocs, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

static int host_up(struct lispd *d)
{
	struct rtr_role *r = d->priv;
	char err[512], a[LISP_ADDR_STRLEN];

	if (rtr_host_setup(r->n_rlocs, r->rlocs, d->pin_dir, d->state_dir, &d->dp, err,
			   sizeof(err))) {
		log_err("host setup: %s", err);
		return -1;
	}
	r->host_up = true;
	for (unsigned i = 0; i < r->n_rlocs; i++)
		log_info("RTR data plane on %s, RLOC %s", r->rlocs[i].ifname,
			 lisp_ip_format(&r->rlocs[i].addr, a, sizeof(a)));
	log_info("RTR data plane pinned at %s", d->pin_dir);
	return 0;
}

/* Each family's first RLOC is the source of what has no RLOC of its own
 * (Map-Requests); relays and Data-Map-Notifies name theirs. */
static int cp_setup(struct lispd *d)
{
	const struct rtr_role *r = d->priv;

	for (unsigned i = r->n_rlocs; i-- > 0;)
		cp_sock_set_rloc(&d->cp, r->rlocs[i].addr.afi, &r->rlocs[i].addr);
	return 0;
}

static int create(struct lispd *d)
{
	const struct rtr_role *r = d->priv;
	struct rtr_opts o = { .dp = &d->dp, .n_rlocs = r->n_rlocs, .rlocs = r->rlocs };

	d->obj = rtr_new(&d->cfg, d->loop, &d->cp.io, &o);
	return d->obj ? 0 : -1;
}

static void stop(struct lispd *d)
{
	struct rtr_role *r = d->priv;

	rtr_free(d->obj);
	if (r && r->host_up)
		rtr_host_stop(d->state_dir);
	free(r);
}

static void describe(const struct lispd_config *cfg, const char *path, FILE *out)
{
	fprintf(out, "%s: operating-mode RTR: %u rtr-iface(s), %u rtr-ms-node(s), "
		"%u map-resolver(s), %u static-map-cache entr%s\n", path, cfg->rtr.n_ifaces,
		cfg->rtr.n_ms, cfg->n_map_resolvers, cfg->n_statics,
		cfg->n_statics == 1 ? "y" : "ies");
}

/* The control socket's requests it answers: nat, the committed nodes,
 * besides the ITR's map-cache and pending. */
static const struct role_answer answers[] = {
	{ "status", rtr_json_status },
	{ "counters", rtr_json_counters },
	{ "nat", rtr_json_nat },
	ITR_ROLE_ANSWERS,
	{ NULL, NULL },
};

/* CAP_NET_ADMIN: SIGTERM removes the RTR's TC filters and qdiscs.
 * CAP_BPF: NAT table and map-cache updates (commits, expiry, resolution,
 * reload). */
const struct role rtr_role = {
	.mode = LISPD_MODE_RTR, .name = "RTR", .key = "rtr",
	/* Its own pin directory; a crashed run's data plane is detached at
	 * the next start of any role. */
	.dp = &(const struct role_dataplane){
		.pin_dir_default = DP_RTR_PIN_DIR_DEFAULT,
		.cleanup_stale = rtr_host_cleanup_stale,
		.stale_done = "its RTR data plane was detached",
		.on_miss = rtr_on_miss,
	},
	.caps_kept = PRIVS_CAP(CAP_NET_ADMIN) | PRIVS_CAP(CAP_BPF),
	.describe = describe,
	.check = check, .host_setup = host_up, .cp_setup = cp_setup, .create = create,
	.stop = stop,
	.on_control = rtr_on_control, .reload = rtr_reload,
	.reload_note = "the rtr-ifaces and their RLOCs need a restart",
	.answers = answers,
};
