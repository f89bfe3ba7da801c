/* The prefix trie shared by the map-server and the ITR map-cache
 * (lib/prefix_trie) and its index per instance-id and family
 * (lib/prefix_index). The trie against a brute-force model: random IPv4
 * prefix sets, inserted and removed in random order; every exact find,
 * covering set, longest match, negative-prefix answer and the walk order
 * are compared with a scan of the set, the shape is checked after each
 * step (no bare node but a two-child branch point), and removing
 * everything leaves no node behind. Then the index: families and instance-ids kept apart, the
 * walk in lisp_prefix_cmp order across them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "prefix_index.h"
#include "prefix_trie.h"
#include "../common/testutil.h"

#define N 300

struct model {
	uint32_t addr[N];
	unsigned plen[N];
	bool present[N];
	struct prefix_trie_node *node[N];
};

static uint32_t mask(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

static void key_of(uint32_t a, uint8_t *k)
{
	k[0] = (uint8_t)(a >> 24);
	k[1] = (uint8_t)(a >> 16);
	k[2] = (uint8_t)(a >> 8);
	k[3] = (uint8_t)a;
}

static bool covers(uint32_t a, unsigned plen, uint32_t b, unsigned blen)
{
	return plen <= blen && ((a ^ b) & mask(plen)) == 0;
}

/* Shortest prefix of q (not shorter than from) covering no present prefix
 * except `allowed`. */
static unsigned brute_negative(const struct model *m, uint32_t q, unsigned from, int allowed)
{
	for (unsigned len = from; len <= 32; len++) {
		bool ok = true;

		for (int i = 0; i < N && ok; i++)
			if (m->present[i] && i != allowed &&
			    covers(q & mask(len), len, m->addr[i], m->plen[i]))
				ok = false;
		if (ok)
			return len;
	}
	return 32;
}

/* Every node holds a value or is a branch point of two; children extend
 * their parent and point back to it; n_nodes counts them all. Returns the
 * nodes under n. */
static size_t check_subtree(const struct prefix_trie_node *n)
{
	size_t count = 1;

	assert_true(n->value || (n->child[0] && n->child[1]));
	for (unsigned b = 0; b < 2; b++) {
		const struct prefix_trie_node *c = n->child[b];

		if (!c)
			continue;
		assert_ptr_equal(c->parent, n);
		assert_true(c->plen > n->plen);
		assert_int_equal(prefix_bit(c->key, n->plen), b);
		for (unsigned i = 0; i < n->plen; i++)
			assert_int_equal(prefix_bit(c->key, i), prefix_bit(n->key, i));
		count += check_subtree(c);
	}
	return count;
}

static void check_shape(const struct prefix_trie *t)
{
	if (!t->root) {
		assert_int_equal(t->n_nodes, 0);
		return;
	}
	assert_null(t->root->parent);
	assert_int_equal(check_subtree(t->root), t->n_nodes);
}

static int by_prefix(const void *a, const void *b, void *arg)
{
	const struct model *m = arg;
	int i = *(const int *)a, j = *(const int *)b;

	if (m->addr[i] != m->addr[j])
		return m->addr[i] < m->addr[j] ? -1 : 1;
	return (int)m->plen[i] - (int)m->plen[j];
}

/* The walk visits the present prefixes in (address, length) order. */
static void check_walk(const struct prefix_trie *t, struct model *m)
{
	static int order[N];
	struct prefix_trie_node *n = prefix_trie_first(t);
	int k = 0;

	for (int i = 0; i < N; i++)
		if (m->present[i])
			order[k++] = i;
	qsort_r(order, (size_t)k, sizeof(*order), by_prefix, m);
	for (int i = 0; i < k; i++, n = prefix_trie_next(n))
		assert_ptr_equal(n, m->node[order[i]]);
	assert_null(n);
}

static void check_queries(struct prefix_trie *t, struct model *m, unsigned rounds)
{
	check_shape(t);
	check_walk(t, m);
	for (int i = 0; i < N; i++) {
		uint8_t k[4];

		key_of(m->addr[i], k);
		if (m->present[i])
			assert_ptr_equal(prefix_trie_get(t, k, m->plen[i], false), m->node[i]);
	}
	for (unsigned r = 0; r < rounds; r++) {
		/* Queries near the stored prefixes find the interesting cases. */
		uint32_t q = (uint32_t)random() << 1 ^ (uint32_t)random();
		unsigned qlen = 32;
		int deepest = -1;
		uint8_t k[4];
		struct prefix_trie_node *got;

		if (r % 2) {
			int i = (int)(random() % N);

			q = (m->addr[i] & mask(m->plen[i])) | (q & ~mask(m->plen[i] + 4 > 32 ? 32 : m->plen[i] + 4));
		}
		/* Some queries are prefixes themselves, not addresses. */
		if (r % 3 == 0)
			qlen = 15 + (unsigned)(random() % 18);
		unsigned n_covering = 0, seen = 0, last_len = 0;
		const struct prefix_trie_node *c = NULL;

		for (int i = 0; i < N; i++) {
			if (!m->present[i] || !covers(m->addr[i], m->plen[i], q, qlen))
				continue;
			n_covering++;
			if (deepest < 0 || m->plen[i] > m->plen[deepest])
				deepest = i;
		}
		key_of(q, k);
		/* Every stored prefix covering the query, the shortest first. */
		while ((c = prefix_trie_covering(t, k, qlen, c)) != NULL) {
			uint32_t a = (uint32_t)c->key[0] << 24 | (uint32_t)c->key[1] << 16 |
				     (uint32_t)c->key[2] << 8 | c->key[3];

			assert_non_null(c->value);
			assert_true(covers(a, c->plen, q, qlen));
			assert_true(seen == 0 || c->plen > last_len);
			last_len = c->plen;
			seen++;
		}
		assert_int_equal(seen, n_covering);
		got = prefix_trie_match(t, k, qlen);
		assert_ptr_equal(got, deepest < 0 ? NULL : m->node[deepest]);
		if (qlen < 32)
			continue;
		if (deepest < 0) {
			assert_int_equal(prefix_trie_negative_len(t, k, 0), brute_negative(m, q, 0, -1));
		} else {
			assert_int_equal(prefix_trie_negative_len(t, k, got->plen),
					 brute_negative(m, q, m->plen[deepest], deepest));
		}
	}
}

static void test_against_model(void **state)
{
	static struct model m;
	struct prefix_trie t;
	uint8_t k[4];

	(void)state;
	srandom(12345);
	prefix_trie_init(&t, 32);
	for (int i = 0; i < N; i++) {
		bool dup;

		do {
			/* Clustered in 198.18.0.0/15 so prefixes nest and share bits. */
			m.plen[i] = 15 + (unsigned)(random() % 18);
			m.addr[i] = (0xc6120000u | ((uint32_t)random() & 0x1ffff)) & mask(m.plen[i]);
			dup = false;
			for (int j = 0; j < i && !dup; j++)
				dup = m.addr[j] == m.addr[i] && m.plen[j] == m.plen[i];
		} while (dup);
		key_of(m.addr[i], k);
		m.node[i] = prefix_trie_get(&t, k, m.plen[i], true);
		assert_non_null(m.node[i]);
		assert_ptr_equal(prefix_trie_get(&t, k, m.plen[i], false), m.node[i]);
		m.node[i]->value = &m;
		m.present[i] = true;
	}
	check_queries(&t, &m, 3000);
	/* Remove a random half, check, then the rest. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < N; i++) {
			if (!m.present[i] || (pass == 0 && random() % 2))
				continue;
			m.node[i]->value = NULL;
			prefix_trie_release(&t, m.node[i]);
			m.present[i] = false;
			key_of(m.addr[i], k);
			/* Gone, or kept as a bare branch point of two subtrees. */
			struct prefix_trie_node *left = prefix_trie_get(&t, k, m.plen[i], false);

			if (left) {
				assert_null(left->value);
				assert_non_null(left->child[0]);
				assert_non_null(left->child[1]);
			}
		}
		check_queries(&t, &m, 2000);
	}
	assert_null(t.root);
	assert_int_equal(t.n_nodes, 0);
	prefix_trie_clear(&t);
}

static void test_empty_and_full_length(void **state)
{
	struct prefix_trie t;
	uint8_t k[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct prefix_trie_node *n, *host;
	int site, reg;

	(void)state;
	prefix_trie_init(&t, 128);
	/* Empty: everything is one negative /0, or as long as asked. */
	assert_int_equal(prefix_trie_negative_len(&t, k, 0), 0);
	assert_int_equal(prefix_trie_negative_len(&t, k, 48), 48);
	assert_null(prefix_trie_match(&t, k, 128));
	assert_null(prefix_trie_first(&t));
	/* A /0 with nothing under it: the negative is the /0 itself. */
	n = prefix_trie_get(&t, k, 0, true);
	n->value = &site;
	assert_int_equal(prefix_trie_negative_len(&t, k, 0), 0);
	/* A /128 inside, and the same address asked: /128. */
	k[15] = 1;
	host = prefix_trie_get(&t, k, 128, true);
	host->value = &reg;
	assert_ptr_equal(prefix_trie_match(&t, k, 128), host);
	assert_ptr_equal(prefix_trie_match(&t, k, 127), n);
	k[15] = 0;
	assert_ptr_equal(prefix_trie_match(&t, k, 128), n);
	assert_int_equal(prefix_trie_negative_len(&t, k, 0), 128);
	/* The host itself asked with its own entry allowed: its length. */
	k[15] = 1;
	assert_int_equal(prefix_trie_negative_len(&t, k, 128), 128);
	/* A length beyond the family is refused. */
	assert_null(prefix_trie_get(&t, k, 129, true));
	assert_null(prefix_trie_get(&t, k, 129, false));
	/* The walk: the covering prefix first. */
	assert_ptr_equal(prefix_trie_first(&t), n);
	assert_ptr_equal(prefix_trie_next(n), host);
	assert_null(prefix_trie_next(host));
	prefix_trie_clear(&t);
	assert_int_equal(t.n_nodes, 0);
}

/* A stored prefix becomes a branch point when emptied under two subtrees,
 * and goes, with it, when one of them goes. */
static void test_branch_points_fold(void **state)
{
	struct prefix_trie t;
	uint8_t a[4] = { 10, 0, 0, 0 }, b[4] = { 10, 128, 0, 0 };
	struct prefix_trie_node *p8, *left, *right;
	int v;

	(void)state;
	prefix_trie_init(&t, 32);
	left = prefix_trie_get(&t, a, 16, true);
	right = prefix_trie_get(&t, b, 16, true);
	left->value = right->value = &v;
	/* 10.0/16 and 10.128/16 part at bit 8: one branch point. */
	assert_int_equal(t.n_nodes, 3);
	assert_int_equal(t.root->plen, 8);
	assert_null(t.root->value);
	p8 = prefix_trie_get(&t, a, 8, true);
	assert_ptr_equal(p8, t.root);
	p8->value = &v;
	assert_int_equal(t.n_nodes, 3);
	p8->value = NULL;
	prefix_trie_release(&t, p8);
	assert_int_equal(t.n_nodes, 3);
	left->value = NULL;
	prefix_trie_release(&t, left);
	assert_int_equal(t.n_nodes, 1);
	assert_ptr_equal(t.root, right);
	assert_null(right->parent);
	check_shape(&t);
	prefix_trie_clear(&t);
}

static struct prefix_trie_node *put(struct prefix_index *x, const char *text, void *value)
{
	struct lisp_prefix p = tu_prefix(text);
	struct prefix_trie_node *n = prefix_index_get(x, &p, true);

	assert_non_null(n);
	n->value = value;
	return n;
}

static const char *match(const struct prefix_index *x, const char *text)
{
	struct lisp_prefix p = tu_prefix(text);
	struct prefix_trie_node *n = prefix_index_match(x, &p);

	return n ? n->value : NULL;
}

/* The same bits in other families and instance-ids are other prefixes. */
static void test_index_spaces_apart(void **state)
{
	struct prefix_index x = { 0 };
	struct lisp_prefix p;

	(void)state;
	put(&x, "10.0.0.0/8", "v4");
	put(&x, "[7]10.1.0.0/16", "v4 iid 7");
	put(&x, "a00::/8", "v6");
	put(&x, "[7]a01::/16", "v6 iid 7");
	assert_string_equal(match(&x, "10.1.2.3"), "v4");
	assert_string_equal(match(&x, "[7]10.1.2.3"), "v4 iid 7");
	assert_null(match(&x, "[7]10.2.0.1"));
	assert_null(match(&x, "[8]10.1.2.3"));
	assert_string_equal(match(&x, "a01::1"), "v6");
	assert_string_equal(match(&x, "[7]a01::1"), "v6 iid 7");
	assert_null(match(&x, "11.0.0.1"));
	/* An instance-id LCAF of 0 is instance 0. */
	p = tu_prefix("10.1.2.3");
	lisp_addr_set_iid(&p.addr, 0);
	assert_string_equal(prefix_index_match(&x, &p)->value, "v4");
	/* Exact: a covering prefix is not the prefix. */
	p = tu_prefix("10.0.0.0/8");
	assert_string_equal(prefix_index_find(&x, &p), "v4");
	p = tu_prefix("10.0.0.0/16");
	assert_null(prefix_index_find(&x, &p));
	p = tu_prefix("[7]10.1.0.0/16");
	assert_string_equal(prefix_index_find(&x, &p), "v4 iid 7");
	/* No trie of a family that is no IP family. */
	memset(&p, 0, sizeof(p));
	assert_null(prefix_index_get(&x, &p, true));
	assert_null(prefix_index_match(&x, &p));
	/* Negative lengths stay in their space. */
	p = tu_prefix("[7]10.2.0.1");
	assert_int_equal(prefix_index_negative_len(&x, &p, 0), 15);
	p = tu_prefix("[9]10.2.0.1");
	assert_int_equal(prefix_index_negative_len(&x, &p, 0), 0);
	assert_int_equal(prefix_index_negative_len(&x, &p, 12), 12);
	assert_int_equal(x.n_spaces, 4);
	prefix_index_free(&x);
	assert_int_equal(x.n_spaces, 0);
}

/* The walk runs in lisp_prefix_cmp order across spaces, whatever the order
 * of insertion, and survives removing the node it just left. */
static void test_index_walk_order(void **state)
{
	static const char *const sorted[] = {
		"10.0.0.0/8", "10.0.0.0/24", "10.1.0.0/16", "192.0.2.0/24", "192.0.2.128/25",
		"2001:db8::/32", "2001:db8:1::/48", "[3]0.0.0.0/0", "[3]198.18.0.0/15",
		"[3]::/0", "[70000]10.0.0.0/8",
	};
	static const unsigned insert_order[] = { 8, 3, 10, 0, 6, 2, 9, 4, 1, 7, 5 };
	const size_t n = sizeof(sorted) / sizeof(sorted[0]);
	struct prefix_index x = { 0 };
	struct prefix_trie_node *node, *next;
	size_t i = 0;

	(void)state;
	for (size_t k = 1; k < n; k++) {
		struct lisp_prefix a = tu_prefix(sorted[k - 1]), b = tu_prefix(sorted[k]);

		assert_true(lisp_prefix_cmp(&a, &b) < 0);
	}
	for (size_t k = 0; k < n; k++)
		put(&x, sorted[insert_order[k]], (void *)sorted[insert_order[k]]);
	for (node = prefix_index_first(&x); node; node = prefix_index_next(&x, node), i++)
		assert_string_equal(node->value, sorted[i]);
	assert_int_equal(i, n);
	/* Remove every other one while walking: the others remain, in order. */
	i = 0;
	for (node = prefix_index_first(&x); node; node = next, i++) {
		struct lisp_prefix p = tu_prefix(node->value);

		next = prefix_index_next(&x, node);
		if (i % 2 == 0) {
			node->value = NULL;
			prefix_index_release(&x, &p, node);
		}
	}
	i = 1;
	for (node = prefix_index_first(&x); node; node = prefix_index_next(&x, node), i += 2)
		assert_string_equal(node->value, sorted[i]);
	assert_int_equal(i, n / 2 * 2 + 1);
	for (node = prefix_index_first(&x); node; node = next) {
		struct lisp_prefix p = tu_prefix(node->value);

		next = prefix_index_next(&x, node);
		node->value = NULL;
		prefix_index_release(&x, &p, node);
	}
	for (unsigned s = 0; s < x.n_spaces; s++)
		assert_int_equal(x.spaces[s].trie.n_nodes, 0);
	prefix_index_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_empty_and_full_length),
		cmocka_unit_test(test_branch_points_fold),
		cmocka_unit_test(test_index_spaces_apart),
		cmocka_unit_test(test_index_walk_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
