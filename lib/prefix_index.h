/* EID prefixes of every (instance-id, address family), one prefix_trie
 * each: exact and longest-prefix lookups, the negative-reply length and a
 * walk in lisp_prefix_cmp order. Prefixes are IPv4 or IPv6 (struct
 * lisp_prefix of kind IP); the bits beyond a prefix's length are ignored.
 * A zeroed struct prefix_index is empty. Instance-ids are few per
 * deployment, so the tries sit in a short array. */
#ifndef PREFIX_INDEX_H
#define PREFIX_INDEX_H

#include <stdbool.h>

#include "lisp_addr.h"
#include "prefix_trie.h"

struct prefix_space {
	uint32_t iid;
	uint16_t afi;
	struct prefix_trie trie;
};

struct prefix_index {
	unsigned n_spaces;
	struct prefix_space *spaces;   /* by instance-id, then family */
};

/* Frees every trie (the values are the caller's); the index is empty. */
void prefix_index_free(struct prefix_index *x);

/* The node of exactly p, as prefix_trie_get (NULL as well for a family
 * other than IPv4 and IPv6, or when the trie of p's space cannot be made). */
struct prefix_trie_node *prefix_index_get(struct prefix_index *x, const struct lisp_prefix *p,
					  bool create);
/* The stored value of exactly p, or NULL. */
void *prefix_index_find(const struct prefix_index *x, const struct lisp_prefix *p);
/* prefix_trie_release of n, the node of p. */
void prefix_index_release(struct prefix_index *x, const struct lisp_prefix *p,
			  struct prefix_trie_node *n);
/* prefix_trie_covering in p's space: the stored nodes covering p. */
struct prefix_trie_node *prefix_index_covering(const struct prefix_index *x,
					       const struct lisp_prefix *p,
					       const struct prefix_trie_node *prev);
/* The deepest stored node covering p, or NULL. */
struct prefix_trie_node *prefix_index_match(const struct prefix_index *x,
					    const struct lisp_prefix *p);
/* prefix_trie_negative_len for p's address in p's space (from when the
 * space holds nothing). */
unsigned prefix_index_negative_len(const struct prefix_index *x, const struct lisp_prefix *p,
				   unsigned from);

/* Every stored node, in lisp_prefix_cmp order (instance-id, family,
 * address, length); take next before releasing n. */
struct prefix_trie_node *prefix_index_first(const struct prefix_index *x);
struct prefix_trie_node *prefix_index_next(const struct prefix_index *x,
					   struct prefix_trie_node *n);

#endif
