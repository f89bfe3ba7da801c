/* The RTR role: configuration in, control messages dispatched (registers
 * and answers to relay.c and answer.c, Map-Replies and SMRs to the shared
 * ITR code after the RTR's own rules), misses to the resolver. */
#include "rtr/rtr_priv.h"

#include <stdlib.h>
#include <string.h>

#include "dp_miss.h"
#include "log.h"

#define PENDING_MS 10000
#define NAT_LIFETIME_MS 210000   /* the map-server's 3 minutes, plus 30 s (OOR's) */

uint64_t rtr_now(const struct rtr *r)
{
	return ev_now_ms(r->loop);
}

bool rtr_is_rloc(const struct rtr *r, const struct lisp_ip *ip)
{
	for (unsigned i = 0; i < r->n_rlocs; i++)
		if (lisp_ip_equal(&r->rlocs[i].addr, ip))
			return true;
	return false;
}

struct rtr_ms *rtr_ms_find(struct rtr *r, const struct lisp_ip *addr)
{
	for (unsigned i = 0; i < r->n_ms; i++)
		if (lisp_ip_equal(&r->ms[i].addr, addr))
			return &r->ms[i];
	return NULL;
}

void rtr_rx_malformed(struct rtr *r, const struct lisp_err *err)
{
	r->ctr.rx_malformed++;
	rx_errs_add(&r->rx_errs, err, LISP_ERR_TRUNCATED);
}

static void ms_keys_free(struct rtr_ms *ms, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		explicit_bzero(ms[i].key, ms[i].key_len);
		free(ms[i].key);
	}
}

/* The map-servers of cfg into ms (counts carried over for the addresses
 * kept from old). 0, or -1 with nothing made. */
static int ms_copy(struct rtr_ms *ms, const struct lispd_cfg_rtr *c, struct rtr *old)
{
	for (unsigned i = 0; i < c->n_ms; i++) {
		const struct rtr_ms *prev = old ? rtr_ms_find(old, &c->ms[i].addr) : NULL;

		memset(&ms[i], 0, sizeof(ms[i]));
		ms[i].addr = c->ms[i].addr;
		ms[i].draft = c->ms[i].draft;
		ms[i].key = malloc(c->ms[i].key_len ? c->ms[i].key_len : 1);
		if (!ms[i].key) {
			ms_keys_free(ms, i);
			return -1;
		}
		memcpy(ms[i].key, c->ms[i].key, c->ms[i].key_len);
		ms[i].key_len = c->ms[i].key_len;
		if (prev) {
			ms[i].relayed = prev->relayed;
			ms[i].confirmed = prev->confirmed;
		}
	}
	return 0;
}

static int apply(struct rtr *r, const struct lispd_config *cfg)
{
	struct rtr_ms ms[LISPD_CFG_MAX_RTR_MS];

	if (ms_copy(ms, &cfg->rtr, r))
		return -1;
	ms_keys_free(r->ms, r->n_ms);
	memcpy(r->ms, ms, sizeof(ms[0]) * cfg->rtr.n_ms);
	r->n_ms = cfg->rtr.n_ms;
	itr_set_resolvers(&r->itr, cfg->n_map_resolvers, cfg->map_resolvers,
			  cfg->map_request_retries);
	return 0;
}

/* The first RLOC of each family: the ITR's sources. */
static void itr_rlocs(struct rtr *r)
{
	struct lisp_ip src[2];
	unsigned n = 0;

	for (unsigned i = 0; i < r->n_rlocs && n < 2; i++)
		if (n == 0 || src[0].afi != r->rlocs[i].addr.afi)
			src[n++] = r->rlocs[i].addr;
	itr_set_rlocs(&r->itr, n, src);
}

struct rtr *rtr_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
		    const struct rtr_opts *opts)
{
	struct rtr *r;

	if (!cfg || cfg->mode != LISPD_MODE_RTR) {
		log_err("rtr: the configuration is not for operating-mode = RTR");
		return NULL;
	}
	if (!opts || opts->n_rlocs == 0 || opts->n_rlocs > RTR_MAX_RLOCS) {
		log_err("rtr: no RLOC to serve from");
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		log_err("rtr: out of memory");
		return NULL;
	}
	r->loop = loop;
	r->io = io;
	r->dp = opts->dp;
	if (opts->timing)
		r->t = *opts->timing;
	if (!r->t.pending_ms)
		r->t.pending_ms = PENDING_MS;
	if (!r->t.nat_lifetime_ms)
		r->t.nat_lifetime_ms = NAT_LIFETIME_MS;
	r->n_rlocs = opts->n_rlocs;
	memcpy(r->rlocs, opts->rlocs, sizeof(r->rlocs[0]) * opts->n_rlocs);
	r->n_ifaces = cfg->rtr.n_ifaces;
	memcpy(r->ifaces, cfg->rtr.ifaces, sizeof(r->ifaces));
	itr_init(&r->itr, loop, io, r->dp, opts->itr_timing);
	itr_rlocs(r);
	for (unsigned i = 0; i < RTR_PENDING_MAX; i++)
		r->pending[i].rtr = r;
	if (apply(r, cfg) || itr_mc_put_config(&r->itr, cfg->n_statics, cfg->statics)) {
		log_err("rtr: cannot take the map-servers or install the static entries");
		rtr_free(r);
		return NULL;
	}
	log_info("rtr: %u RLOC(s), relaying to %u map-server(s), %u map-resolver(s), %u static "
		 "entr%s", r->n_rlocs, r->n_ms, cfg->n_map_resolvers, cfg->n_statics,
		 cfg->n_statics == 1 ? "y" : "ies");
	return r;
}

static bool same_ifaces(const struct rtr *r, const struct lispd_cfg_rtr *c)
{
	if (r->n_ifaces != c->n_ifaces)
		return false;
	for (unsigned i = 0; i < c->n_ifaces; i++)
		if (strcmp(r->ifaces[i].ifname, c->ifaces[i].ifname) ||
		    r->ifaces[i].ip_version != c->ifaces[i].ip_version)
			return false;
	return true;
}

int rtr_reload(void *arg, const struct lispd_config *cfg)
{
	struct rtr *r = arg;

	if (!cfg || cfg->mode != LISPD_MODE_RTR) {
		log_err("rtr: reload: the configuration is not for operating-mode = RTR");
		return -1;
	}
	if (!same_ifaces(r, &cfg->rtr)) {
		log_err("rtr: reload: rtr-ifaces changed; restart lispd to re-attach the data plane");
		return -1;
	}
	if (apply(r, cfg)) {
		log_err("rtr: reload: out of memory");
		return -1;
	}
	for (unsigned i = 0; i < r->n_rlocs; i++)
		for (unsigned k = 0; k < cfg->rtr.n_ifaces; k++)
			if (!strcmp(cfg->rtr.ifaces[k].ifname, r->rlocs[i].ifname) &&
			    cfg->rtr.ifaces[k].ip_version == (r->rlocs[i].addr.afi == LISP_AFI_IPV4
								      ? 4 : 6)) {
				r->rlocs[i].priority = cfg->rtr.ifaces[k].priority;
				r->rlocs[i].weight = cfg->rtr.ifaces[k].weight;
			}
	/* Statics kept are rewritten in place, so traffic to them never
	 * misses; those gone from the file leave. */
	itr_mc_static_mark(&r->itr);
	if (itr_mc_put_config(&r->itr, cfg->n_statics, cfg->statics)) {
		log_err("rtr: reload: cannot install the static entries");
		return -1;
	}
	itr_mc_static_sweep(&r->itr);
	log_info("rtr: reloaded: %u map-server(s), %u static entr%s", r->n_ms, cfg->n_statics,
		 cfg->n_statics == 1 ? "y" : "ies");
	return 0;
}

/* ---- Map-Replies and SMRs: the ITR's, after the RTR's rules -------------------------- */

static bool names_rloc(const struct rtr *r, const struct lisp_record *rec)
{
	for (unsigned i = 0; i < rec->n_loc; i++)
		if (rec->loc[i].addr.kind == LISP_ADDR_IP && rtr_is_rloc(r, &rec->loc[i].addr.ip))
			return true;
	return false;
}

/* A record naming one of our RLOCs would loop traffic back to us (the
 * map-server answers for a node registered through us with our locator);
 * a committed node's only path is its NAT (docs/NAT.md 3.6, the draft's
 * 5.5). Such records go; the rest of the reply is the ITR's. */
static void on_reply(struct rtr *r)
{
	struct lisp_map_reply *rep = &r->rx.u.reply;
	unsigned n = 0;

	for (unsigned i = 0; i < rep->n_rec; i++) {
		struct lisp_prefix p = rep->rec[i].eid;

		itr_prefix_canon(&p);
		if (names_rloc(r, &rep->rec[i])) {
			r->ctr.reply_refused_self++;
			continue;
		}
		if (rtr_nat_covering(r, &p)) {
			r->ctr.reply_refused_nat++;
			continue;
		}
		if (n != i)
			rep->rec[n] = rep->rec[i];
		n++;
	}
	rep->n_rec = (uint8_t)n;
	itr_on_reply(&r->itr, rep);
}

static void on_request(struct rtr *r, const uint8_t *buf, size_t len)
{
	struct lisp_map_request *q = &r->rx.u.request;
	const struct lisp_addr *s = &q->source_eid;
	struct lisp_err err = { 0 };
	struct lisp_prefix p;

	if (lisp_map_request_decode(buf, len, q, &err)) {
		rtr_rx_malformed(r, &err);
		return;
	}
	/* An RTR answers no Map-Request: it is no ETR for anyone. */
	if (!q->smr || q->probe) {
		r->ctr.rx_unexpected++;
		return;
	}
	/* A committed node's mapping names us: re-resolving it on its SMR
	 * would replace the way to its NAT (OOR's node SMRs its RTR). */
	if (s->kind == LISP_ADDR_IP) {
		itr_prefix_host(&p, s->has_iid ? s->iid : 0, &s->ip);
		if (rtr_nat_covering(r, &p)) {
			r->ctr.smr_refused_nat++;
			return;
		}
	}
	itr_on_smr(&r->itr, q);
}

/* ---- dispatch ------------------------------------------------------------------------ */

static void on_ecm(struct rtr *r, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct lisp_err err = { 0 };

	if (lisp_ecm_decode(buf, len, &r->ecm, &err)) {
		rtr_rx_malformed(r, &err);
		return;
	}
	switch (lisp_msg_type(r->ecm.payload, r->ecm.payload_len)) {
	case LISP_MAP_REGISTER:
		rtr_relay_register(r, src, sport, dst, buf, len, &r->ecm);
		return;
	case LISP_MAP_NOTIFY:
		rtr_answer_new(r, src, &r->ecm);
		return;
	default:
		r->ctr.drop_ecm_other++;
		return;
	}
}

void rtr_on_control(void *arg, const struct lisp_ip *src, uint16_t sport,
		    const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct rtr *r = arg;
	struct lisp_err err = { 0 };

	r->ctr.rx_packets++;
	switch (lisp_msg_type(buf, len)) {
	case LISP_ECM:
		on_ecm(r, src, sport, dst, buf, len);
		return;
	case LISP_MAP_NOTIFY:
		rtr_answer_old(r, src, buf, len);
		return;
	case LISP_MAP_REPLY:
		if (lisp_map_reply_decode(buf, len, &r->rx.u.reply, &err)) {
			rtr_rx_malformed(r, &err);
			return;
		}
		on_reply(r);
		return;
	case LISP_MAP_REQUEST:
		on_request(r, buf, len);
		return;
	case LISP_INFO:
		r->ctr.rx_info++;
		return;
	case -1:  /* empty datagram */
		rtr_rx_malformed(r, NULL);
		return;
	default:
		r->ctr.rx_unexpected++;
		return;
	}
}

/* A committed node's packet to a destination the map-cache lacks (the data
 * plane dropped it and asks). */
void rtr_on_miss(void *arg, const struct dp_miss *ev)
{
	struct rtr *r = arg;
	struct lisp_prefix p;

	r->ctr.miss_events++;
	if (ev->dst.afi == LISP_AFI_NONE) {
		r->ctr.miss_bad++;
		return;
	}
	itr_prefix_host(&p, ev->iid, &ev->dst);
	itr_resolve(&r->itr, &p, &ev->src, ITR_REQ_MISS);
}

void rtr_free(struct rtr *r)
{
	if (!r)
		return;
	rtr_pending_clear(r);
	rtr_nat_clear(r);
	itr_teardown(&r->itr);
	ms_keys_free(r->ms, r->n_ms);
	free(r);
}
