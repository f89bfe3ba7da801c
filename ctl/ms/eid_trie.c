/* Patricia trie of EID prefixes: see eid_trie.h. */
#include "ms/eid_trie.h"

#include <stdlib.h>
#include <string.h>

void eid_trie_init(struct eid_trie *t, unsigned maxbits)
{
	memset(t, 0, sizeof(*t));
	t->maxbits = maxbits;
}

static void free_subtree(struct eid_trie_node *n)
{
	while (n) {
		struct eid_trie_node *next = n->child[1];

		free_subtree(n->child[0]);
		free(n);
		n = next;
	}
}

void eid_trie_clear(struct eid_trie *t)
{
	free_subtree(t->root);
	t->root = NULL;
	t->n_nodes = 0;
}

/* First bit index below limit where a and b differ, or limit. */
static unsigned first_diff(const uint8_t *a, const uint8_t *b, unsigned limit)
{
	unsigned i = 0;

	for (; i + 8 <= limit && a[i >> 3] == b[i >> 3]; i += 8)
		;
	for (; i < limit; i++)
		if (eid_bit(a, i) != eid_bit(b, i))
			return i;
	return limit;
}

static struct eid_trie_node *node_new(struct eid_trie *t, const uint8_t *key, unsigned plen)
{
	struct eid_trie_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	memcpy(n->key, key, (plen + 7) / 8);
	if (plen % 8)
		n->key[plen / 8] &= (uint8_t)(0xff << (8 - plen % 8));
	n->plen = (uint8_t)plen;
	t->n_nodes++;
	return n;
}

static void attach(struct eid_trie_node *parent, struct eid_trie_node *child)
{
	parent->child[eid_bit(child->key, parent->plen)] = child;
	child->parent = parent;
}

struct eid_trie_node *eid_trie_get(struct eid_trie *t, const uint8_t *key, unsigned plen,
				   bool create)
{
	struct eid_trie_node **link = &t->root, *parent = NULL, *n, *fresh, *branch;

	if (plen > t->maxbits)
		return NULL;
	while ((n = *link) != NULL) {
		unsigned d = first_diff(n->key, key, n->plen < plen ? n->plen : plen);

		if (d == n->plen && n->plen == plen)
			return n;
		if (d == n->plen) {
			parent = n;
			link = &n->child[eid_bit(key, n->plen)];
			continue;
		}
		if (!create)
			return NULL;
		fresh = node_new(t, key, plen);
		if (!fresh)
			return NULL;
		fresh->parent = parent;
		*link = fresh;
		if (d == plen) {
			/* The new prefix covers n. */
			attach(fresh, n);
			return fresh;
		}
		branch = node_new(t, key, d);
		if (!branch) {
			*link = n;
			free(fresh);
			t->n_nodes--;
			return NULL;
		}
		branch->parent = parent;
		*link = branch;
		attach(branch, n);
		attach(branch, fresh);
		return fresh;
	}
	if (!create)
		return NULL;
	fresh = node_new(t, key, plen);
	if (!fresh)
		return NULL;
	fresh->parent = parent;
	*link = fresh;
	return fresh;
}

void eid_trie_release(struct eid_trie *t, struct eid_trie_node *n)
{
	while (n && !n->site && !n->reg && !(n->child[0] && n->child[1])) {
		struct eid_trie_node *parent = n->parent;
		struct eid_trie_node *child = n->child[0] ? n->child[0] : n->child[1];

		if (parent)
			parent->child[parent->child[1] == n] = child;
		else
			t->root = child;
		if (child)
			child->parent = parent;
		free(n);
		t->n_nodes--;
		/* A branch point that lost a child has no reason to stay. */
		n = parent;
	}
}

void eid_trie_match(const struct eid_trie *t, const uint8_t *key, unsigned plen,
		    struct eid_trie_node **site, struct eid_trie_node **reg)
{
	struct eid_trie_node *n = t->root;

	*site = NULL;
	*reg = NULL;
	while (n && n->plen <= plen && first_diff(n->key, key, n->plen) == n->plen) {
		if (n->site)
			*site = n;
		if (n->reg)
			*reg = n;
		if (n->plen >= plen)
			break;
		n = n->child[eid_bit(key, n->plen)];
	}
}

unsigned eid_trie_negative_len(const struct eid_trie *t, const uint8_t *key,
			       const struct eid_trie_node *within)
{
	const struct eid_trie_node *n = within;

	if (n) {
		if (!n->child[0] && !n->child[1])
			return n->plen;
	} else {
		unsigned d;

		n = t->root;
		if (!n)
			return 0;
		d = first_diff(n->key, key, n->plen);
		if (d < n->plen)
			return d + 1;
	}
	/* n covers key, and so does every prefix shorter than n: each holds n's
	 * subtree. The answer is where key's path leaves the trie. */
	for (;;) {
		const struct eid_trie_node *c;
		unsigned d;

		if (n->plen >= t->maxbits)
			return n->plen;
		c = n->child[eid_bit(key, n->plen)];
		if (!c)
			return n->plen + 1u;
		d = first_diff(c->key, key, c->plen);
		if (d < c->plen)
			return d + 1;
		n = c;
	}
}
