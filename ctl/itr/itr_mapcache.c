/* The ITR map-cache table and its mirror in the BPF map-cache (through
 * lib/dp_mcache). Entries are found by prefix in a patricia trie per
 * instance-id and family (exact and longest match walk one path, whatever
 * the table's size); the dynamic ones are also linked in eviction order, so
 * a full table makes room in constant time. */
#include "itr/itr.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/rx_errs.h"
#include "dp_mcache.h"
#include "json.h"
#include "log.h"

/* A mapping's locators go to the data plane whole: one it could not hold
 * would take traffic in the table and none in BPF. */
_Static_assert(ITR_MAX_LOC == DP_MAX_LOCATORS, "locators of a map-cache entry");

static void on_entry_timer(struct ev_timer *t, void *arg);

uint32_t itr_prefix_iid(const struct lisp_prefix *p)
{
	return p->addr.has_iid ? p->addr.iid : 0;
}

void itr_prefix_canon(struct lisp_prefix *p)
{
	uint32_t iid = itr_prefix_iid(p);

	p->addr.has_iid = false;
	p->addr.iid = 0;
	p->addr.iid_mask_len = 0;
	if (iid)
		lisp_addr_set_iid(&p->addr, iid);
	/* One entry per prefix, as in the data plane's LPM map. */
	lisp_prefix_normalize(p);
}

void itr_prefix_host(struct lisp_prefix *p, uint32_t iid, const struct lisp_ip *ip)
{
	memset(p, 0, sizeof(*p));
	lisp_addr_from_ip(&p->addr, ip);
	p->plen = (uint8_t)lisp_afi_bits(ip->afi);
	if (iid)
		lisp_addr_set_iid(&p->addr, iid);
}

static uint8_t dp_action(const struct itr_mc_entry *e)
{
	if (e->n_loc)
		return LISP_ACT_NO_ACTION;
	/* ACT 6 and 7 are unassigned: nothing sensible to do but drop. */
	return e->action <= LISP_ACT_DROP_AUTH ? e->action : LISP_ACT_DROP;
}

const char *itr_mc_action_name(const struct itr_mc_entry *e)
{
	return dp_action_name(dp_action(e));
}

static void dp_sync(struct itr *itr, struct itr_mc_entry *e)
{
	struct dp_mapping m;
	char p[LISP_ADDR_STRLEN];

	if (!itr->dp)
		return;
	memset(&m, 0, sizeof(m));
	m.eid = e->eid;
	m.action = dp_action(e);
	/* A locator of a family we have no RLOC of cannot be reached (the data
	 * plane would drop every flow hashed to it): it takes no slot, so the
	 * best locators of the families we have carry the traffic. */
	for (unsigned i = 0; i < e->n_loc && i < DP_MAX_LOCATORS; i++)
		m.loc[m.n_loc++] = (struct dp_locator){
			.addr = e->loc[i].addr,
			.priority = e->loc[i].priority,
			.weight = e->loc[i].weight,
			.up = e->loc[i].up && itr_has_rloc_family(itr, e->loc[i].addr.afi),
		};
	if (dp_mcache_put(itr->dp, &m, NULL)) {
		itr->ctr.dp_errors++;
		lispd_log_rl(LISPD_LOG_ERR, "itr: map-cache %s: cannot write the data plane entry",
			     lisp_prefix_format(&e->eid, p, sizeof(p)));
	}
}

static void dp_remove(struct itr *itr, struct itr_mc_entry *e)
{
	if (itr->dp && dp_mcache_del(itr->dp, &e->eid, NULL))
		itr->ctr.dp_errors++;
}

struct itr_mc_entry *itr_mc_first(const struct itr *itr)
{
	struct prefix_trie_node *n = prefix_index_first(&itr->mc);

	return n ? n->value : NULL;
}

struct itr_mc_entry *itr_mc_next(const struct itr *itr, const struct itr_mc_entry *e)
{
	struct prefix_trie_node *n = prefix_index_next(&itr->mc, e->node);

	return n ? n->value : NULL;
}

void itr_mc_resync(struct itr *itr)
{
	for (struct itr_mc_entry *e = itr_mc_first(itr); e; e = itr_mc_next(itr, e))
		dp_sync(itr, e);
}

struct itr_mc_entry *itr_mc_find(struct itr *itr, const struct lisp_prefix *eid)
{
	return prefix_index_find(&itr->mc, eid);
}

struct itr_mc_entry *itr_mc_lookup(struct itr *itr, uint32_t iid, const struct lisp_ip *ip)
{
	struct lisp_prefix host;
	struct prefix_trie_node *n;

	itr_prefix_host(&host, iid, ip);
	n = prefix_index_match(&itr->mc, &host);
	return n ? n->value : NULL;
}

/* The eviction order holds exactly the dynamic entries: these two keep it
 * when an entry's origin changes. */
static void lru_unlink(struct itr *itr, struct itr_mc_entry *e)
{
	if (e->origin != ITR_MC_DYNAMIC)
		return;
	*(e->lru_older ? &e->lru_older->lru_newer : &itr->lru_oldest) = e->lru_newer;
	*(e->lru_newer ? &e->lru_newer->lru_older : &itr->lru_newest) = e->lru_older;
	e->lru_older = NULL;
	e->lru_newer = NULL;
}

static void lru_append(struct itr *itr, struct itr_mc_entry *e)
{
	e->lru_older = itr->lru_newest;
	e->lru_newer = NULL;
	*(itr->lru_newest ? &itr->lru_newest->lru_newer : &itr->lru_oldest) = e;
	itr->lru_newest = e;
}

void itr_mc_touch(struct itr *itr, struct itr_mc_entry *e)
{
	if (e->origin != ITR_MC_DYNAMIC)
		return;
	lru_unlink(itr, e);
	lru_append(itr, e);
}

static struct itr_mc_entry *get(struct itr *itr, const struct lisp_prefix *eid)
{
	struct itr_mc_entry *e = itr_mc_find(itr, eid);
	struct prefix_trie_node *n;
	char p[LISP_ADDR_STRLEN];

	if (e)
		return e;
	/* Room first: a removal folds the trie's bare nodes, as the new
	 * entry's node would be until it holds the entry. */
	while (itr->mc_n >= itr->mc_max) {
		struct itr_mc_entry *old = itr->lru_oldest;

		if (!old) {
			itr->ctr.mc_full++;
			return NULL;
		}
		itr->ctr.mc_evicted++;
		lispd_log_rl(LISPD_LOG_INFO, "itr: map-cache full (%u entries): %s evicted",
			     itr->mc_n, lisp_prefix_format(&old->eid, p, sizeof(p)));
		itr_mc_remove(itr, old);
	}
	e = calloc(1, sizeof(*e));
	n = e ? prefix_index_get(&itr->mc, eid, true) : NULL;
	if (!n) {
		free(e);
		return NULL;
	}
	n->value = e;
	e->node = n;
	e->itr = itr;
	e->eid = *eid;
	ev_timer_init(&e->timer, on_entry_timer, e);
	ev_timer_init(&e->smr_timer, itr_on_smr_timer, e);
	itr->mc_n++;
	return e;
}

void itr_mc_remove(struct itr *itr, struct itr_mc_entry *e)
{
	dp_remove(itr, e);
	lru_unlink(itr, e);
	e->node->value = NULL;
	prefix_index_release(&itr->mc, &e->eid, e->node);
	ev_timer_cancel(itr->loop, &e->timer);
	/* A deferred SMR dies with its entry: nothing cached to refresh. */
	ev_timer_cancel(itr->loop, &e->smr_timer);
	itr->mc_n--;
	free(e);
}

void itr_mc_free(struct itr *itr)
{
	struct itr_mc_entry *e, *next;

	for (e = itr_mc_first(itr); e; e = next) {
		next = itr_mc_next(itr, e);
		ev_timer_cancel(itr->loop, &e->timer);
		ev_timer_cancel(itr->loop, &e->smr_timer);
		free(e);
	}
	prefix_index_free(&itr->mc);
	itr->lru_oldest = NULL;
	itr->lru_newest = NULL;
	itr->mc_n = 0;
}

void itr_mc_static_mark(struct itr *itr)
{
	for (struct itr_mc_entry *e = itr_mc_first(itr); e; e = itr_mc_next(itr, e))
		e->static_stale = e->origin == ITR_MC_STATIC;
}

void itr_mc_static_sweep(struct itr *itr)
{
	struct itr_mc_entry *e = itr_mc_first(itr), *next;

	for (; e; e = next) {
		next = itr_mc_next(itr, e);
		if (e->origin == ITR_MC_STATIC && e->static_stale)
			itr_mc_remove(itr, e);
	}
}

int itr_mc_put_static(struct itr *itr, const struct lisp_prefix *eid, unsigned n_loc,
		      const struct itr_loc *loc)
{
	struct lisp_prefix p = *eid;
	struct itr_mc_entry *e;

	if (n_loc > ITR_MAX_LOC)
		n_loc = ITR_MAX_LOC;
	itr_prefix_canon(&p);
	e = get(itr, &p);
	if (!e)
		return -1;
	ev_timer_cancel(itr->loop, &e->timer);
	ev_timer_cancel(itr->loop, &e->smr_timer);  /* SMRs do not touch static entries */
	lru_unlink(itr, e);
	e->origin = ITR_MC_STATIC;
	e->static_stale = false;
	/* Without locators: a drop entry, never "encapsulate to nobody". */
	e->action = n_loc ? LISP_ACT_NO_ACTION : LISP_ACT_DROP;
	e->n_loc = n_loc;
	memcpy(e->loc, loc, sizeof(*loc) * n_loc);
	e->ttl_min = 0;
	e->expires_ms = 0;
	e->installed_ms = ev_now_ms(itr->loop);
	dp_sync(itr, e);
	return 0;
}

int itr_mc_put_record(struct itr *itr, const struct lisp_record *rec, bool refreshed)
{
	struct lisp_prefix eid = rec->eid;
	struct itr_mc_entry *e;
	uint64_t ttl_ms;
	unsigned refreshes = 0;

	itr_prefix_canon(&eid);
	e = itr_mc_find(itr, &eid);
	if (e && e->origin == ITR_MC_STATIC) {
		itr->ctr.mc_static_kept++;
		return 0;
	}
	if (rec->ttl == 0) {
		if (e)
			itr_mc_remove(itr, e);
		itr->ctr.mc_deleted_ttl0++;
		return 0;
	}
	if (e && refreshed)
		refreshes = e->refreshes;
	e = get(itr, &eid);
	if (!e)
		return -1;
	/* Installed or refreshed: the most recently used dynamic entry. */
	lru_unlink(itr, e);
	e->origin = ITR_MC_DYNAMIC;
	lru_append(itr, e);
	e->action = rec->act;
	e->n_loc = 0;
	for (unsigned i = 0; i < rec->n_loc && e->n_loc < ITR_MAX_LOC; i++) {
		const struct lisp_locator *l = &rec->loc[i];

		/* The data plane encapsulates to plain IPv4/IPv6 locators only. */
		if (l->addr.kind != LISP_ADDR_IP || l->addr.has_iid)
			continue;
		e->loc[e->n_loc++] = (struct itr_loc){
			.addr = l->addr.ip,
			.priority = l->priority,
			.weight = l->weight,
			.up = l->reachable,
		};
	}
	e->ttl_min = rec->ttl > ITR_MC_TTL_CAP_MIN ? ITR_MC_TTL_CAP_MIN : rec->ttl;
	e->refreshes = refreshes;
	e->installed_ms = ev_now_ms(itr->loop);
	ttl_ms = (uint64_t)e->ttl_min * itr->t.ttl_unit_ms;
	e->expires_ms = e->installed_ms + ttl_ms;
	/* Refresh at 90 % of the TTL a bounded number of times: the data plane
	 * does not tell which entries carry traffic. */
	e->refresh_due = e->refreshes < ITR_MC_REFRESH_MAX;
	ev_timer_arm_at(itr->loop, &e->timer,
			e->refresh_due ? e->installed_ms + ttl_ms / 10 * 9 : e->expires_ms);
	if (e->n_loc)
		itr->ctr.mc_installed++;
	else
		itr->ctr.mc_negative++;
	dp_sync(itr, e);
	return 0;
}

static void on_entry_timer(struct ev_timer *t, void *arg)
{
	struct itr_mc_entry *e = arg;
	struct itr *itr = e->itr;
	char p[LISP_ADDR_STRLEN];

	(void)t;
	if (e->refresh_due) {
		e->refresh_due = false;
		e->refreshes++;
		itr->ctr.mc_refresh_requests++;
		ev_timer_arm_at(itr->loop, &e->timer, e->expires_ms);
		/* The old mapping stays in use until the answer replaces it. */
		itr_resolve(itr, &e->eid, NULL, ITR_REQ_REFRESH);
		return;
	}
	itr->ctr.mc_expired++;
	log_debug1("itr: map-cache %s expired", lisp_prefix_format(&e->eid, p, sizeof(p)));
	itr_mc_remove(itr, e);
}

static void json_ip(struct json *j, const char *key, const struct lisp_ip *ip)
{
	char buf[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_ip_format(ip, buf, sizeof(buf)));
}

static void json_prefix(struct json *j, const char *key, const struct lisp_prefix *p)
{
	char buf[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_prefix_format(p, buf, sizeof(buf)));
}

void itr_json_map_cache(void *arg, struct json *j)
{
	const struct itr *itr = arg;
	uint64_t now = ev_now_ms(itr->loop);

	json_arr_begin(j, NULL);
	for (const struct itr_mc_entry *e = itr_mc_first(itr); e; e = itr_mc_next(itr, e)) {
		json_obj_begin(j, NULL);
		json_prefix(j, "eid", &e->eid);
		json_str(j, "origin", e->origin == ITR_MC_STATIC ? "static" : "dynamic");
		json_str(j, "action", itr_mc_action_name(e));
		/* Whole seconds left, rounded up: 0 only once it is gone. */
		if (e->origin == ITR_MC_DYNAMIC) {
			json_uint(j, "ttl_min", e->ttl_min);
			json_uint(j, "expires_in_s",
				  e->expires_ms > now ? (e->expires_ms - now + 999) / 1000 : 0);
		}
		json_arr_begin(j, "locators");
		for (unsigned i = 0; i < e->n_loc; i++) {
			json_obj_begin(j, NULL);
			json_ip(j, "rloc", &e->loc[i].addr);
			json_uint(j, "priority", e->loc[i].priority);
			json_uint(j, "weight", e->loc[i].weight);
			json_bool(j, "up", e->loc[i].up);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static const char *reason_name(enum itr_req_reason r)
{
	return r == ITR_REQ_REFRESH ? "refresh" : r == ITR_REQ_SMR ? "smr" : "miss";
}

void itr_json_pending(void *arg, struct json *j)
{
	const struct itr *itr = arg;

	json_arr_begin(j, NULL);
	for (unsigned i = 0; i < ITR_REQ_MAX; i++) {
		const struct itr_req *r = &itr->req[i];
		char nonce[17];

		if (!r->used || r->nonce == 0)
			continue;
		snprintf(nonce, sizeof(nonce), "%016" PRIx64, r->nonce);
		json_obj_begin(j, NULL);
		json_prefix(j, "eid", &r->eid);
		json_str(j, "nonce", nonce);
		json_str(j, "reason", reason_name(r->reason));
		json_uint(j, "tries", r->tries);
		if (r->mr < itr->n_mr)
			json_ip(j, "resolver", &itr->mr[r->mr]);
		else
			json_null(j, "resolver");
		json_obj_end(j);
	}
	json_arr_end(j);
}

void itr_json_status(const struct itr *itr, struct json *j)
{
	char a[LISP_ADDR_STRLEN];

	json_arr_begin(j, "map_resolvers");
	for (unsigned i = 0; i < itr->n_mr; i++)
		json_str(j, NULL, lisp_ip_format(&itr->mr[i], a, sizeof(a)));
	json_arr_end(j);
	json_uint(j, "map_cache_entries", itr->mc_n);
	json_uint(j, "pending_requests", itr_pending(itr));
}

void itr_json_counters(const struct itr *itr, const struct rx_errs *rx, struct json *j)
{
	rx_errs_json(rx, j, "rx_malformed_", '_');
#define ITR_COUNTER_JSON(name) json_uint(j, #name, itr->ctr.name);
	ITR_COUNTERS(ITR_COUNTER_JSON)
#undef ITR_COUNTER_JSON
}

int itr_mc_put_config(struct itr *itr, unsigned n, const struct lispd_cfg_mapping *statics)
{
	for (unsigned i = 0; i < n; i++) {
		const struct lispd_cfg_mapping *m = &statics[i];
		struct itr_loc loc[ITR_MAX_LOC];
		unsigned n_loc = 0;

		for (unsigned k = 0; k < m->n_rlocs && n_loc < ITR_MAX_LOC; k++) {
			/* Static locators are addresses (config_mapping refuses
			 * interfaces in static-map-cache). */
			if (m->rlocs[k].kind != LISPD_RLOC_ADDRESS)
				continue;
			loc[n_loc++] = (struct itr_loc){ .addr = m->rlocs[k].addr,
							 .priority = m->rlocs[k].priority,
							 .weight = m->rlocs[k].weight,
							 .up = true };
		}
		if (itr_mc_put_static(itr, &m->eid, n_loc, loc))
			return -1;
	}
	return 0;
}
