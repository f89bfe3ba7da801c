/* Tries per (instance-id, family): see prefix_index.h. */
#include "prefix_index.h"

#include <stdlib.h>
#include <string.h>

void prefix_index_free(struct prefix_index *x)
{
	for (unsigned i = 0; i < x->n_spaces; i++)
		prefix_trie_clear(&x->spaces[i].trie);
	free(x->spaces);
	memset(x, 0, sizeof(*x));
}

/* Index of the first space not before (iid, afi). */
static unsigned space_pos(const struct prefix_index *x, uint32_t iid, uint16_t afi)
{
	unsigned i = 0;

	while (i < x->n_spaces && (x->spaces[i].iid < iid ||
				   (x->spaces[i].iid == iid && x->spaces[i].afi < afi)))
		i++;
	return i;
}

static struct prefix_trie *trie_of(const struct prefix_index *x, const struct lisp_prefix *p)
{
	uint32_t iid = lisp_prefix_iid(p);
	unsigned i = space_pos(x, iid, p->addr.ip.afi);

	if (i < x->n_spaces && x->spaces[i].iid == iid && x->spaces[i].afi == p->addr.ip.afi)
		return &x->spaces[i].trie;
	return NULL;
}

static struct prefix_trie *trie_make(struct prefix_index *x, const struct lisp_prefix *p)
{
	struct prefix_trie *t = trie_of(x, p);
	uint32_t iid = lisp_prefix_iid(p);
	uint16_t afi = p->addr.ip.afi;
	unsigned i = space_pos(x, iid, afi);
	struct prefix_space *s;

	if (t || lisp_afi_bits(afi) == 0)
		return t;
	s = realloc(x->spaces, (x->n_spaces + 1) * sizeof(*s));
	if (!s)
		return NULL;
	x->spaces = s;
	memmove(&s[i + 1], &s[i], (x->n_spaces - i) * sizeof(*s));
	x->n_spaces++;
	s[i].iid = iid;
	s[i].afi = afi;
	prefix_trie_init(&s[i].trie, lisp_afi_bits(afi));
	return &s[i].trie;
}

struct prefix_trie_node *prefix_index_get(struct prefix_index *x, const struct lisp_prefix *p,
					  bool create)
{
	struct prefix_trie *t = create ? trie_make(x, p) : trie_of(x, p);

	return t ? prefix_trie_get(t, p->addr.ip.bytes, p->plen, create) : NULL;
}

void *prefix_index_find(const struct prefix_index *x, const struct lisp_prefix *p)
{
	struct prefix_trie *t = trie_of(x, p);
	struct prefix_trie_node *n = t ? prefix_trie_get(t, p->addr.ip.bytes, p->plen, false)
				       : NULL;

	return n ? n->value : NULL;
}

void prefix_index_release(struct prefix_index *x, const struct lisp_prefix *p,
			  struct prefix_trie_node *n)
{
	struct prefix_trie *t = trie_of(x, p);

	if (t)
		prefix_trie_release(t, n);
}

struct prefix_trie_node *prefix_index_covering(const struct prefix_index *x,
					       const struct lisp_prefix *p,
					       const struct prefix_trie_node *prev)
{
	struct prefix_trie *t = trie_of(x, p);

	return t ? prefix_trie_covering(t, p->addr.ip.bytes, p->plen, prev) : NULL;
}

struct prefix_trie_node *prefix_index_match(const struct prefix_index *x,
					    const struct lisp_prefix *p)
{
	struct prefix_trie *t = trie_of(x, p);

	return t ? prefix_trie_match(t, p->addr.ip.bytes, p->plen) : NULL;
}

unsigned prefix_index_negative_len(const struct prefix_index *x, const struct lisp_prefix *p,
				   unsigned from)
{
	struct prefix_trie *t = trie_of(x, p);

	return t ? prefix_trie_negative_len(t, p->addr.ip.bytes, from) : from;
}

static struct prefix_trie_node *first_from(const struct prefix_index *x, unsigned i)
{
	struct prefix_trie_node *n = NULL;

	for (; i < x->n_spaces && !n; i++)
		n = prefix_trie_first(&x->spaces[i].trie);
	return n;
}

struct prefix_trie_node *prefix_index_first(const struct prefix_index *x)
{
	return first_from(x, 0);
}

struct prefix_trie_node *prefix_index_next(const struct prefix_index *x,
					   struct prefix_trie_node *n)
{
	struct prefix_trie_node *next = prefix_trie_next(n), *root = n;
	unsigned i = 0;

	if (next)
		return next;
	/* The end of n's trie: on with the space after it. */
	while (root->parent)
		root = root->parent;
	while (i < x->n_spaces && x->spaces[i].trie.root != root)
		i++;
	return first_from(x, i + 1);
}
