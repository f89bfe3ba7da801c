/* The map-cache table and its mirror in the BPF map-cache. Reads the BPF
 * layouts (bpf/lispd_maps.h), so it must not include lib/config.h. */
#include "mn/mn_priv.h"

#include <stdlib.h>
#include <string.h>

#include "dp_locset.h"
#include "dp_mcache.h"
#include "dp_pinned.h"
#include "log.h"

static void on_entry_timer(struct ev_timer *t, void *arg);

const char *mn_mc_origin_name(enum mn_mc_origin o)
{
	return o == MN_MC_STATIC ? "static" : "dynamic";
}

static uint8_t dp_action(const struct mn_mc_entry *e)
{
	if (e->n_loc)
		return LISPD_ACT_ENCAP;
	/* ACT 6 and 7 are unassigned: nothing sensible to do but drop. */
	return e->action < LISPD_ACT_MAX ? e->action : LISPD_ACT_DROP;
}

const char *mn_mc_action_name(const struct mn_mc_entry *e)
{
	return dp_action_name(dp_action(e));
}

static int dp_key(struct mn_mc_entry *e, struct lispd_mc_key *key)
{
	return dp_mc_key_of(key, mn_prefix_iid(&e->eid), &e->eid);
}

static void dp_sync(struct mn *mn, struct mn_mc_entry *e)
{
	struct lispd_mc_key key;
	struct lispd_mc_value v;
	struct dp_err err;
	char p[LISP_ADDR_STRLEN];

	if (mn->mcache_fd < 0)
		return;
	memset(&v, 0, sizeof(v));
	v.action = dp_action(e);
	for (unsigned i = 0; i < e->n_loc; i++)
		dp_locset_add(&v.ls, dp_family_of_afi(e->loc[i].addr.afi), e->loc[i].addr.bytes,
			      e->loc[i].priority, e->loc[i].weight, e->loc[i].up);
	dp_locset_build(&v.ls);
	if (dp_key(e, &key) || dp_mcache_put(mn->mcache_fd, &key, &v, &err)) {
		mn->ctr.dp_errors++;
		lispd_log_rl(LISPD_LOG_ERR, "mn: map-cache %s: cannot write the data plane entry",
			     lisp_prefix_format(&e->eid, p, sizeof(p)));
	}
}

static void dp_remove(struct mn *mn, struct mn_mc_entry *e)
{
	struct lispd_mc_key key;

	if (mn->mcache_fd < 0)
		return;
	if (dp_key(e, &key) || dp_mcache_del(mn->mcache_fd, &key, NULL))
		mn->ctr.dp_errors++;
}

struct mn_mc_entry *mn_mc_find(struct mn *mn, const struct lisp_prefix *eid)
{
	for (struct mn_mc_entry *e = mn->mc.head; e; e = e->next)
		if (lisp_prefix_cmp(&e->eid, eid) == 0)
			return e;
	return NULL;
}

struct mn_mc_entry *mn_mc_lookup(struct mn *mn, uint32_t iid, const struct lisp_ip *ip)
{
	struct mn_mc_entry *best = NULL;

	for (struct mn_mc_entry *e = mn->mc.head; e; e = e->next)
		if (lisp_prefix_contains_ip(&e->eid, iid, ip) && (!best || e->eid.plen > best->eid.plen))
			best = e;
	return best;
}

static struct mn_mc_entry *get(struct mn *mn, const struct lisp_prefix *eid)
{
	struct mn_mc_entry *e = mn_mc_find(mn, eid);

	if (e)
		return e;
	if (mn->mc.n >= MN_MC_MAX) {
		mn->ctr.mc_full++;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->mn = mn;
	e->eid = *eid;
	ev_timer_init(&e->timer, on_entry_timer, e);
	e->next = mn->mc.head;
	mn->mc.head = e;
	mn->mc.n++;
	return e;
}

static void unlink_free(struct mn *mn, struct mn_mc_entry *e)
{
	for (struct mn_mc_entry **pp = &mn->mc.head; *pp; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	ev_timer_cancel(mn->loop, &e->timer);
	mn->mc.n--;
	free(e);
}

void mn_mc_remove(struct mn *mn, struct mn_mc_entry *e)
{
	dp_remove(mn, e);
	unlink_free(mn, e);
}

void mn_mc_teardown(struct mn *mn)
{
	while (mn->mc.head)
		unlink_free(mn, mn->mc.head);
}

int mn_mc_put_static(struct mn *mn, const struct mn_static_conf *s)
{
	struct lisp_prefix eid = s->eid;
	struct mn_mc_entry *e;

	mn_prefix_canon(&eid);
	e = get(mn, &eid);
	if (!e)
		return -1;
	ev_timer_cancel(mn->loop, &e->timer);
	e->origin = MN_MC_STATIC;
	/* A static entry without locators is a drop entry, never "encapsulate
	 * to nobody". */
	e->action = s->n_loc ? LISP_ACT_NO_ACTION : LISP_ACT_DROP;
	e->n_loc = s->n_loc;
	memcpy(e->loc, s->loc, sizeof(e->loc[0]) * s->n_loc);
	e->ttl_min = 0;
	e->expires_ms = 0;
	e->installed_ms = mn_now(mn);
	dp_sync(mn, e);
	return 0;
}

static void arm(struct mn *mn, struct mn_mc_entry *e, uint64_t ttl_ms)
{
	e->refresh_due = e->refreshes < MN_MC_REFRESH_MAX;
	if (e->refresh_due)
		ev_timer_arm_at(mn->loop, &e->timer, e->installed_ms + ttl_ms / 10 * 9);
	else
		ev_timer_arm_at(mn->loop, &e->timer, e->expires_ms);
}

int mn_mc_put_record(struct mn *mn, const struct lisp_record *rec, bool refreshed)
{
	struct lisp_prefix eid = rec->eid;
	struct mn_mc_entry *e;
	uint64_t ttl_ms;
	unsigned refreshes = 0;

	mn_prefix_canon(&eid);
	e = mn_mc_find(mn, &eid);
	if (e && e->origin == MN_MC_STATIC) {
		mn->ctr.mc_static_kept++;
		return 0;
	}
	if (rec->ttl == 0) {
		if (e)
			mn_mc_remove(mn, e);
		mn->ctr.mc_deleted_ttl0++;
		return 0;
	}
	if (e && refreshed)
		refreshes = e->refreshes;
	e = get(mn, &eid);
	if (!e)
		return -1;
	e->origin = MN_MC_DYNAMIC;
	e->action = rec->act;
	e->n_loc = 0;
	for (unsigned i = 0; i < rec->n_loc && e->n_loc < MN_MAX_LOC; i++) {
		const struct lisp_locator *l = &rec->loc[i];

		/* The data plane encapsulates to plain IPv4/IPv6 locators only. */
		if (l->addr.kind != LISP_ADDR_IP || l->addr.has_iid)
			continue;
		e->loc[e->n_loc++] = (struct mn_loc){
			.addr = l->addr.ip,
			.priority = l->priority,
			.weight = l->weight,
			.up = l->reachable,
		};
	}
	e->ttl_min = rec->ttl > MN_MC_TTL_CAP_MIN ? MN_MC_TTL_CAP_MIN : rec->ttl;
	e->refreshes = refreshes;
	e->installed_ms = mn_now(mn);
	ttl_ms = (uint64_t)e->ttl_min * mn->t.ttl_unit_ms;
	e->expires_ms = e->installed_ms + ttl_ms;
	arm(mn, e, ttl_ms);
	if (e->n_loc)
		mn->ctr.mc_installed++;
	else
		mn->ctr.mc_negative++;
	dp_sync(mn, e);
	return 0;
}

static void on_entry_timer(struct ev_timer *t, void *arg)
{
	struct mn_mc_entry *e = arg;
	struct mn *mn = e->mn;
	char p[LISP_ADDR_STRLEN];

	(void)t;
	if (e->refresh_due) {
		e->refresh_due = false;
		e->refreshes++;
		mn->ctr.mc_refresh_requests++;
		ev_timer_arm_at(mn->loop, &e->timer, e->expires_ms);
		/* The old mapping stays in use until the answer replaces it. */
		mn_resolve(mn, &e->eid, NULL, MN_REQ_REFRESH);
		return;
	}
	mn->ctr.mc_expired++;
	log_debug1("mn: map-cache %s expired", lisp_prefix_format(&e->eid, p, sizeof(p)));
	mn_mc_remove(mn, e);
}
