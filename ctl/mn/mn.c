/* Life cycle of the mobile node's control plane and the configuration
 * copy. The only file of the protocol modules that reads lib/config.h. */
#include "mn/mn_priv.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

static void smr_hold_expired(struct ev_timer *t, void *arg);
static void smr_owed_due(struct ev_timer *t, void *arg);

static const struct mn_timing default_timing = {
	.reg_retx_first_ms = 1000,
	.reg_retx_max_ms = 60000,
	.reg_period_ms = 60000,
	.req_retx_first_ms = 1000,
	.req_min_interval_ms = 1000,
	.req_hold_ms = 30000,
	.req_hold_after = 10,
	.reply_interval_ms = 3000,
	.smr_interval_ms = 3000,
	.smr_hold_ms = 500,
	.ttl_unit_ms = 60000,
	.reg_min_interval_ms = 1000,
	.nat_retx_first_ms = 1000,
	.nat_retry_ms = 60000,
	.nat_refresh_max_ms = 600000,
};

#define TAKE(field) out->field = in && in->field ? in->field : default_timing.field

static void set_timing(struct mn_timing *out, const struct mn_timing *in)
{
	TAKE(reg_retx_first_ms);
	TAKE(reg_retx_max_ms);
	TAKE(reg_period_ms);
	TAKE(req_retx_first_ms);
	TAKE(req_min_interval_ms);
	TAKE(req_hold_ms);
	TAKE(req_hold_after);
	TAKE(reply_interval_ms);
	TAKE(smr_interval_ms);
	TAKE(smr_hold_ms);
	TAKE(ttl_unit_ms);
	TAKE(reg_min_interval_ms);
	TAKE(nat_retx_first_ms);
	TAKE(nat_retry_ms);
	TAKE(nat_refresh_max_ms);
}

#undef TAKE

void mn_conf_free(struct mn_conf *c)
{
	for (unsigned i = 0; i < c->n_ms; i++) {
		if (c->ms[i].key) {
			explicit_bzero(c->ms[i].key, c->ms[i].key_len);
			free(c->ms[i].key);
		}
	}
	free(c->statics);
	memset(c, 0, sizeof(*c));
}

static uint16_t rloc_afi(const struct lispd_cfg_rloc *r)
{
	if (r->kind == LISPD_RLOC_IFACE)
		return r->ip_version == 6 ? LISP_AFI_IPV6 : LISP_AFI_IPV4;
	return r->addr.afi;
}

static int copy_mapping(struct mn_map_conf *m, const struct lispd_cfg_mapping *c)
{
	m->eid = c->eid;
	itr_prefix_canon(&m->eid);
	m->ttl_min = c->ttl_min;
	if (c->n_rlocs == 0) {
		/* No RLOC listed: advertise whatever the host has, at the defaults. */
		for (unsigned f = LISP_AFI_IPV4; f <= LISP_AFI_IPV6; f++) {
			m->use[f] = true;
			m->priority[f] = LISPD_CFG_DEFAULT_PRIORITY;
			m->weight[f] = LISPD_CFG_DEFAULT_WEIGHT;
		}
		return 0;
	}
	for (unsigned i = 0; i < c->n_rlocs; i++) {
		uint16_t f = rloc_afi(&c->rlocs[i]);

		if (f != LISP_AFI_IPV4 && f != LISP_AFI_IPV6)
			return -1;
		/* A mobile node has one RLOC per family: the first entry of a family rules. */
		if (m->use[f])
			continue;
		m->use[f] = true;
		m->priority[f] = c->rlocs[i].priority;
		m->weight[f] = c->rlocs[i].weight;
	}
	return 0;
}

static int copy_static(struct mn_static_conf *s, const struct lispd_cfg_mapping *c)
{
	s->eid = c->eid;
	itr_prefix_canon(&s->eid);
	for (unsigned i = 0; i < c->n_rlocs; i++) {
		const struct lispd_cfg_rloc *r = &c->rlocs[i];

		if (r->kind != LISPD_RLOC_ADDRESS)
			return -1;
		if (s->n_loc == ITR_MAX_LOC)
			return -1;
		s->loc[s->n_loc++] = (struct itr_loc){
			.addr = r->addr, .priority = r->priority, .weight = r->weight, .up = true,
		};
	}
	return 0;
}

static int conf_from_cfg(struct mn_conf *out, const struct lispd_config *cfg)
{
	memset(out, 0, sizeof(*out));
	if (cfg->n_map_servers > MN_MAX_MS || cfg->n_map_resolvers > MN_MAX_MR) {
		log_err("mn: too many map-servers or map-resolvers");
		return -1;
	}
	if (cfg->n_mappings > MN_MAX_MAPPINGS) {
		log_err("mn: %u database-mappings; one Map-Register carries at most %u",
			cfg->n_mappings, MN_MAX_MAPPINGS);
		return -1;
	}
	for (unsigned i = 0; i < cfg->n_map_servers; i++) {
		const struct lispd_cfg_map_server *s = &cfg->map_servers[i];
		struct mn_ms_conf *m = &out->ms[i];

		m->addr = s->addr;
		m->alg = s->key_type;
		m->proxy_reply = s->proxy_reply;
		m->key = malloc(s->key_len ? s->key_len : 1);
		if (!m->key)
			goto fail;
		memcpy(m->key, s->key, s->key_len);
		m->key_len = s->key_len;
		out->n_ms = i + 1;
	}
	out->n_mr = cfg->n_map_resolvers;
	memcpy(out->mr, cfg->map_resolvers, sizeof(out->mr[0]) * out->n_mr);
	out->retries = cfg->map_request_retries;
	for (unsigned i = 0; i < cfg->n_mappings; i++) {
		if (copy_mapping(&out->map[i], &cfg->mappings[i])) {
			log_err("mn: database-mapping at line %d: unusable RLOC",
				cfg->mappings[i].line);
			goto fail;
		}
	}
	out->n_map = cfg->n_mappings;
	if (cfg->n_statics) {
		out->statics = calloc(cfg->n_statics, sizeof(*out->statics));
		if (!out->statics)
			goto fail;
	}
	for (unsigned i = 0; i < cfg->n_statics; i++) {
		if (copy_static(&out->statics[i], &cfg->statics[i])) {
			log_err("mn: static-map-cache at line %d: only up to %u rloc addresses "
				"are supported", cfg->statics[i].line, ITR_MAX_LOC);
			goto fail;
		}
	}
	out->n_static = cfg->n_statics;
	out->n_pitr = cfg->n_proxy_itrs < MN_MAX_PITR ? cfg->n_proxy_itrs : MN_MAX_PITR;
	memcpy(out->pitr, cfg->proxy_itrs, sizeof(out->pitr[0]) * out->n_pitr);
	out->nat_traversal = cfg->nat.enabled;
	return 0;
fail:
	mn_conf_free(out);
	return -1;
}

static void set_rlocs(struct mn *mn, unsigned n, const struct lisp_ip *rlocs)
{
	mn->n_rlocs = 0;
	for (unsigned i = 0; i < n && mn->n_rlocs < 2; i++)
		if (rlocs[i].afi == LISP_AFI_IPV4 || rlocs[i].afi == LISP_AFI_IPV6)
			mn->rlocs[mn->n_rlocs++] = rlocs[i];
	itr_set_rlocs(&mn->itr, mn->n_rlocs, mn->rlocs);
}

/* What the ITR side takes from the configuration: resolvers, and our EIDs
 * as the source of its Map-Requests. */
static void itr_apply_conf(struct mn *mn)
{
	struct lisp_ip eids[MN_MAX_MAPPINGS];

	for (unsigned i = 0; i < mn->conf.n_map; i++)
		eids[i] = mn->conf.map[i].eid.addr.ip;
	itr_set_eids(&mn->itr, mn->conf.n_map, eids);
	itr_set_resolvers(&mn->itr, mn->conf.n_mr, mn->conf.mr, mn->conf.retries);
}

static void itr_start(struct mn *mn, const struct dp_handle *dp)
{
	struct itr_timing t = {
		.req_retx_first_ms = mn->t.req_retx_first_ms,
		.req_min_interval_ms = mn->t.req_min_interval_ms,
		.req_hold_ms = mn->t.req_hold_ms,
		.req_hold_after = mn->t.req_hold_after,
		.smr_interval_ms = mn->t.smr_interval_ms,
		.ttl_unit_ms = mn->t.ttl_unit_ms,
	};

	itr_init(&mn->itr, mn->loop, mn->io, dp, &t);
}

struct mn *mn_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
		  const struct mn_host *host, const struct mn_opts *opts)
{
	struct mn *mn = calloc(1, sizeof(*mn));

	if (!mn)
		return NULL;
	mn->loop = loop;
	mn->io = io;
	if (opts) {
		mn->next_nonce = opts->next_nonce;
		mn->nonce_ctx = opts->nonce_ctx;
		memcpy(mn->xtr_id, opts->xtr_id, sizeof(mn->xtr_id));
		mn->site_id = opts->site_id;
	}
	set_timing(&mn->t, opts ? opts->timing : NULL);
	ev_timer_init(&mn->smr_hold, smr_hold_expired, mn);
	ev_timer_init(&mn->smr_owed, smr_owed_due, mn);
	itr_start(mn, opts ? opts->dp : NULL);
	if (host)
		set_rlocs(mn, host->n_rlocs, host->rlocs);
	if (host && host->n_ifaces)
		mn_set_locators(mn, host->n_locs, host->locs);
	if (conf_from_cfg(&mn->conf, cfg)) {
		itr_teardown(&mn->itr);
		free(mn);
		return NULL;
	}
	itr_apply_conf(mn);
	if (mn_reg_setup(mn)) {
		itr_teardown(&mn->itr);
		mn_conf_free(&mn->conf);
		free(mn);
		return NULL;
	}
	return mn;
}

static void install_statics(struct mn *mn)
{
	for (unsigned i = 0; i < mn->conf.n_static; i++)
		itr_mc_put_static(&mn->itr, &mn->conf.statics[i].eid, mn->conf.statics[i].n_loc,
				  mn->conf.statics[i].loc);
}

void mn_start(struct mn *mn)
{
	install_statics(mn);
	/* The first Map-Registers never wait for NAT detection: they go
	 * first, with every RLOC (its state unknown). */
	mn_reg_start_all(mn);
	mn_nat_sync(mn);
}

void mn_set_rlocs(struct mn *mn, unsigned n_rlocs, const struct lisp_ip *rlocs)
{
	set_rlocs(mn, n_rlocs, rlocs);
	mn_reg_start_all(mn);
	mn_nat_sync(mn);
}

void mn_set_locators(struct mn *mn, unsigned n, const struct mn_locator *locs)
{
	if (n > MN_MAX_LOCS)
		n = MN_MAX_LOCS;
	mn->has_locs = true;
	mn->n_locs = n;
	memcpy(mn->locs, locs, sizeof(locs[0]) * n);
}

void mn_moved(struct mn *mn, unsigned n_rlocs, const struct lisp_ip *rlocs)
{
	mn->ctr.moves++;
	set_rlocs(mn, n_rlocs, rlocs);
	/* Our mapping changed: a peer asking again (after our SMR, through the
	 * map-server) must get the new answer, however recently it got the
	 * old one. */
	memset(&mn->etr, 0, sizeof(mn->etr));
	/* Without a locator nothing can be sent; the next move registers. */
	if (mn->n_rlocs == 0) {
		mn_nat_sync(mn);
		return;
	}
	mn_reg_start_all(mn);
	/* A new IPv4 RLOC is probed at once, after its Map-Register. */
	mn_nat_sync(mn);
	/* A peer answers our SMR by asking the mapping system again: asked
	 * before the map-server has our new locators, it gets the old ones and
	 * its per-prefix rate limit then delays the next try by a second. So
	 * the SMRs wait for the Map-Notify of the new registration (a round trip
	 * to the map-server), or smr_hold_ms when it does not come. */
	if (mn->n_reg == 0) {
		mn_smr_all(mn);
		return;
	}
	mn->smr_pending = true;
	ev_timer_arm(mn->loop, &mn->smr_hold, mn->t.smr_hold_ms);
}

void mn_smr_release(struct mn *mn)
{
	if (!mn->smr_pending)
		return;
	mn->smr_pending = false;
	ev_timer_cancel(mn->loop, &mn->smr_hold);
	mn_smr_all(mn);
}

static void smr_hold_expired(struct ev_timer *t, void *arg)
{
	(void)t;
	mn_smr_release(arg);
}

static void smr_owed_due(struct ev_timer *t, void *arg)
{
	(void)t;
	mn_smr_send_owed(arg);
}

int mn_reload(void *arg, const struct lispd_config *new_cfg)
{
	struct mn *mn = arg;
	struct mn_conf next;
	struct mn_reg_hist hist[MN_MAX_MS];
	unsigned n_hist;

	if (conf_from_cfg(&next, new_cfg))
		return -1;
	n_hist = mn_reg_save(mn, hist);
	mn_reg_teardown(mn);
	mn_conf_free(&mn->conf);
	mn->conf = next;
	itr_apply_conf(mn);
	/* Statics kept are rewritten in place (an atomic update each), so
	 * traffic to them never misses; those gone from the file leave. */
	itr_mc_static_mark(&mn->itr);
	install_statics(mn);
	itr_mc_static_sweep(&mn->itr);
	if (mn_reg_setup(mn))
		return -1;
	mn_reg_restore(mn, hist, n_hist);
	/* Before the rounds start: they ask which RLOCs are behind a NAT at
	 * the new map-servers. */
	mn_nat_sync(mn);
	mn_reg_start_all(mn);
	log_info("mn: configuration reloaded: %u map-server(s), %u map-resolver(s), "
		 "%u static entr%s", mn->conf.n_ms, mn->conf.n_mr, mn->conf.n_static,
		 mn->conf.n_static == 1 ? "y" : "ies");
	return 0;
}

void mn_free(struct mn *mn)
{
	if (!mn)
		return;
	ev_timer_cancel(mn->loop, &mn->smr_hold);
	ev_timer_cancel(mn->loop, &mn->smr_owed);
	mn_nat_teardown(mn);
	mn_reg_teardown(mn);
	itr_teardown(&mn->itr);
	mn_conf_free(&mn->conf);
	free(mn);
}
