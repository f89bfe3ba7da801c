/* A path-compressed binary (patricia) trie of EID prefixes of one address
 * family and instance-id. A node is either a stored prefix (site and/or reg
 * set) or a branch point with two children; nothing else survives a
 * removal, so "the subtree under a prefix is empty" is a pointer test.
 * Every operation walks one root-to-leaf path: cost grows with the address
 * length, never with the number of prefixes. */
#ifndef MS_EID_TRIE_H
#define MS_EID_TRIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct eid_trie_node {
	uint8_t key[16];          /* bits beyond plen are zero */
	uint8_t plen;
	struct eid_trie_node *child[2];
	struct eid_trie_node *parent;
	void *site;               /* a configured site has this prefix */
	void *reg;                /* a registration has this prefix */
};

struct eid_trie {
	struct eid_trie_node *root;
	unsigned maxbits;         /* 32 or 128 */
	size_t n_nodes;
};

void eid_trie_init(struct eid_trie *t, unsigned maxbits);
/* Frees every node (payloads are the caller's). */
void eid_trie_clear(struct eid_trie *t);

/* The node of exactly key/plen; created when create (NULL on allocation
 * failure), else NULL when absent. plen <= maxbits. */
struct eid_trie_node *eid_trie_get(struct eid_trie *t, const uint8_t *key, unsigned plen,
				   bool create);
/* Call after clearing a node's site and reg: removes it, and a branch point
 * left with one child, unless it still holds something. */
void eid_trie_release(struct eid_trie *t, struct eid_trie_node *n);

/* Deepest nodes with a site and with a reg whose prefix covers key/plen
 * (either may be NULL). */
void eid_trie_match(const struct eid_trie *t, const uint8_t *key, unsigned plen,
		    struct eid_trie_node **site, struct eid_trie_node **reg);

/* Length of the shortest prefix of key that covers no stored prefix
 * (RFC 9301: the least-specific prefix for a negative Map-Reply).
 * within != NULL: only prefixes inside that node's prefix count, and the
 * node itself is allowed (an unregistered EID of a configured site);
 * within must cover key. */
unsigned eid_trie_negative_len(const struct eid_trie *t, const uint8_t *key,
			       const struct eid_trie_node *within);

/* Bit i of key (0 = most significant bit of key[0]). */
static inline unsigned eid_bit(const uint8_t *key, unsigned i)
{
	return (key[i >> 3] >> (7 - (i & 7))) & 1;
}

#endif
