/* The ITR map-cache table and its mirror in the BPF map-cache (through
 * lib/dp_mcache). */
#include "itr/itr.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctlsock.h"
#include "dp_mcache.h"
#include "log.h"

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

void itr_mc_resync(struct itr *itr)
{
	for (struct itr_mc_entry *e = itr->mc_head; e; e = e->next)
		dp_sync(itr, e);
}

struct itr_mc_entry *itr_mc_find(struct itr *itr, const struct lisp_prefix *eid)
{
	for (struct itr_mc_entry *e = itr->mc_head; e; e = e->next)
		if (lisp_prefix_cmp(&e->eid, eid) == 0)
			return e;
	return NULL;
}

struct itr_mc_entry *itr_mc_lookup(struct itr *itr, uint32_t iid, const struct lisp_ip *ip)
{
	struct itr_mc_entry *best = NULL;

	for (struct itr_mc_entry *e = itr->mc_head; e; e = e->next)
		if (lisp_prefix_contains_ip(&e->eid, iid, ip) && (!best || e->eid.plen > best->eid.plen))
			best = e;
	return best;
}

/* The dynamic entry used least recently (of equal times, the one put
 * first: the list runs newest first); NULL when every entry is static. */
static struct itr_mc_entry *lru_dynamic(struct itr *itr)
{
	struct itr_mc_entry *best = NULL;

	for (struct itr_mc_entry *e = itr->mc_head; e; e = e->next)
		if (e->origin == ITR_MC_DYNAMIC && (!best || e->used_ms <= best->used_ms))
			best = e;
	return best;
}

static struct itr_mc_entry *get(struct itr *itr, const struct lisp_prefix *eid)
{
	struct itr_mc_entry *e = itr_mc_find(itr, eid);
	char p[LISP_ADDR_STRLEN];

	if (e)
		return e;
	while (itr->mc_n >= itr->mc_max) {
		struct itr_mc_entry *old = lru_dynamic(itr);

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
	if (!e)
		return NULL;
	e->itr = itr;
	e->eid = *eid;
	ev_timer_init(&e->timer, on_entry_timer, e);
	ev_timer_init(&e->smr_timer, itr_on_smr_timer, e);
	e->next = itr->mc_head;
	itr->mc_head = e;
	itr->mc_n++;
	return e;
}

void itr_mc_remove(struct itr *itr, struct itr_mc_entry *e)
{
	dp_remove(itr, e);
	for (struct itr_mc_entry **pp = &itr->mc_head; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	ev_timer_cancel(itr->loop, &e->timer);
	/* A deferred SMR dies with its entry: nothing cached to refresh. */
	ev_timer_cancel(itr->loop, &e->smr_timer);
	itr->mc_n--;
	free(e);
}

void itr_mc_static_mark(struct itr *itr)
{
	for (struct itr_mc_entry *e = itr->mc_head; e; e = e->next)
		e->static_stale = e->origin == ITR_MC_STATIC;
}

void itr_mc_static_sweep(struct itr *itr)
{
	struct itr_mc_entry *e = itr->mc_head, *next;

	for (; e; e = next) {
		next = e->next;
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
	e->origin = ITR_MC_DYNAMIC;
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
	e->used_ms = e->installed_ms;
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

static void json_ip(FILE *out, const struct lisp_ip *ip)
{
	char buf[LISP_ADDR_STRLEN];

	ctlsock_json_string(out, lisp_ip_format(ip, buf, sizeof(buf)));
}

static void json_prefix(FILE *out, const struct lisp_prefix *p)
{
	char buf[LISP_ADDR_STRLEN];

	ctlsock_json_string(out, lisp_prefix_format(p, buf, sizeof(buf)));
}

void itr_json_mapcache(struct itr *itr, FILE *out)
{
	uint64_t now = ev_now_ms(itr->loop);
	bool first = true;

	fputc('[', out);
	for (const struct itr_mc_entry *e = itr->mc_head; e; e = e->next) {
		fputs(first ? "{\"eid\":" : ",{\"eid\":", out);
		first = false;
		json_prefix(out, &e->eid);
		fprintf(out, ",\"origin\":\"%s\",\"action\":\"%s\"",
			e->origin == ITR_MC_STATIC ? "static" : "dynamic", itr_mc_action_name(e));
		/* Whole seconds left, rounded up: 0 only once it is gone. */
		if (e->origin == ITR_MC_DYNAMIC)
			fprintf(out, ",\"ttl_min\":%u,\"expires_in_s\":%" PRIu64, e->ttl_min,
				e->expires_ms > now ? (e->expires_ms - now + 999) / 1000 : 0);
		fputs(",\"locators\":[", out);
		for (unsigned i = 0; i < e->n_loc; i++) {
			fputs(i ? ",{\"rloc\":" : "{\"rloc\":", out);
			json_ip(out, &e->loc[i].addr);
			fprintf(out, ",\"priority\":%u,\"weight\":%u,\"up\":%s}", e->loc[i].priority,
				e->loc[i].weight, e->loc[i].up ? "true" : "false");
		}
		fputs("]}", out);
	}
	fputc(']', out);
}

static const char *reason_name(enum itr_req_reason r)
{
	return r == ITR_REQ_REFRESH ? "refresh" : r == ITR_REQ_SMR ? "smr" : "miss";
}

void itr_json_pending(const struct itr *itr, FILE *out)
{
	bool first = true;

	fputc('[', out);
	for (unsigned i = 0; i < ITR_REQ_MAX; i++) {
		const struct itr_req *r = &itr->req[i];

		if (!r->used || r->nonce == 0)
			continue;
		fputs(first ? "{\"eid\":" : ",{\"eid\":", out);
		first = false;
		json_prefix(out, &r->eid);
		fprintf(out, ",\"nonce\":\"%016" PRIx64 "\",\"reason\":\"%s\",\"tries\":%u,"
			"\"resolver\":", r->nonce, reason_name(r->reason), r->tries);
		if (r->mr < itr->n_mr)
			json_ip(out, &itr->mr[r->mr]);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fputc(']', out);
}

void itr_json_counters(const struct itr *itr, FILE *out, const char **sep)
{
#define ITR_COUNTER_JSON(name)                                                 \
	fprintf(out, "%s\"" #name "\":%" PRIu64, *sep, itr->ctr.name);          \
	*sep = ",";
	ITR_COUNTERS(ITR_COUNTER_JSON)
#undef ITR_COUNTER_JSON
}
