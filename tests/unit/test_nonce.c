/* lisp_nonce: values come from getrandom(2), are never 0 and do not repeat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_nonce.h"

#define DRAWS 4096

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void test_nonce64_nonzero_distinct(void **state)
{
	static uint64_t v[DRAWS];
	uint64_t ored = 0;

	(void)state;
	for (size_t i = 0; i < DRAWS; i++) {
		assert_int_equal(lisp_nonce64(&v[i]), 0);
		assert_true(v[i] != 0);
		ored |= v[i];
	}
	/* every bit position gets used: the top bits are not left at zero */
	assert_true(ored == UINT64_MAX);
	qsort(v, DRAWS, sizeof(v[0]), cmp_u64);
	for (size_t i = 1; i < DRAWS; i++)
		assert_true(v[i] != v[i - 1]);
}

static void test_nonce24_range(void **state)
{
	static uint32_t v[DRAWS];
	uint32_t ored = 0;
	size_t distinct = 1;

	(void)state;
	for (size_t i = 0; i < DRAWS; i++) {
		assert_int_equal(lisp_nonce24(&v[i]), 0);
		assert_true(v[i] != 0);
		assert_true(v[i] <= 0xffffff);
		ored |= v[i];
	}
	assert_int_equal(ored, 0xffffff);
	/* 4096 draws from 2^24 values: a handful of birthday collisions at most */
	qsort(v, DRAWS, sizeof(v[0]), cmp_u32);
	for (size_t i = 1; i < DRAWS; i++)
		distinct += v[i] != v[i - 1];
	assert_true(distinct >= DRAWS - 16);
}

static void test_random_bytes_large(void **state)
{
	/* larger than one getrandom() guarantees without a short read (256 bytes) */
	size_t len = 1 << 20;
	uint8_t *a = calloc(1, len), *b = calloc(1, len);
	size_t zeros = 0;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(lisp_random_bytes(a, len), 0);
	assert_int_equal(lisp_random_bytes(b, len), 0);
	assert_true(memcmp(a, b, len) != 0);
	for (size_t i = 0; i < len; i++)
		zeros += a[i] == 0;
	/* ~4096 expected; the tail of the buffer must have been filled too */
	assert_true(zeros < len / 128);
	assert_true(memcmp(a + len - 64, b + len - 64, 64) != 0);
	free(a);
	free(b);
}

static void test_random_bytes_zero_len(void **state)
{
	uint8_t x = 0x42;

	(void)state;
	assert_int_equal(lisp_random_bytes(&x, 0), 0);
	assert_int_equal(x, 0x42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nonce64_nonzero_distinct),
		cmocka_unit_test(test_nonce24_range),
		cmocka_unit_test(test_random_bytes_large),
		cmocka_unit_test(test_random_bytes_zero_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
