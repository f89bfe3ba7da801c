/* The committed NATed nodes: one per EID prefix, in a prefix index here
 * and in the data plane's NAT table (lib/dp_nat.h), which re-encapsulates
 * their traffic. A confirmed register commits, refreshes or, when the
 * NAT's address or port changed, replaces (a rebinding) in one update of
 * the data plane's entry; a node not confirmed again within the lifetime
 * leaves both. */
#include "rtr/rtr_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_nat.h"
#include "log.h"

static void nat_remove(struct rtr *r, struct rtr_nat *n)
{
	ev_timer_cancel(r->loop, &n->timer);
	n->node->value = NULL;
	prefix_index_release(&r->nat, &n->eid, n->node);
	r->n_nat--;
	free(n);
}

static void on_nat_timer(struct ev_timer *t, void *arg)
{
	struct rtr_nat *n = arg;
	struct rtr *r = n->rtr;
	char e[LISP_ADDR_STRLEN], g[LISP_ADDR_STRLEN];
	struct dp_err err;

	(void)t;
	r->ctr.nat_expired++;
	if (r->dp && dp_nat_del(r->dp, &n->eid, &err) && err.errnum != ENOENT) {
		r->ctr.nat_dp_errors++;
		log_err("rtr: removing %s from the data plane: %s",
			lisp_prefix_format(&n->eid, e, sizeof(e)), err.msg);
	}
	log_info("rtr: %s behind %s:%u expired: no confirmed register for %u s",
		 lisp_prefix_format(&n->eid, e, sizeof(e)), lisp_ip_format(&n->global, g, sizeof(g)),
		 n->global_port, r->t.nat_lifetime_ms / 1000);
	nat_remove(r, n);
}

static bool same_binding(const struct rtr_nat *n, const struct rtr_pending *p)
{
	return lisp_ip_equal(&n->global, &p->global) && n->global_port == p->global_port &&
	       lisp_ip_equal(&n->rloc, &p->rloc) && lisp_ip_equal(&n->private_rloc, &p->private_rloc);
}

/* The data plane's entry for eid: p's binding, in one update. */
static int dp_put(struct rtr *r, const struct lisp_prefix *eid, const struct rtr_pending *p)
{
	struct dp_nat_entry e;
	char a[LISP_ADDR_STRLEN];
	struct dp_err err;

	if (!r->dp)
		return 0;
	memset(&e, 0, sizeof(e));
	e.eid = *eid;
	e.global = p->global;
	e.global_port = p->global_port;
	e.rtr_rloc = p->rloc;
	/* For status only: a private RLOC of another family is not kept. */
	if (p->private_rloc.afi == LISP_AFI_IPV4)
		e.private_rloc = p->private_rloc;
	if (dp_nat_put(r->dp, &e, &err) == 0)
		return 0;
	r->ctr.nat_dp_errors++;
	log_err("rtr: committing %s to the data plane: %s", lisp_prefix_format(eid, a, sizeof(a)),
		err.msg);
	return -1;
}

static void log_commit(const struct rtr_nat *n, const char *what)
{
	char e[LISP_ADDR_STRLEN], g[LISP_ADDR_STRLEN], rl[LISP_ADDR_STRLEN], pr[LISP_ADDR_STRLEN];

	log_info("rtr: %s %s: behind %s:%u, through %s, private RLOC %s", what,
		 lisp_prefix_format(&n->eid, e, sizeof(e)), lisp_ip_format(&n->global, g, sizeof(g)),
		 n->global_port, lisp_ip_format(&n->rloc, rl, sizeof(rl)),
		 lisp_ip_format(&n->private_rloc, pr, sizeof(pr)));
}

/* A new node for eid, in the index (its data plane entry written first). */
static struct rtr_nat *nat_add(struct rtr *r, const struct lisp_prefix *eid,
			       const struct rtr_pending *p)
{
	struct prefix_trie_node *node;
	struct rtr_nat *n;

	if (r->n_nat >= RTR_NAT_MAX) {
		r->ctr.nat_table_full++;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	node = n ? prefix_index_get(&r->nat, eid, true) : NULL;
	if (!node) {
		free(n);
		r->ctr.nat_table_full++;
		return NULL;
	}
	if (dp_put(r, eid, p)) {
		prefix_index_release(&r->nat, eid, node);
		free(n);
		return NULL;
	}
	node->value = n;
	n->node = node;
	n->rtr = r;
	n->eid = *eid;
	n->committed_ms = rtr_now(r);
	ev_timer_init(&n->timer, on_nat_timer, n);
	r->n_nat++;
	r->ctr.nat_committed++;
	return n;
}

static int commit_one(struct rtr *r, const struct rtr_pending *p,
		      const struct lisp_map_register *notify, const struct lisp_record *rec)
{
	struct lisp_prefix eid = rec->eid;
	struct rtr_nat *n;
	const char *what = NULL;

	/* The data plane carries instance-id 0 (an RTR has no other). */
	if (eid.addr.kind != LISP_ADDR_IP || itr_prefix_iid(&eid) != 0) {
		r->ctr.nat_refused_eid++;
		return -1;
	}
	itr_prefix_canon(&eid);
	n = prefix_index_find(&r->nat, &eid);
	if (!n) {
		n = nat_add(r, &eid, p);
		if (!n)
			return -1;
		what = "committed";
	} else if (!same_binding(n, p)) {
		if (dp_put(r, &eid, p))
			return -1;
		n->rebindings++;
		r->ctr.nat_rebound++;
		what = "NAT rebinding of";
	} else {
		r->ctr.nat_refreshed++;
	}
	n->global = p->global;
	n->global_port = p->global_port;
	n->rloc = p->rloc;
	n->private_rloc = p->private_rloc;
	memcpy(n->xtr_id, notify->xtr_id, sizeof(n->xtr_id));
	n->site_id = notify->site_id;
	n->ms = p->ms;
	n->confirmed_ms = rtr_now(r);
	n->expires_ms = n->confirmed_ms + r->t.nat_lifetime_ms;
	n->confirmations++;
	ev_timer_arm_at(r->loop, &n->timer, n->expires_ms);
	if (what)
		log_commit(n, what);
	return 0;
}

int rtr_nat_commit(struct rtr *r, const struct rtr_pending *p,
		   const struct lisp_map_register *notify)
{
	int rc = 0;

	for (unsigned i = 0; i < notify->n_rec; i++)
		if (commit_one(r, p, notify, &notify->rec[i]))
			rc = -1;
	return rc;
}

struct rtr_nat *rtr_nat_covering(const struct rtr *r, const struct lisp_prefix *p)
{
	struct prefix_trie_node *node = prefix_index_match(&r->nat, p);

	return node ? node->value : NULL;
}

struct rtr_nat *rtr_nat_first(const struct rtr *r)
{
	struct prefix_trie_node *node = prefix_index_first(&r->nat);

	return node ? node->value : NULL;
}

struct rtr_nat *rtr_nat_next(const struct rtr *r, const struct rtr_nat *n)
{
	struct prefix_trie_node *node = prefix_index_next(&r->nat, n->node);

	return node ? node->value : NULL;
}

void rtr_nat_clear(struct rtr *r)
{
	struct rtr_nat *n = rtr_nat_first(r), *next;

	for (; n; n = next) {
		next = rtr_nat_next(r, n);
		nat_remove(r, n);
	}
	prefix_index_free(&r->nat);
}
