#include "dp_mcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp_layout.h"

_Static_assert(DP_MAX_LOCATORS == LISPD_MAX_LOCATORS, "locators of a map-cache entry");
#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(LISP_ACT_NO_ACTION, LISPD_ACT_ENCAP) &&
	       SAME(LISP_ACT_NATIVELY_FORWARD, LISPD_ACT_NATIVE_FORWARD) &&
	       SAME(LISP_ACT_SEND_MAP_REQUEST, LISPD_ACT_SEND_MAP_REQUEST) &&
	       SAME(LISP_ACT_DROP, LISPD_ACT_DROP) && SAME(LISP_ACT_DROP_POLICY, LISPD_ACT_DROP_POLICY) &&
	       SAME(LISP_ACT_DROP_AUTH, LISPD_ACT_DROP_AUTH), "the data plane keeps ACT codes");
#undef SAME

/* ---- keys ------------------------------------------------------------------- */

int dp_mc_key(struct lispd_mc_key *key, uint32_t iid, uint8_t family, const void *addr,
	      unsigned plen)
{
	unsigned len = dp_family_len(family), i;

	if (!len || plen > len * 8 || iid > LISPD_IID_MASK)
		return -1;
	memset(key, 0, sizeof(*key));
	key->prefixlen = LISPD_MC_KEY_FIXED_BITS + plen;
	key->iid[0] = (uint8_t)(iid >> 16);
	key->iid[1] = (uint8_t)(iid >> 8);
	key->iid[2] = (uint8_t)iid;
	key->family = family;
	memcpy(key->addr, addr, len);
	for (i = 0; i < len; i++) {
		unsigned keep = plen > i * 8 ? plen - i * 8 : 0;

		if (keep < 8)
			key->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

int dp_mc_key_of(struct lispd_mc_key *key, uint32_t iid, const struct lisp_prefix *p)
{
	return dp_mc_key(key, iid, dp_family_of_afi(p->addr.ip.afi), p->addr.ip.bytes, p->plen);
}

void dp_mc_key_to_prefix(const struct lispd_mc_key *key, struct lisp_prefix *p)
{
	uint32_t iid = ((uint32_t)key->iid[0] << 16) | ((uint32_t)key->iid[1] << 8) | key->iid[2];

	memset(p, 0, sizeof(*p));
	p->addr.kind = LISP_ADDR_IP;
	dp_ip_from_map(&p->addr.ip, key->family, key->addr);
	p->plen = (uint8_t)(key->prefixlen - LISPD_MC_KEY_FIXED_BITS);
	if (iid) {
		p->addr.has_iid = true;
		p->addr.iid = iid;
	}
}

int dp_eid_key(struct lispd_eid_key *key, uint32_t iid, uint8_t family, const void *addr)
{
	unsigned len = dp_family_len(family);

	if (!len || iid > LISPD_IID_MASK)
		return -1;
	memset(key, 0, sizeof(*key));
	key->iid = iid;
	key->family = family;
	memcpy(key->addr, addr, len);
	return 0;
}

static uint32_t prefix_iid(const struct lisp_prefix *p)
{
	return p->addr.has_iid ? p->addr.iid : 0;
}

bool dp_prefix_storable(const struct lisp_prefix *p)
{
	struct lispd_mc_key key;

	return dp_mc_key_of(&key, prefix_iid(p), p) == 0;
}

/* ---- locator sets ----------------------------------------------------------- */

int dp_locset_add(struct lispd_locset *ls, uint8_t family, const void *addr, uint8_t priority,
		  uint8_t weight, bool up)
{
	struct lispd_locator *l;

	if (ls->n_locators >= LISPD_MAX_LOCATORS)
		return -1;
	if (family != LISPD_AF_INET && family != LISPD_AF_INET6)
		return -1;
	l = &ls->loc[ls->n_locators++];
	memset(l, 0, sizeof(*l));
	l->family = family;
	l->priority = priority;
	l->weight = weight;
	l->flags = up ? LISPD_LOC_UP : 0;
	memcpy(l->addr, addr, family == LISPD_AF_INET ? 4 : 16);
	return 0;
}

static bool usable(const struct lispd_locator *l)
{
	return (l->flags & LISPD_LOC_UP) && l->priority != 255 &&
	       (l->family == LISPD_AF_INET || l->family == LISPD_AF_INET6);
}

int dp_locset_build(struct lispd_locset *ls)
{
	unsigned share[LISPD_MAX_LOCATORS] = { 0 }, rem[LISPD_MAX_LOCATORS] = { 0 };
	unsigned weight[LISPD_MAX_LOCATORS] = { 0 };
	unsigned total = 0, given = 0, n = ls->n_locators, i, best = 256;

	if (n > LISPD_MAX_LOCATORS)
		return -1;
	memset(ls->slot, 0, sizeof(ls->slot));
	ls->n_slots = 0;
	for (i = 0; i < n; i++)
		if (usable(&ls->loc[i]) && ls->loc[i].priority < best)
			best = ls->loc[i].priority;
	if (best == 256)
		return 0;
	for (i = 0; i < n; i++)
		if (usable(&ls->loc[i]) && ls->loc[i].priority == best)
			total += weight[i] = ls->loc[i].weight;
	if (total == 0) {
		for (i = 0; i < n; i++)
			if (usable(&ls->loc[i]) && ls->loc[i].priority == best)
				total += weight[i] = 1;
	}

	for (i = 0; i < n; i++) {
		share[i] = weight[i] * LISPD_SLOTS / total;
		rem[i] = weight[i] * LISPD_SLOTS % total;
		given += share[i];
	}
	/* Largest remainder: the leftover slots go to the biggest fractions. */
	while (given < LISPD_SLOTS) {
		unsigned pick = 0, top = 0;

		for (i = 0; i < n; i++)
			if (rem[i] > top) {
				top = rem[i];
				pick = i;
			}
		share[pick]++;
		rem[pick] = 0;
		given++;
	}
	/* A tiny non-zero weight still gets a slot, taken from the largest share. */
	for (i = 0; i < n; i++) {
		if (weight[i] && !share[i]) {
			unsigned big = 0, j;

			for (j = 1; j < n; j++)
				if (share[j] > share[big])
					big = j;
			share[big]--;
			share[i]++;
		}
	}
	for (i = 0; i < n; i++)
		while (share[i]--)
			ls->slot[ls->n_slots++] = (uint8_t)i;
	return ls->n_slots;
}

/* ---- the map-cache ------------------------------------------------------------ */

int dp_mcache_put(const struct dp_handle *h, const struct dp_mapping *m, struct dp_err *err)
{
	struct lispd_mc_key key;
	struct lispd_mc_value v;
	char p[LISP_ADDR_STRLEN];

	if (dp_mc_key_of(&key, prefix_iid(&m->eid), &m->eid))
		return dp_fail(err, EINVAL, "map-cache: %s cannot be stored",
			       lisp_prefix_format(&m->eid, p, sizeof(p)));
	memset(&v, 0, sizeof(v));
	v.action = m->action;
	for (unsigned i = 0; i < m->n_loc && i < DP_MAX_LOCATORS; i++)
		dp_locset_add(&v.ls, dp_family_of_afi(m->loc[i].addr.afi), m->loc[i].addr.bytes,
			      m->loc[i].priority, m->loc[i].weight, m->loc[i].up);
	dp_locset_build(&v.ls);
	if (bpf_map_update_elem(h->mcache_fd, &key, &v, BPF_ANY))
		return dp_fail(err, errno, "map-cache update: %s%s", strerror(errno),
			       errno == E2BIG || errno == ENOMEM ? " (map-cache full)" : "");
	return 0;
}

int dp_mcache_del(const struct dp_handle *h, const struct lisp_prefix *eid, struct dp_err *err)
{
	struct lispd_mc_key key;
	char p[LISP_ADDR_STRLEN];

	if (dp_mc_key_of(&key, prefix_iid(eid), eid))
		return dp_fail(err, EINVAL, "map-cache: %s cannot be stored",
			       lisp_prefix_format(eid, p, sizeof(p)));
	if (bpf_map_delete_elem(h->mcache_fd, &key))
		return dp_fail(err, errno, "map-cache delete: %s",
			       errno == ENOENT ? "no such entry" : strerror(errno));
	return 0;
}

static void mapping_of(const struct lispd_mc_key *key, const struct lispd_mc_value *v,
		       struct dp_mapping *m)
{
	memset(m, 0, sizeof(*m));
	dp_mc_key_to_prefix(key, &m->eid);
	m->action = v->action;
	for (unsigned i = 0; i < v->ls.n_locators && i < DP_MAX_LOCATORS; i++) {
		const struct lispd_locator *l = &v->ls.loc[i];
		struct dp_locator *out = &m->loc[m->n_loc++];

		dp_ip_from_map(&out->addr, l->family, l->addr);
		out->priority = l->priority;
		out->weight = l->weight;
		out->up = l->flags & LISPD_LOC_UP;
	}
	m->n_slots = v->ls.n_slots;
}

int dp_prefix_walk(int fd, void *value, dp_prefix_cb cb, void *ctx, const char *map,
		   struct dp_err *err)
{
	struct lispd_mc_key key, next;
	void *prev = NULL;
	int rc;

	while ((rc = bpf_map_get_next_key(fd, prev, &next)) == 0) {
		key = next;
		prev = &key;
		/* An entry deleted between the two calls is simply skipped. */
		if (bpf_map_lookup_elem(fd, &key, value))
			continue;
		rc = cb(&key, value, ctx);
		if (rc)
			return rc < 0 ? -1 : 0;
	}
	if (errno != ENOENT)
		return dp_fail(err, errno, "%s walk: %s", map, strerror(errno));
	return 0;
}

struct mcache_walk {
	dp_mcache_cb cb;
	void *ctx;
};

static int mcache_visit(const struct lispd_mc_key *key, const void *value, void *ctx)
{
	struct mcache_walk *w = ctx;
	struct dp_mapping m;

	mapping_of(key, value, &m);
	return w->cb(&m, w->ctx);
}

int dp_mcache_foreach(const struct dp_handle *h, dp_mcache_cb cb, void *ctx, struct dp_err *err)
{
	struct mcache_walk w = { cb, ctx };
	struct lispd_mc_value v;

	return dp_prefix_walk(h->mcache_fd, &v, mcache_visit, &w, "map-cache", err);
}

static const char *const action_names[LISPD_ACT_MAX] = {
	[LISPD_ACT_ENCAP] = "encap",
	[LISPD_ACT_NATIVE_FORWARD] = "native-forward",
	[LISPD_ACT_SEND_MAP_REQUEST] = "send-map-request",
	[LISPD_ACT_DROP] = "drop",
	[LISPD_ACT_DROP_POLICY] = "drop-policy",
	[LISPD_ACT_DROP_AUTH] = "drop-auth",
};

const char *dp_action_name(uint8_t action)
{
	return action < LISPD_ACT_MAX ? action_names[action] : NULL;
}

int dp_action_parse(const char *s)
{
	int i;

	for (i = 0; i < LISPD_ACT_MAX; i++)
		if (!strcmp(s, action_names[i]))
			return i;
	return -1;
}

/* ---- the PxTR's EID space ------------------------------------------------------- */

int dp_eid_space_set(const struct dp_handle *h, uint32_t iid, unsigned n,
		     const struct lisp_prefix *p, struct dp_err *err)
{
	struct lispd_eid_space_val val = { 0 };
	struct lispd_mc_key *want, *have, key, next;
	unsigned nh = 0;
	int fd = h->eid_space_fd, more;

	want = calloc(n ? n : 1, sizeof(*want));
	if (!want)
		return dp_fail(err, ENOMEM, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		if (dp_mc_key_of(&want[i], iid, &p[i])) {
			free(want);
			return dp_fail(err, EINVAL, "eid-space prefix %u is not IPv4 or IPv6", i);
		}
		if (bpf_map_update_elem(fd, &want[i], &val, BPF_ANY)) {
			int e = errno;

			free(want);
			return dp_fail(err, e, "writing %s: %s", LISPD_MAP_EID_SPACE, strerror(e));
		}
	}
	/* Then the stale ones: the keys are collected first, since a walk
	 * that deletes as it goes has no stable "next" in an LPM trie. */
	have = calloc(LISPD_EID_SPACE_MAX, sizeof(*have));
	if (!have) {
		free(want);
		return dp_fail(err, ENOMEM, "out of memory");
	}
	more = bpf_map_get_next_key(fd, NULL, &next) == 0;
	while (more && nh < LISPD_EID_SPACE_MAX) {
		have[nh++] = next;
		key = next;
		more = bpf_map_get_next_key(fd, &key, &next) == 0;
	}
	for (unsigned k = 0; k < nh; k++) {
		bool keep = false;

		for (unsigned i = 0; i < n && !keep; i++)
			keep = memcmp(&want[i], &have[k], sizeof(have[k])) == 0;
		if (!keep)
			bpf_map_delete_elem(fd, &have[k]);
	}
	free(have);
	free(want);
	return 0;
}
