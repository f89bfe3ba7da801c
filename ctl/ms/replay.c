/* Map-Register replay state: see replay.h. A chained hash table keyed by
 * (site prefix, kind, xTR-ID or nonce). */
#include "ms/replay.h"

#include <stdlib.h>
#include <string.h>

enum { KIND_XTR = 1, KIND_NONCE = 2 };

struct replay_key {
	uint32_t iid;
	uint16_t afi;
	uint8_t plen;
	uint8_t kind;
	uint8_t addr[16];
	uint8_t id[16];
};

struct ms_replay_ent {
	struct ms_replay_ent *next;
	struct replay_key key;
	uint64_t nonce;     /* KIND_XTR: the last accepted */
	uint64_t seen_ms;
};

void ms_replay_init(struct ms_replay *r)
{
	memset(r, 0, sizeof(*r));
}

void ms_replay_free(struct ms_replay *r)
{
	for (size_t i = 0; i < r->n_buckets; i++) {
		struct ms_replay_ent *e = r->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(r->buckets);
	ms_replay_init(r);
}

static void make_key(struct replay_key *k, const struct lisp_prefix *site, const uint8_t *xtr_id,
		     uint64_t nonce)
{
	memset(k, 0, sizeof(*k));
	k->iid = site->addr.has_iid ? site->addr.iid : 0;
	k->afi = site->addr.ip.afi;
	k->plen = site->plen;
	memcpy(k->addr, site->addr.ip.bytes, sizeof(k->addr));
	if (xtr_id) {
		k->kind = KIND_XTR;
		memcpy(k->id, xtr_id, sizeof(k->id));
	} else {
		k->kind = KIND_NONCE;
		memcpy(k->id, &nonce, sizeof(nonce));
	}
}

static size_t key_hash(const struct replay_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return (size_t)(h ^ (h >> 32));
}

static struct ms_replay_ent *find(const struct ms_replay *r, const struct replay_key *k)
{
	if (!r->n_buckets)
		return NULL;
	for (struct ms_replay_ent *e = r->buckets[key_hash(k) & (r->n_buckets - 1)]; e; e = e->next)
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	return NULL;
}

bool ms_replay_seen(const struct ms_replay *r, const struct lisp_prefix *site,
		    const uint8_t *xtr_id, uint64_t nonce, uint64_t now_ms,
		    uint64_t nonce_window_ms)
{
	struct replay_key k;
	const struct ms_replay_ent *e;

	make_key(&k, site, xtr_id, nonce);
	e = find(r, &k);
	if (!e)
		return false;
	if (xtr_id)
		return nonce <= e->nonce;
	return now_ms - e->seen_ms < nonce_window_ms;
}

static int grow(struct ms_replay *r)
{
	size_t nb = r->n_buckets ? r->n_buckets * 2 : 64;
	struct ms_replay_ent **b = calloc(nb, sizeof(*b));

	if (!b)
		return -1;
	for (size_t i = 0; i < r->n_buckets; i++) {
		struct ms_replay_ent *e = r->buckets[i], *next;

		for (; e; e = next) {
			size_t j = key_hash(&e->key) & (nb - 1);

			next = e->next;
			e->next = b[j];
			b[j] = e;
		}
	}
	free(r->buckets);
	r->buckets = b;
	r->n_buckets = nb;
	return 0;
}

int ms_replay_commit(struct ms_replay *r, const struct lisp_prefix *site, const uint8_t *xtr_id,
		     uint64_t nonce, uint64_t now_ms)
{
	struct replay_key k;
	struct ms_replay_ent *e;
	size_t j;

	make_key(&k, site, xtr_id, nonce);
	e = find(r, &k);
	if (!e) {
		if (r->n >= r->n_buckets && grow(r))
			return -1;
		e = calloc(1, sizeof(*e));
		if (!e)
			return -1;
		e->key = k;
		j = key_hash(&k) & (r->n_buckets - 1);
		e->next = r->buckets[j];
		r->buckets[j] = e;
		r->n++;
	}
	e->nonce = nonce;
	e->seen_ms = now_ms;
	return 0;
}

void ms_replay_sweep(struct ms_replay *r, uint64_t now_ms, uint64_t xtr_keep_ms,
		     uint64_t nonce_keep_ms)
{
	for (size_t i = 0; i < r->n_buckets; i++) {
		struct ms_replay_ent **link = &r->buckets[i], *e;

		while ((e = *link) != NULL) {
			uint64_t keep = e->key.kind == KIND_XTR ? xtr_keep_ms : nonce_keep_ms;

			if (now_ms - e->seen_ms >= keep) {
				*link = e->next;
				free(e);
				r->n--;
			} else {
				link = &e->next;
			}
		}
	}
}
