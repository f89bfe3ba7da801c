/* lib/token_bucket: the one rate limiter of log lines, Map-Requests at the
 * Map-Resolver and registration rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "token_bucket.h"

/* Drains the bucket at one instant; returns how many tokens it gave. */
static unsigned drain(struct tbucket *b, const struct tb_rate *r, uint64_t now)
{
	unsigned n = 0;

	while (n < 100000 && tb_take_now(b, r, now))
		n++;
	return n;
}

static void test_starts_full_then_one_per_period(void **st)
{
	const struct tb_rate r = { .tokens = 1, .period_ms = 1000, .burst = 3 };
	struct tbucket b;

	(void)st;
	tb_fill(&b, &r, 5000);
	assert_int_equal(drain(&b, &r, 5000), 3);
	assert_false(tb_take_now(&b, &r, 5999));
	assert_int_equal(tb_wait_ms(&b, &r), 1);
	assert_true(tb_take_now(&b, &r, 6000));
	assert_int_equal(tb_wait_ms(&b, &r), 1000);
	/* A long pause earns no more than the burst. */
	assert_int_equal(drain(&b, &r, 1000000), 3);
}

/* 100 a second = a tenth of a token each millisecond: a caller asking
 * every millisecond gets exactly 100 a second after the burst, no token
 * lost to rounding. */
static void test_fractions_are_kept(void **st)
{
	const struct tb_rate r = { .tokens = 100, .period_ms = 1000, .burst = 200 };
	struct tbucket b;
	unsigned got = 0;

	(void)st;
	tb_fill(&b, &r, 0);
	assert_int_equal(drain(&b, &r, 0), 200);
	for (uint64_t t = 1; t <= 10000; t++)
		got += tb_take_now(&b, &r, t);
	assert_int_equal(got, 1000);
	/* 10000 a second is 10 a millisecond. */
	const struct tb_rate fast = { .tokens = 10000, .period_ms = 1000, .burst = 10000 };
	tb_fill(&b, &fast, 0);
	assert_int_equal(drain(&b, &fast, 0), 10000);
	assert_int_equal(drain(&b, &fast, 1), 10);
	assert_int_equal(tb_wait_ms(&b, &fast), 1);
}

static void test_clock_back_and_long_sleep(void **st)
{
	const struct tb_rate r = { .tokens = 1000000, .period_ms = 1000, .burst = 5 };
	struct tbucket b;

	(void)st;
	tb_fill(&b, &r, 1000);
	assert_int_equal(drain(&b, &r, 1000), 5);
	/* Earlier than the last update: nothing earned, nothing broken. */
	assert_int_equal(drain(&b, &r, 10), 0);
	assert_int_equal(drain(&b, &r, 1000), 0);
	/* Years later: the burst, not an overflowed level. */
	assert_int_equal(drain(&b, &r, UINT64_MAX / 2), 5);
}

static void test_burst_only_and_clamp(void **st)
{
	const struct tb_rate none = { .tokens = 0, .period_ms = 1, .burst = 2 };
	const struct tb_rate big = { .tokens = 1, .period_ms = 10, .burst = 50 };
	const struct tb_rate small = { .tokens = 1, .period_ms = 10, .burst = 4 };
	struct tbucket b;

	(void)st;
	tb_fill(&b, &none, 0);
	assert_int_equal(drain(&b, &none, 0), 2);
	assert_int_equal(drain(&b, &none, 1000000), 0);
	assert_true(tb_wait_ms(&b, &none) == UINT64_MAX);
	/* A smaller burst (a reload) caps what was saved under the old one. */
	tb_fill(&b, &big, 0);
	tb_clamp(&b, &small);
	assert_int_equal(drain(&b, &small, 0), 4);
	/* So does a refill under the new rate (a timer shrunk by a test or a
	 * reload), even at the same instant. */
	tb_fill(&b, &big, 0);
	assert_int_equal(drain(&b, &small, 0), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starts_full_then_one_per_period),
		cmocka_unit_test(test_fractions_are_kept),
		cmocka_unit_test(test_clock_back_and_long_sleep),
		cmocka_unit_test(test_burst_only_and_clamp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
