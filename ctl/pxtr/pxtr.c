/* The PxTR role: configuration in, control messages and miss events to the
 * shared ITR code (ctl/itr), EID space into the data plane, JSON out. */
#include "pxtr/pxtr.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/rx_errs.h"
#include "dp_mcache.h"
#include "dp_miss.h"
#include "json.h"
#include "log.h"

#define PXTR_COUNTERS(X)                                                        \
	X(rx_packets)          /* control datagrams handed to pxtr_on_control */ \
	X(rx_malformed)        /* failed to decode: dropped */                   \
	X(rx_unexpected)       /* a type or request a PxTR does not take */      \
	X(miss_events)                                                           \
	X(miss_bad)            /* event with an unknown family */                \
	X(miss_outside_space)  /* destination not in eid-space: not resolved */ \
	X(eid_space_errors)    /* eid-space trie update failed */

struct pxtr_counters {
#define PXTR_COUNTER_FIELD(name) uint64_t name;
	PXTR_COUNTERS(PXTR_COUNTER_FIELD)
#undef PXTR_COUNTER_FIELD
};

struct pxtr {
	/* First, so the role table can hand a struct pxtr to the ITR's answers. */
	struct itr itr;
	const struct dp_handle *dp;     /* NULL: no data plane */
	struct lispd_cfg_pxtr conf;     /* copied: interfaces, RLOCs, iid, eid-space */
	struct pxtr_counters ctr;
	struct rx_errs rx_errs;         /* rx_malformed by reason */
	struct lisp_msg rx;             /* decode scratch: tens of kilobytes */
};
_Static_assert(offsetof(struct pxtr, itr) == 0, "the ITR first in struct pxtr");

static int install_statics(struct pxtr *px, const struct lispd_config *cfg)
{
	return itr_mc_put_config(&px->itr, cfg->n_statics, cfg->statics);
}

static int write_space(struct pxtr *px, const struct lispd_cfg_pxtr *c)
{
	struct dp_err err;

	if (!px->dp)
		return 0;
	if (dp_eid_space_set(px->dp, c->iid, c->n_eid_space, c->eid_space, &err)) {
		px->ctr.eid_space_errors++;
		log_err("pxtr: %s", err.msg);
		return -1;
	}
	return 0;
}

static void apply(struct pxtr *px, const struct lispd_config *cfg)
{
	itr_set_resolvers(&px->itr, cfg->n_map_resolvers, cfg->map_resolvers,
			  cfg->map_request_retries);
	itr_set_rlocs(&px->itr, cfg->pxtr.n_rlocs, cfg->pxtr.rlocs);
	px->conf = cfg->pxtr;
}

struct pxtr *pxtr_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
		      const struct pxtr_opts *opts)
{
	struct pxtr *px;

	if (!cfg || cfg->mode != LISPD_MODE_PXTR) {
		log_err("pxtr: the configuration is not for operating-mode = PxTR");
		return NULL;
	}
	px = calloc(1, sizeof(*px));
	if (!px) {
		log_err("pxtr: out of memory");
		return NULL;
	}
	px->dp = opts ? opts->dp : NULL;
	itr_init(&px->itr, loop, io, px->dp, opts ? opts->timing : NULL);
	px->itr.pitr = true;
	apply(px, cfg);
	if (write_space(px, &cfg->pxtr) || install_statics(px, cfg)) {
		log_err("pxtr: cannot install the configured EID space or static entries");
		pxtr_free(px);
		return NULL;
	}
	log_info("pxtr: serving %u EID prefixes, %u map-resolvers, %u static entries",
		 cfg->pxtr.n_eid_space, cfg->n_map_resolvers, cfg->n_statics);
	return px;
}

static bool same_ifaces(const struct lispd_cfg_pxtr *a, const struct lispd_cfg_pxtr *b)
{
	if (strcmp(a->rloc_iface, b->rloc_iface) || strcmp(a->native_iface, b->native_iface) ||
	    a->n_rlocs != b->n_rlocs || a->iid != b->iid)
		return false;
	for (unsigned i = 0; i < a->n_rlocs; i++)
		if (!lisp_ip_equal(&a->rlocs[i], &b->rlocs[i]))
			return false;
	return true;
}

int pxtr_reload(void *arg, const struct lispd_config *cfg)
{
	struct pxtr *px = arg;

	if (!cfg || cfg->mode != LISPD_MODE_PXTR) {
		log_err("pxtr: reload: the configuration is not for operating-mode = PxTR");
		return -1;
	}
	if (!same_ifaces(&px->conf, &cfg->pxtr)) {
		log_err("pxtr: reload: rloc-iface, native-iface, rloc-address or iid changed; "
			"restart lispd to re-attach the data plane");
		return -1;
	}
	if (write_space(px, &cfg->pxtr))
		return -1;
	apply(px, cfg);
	/* Statics kept are rewritten in place, so traffic to them never
	 * misses; those gone from the file leave. */
	itr_mc_static_mark(&px->itr);
	if (install_statics(px, cfg)) {
		log_err("pxtr: reload: cannot install the static entries");
		return -1;
	}
	itr_mc_static_sweep(&px->itr);
	log_info("pxtr: reloaded: %u EID prefixes, %u static entries", cfg->pxtr.n_eid_space,
		 cfg->n_statics);
	return 0;
}

/* A control message that failed to decode: counted with its reason. */
static void rx_malformed(struct pxtr *px, const struct lisp_err *err)
{
	px->ctr.rx_malformed++;
	rx_errs_add(&px->rx_errs, err, LISP_ERR_TRUNCATED);
}

static void on_request(struct pxtr *px, const uint8_t *buf, size_t len)
{
	struct lisp_map_request *q = &px->rx.u.request;
	struct lisp_err err = { 0 };

	if (lisp_map_request_decode(buf, len, q, &err)) {
		rx_malformed(px, &err);
		return;
	}
	/* An SMR comes straight from the ETR that changed (RFC 9301 §6.1);
	 * anything else asks a PxTR for a mapping it is not authoritative for. */
	if (!q->smr || q->probe) {
		px->ctr.rx_unexpected++;
		return;
	}
	itr_on_smr(&px->itr, q);
}

void pxtr_on_control(void *arg, const struct lisp_ip *src, uint16_t sport,
		     const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct pxtr *px = arg;
	struct lisp_err err = { 0 };

	(void)src;
	(void)sport;
	(void)dst;
	px->ctr.rx_packets++;
	switch (lisp_msg_type(buf, len)) {
	case LISP_MAP_REPLY:
		if (lisp_map_reply_decode(buf, len, &px->rx.u.reply, &err)) {
			rx_malformed(px, &err);
			return;
		}
		itr_on_reply(&px->itr, &px->rx.u.reply);
		return;
	case LISP_MAP_REQUEST:
		on_request(px, buf, len);
		return;
	case -1:  /* empty datagram */
		rx_malformed(px, NULL);
		return;
	default:
		px->ctr.rx_unexpected++;
		return;
	}
}

static bool in_space(const struct pxtr *px, uint32_t iid, const struct lisp_ip *ip)
{
	for (unsigned i = 0; i < px->conf.n_eid_space; i++)
		if (lisp_prefix_contains_ip(&px->conf.eid_space[i], iid, ip))
			return true;
	return false;
}

void pxtr_on_miss(void *arg, const struct dp_miss *ev)
{
	struct pxtr *px = arg;
	struct lisp_prefix p;

	px->ctr.miss_events++;
	if (ev->dst.afi == LISP_AFI_NONE) {
		px->ctr.miss_bad++;
		return;
	}
	/* The data plane only raises events inside the EID space; an event
	 * outside it (a stale trie, a forged ring buffer) is not resolved. */
	if (!in_space(px, ev->iid, &ev->dst)) {
		px->ctr.miss_outside_space++;
		return;
	}
	itr_prefix_host(&p, ev->iid, &ev->dst);
	itr_resolve(&px->itr, &p, &ev->src, ITR_REQ_MISS);
}

void pxtr_json_status(void *arg, struct json *j)
{
	const struct pxtr *px = arg;
	char buf[LISP_ADDR_STRLEN];

	json_obj_begin(j, NULL);
	json_str(j, "role", "PxTR");
	json_str(j, "rloc_iface", px->conf.rloc_iface);
	json_str(j, "native_iface", px->conf.native_iface);
	json_arr_begin(j, "rlocs");
	for (unsigned i = 0; i < px->conf.n_rlocs; i++)
		json_str(j, NULL, lisp_ip_format(&px->conf.rlocs[i], buf, sizeof(buf)));
	json_arr_end(j);
	json_uint(j, "iid", px->conf.iid);
	json_arr_begin(j, "eid_space");
	for (unsigned i = 0; i < px->conf.n_eid_space; i++)
		json_str(j, NULL, lisp_prefix_format(&px->conf.eid_space[i], buf, sizeof(buf)));
	json_arr_end(j);
	itr_json_status(&px->itr, j);
	json_obj_end(j);
}

/* One object, like the mobile node's: role counters, then the ITR's. */
void pxtr_json_counters(void *arg, struct json *j)
{
	const struct pxtr *px = arg;

	json_obj_begin(j, NULL);
#define PXTR_COUNTER_JSON(name) json_uint(j, #name, px->ctr.name);
	PXTR_COUNTERS(PXTR_COUNTER_JSON)
#undef PXTR_COUNTER_JSON
	itr_json_counters(&px->itr, &px->rx_errs, j);
	json_obj_end(j);
}

void pxtr_free(struct pxtr *px)
{
	if (!px)
		return;
	itr_teardown(&px->itr);
	free(px);
}
