/* Patricia trie of prefixes: see prefix_trie.h. */
#include "prefix_trie.h"

#include <stdlib.h>
#include <string.h>

void prefix_trie_init(struct prefix_trie *t, unsigned maxbits)
{
	memset(t, 0, sizeof(*t));
	t->maxbits = maxbits;
}

static void free_subtree(struct prefix_trie_node *n)
{
	while (n) {
		struct prefix_trie_node *next = n->child[1];

		free_subtree(n->child[0]);
		free(n);
		n = next;
	}
}

void prefix_trie_clear(struct prefix_trie *t)
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
		if (prefix_bit(a, i) != prefix_bit(b, i))
			return i;
	return limit;
}

/* Whether n's prefix covers key (n's bits are key's first bits). */
static bool covers(const struct prefix_trie_node *n, const uint8_t *key)
{
	return first_diff(n->key, key, n->plen) == n->plen;
}

static struct prefix_trie_node *node_new(struct prefix_trie *t, const uint8_t *key,
					 unsigned plen)
{
	struct prefix_trie_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	memcpy(n->key, key, (plen + 7) / 8);
	if (plen % 8)
		n->key[plen / 8] &= (uint8_t)(0xff << (8 - plen % 8));
	n->plen = (uint8_t)plen;
	t->n_nodes++;
	return n;
}

static void node_free(struct prefix_trie *t, struct prefix_trie_node *n)
{
	free(n);
	t->n_nodes--;
}

static void attach(struct prefix_trie_node *parent, struct prefix_trie_node *child)
{
	parent->child[prefix_bit(child->key, parent->plen)] = child;
	child->parent = parent;
}

struct prefix_trie_node *prefix_trie_get(struct prefix_trie *t, const uint8_t *key,
					 unsigned plen, bool create)
{
	struct prefix_trie_node **link = &t->root, *parent = NULL, *n, *fresh, *top;
	unsigned d = 0;

	if (plen > t->maxbits)
		return NULL;
	/* Down while the node's prefix covers key/plen. */
	while ((n = *link) != NULL) {
		d = first_diff(n->key, key, n->plen < plen ? n->plen : plen);
		if (d < n->plen)
			break;
		if (n->plen == plen)
			return n;
		parent = n;
		link = &n->child[prefix_bit(key, n->plen)];
	}
	if (!create)
		return NULL;
	fresh = node_new(t, key, plen);
	if (!fresh)
		return NULL;
	/* The node the walk stopped at, if any, goes under the new one: the
	 * new prefix covers it (d == plen), or the two part at bit d and a new
	 * branch point holds both. */
	top = fresh;
	if (n && d < plen) {
		top = node_new(t, key, d);
		if (!top) {
			node_free(t, fresh);
			return NULL;
		}
		attach(top, fresh);
	}
	if (n)
		attach(top, n);
	top->parent = parent;
	*link = top;
	return fresh;
}

void prefix_trie_release(struct prefix_trie *t, struct prefix_trie_node *n)
{
	while (n && !n->value && !(n->child[0] && n->child[1])) {
		struct prefix_trie_node *parent = n->parent;
		struct prefix_trie_node *child = n->child[0] ? n->child[0] : n->child[1];

		if (parent)
			parent->child[parent->child[1] == n] = child;
		else
			t->root = child;
		if (child)
			child->parent = parent;
		node_free(t, n);
		/* A branch point that lost a child has no reason to stay. */
		n = parent;
	}
}

struct prefix_trie_node *prefix_trie_covering(const struct prefix_trie *t, const uint8_t *key,
					      unsigned plen, const struct prefix_trie_node *prev)
{
	struct prefix_trie_node *n = t->root;

	if (plen > t->maxbits)
		return NULL;
	if (prev)
		n = prev->plen < plen ? prev->child[prefix_bit(key, prev->plen)] : NULL;
	for (; n && n->plen <= plen && covers(n, key); n = n->child[prefix_bit(key, n->plen)]) {
		if (n->value)
			return n;
		/* A branch point of plen bits: nothing longer covers key/plen. */
		if (n->plen == plen)
			break;
	}
	return NULL;
}

struct prefix_trie_node *prefix_trie_match(const struct prefix_trie *t, const uint8_t *key,
					   unsigned plen)
{
	struct prefix_trie_node *n = NULL, *best = NULL;

	while ((n = prefix_trie_covering(t, key, plen, n)) != NULL)
		best = n;
	return best;
}

/* The answer is where key's path leaves the trie: every stored prefix
 * under the last node of the path that covers key shares that node's bits
 * with key, and the first one off the path shares fewer. Prefixes shorter
 * than from never count (key/from and longer ones cannot cover them). */
unsigned prefix_trie_negative_len(const struct prefix_trie *t, const uint8_t *key,
				  unsigned from)
{
	const struct prefix_trie_node *n = t->root;
	unsigned len;

	if (!n)
		return from;
	for (;;) {
		const struct prefix_trie_node *c;
		unsigned d = first_diff(n->key, key, n->plen), b;

		if (d < n->plen) {
			len = d + 1;
			break;
		}
		if (n->plen >= t->maxbits)
			return n->plen;
		b = prefix_bit(key, n->plen);
		c = n->child[b];
		if (c) {
			n = c;
			continue;
		}
		/* n (stored, or a branch point with the other subtree) sits at
		 * n->plen bits of key, unless n is key/from's own entry. */
		len = n->plen == from && !n->child[!b] ? from : n->plen + 1u;
		break;
	}
	return len > from ? len : from;
}

/* The next node of any kind in prefix order (pre-order: node, then its 0
 * subtree, then its 1 subtree). */
static struct prefix_trie_node *step(struct prefix_trie_node *n)
{
	if (n->child[0])
		return n->child[0];
	if (n->child[1])
		return n->child[1];
	for (; n->parent; n = n->parent)
		if (n->parent->child[0] == n && n->parent->child[1])
			return n->parent->child[1];
	return NULL;
}

struct prefix_trie_node *prefix_trie_next(struct prefix_trie_node *n)
{
	do
		n = step(n);
	while (n && !n->value);
	return n;
}

struct prefix_trie_node *prefix_trie_first(const struct prefix_trie *t)
{
	struct prefix_trie_node *n = t->root;

	return n && !n->value ? prefix_trie_next(n) : n;
}
