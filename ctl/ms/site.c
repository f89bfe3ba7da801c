/* Configured sites and registrations, indexed by one patricia trie per
 * (instance-id, family): a trie node carries the site configured with that
 * prefix and/or the registration of that prefix. */
#include "ms/ms_priv.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

uint32_t ms_prefix_iid(const struct lisp_prefix *p)
{
	return p->addr.has_iid ? p->addr.iid : 0;
}

struct ms_space *ms_db_space(struct ms_db *db, uint32_t iid, uint16_t afi, bool create)
{
	struct ms_space *s;

	/* Few instance-ids per deployment: a short array. */
	for (unsigned i = 0; i < db->n_spaces; i++)
		if (db->spaces[i].iid == iid && db->spaces[i].afi == afi)
			return &db->spaces[i];
	if (!create || lisp_afi_bits(afi) == 0)
		return NULL;
	s = realloc(db->spaces, (db->n_spaces + 1) * sizeof(*s));
	if (!s)
		return NULL;
	db->spaces = s;
	s = &db->spaces[db->n_spaces++];
	s->iid = iid;
	s->afi = afi;
	eid_trie_init(&s->trie, lisp_afi_bits(afi));
	return s;
}

static struct eid_trie_node *node_of(struct ms_db *db, const struct lisp_prefix *p, bool create,
				     struct ms_space **space)
{
	struct ms_space *s = ms_db_space(db, ms_prefix_iid(p), p->addr.ip.afi, create);

	if (space)
		*space = s;
	return s ? eid_trie_get(&s->trie, p->addr.ip.bytes, p->plen, create) : NULL;
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
	for (unsigned i = 0; i < db->n_spaces; i++)
		eid_trie_clear(&db->spaces[i].trie);
	for (unsigned i = 0; i < db->n_sites; i++)
		site_free_key(&db->sites[i]);
	free(db->spaces);
	free(db->sites);
	memset(db, 0, sizeof(*db));
}

static int add_site(struct ms_db *db, struct ms_site *s)
{
	struct eid_trie_node *n = node_of(db, &s->eid, true, NULL);

	if (!n)
		return -1;
	n->site = s;
	s->node = n;
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

void ms_db_match(struct ms_db *db, const struct lisp_prefix *p, struct ms_site **site,
		 struct ms_reg **reg)
{
	struct ms_space *s = ms_db_space(db, ms_prefix_iid(p), p->addr.ip.afi, false);
	struct eid_trie_node *ns = NULL, *nr = NULL;

	if (s)
		eid_trie_match(&s->trie, p->addr.ip.bytes, p->plen, &ns, &nr);
	*site = ns ? ns->site : NULL;
	*reg = nr ? nr->reg : NULL;
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
	struct ms_space *space;
	struct eid_trie_node *n = node_of(&ms->db, p, create, &space);
	struct ms_reg *r;

	if (!n)
		return NULL;
	if (n->reg || !create)
		return n->reg;
	r = calloc(1, sizeof(*r));
	if (!r) {
		eid_trie_release(&space->trie, n);
		return NULL;
	}
	r->eid = *p;
	r->site = site;
	r->node = n;
	n->reg = r;
	r->next = ms->regs;
	if (ms->regs)
		ms->regs->prev = r;
	ms->regs = r;
	ms->n_regs++;
	site->n_regs++;
	return r;
}

static void reg_remove(struct ms *ms, struct ms_reg *r)
{
	struct ms_space *space = ms_db_space(&ms->db, ms_prefix_iid(&r->eid), r->eid.addr.ip.afi,
					     false);

	r->node->reg = NULL;
	if (space)
		eid_trie_release(&space->trie, r->node);
	if (r->prev)
		r->prev->next = r->next;
	else
		ms->regs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	ms->n_regs--;
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

void ms_contrib_remove(struct ms *ms, struct ms_contrib *c)
{
	struct ms_reg *r = c->reg;
	struct ms_contrib **link = &r->contribs;

	while (*link && *link != c)
		link = &(*link)->next;
	if (*link)
		*link = c->next;
	ev_timer_cancel(ms->loop, &c->timer);
	free(c->loc);
	free(c);
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

/* Frees a registration of the old site table without touching its trie. */
static void reg_discard(struct ms *ms, struct ms_reg *r)
{
	while (r->contribs) {
		struct ms_contrib *c = r->contribs;

		r->contribs = c->next;
		ev_timer_cancel(ms->loop, &c->timer);
		free(c->loc);
		free(c);
	}
	if (r->prev)
		r->prev->next = r->next;
	else
		ms->regs = r->next;
	if (r->next)
		r->next->prev = r->prev;
	ms->n_regs--;
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
		struct ms_space *s;
		struct eid_trie_node *sn = NULL, *rn;

		r->new_site = NULL;
		r->new_node = NULL;
		r->drop_reason = NULL;
		/* Static registrations are made again from the new file. */
		if (r->site->is_static)
			continue;
		s = ms_db_space(&ndb, ms_prefix_iid(&r->eid), r->eid.addr.ip.afi, false);
		if (s)
			eid_trie_match(&s->trie, r->eid.addr.ip.bytes, r->eid.plen, &sn, &rn);
		r->drop_reason = reload_refusal(r, sn ? sn->site : NULL);
		if (r->drop_reason)
			continue;
		r->new_site = sn->site;
		r->new_node = eid_trie_get(&s->trie, r->eid.addr.ip.bytes, r->eid.plen, true);
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
		r->node->reg = r;
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
