/* operating-mode = PxTR: the proxy ITR and proxy ETR as a role of lispd
 * (core/role.h): the PxTR data plane on rloc-iface and native-iface under
 * its own pin directory, misses resolved through the map-resolvers. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/privs.h"
#include "core/role.h"
#include "dp_maps.h"
#include "log.h"
#include "pxtr/pxtr.h"
#include "pxtr/pxtr_host.h"
#include "pxtr/pxtr_role.h"

struct pxtr_role {
	bool host_up;          /* the PxTR data plane is on the host */
};

/* The PETR/PITR data plane under its own pin directory. */
static const struct role_dataplane dataplane = {
	.pin_dir_default = DP_PXTR_PIN_DIR_DEFAULT,
	.cleanup_stale = pxtr_host_cleanup_stale,
	.stale_done = "its PxTR data plane was detached",
	.on_miss = pxtr_on_miss,
};

/* The control socket's requests it answers. */
static const struct role_answer answers[] = {
	{ "status", pxtr_json_status },
	{ "counters", pxtr_json_counters },
	ITR_ROLE_ANSWERS,
	{ NULL, NULL },
};

static struct pxtr_role *priv(struct lispd *d)
{
	return d->priv;
}

static void describe(const struct lispd_config *cfg, const char *path, FILE *out)
{
	fprintf(out, "%s: operating-mode PxTR: rloc-iface %s, native-iface %s, %u eid-space "
		"prefix(es), %u map-resolver(s), %u static-map-cache entr%s\n", path,
		cfg->pxtr.rloc_iface, cfg->pxtr.native_iface, cfg->pxtr.n_eid_space,
		cfg->n_map_resolvers, cfg->n_statics, cfg->n_statics == 1 ? "y" : "ies");
}

static int host_up(struct lispd *d)
{
	const struct lispd_cfg_pxtr *c = &d->cfg.pxtr;
	struct pxtr_role *r = calloc(1, sizeof(*r));
	char err[512];

	if (!r) {
		log_err("out of memory");
		return -1;
	}
	d->priv = r;
	if (!pxtr_host_forwarding_ok(&d->cfg, err, sizeof(err)))
		log_warn("%s is off: the PETR cannot forward decapsulated traffic", err);
	if (pxtr_host_setup(&d->cfg, d->pin_dir, d->state_dir, &d->dp, err, sizeof(err))) {
		log_err("host setup: %s", err);
		return -1;
	}
	r->host_up = true;
	log_info("PxTR data plane on %s (PETR) and %s (PITR), pinned at %s", c->rloc_iface,
		 c->native_iface, d->pin_dir);
	return 0;
}

static int cp_setup(struct lispd *d)
{
	const struct lispd_cfg_pxtr *c = &d->cfg.pxtr;

	for (unsigned i = 0; i < c->n_rlocs; i++)
		cp_sock_set_rloc(&d->cp, c->rlocs[i].afi, &c->rlocs[i]);
	return 0;
}

static int create(struct lispd *d)
{
	struct pxtr_opts po;

	memset(&po, 0, sizeof(po));
	po.dp = &d->dp;
	d->obj = pxtr_new(&d->cfg, d->loop, &d->cp.io, &po);
	return d->obj ? 0 : -1;
}

static void stop(struct lispd *d)
{
	struct pxtr_role *r = priv(d);

	pxtr_free(d->obj);
	if (r && r->host_up)
		pxtr_host_stop(d->state_dir);
	free(r);
}

/* CAP_NET_ADMIN: SIGTERM removes the PETR/PITR TC filters and qdiscs.
 * CAP_BPF: map-cache and eid-space updates (resolution, reload). */
const struct role pxtr_role = {
	.mode = LISPD_MODE_PXTR, .name = "PxTR", .key = "pxtr",
	.dp = &dataplane,
	.caps_kept = PRIVS_CAP(CAP_NET_ADMIN) | PRIVS_CAP(CAP_BPF),
	.describe = describe,
	.host_setup = host_up, .cp_setup = cp_setup, .create = create, .stop = stop,
	.on_control = pxtr_on_control, .reload = pxtr_reload,
	.answers = answers,
};
