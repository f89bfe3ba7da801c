/* A path-compressed binary (patricia) trie of bit-string prefixes of at
 * most maxbits bits (32 or 128: one address family). A node is either a
 * stored prefix (value set) or a branch point with two children; nothing
 * else survives a removal, so "the subtree under a prefix is empty" is a
 * pointer test. Every operation walks one root-to-leaf path: cost grows
 * with the address length, never with the number of prefixes.
 *
 * The trie allocates its nodes; the values are the caller's. A stored
 * node keeps its address until it is released, so callers may hold it. */
#ifndef PREFIX_TRIE_H
#define PREFIX_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prefix_trie_node {
	uint8_t key[16];          /* bits beyond plen are zero */
	uint8_t plen;
	struct prefix_trie_node *child[2];
	struct prefix_trie_node *parent;
	void *value;              /* NULL: a branch point */
};

struct prefix_trie {
	struct prefix_trie_node *root;
	unsigned maxbits;
	size_t n_nodes;
};

void prefix_trie_init(struct prefix_trie *t, unsigned maxbits);
/* Frees every node (the values are the caller's). */
void prefix_trie_clear(struct prefix_trie *t);

/* The node of exactly key/plen; created (value NULL) when create (NULL on
 * allocation failure), else NULL when absent. NULL when plen > maxbits. A
 * node found may be a branch point: check its value. */
struct prefix_trie_node *prefix_trie_get(struct prefix_trie *t, const uint8_t *key,
					 unsigned plen, bool create);
/* Call after setting a node's value to NULL: removes it, and a branch point
 * left with one child, unless it still has two children. */
void prefix_trie_release(struct prefix_trie *t, struct prefix_trie_node *n);

/* The stored nodes covering key/plen, from the shortest prefix to the
 * longest, along one path: prev NULL gives the first, then each call takes
 * the one it returned last; NULL after the last (and for plen > maxbits). */
struct prefix_trie_node *prefix_trie_covering(const struct prefix_trie *t, const uint8_t *key,
					      unsigned plen, const struct prefix_trie_node *prev);
/* The deepest stored node covering key/plen (longest match), or NULL. */
struct prefix_trie_node *prefix_trie_match(const struct prefix_trie *t, const uint8_t *key,
					   unsigned plen);

/* Length of the shortest prefix of key, at least `from` bits long, that
 * covers no stored prefix other than key/from itself (RFC 9301: the
 * least-specific prefix for a negative Map-Reply; from: the length of a
 * covering prefix whose own entry does not count, 0 for none). */
unsigned prefix_trie_negative_len(const struct prefix_trie *t, const uint8_t *key,
				  unsigned from);

/* The stored nodes in prefix order (address, then length: a prefix comes
 * before the prefixes it covers). next(n) is NULL after the last; n must
 * still be in the trie, so take next before releasing n. */
struct prefix_trie_node *prefix_trie_first(const struct prefix_trie *t);
struct prefix_trie_node *prefix_trie_next(struct prefix_trie_node *n);

/* Bit i of key (0 = most significant bit of key[0]). */
static inline unsigned prefix_bit(const uint8_t *key, unsigned i)
{
	return (key[i >> 3] >> (7 - (i & 7))) & 1;
}

#endif
