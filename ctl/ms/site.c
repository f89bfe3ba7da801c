/* Configured sites and registrations, indexed by prefix (a patricia trie
 * per instance-id and family): a node carries the site configured with
 * that prefix and/or the registration of that prefix. */
#include "ms/ms_priv.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

/* The node of p in db with its struct ms_prefix, created when create;
 * NULL when absent or out of memory. */
static struct prefix_trie_node *node_of(struct ms_db *db, const struct lisp_prefix *p,
					bool create)
{
	struct prefix_trie_node *n = prefix_index_get(&db->index, p, create);

	if (n && !n->value && create) {
		n->value = calloc(1, sizeof(struct ms_prefix));
		if (!n->value) {
			prefix_index_release(&db->index, p, n);
			return NULL;
		}
	}
	return n && n->value ? n : NULL;
}

/* After its site or registration went: n goes too if it holds neither. */
static void node_put(struct ms_db *db, const struct lisp_prefix *p, struct prefix_trie_node *n)
{
	struct ms_prefix *mp = n->value;

	if (mp->site || mp->reg)
		return;
	free(mp);
	n->value = NULL;
	prefix_index_release(&db->index, p, n);
}

static void site_free_key(struct ms_site *s)
{
	if (s->key) {
		explicit_bzero(s->key, s->key_len);
		free(s->key);
		s->key = NULL;
	}
}

void ms_db_free(struct ms_db *db)
{
	struct prefix_trie_node *n;

	for (n = prefix_index_first(&db->index); n; n = prefix_index_next(&db->index, n))
		free(n->value);
	prefix_index_free(&db->index);
	for (unsigned i = 0; i < db->n_sites; i++)
		site_free_key(&db->sites[i]);
	free(db->sites);
	memset(db, 0, sizeof(*db));
}

static int add_site(struct ms_db *db, struct ms_site *s)
{
	struct prefix_trie_node *n = node_of(db, &s->eid, true);

	if (!n)
		return -1;
	((struct ms_prefix *)n->value)->site = s;
	return 0;
}

int ms_db_build(struct ms_db *db, const struct lispd_config *cfg)
{
	unsigned n = cfg->n_sites + cfg->n_static_sites;

	memset(db, 0, sizeof(*db));
	db->sites = calloc(n ? n : 1, sizeof(*db->sites));
	if (!db->sites)
		return -1;
	for (unsigned i = 0; i < cfg->n_sites; i++) {
		const struct lispd_cfg_site *c = &cfg->sites[i];
		struct ms_site *s = &db->sites[db->n_sites];

		s->eid = c->eid;
		s->key_type = c->key_type;
		s->accept_more_specifics = c->accept_more_specifics;
		s->proxy_reply = c->proxy_reply;
		s->key = malloc(c->key_len ? c->key_len : 1);
		if (!s->key)
			goto fail;
		memcpy(s->key, c->key, c->key_len);
		s->key_len = c->key_len;
		db->n_sites++;
		if (add_site(db, s))
			goto fail;
	}
	for (unsigned i = 0; i < cfg->n_static_sites; i++) {
		struct ms_site *s = &db->sites[db->n_sites++];

		s->eid = cfg->static_sites[i].eid;
		s->is_static = true;
		/* What a static site stands for is always answered by us. */
		s->proxy_reply = true;
		if (add_site(db, s))
			goto fail;
	}
	return 0;
fail:
	ms_db_free(db);
	return -1;
}

void ms_db_match(const struct ms_db *db, const struct lisp_prefix *p, struct ms_site **site,
		 struct ms_reg **reg)
{
	const struct prefix_trie_node *n = NULL;

	*site = NULL;
	*reg = NULL;
	while ((n = prefix_index_covering(&db->index, p, n)) != NULL) {
		const struct ms_prefix *mp = n->value;

		if (mp->site)
			*site = mp->site;
		if (mp->reg)
			*reg = mp->reg;
	}
}

unsigned ms_db_negative_len(const struct ms_db *db, const struct lisp_prefix *p,
			    const struct ms_site *site)
{
	return prefix_index_negative_len(&db->index, p, site ? site->eid.plen : 0);
}

bool ms_site_accepts(const struct ms_site *site, const struct lisp_prefix *p)
{
	if (!lisp_prefix_contains(&site->eid, p))
		return false;
	return p->plen == site->eid.plen || site->accept_more_specifics;
}

struct ms_reg *ms_reg_get(struct ms *ms, struct ms_site *site, const struct lisp_prefix *p,
			  bool create)
{
	struct prefix_trie_node *n = node_of(&ms->db, p, create);
	struct ms_prefix *mp;
	struct ms_reg *r;

	if (!n)
		return NULL;
	mp = n->value;
	if (mp->reg || !create)
		return mp->reg;
	r = calloc(1, sizeof(*r));
	if (!r) {
		node_put(&ms->db, p, n);
		return NULL;
	}
	r->eid = *p;
	r->site = site;
	r->node = n;
	mp->reg = r;
	r->next = ms->regs;
	if (ms->regs)
		ms->regs->prev = r;
	ms->regs = r;
	ms->n_regs++;
	site->n_regs++;
	return r;
}

/* Takes r out of ms->regs. */
static void reg_unlink(struct ms *ms, struct ms_reg *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		ms->regs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	ms->n_regs--;
}

static void reg_remove(struct ms *ms, struct ms_reg *r)
{
	((struct ms_prefix *)r->node->value)->reg = NULL;
	node_put(&ms->db, &r->eid, r->node);
	reg_unlink(ms, r);
	r->site->n_regs--;
	free(r);
}

void ms_reg_drop_if_empty(struct ms *ms, struct ms_reg *reg)
{
	if (!reg->contribs)
		reg_remove(ms, reg);
}

static void contrib_expired(struct ev_timer *t, void *arg)
{
	struct ms_contrib *c = arg;
	struct ms *ms = c->ms;
	char buf[LISP_ADDR_STRLEN];

	(void)t;
	ms->ctr.registrations_expired++;
	lispd_log_rl(LISPD_LOG_INFO, "ms: registration of %s expired",
		     lisp_prefix_format(&c->reg->eid, buf, sizeof(buf)));
	ms_contrib_remove(ms, c);
}

struct ms_contrib *ms_contrib_get(struct ms *ms, struct ms_reg *reg, bool has_xtr_id,
				  const uint8_t *xtr_id, const struct lisp_ip *src, bool create)
{
	struct ms_contrib *c;

	for (c = reg->contribs; c; c = c->next) {
		if (c->has_xtr_id != has_xtr_id)
			continue;
		if (has_xtr_id ? memcmp(c->xtr_id, xtr_id, 16) == 0 : lisp_ip_equal(&c->src, src))
			return c;
	}
	if (!create)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->reg = reg;
	c->ms = ms;
	c->has_xtr_id = has_xtr_id;
	if (has_xtr_id)
		memcpy(c->xtr_id, xtr_id, 16);
	if (src)
		c->src = *src;
	ev_timer_init(&c->timer, contrib_expired, c);
	c->next = reg->contribs;
	reg->contribs = c;
	return c;
}

static void contrib_free(struct ms *ms, struct ms_contrib *c)
{
	ev_timer_cancel(ms->loop, &c->timer);
	free(c->loc);
	free(c);
}

void ms_contrib_remove(struct ms *ms, struct ms_contrib *c)
{
	struct ms_reg *r = c->reg;
	struct ms_contrib **link = &r->contribs;

	while (*link && *link != c)
		link = &(*link)->next;
	if (*link)
		*link = c->next;
	contrib_free(ms, c);
	if (!r->contribs)
		reg_remove(ms, r);
}

int ms_contrib_update(struct ms *ms, struct ms_contrib *c, const struct lisp_record *rec,
		      uint64_t lifetime_ms)
{
	struct lisp_locator *loc = NULL;
	struct ms_contrib **link;

	if (rec->n_loc) {
		loc = malloc(rec->n_loc * sizeof(*loc));
		if (!loc)
			return -1;
		memcpy(loc, rec->loc, rec->n_loc * sizeof(*loc));
	}
	free(c->loc);
	c->loc = loc;
	c->n_loc = rec->n_loc;
	c->ttl = rec->ttl;
	c->map_version = rec->map_version;
	c->registered_ms = ev_now_ms(ms->loop);
	if (lifetime_ms) {
		c->expires_ms = c->registered_ms + lifetime_ms;
		ev_timer_arm_at(ms->loop, &c->timer, c->expires_ms);
	} else {
		c->expires_ms = 0;
		ev_timer_cancel(ms->loop, &c->timer);
	}
	/* Most recently refreshed first: forwarding prefers a live ETR. */
	for (link = &c->reg->contribs; *link && *link != c; link = &(*link)->next)
		;
	if (*link) {
		*link = c->next;
		c->next = c->reg->contribs;
		c->reg->contribs = c;
	}
	return 0;
}

int ms_install_statics(struct ms *ms, const struct lispd_config *cfg)
{
	for (unsigned i = 0; i < cfg->n_static_sites; i++) {
		const struct lispd_cfg_mapping *m = &cfg->static_sites[i];
		struct lisp_record rec = { .ttl = LISPD_CFG_DEFAULT_TTL_MIN, .eid = m->eid };
		struct ms_site *site;
		struct ms_reg *reg;
		struct ms_contrib *c;

		ms_db_match(&ms->db, &m->eid, &site, &reg);
		if (!site || !site->is_static)
			return -1;
		for (unsigned j = 0; j < m->n_rlocs && j < LISP_MAX_LOCATORS; j++) {
			struct lisp_locator *l = &rec.loc[rec.n_loc++];

			l->priority = m->rlocs[j].priority;
			l->weight = m->rlocs[j].weight;
			l->mpriority = 255;
			l->reachable = true;
			lisp_addr_from_ip(&l->addr, &m->rlocs[j].addr);
		}
		reg = ms_reg_get(ms, site, &m->eid, true);
		c = reg ? ms_contrib_get(ms, reg, false, NULL, NULL, true) : NULL;
		if (!c || ms_contrib_update(ms, c, &rec, 0))
			return -1;
		c->is_static = true;
	}
	return 0;
}

void ms_reg_record(const struct ms_reg *reg, struct lisp_record *out, bool *proxy)
{
	memset(out, 0, sizeof(*out));
	out->eid = reg->eid;
	out->act = LISP_ACT_NO_ACTION;
	out->ttl = UINT32_MAX;
	*proxy = reg->site->proxy_reply;
	for (const struct ms_contrib *c = reg->contribs; c; c = c->next) {
		if (c->proxy_reply)
			*proxy = true;
		if (c->ttl < out->ttl)
			out->ttl = c->ttl;
		if (c == reg->contribs)
			out->map_version = c->map_version;
		for (unsigned i = 0; i < c->n_loc && out->n_loc < LISP_MAX_LOCATORS; i++) {
			bool dup = false;

			for (unsigned j = 0; j < out->n_loc && !dup; j++)
				dup = lisp_addr_equal(&out->loc[j].addr, &c->loc[i].addr);
			if (!dup)
				out->loc[out->n_loc++] = c->loc[i];
		}
	}
	if (out->ttl == UINT32_MAX)
		out->ttl = LISPD_CFG_DEFAULT_TTL_MIN;
}

void ms_reg_free_all(struct ms *ms)
{
	while (ms->regs) {
		if (ms->regs->contribs)
			ms_contrib_remove(ms, ms->regs->contribs);
		else
			reg_remove(ms, ms->regs);
	}
}

/* Frees a registration of the old site table without touching its index. */
static void reg_discard(struct ms *ms, struct ms_reg *r)
{
	while (r->contribs) {
		struct ms_contrib *c = r->contribs;

		r->contribs = c->next;
		contrib_free(ms, c);
	}
	reg_unlink(ms, r);
	free(r);
}

/* Why registration r, authenticated by its current site, cannot stay
 * under site ns of the new configuration (the deepest covering its
 * prefix, or NULL); NULL when it stays. A site is the same when its prefix,
 * key-type and key are: a registration made with a key the operator has
 * replaced (or under a site removed) must not live on until it expires. */
static const char *reload_refusal(const struct ms_reg *r, const struct ms_site *ns)
{
	const struct ms_site *os = r->site;

	if (!ns || lisp_prefix_cmp(&ns->eid, &os->eid) != 0)
		return ns && lisp_prefix_contains(&os->eid, &ns->eid) ? "a new site inside its site"
								      : "its site is gone";
	if (ns->is_static)
		return "its site is now a static registered site";
	if (ns->key_type != os->key_type || ns->key_len != os->key_len ||
	    memcmp(ns->key, os->key, os->key_len) != 0)
		return "its site's key changed";
	if (!ms_site_accepts(ns, &r->eid))
		return "its site no longer accepts more-specifics";
	return NULL;
}

int ms_db_reload(struct ms *ms, const struct lispd_config *cfg)
{
	struct ms_db ndb;
	struct ms_reg *r, *next;
	char p[LISP_ADDR_STRLEN];

	if (ms_db_build(&ndb, cfg))
		return -1;
	/* Every allocation first, so that a failure leaves all as it was. */
	for (r = ms->regs; r; r = r->next) {
		struct ms_site *ns;
		struct ms_reg *none;

		r->new_site = NULL;
		r->new_node = NULL;
		r->drop_reason = NULL;
		/* Static registrations are made again from the new file. */
		if (r->site->is_static)
			continue;
		ms_db_match(&ndb, &r->eid, &ns, &none);
		r->drop_reason = reload_refusal(r, ns);
		if (r->drop_reason)
			continue;
		r->new_site = ns;
		r->new_node = node_of(&ndb, &r->eid, true);
		if (!r->new_node) {
			ms_db_free(&ndb);
			return -1;
		}
	}
	for (r = ms->regs; r; r = next) {
		next = r->next;
		if (!r->new_node) {
			if (r->drop_reason) {
				ms->ctr.reload_dropped++;
				lispd_log_rl(LISPD_LOG_INFO, "ms: reload: registration of %s "
					     "dropped: %s", lisp_prefix_format(&r->eid, p, sizeof(p)),
					     r->drop_reason);
			}
			reg_discard(ms, r);
			continue;
		}
		r->site = r->new_site;
		r->node = r->new_node;
		((struct ms_prefix *)r->node->value)->reg = r;
		r->site->n_regs++;
	}
	ms_db_free(&ms->db);
	ms->db = ndb;
	if (ms_install_statics(ms, cfg)) {
		log_err("ms: out of memory installing the static registered sites");
		return 0;
	}
	return 0;
}
