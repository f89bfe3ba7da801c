/* The EID trie against a brute-force model: random IPv4 prefix sets,
 * inserted and removed in random order; every match and negative-prefix
 * answer is compared with a scan of the set, and removing everything
 * leaves no node behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ms/eid_trie.h"

#define N 300

struct model {
	uint32_t addr[N];
	unsigned plen[N];
	bool present[N];
	struct eid_trie_node *node[N];
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

static void check_queries(struct eid_trie *t, const struct model *m, unsigned rounds)
{
	for (unsigned r = 0; r < rounds; r++) {
		/* Queries near the stored prefixes find the interesting cases. */
		uint32_t q = (uint32_t)random() << 1 ^ (uint32_t)random();
		int deepest = -1;
		uint8_t k[4];
		struct eid_trie_node *site, *reg;

		if (r % 2) {
			int i = (int)(random() % N);

			q = (m->addr[i] & mask(m->plen[i])) | (q & ~mask(m->plen[i] + 4 > 32 ? 32 : m->plen[i] + 4));
		}
		for (int i = 0; i < N; i++)
			if (m->present[i] && covers(m->addr[i], m->plen[i], q, 32) &&
			    (deepest < 0 || m->plen[i] > m->plen[deepest]))
				deepest = i;
		key_of(q, k);
		eid_trie_match(t, k, 32, &site, &reg);
		if (deepest < 0) {
			assert_null(site);
			assert_int_equal(eid_trie_negative_len(t, k, NULL), brute_negative(m, q, 0, -1));
		} else {
			assert_ptr_equal(site, m->node[deepest]);
			assert_int_equal(eid_trie_negative_len(t, k, site),
					 brute_negative(m, q, m->plen[deepest], deepest));
		}
	}
}

static void test_against_model(void **state)
{
	static struct model m;
	struct eid_trie t;
	uint8_t k[4];

	(void)state;
	srandom(12345);
	eid_trie_init(&t, 32);
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
		m.node[i] = eid_trie_get(&t, k, m.plen[i], true);
		assert_non_null(m.node[i]);
		assert_ptr_equal(eid_trie_get(&t, k, m.plen[i], false), m.node[i]);
		m.node[i]->site = &m;
		m.present[i] = true;
	}
	check_queries(&t, &m, 3000);
	/* Remove a random half, check, then the rest. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < N; i++) {
			if (!m.present[i] || (pass == 0 && random() % 2))
				continue;
			m.node[i]->site = NULL;
			eid_trie_release(&t, m.node[i]);
			m.present[i] = false;
			key_of(m.addr[i], k);
			/* Gone, or kept as a bare branch point of two subtrees. */
			struct eid_trie_node *left = eid_trie_get(&t, k, m.plen[i], false);

			if (left) {
				assert_null(left->site);
				assert_non_null(left->child[0]);
				assert_non_null(left->child[1]);
			}
		}
		check_queries(&t, &m, 2000);
	}
	assert_null(t.root);
	assert_int_equal(t.n_nodes, 0);
	eid_trie_clear(&t);
}

static void test_empty_and_full_length(void **state)
{
	struct eid_trie t;
	uint8_t k[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct eid_trie_node *s, *r, *n;

	(void)state;
	eid_trie_init(&t, 128);
	/* Empty: everything is one negative /0. */
	assert_int_equal(eid_trie_negative_len(&t, k, NULL), 0);
	eid_trie_match(&t, k, 128, &s, &r);
	assert_null(s);
	assert_null(r);
	/* A /0 site with no registration: the negative is the site itself. */
	n = eid_trie_get(&t, k, 0, true);
	n->site = n;
	assert_int_equal(eid_trie_negative_len(&t, k, n), 0);
	/* A /128 registration inside, and the same address asked: /128. */
	k[15] = 1;
	eid_trie_get(&t, k, 128, true)->reg = n;
	eid_trie_match(&t, k, 128, &s, &r);
	assert_ptr_equal(s, n);
	assert_non_null(r);
	assert_int_equal(r->plen, 128);
	k[15] = 0;
	assert_int_equal(eid_trie_negative_len(&t, k, n), 128);
	/* A length beyond the family is refused. */
	assert_null(eid_trie_get(&t, k, 129, true));
	eid_trie_clear(&t);
	assert_int_equal(t.n_nodes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_model),
		cmocka_unit_test(test_empty_and_full_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
