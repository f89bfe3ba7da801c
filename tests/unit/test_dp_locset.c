/* User-space builders of data-plane map contents: the weighted slot table
 * (dp_locset_build) and map keys (dp_mc_key, dp_eid_key) of lib/dp_mcache.c,
 * and the counter names of lib/dp_maps.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_layout.h"
#include "dp_maps.h"

static const uint8_t A4[4] = { 198, 51, 100, 1 };

static void add(struct lispd_locset *ls, uint8_t prio, uint8_t weight, bool up)
{
	uint8_t a[4];

	memcpy(a, A4, 4);
	a[3] = (uint8_t)(ls->n_locators + 1);
	assert_int_equal(dp_locset_add(ls, LISPD_AF_INET, a, prio, weight, up), 0);
}

/* Slots per locator index. */
static void count(const struct lispd_locset *ls, unsigned c[LISPD_MAX_LOCATORS])
{
	memset(c, 0, sizeof(unsigned) * LISPD_MAX_LOCATORS);
	for (unsigned i = 0; i < ls->n_slots; i++) {
		assert_true(ls->slot[i] < ls->n_locators);
		c[ls->slot[i]]++;
	}
}

static void test_weights_proportional(void **state)
{
	struct lispd_locset ls = { 0 };
	unsigned c[LISPD_MAX_LOCATORS];

	(void)state;
	add(&ls, 1, 25, true);
	add(&ls, 1, 75, true);
	assert_int_equal(dp_locset_build(&ls), LISPD_SLOTS);
	count(&ls, c);
	assert_int_equal(c[0], 16);
	assert_int_equal(c[1], 48);
	assert_memory_equal(ls.loc[1].addr, "\xc6\x33\x64\x02", 4);
	assert_int_equal(ls.loc[1].flags, LISPD_LOC_UP);
}

/* Largest remainder, and a tiny non-zero weight still gets one slot. */
static void test_rounding(void **state)
{
	struct lispd_locset ls = { 0 };
	unsigned c[LISPD_MAX_LOCATORS];

	(void)state;
	add(&ls, 1, 1, true);
	add(&ls, 1, 255, true);
	assert_int_equal(dp_locset_build(&ls), LISPD_SLOTS);
	count(&ls, c);
	assert_int_equal(c[0], 1);
	assert_int_equal(c[1], 63);

	memset(&ls, 0, sizeof(ls));
	add(&ls, 1, 10, true);
	add(&ls, 1, 10, true);
	add(&ls, 1, 10, true);
	assert_int_equal(dp_locset_build(&ls), LISPD_SLOTS);
	count(&ls, c);
	assert_int_equal(c[0] + c[1] + c[2], 64);
	for (int i = 0; i < 3; i++)
		assert_in_range(c[i], 21, 22);
}

/* Only up locators of the lowest priority below 255; weight 0 among
 * non-zero weights gets nothing; all-zero weights share equally. */
static void test_selection(void **state)
{
	struct lispd_locset ls = { 0 };
	unsigned c[LISPD_MAX_LOCATORS];

	(void)state;
	add(&ls, 0, 50, false);   /* best priority but down */
	add(&ls, 3, 50, true);
	add(&ls, 3, 0, true);     /* weight 0 next to a weighted one */
	add(&ls, 255, 50, true);  /* never for unicast */
	add(&ls, 4, 50, true);    /* worse priority */
	assert_int_equal(dp_locset_build(&ls), LISPD_SLOTS);
	count(&ls, c);
	assert_int_equal(c[1], 64);

	memset(&ls, 0, sizeof(ls));
	add(&ls, 2, 0, true);
	add(&ls, 2, 0, true);
	add(&ls, 1, 0, false);
	assert_int_equal(dp_locset_build(&ls), LISPD_SLOTS);
	count(&ls, c);
	assert_int_equal(c[0], 32);
	assert_int_equal(c[1], 32);
	assert_int_equal(c[2], 0);
}

static void test_nothing_usable(void **state)
{
	struct lispd_locset ls = { 0 };

	(void)state;
	assert_int_equal(dp_locset_build(&ls), 0);
	add(&ls, 1, 1, false);
	add(&ls, 255, 1, true);
	ls.slot[0] = 7;  /* stale content must go */
	ls.n_slots = 9;
	assert_int_equal(dp_locset_build(&ls), 0);
	assert_int_equal(ls.n_slots, 0);
	assert_int_equal(ls.slot[0], 0);
}

static void test_limits(void **state)
{
	struct lispd_locset ls = { 0 };

	(void)state;
	for (int i = 0; i < LISPD_MAX_LOCATORS; i++)
		add(&ls, 1, 1, true);
	assert_int_equal(dp_locset_add(&ls, LISPD_AF_INET, A4, 1, 1, true), -1);
	assert_int_equal(ls.n_locators, LISPD_MAX_LOCATORS);
	memset(&ls, 0, sizeof(ls));
	assert_int_equal(dp_locset_add(&ls, 3, A4, 1, 1, true), -1);
	assert_int_equal(ls.n_locators, 0);
	ls.n_locators = LISPD_MAX_LOCATORS + 1;
	assert_int_equal(dp_locset_build(&ls), -1);
}

static void test_mc_key(void **state)
{
	struct lispd_mc_key k;
	uint8_t v4[4] = { 198, 19, 255, 255 }, v6[16];

	(void)state;
	assert_int_equal(dp_mc_key(&k, 0xabcdef, LISPD_AF_INET, v4, 15), 0);
	assert_int_equal(k.prefixlen, 32 + 15);
	assert_int_equal(k.iid[0], 0xab);
	assert_int_equal(k.iid[1], 0xcd);
	assert_int_equal(k.iid[2], 0xef);
	assert_int_equal(k.family, LISPD_AF_INET);
	assert_memory_equal(k.addr, "\xc6\x12\x00\x00", 4);  /* 198.18.0.0: host bits cleared */
	for (int i = 4; i < 16; i++)
		assert_int_equal(k.addr[i], 0);

	memset(v6, 0xff, sizeof(v6));
	assert_int_equal(dp_mc_key(&k, 0, LISPD_AF_INET6, v6, 68), 0);
	assert_int_equal(k.prefixlen, 32 + 68);
	for (int i = 0; i < 8; i++)
		assert_int_equal(k.addr[i], 0xff);
	assert_int_equal(k.addr[8], 0xf0);
	for (int i = 9; i < 16; i++)
		assert_int_equal(k.addr[i], 0);
	assert_int_equal(dp_mc_key(&k, 0, LISPD_AF_INET6, v6, 128), 0);
	assert_int_equal(k.addr[15], 0xff);

	assert_int_equal(dp_mc_key(&k, 0, LISPD_AF_INET, v4, 33), -1);
	assert_int_equal(dp_mc_key(&k, 0, LISPD_AF_INET6, v6, 129), -1);
	assert_int_equal(dp_mc_key(&k, 0x1000000, LISPD_AF_INET, v4, 8), -1);
	assert_int_equal(dp_mc_key(&k, 0, 0, v4, 8), -1);
}

static void test_eid_key(void **state)
{
	struct lispd_eid_key k;
	uint8_t v4[4] = { 198, 18, 0, 1 };

	(void)state;
	assert_int_equal(dp_eid_key(&k, 5, LISPD_AF_INET, v4), 0);
	assert_int_equal(k.iid, 5);
	assert_int_equal(k.family, LISPD_AF_INET);
	assert_memory_equal(k.addr, v4, 4);
	assert_int_equal(k.addr[4], 0);
	assert_int_equal(dp_eid_key(&k, 5, 9, v4), -1);
	assert_int_equal(dp_eid_key(&k, 0x1000000, LISPD_AF_INET, v4), -1);
}

static void test_stat_names(void **state)
{
	(void)state;
	for (unsigned i = 0; i < LISPD_STAT_MAX; i++) {
		const char *n = dp_stat_name(i);

		assert_non_null(n);
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(n, dp_stat_name(j));
	}
	assert_null(dp_stat_name(LISPD_STAT_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weights_proportional),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_nothing_usable),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_mc_key),
		cmocka_unit_test(test_eid_key),
		cmocka_unit_test(test_stat_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
