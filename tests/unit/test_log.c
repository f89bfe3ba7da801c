/* Logging: level filter, line format, control bytes neutralized, and the
 * per-call-site token bucket that keeps floods out of the log. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static char *buf;
static size_t buf_len;
static FILE *mem;

static int open_capture(void **state)
{
	(void)state;
	mem = open_memstream(&buf, &buf_len);
	assert_non_null(mem);
	lispd_log_open("tlog", LISPD_LOG_TO_STREAM, LISPD_LOG_INFO);
	lispd_log_set_stream(mem);
	return 0;
}

static int close_capture(void **state)
{
	(void)state;
	lispd_log_set_stream(NULL);
	fclose(mem);
	free(buf);
	buf = NULL;
	return 0;
}

static int count_lines(void)
{
	int n = 0;

	fflush(mem);
	for (size_t i = 0; i < buf_len; i++)
		n += buf[i] == '\n';
	return n;
}

static void test_format_and_levels(void **state)
{
	(void)state;
	log_info("hello %d", 42);
	log_debug1("hidden at info");
	log_warn("careful");
	fflush(mem);
	assert_string_equal(buf, "tlog: info: hello 42\ntlog: warn: careful\n");

	lispd_log_set_level(LISPD_LOG_ERR);
	log_warn("not shown");
	assert_false(lispd_log_enabled(LISPD_LOG_WARN));
	assert_true(lispd_log_enabled(LISPD_LOG_ERR));
	lispd_log_set_level(LISPD_LOG_DEBUG3);
	log_debug3("deep");
	fflush(mem);
	assert_non_null(strstr(buf, "tlog: debug3: deep\n"));
	assert_null(strstr(buf, "not shown"));
	assert_int_equal(count_lines(), 3);
}

static void test_controls_neutralized(void **state)
{
	(void)state;
	/* A peer-supplied string cannot forge a second log line. */
	log_info("name=%s", "evil\ntlog: err: forged\x1b[2J");
	fflush(mem);
	assert_int_equal(count_lines(), 1);
	assert_string_equal(buf, "tlog: info: name=evil?tlog: err: forged?[2J\n");
}

static void test_long_message_truncated(void **state)
{
	char big[4000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	assert_int_equal(count_lines(), 1);
	assert_true(buf_len < 1100);
}

static void test_debug_mapping(void **state)
{
	(void)state;
	assert_int_equal(lispd_log_level_from_debug(0), LISPD_LOG_INFO);
	assert_int_equal(lispd_log_level_from_debug(-5), LISPD_LOG_INFO);
	assert_int_equal(lispd_log_level_from_debug(1), LISPD_LOG_DEBUG1);
	assert_int_equal(lispd_log_level_from_debug(2), LISPD_LOG_DEBUG2);
	assert_int_equal(lispd_log_level_from_debug(3), LISPD_LOG_DEBUG3);
	assert_int_equal(lispd_log_level_from_debug(9), LISPD_LOG_DEBUG3);
	assert_string_equal(lispd_log_level_name(LISPD_LOG_WARN), "warn");
	assert_string_equal(lispd_log_level_name((enum lispd_log_level)42), "?");
}

static void test_bucket(void **state)
{
	struct lispd_log_ratelimit rl = LISPD_LOG_RATELIMIT_INIT(3, 1000);
	uint64_t sup = 99;

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_true(lispd_log_ratelimit_pass(&rl, 5000, &sup));
		assert_int_equal(sup, 0);
	}
	assert_false(lispd_log_ratelimit_pass(&rl, 5000, &sup));
	assert_false(lispd_log_ratelimit_pass(&rl, 5500, &sup));
	assert_false(lispd_log_ratelimit_pass(&rl, 5999, &sup));
	/* One token a second; the next message tells what was dropped. */
	assert_true(lispd_log_ratelimit_pass(&rl, 6000, &sup));
	assert_int_equal(sup, 3);
	assert_false(lispd_log_ratelimit_pass(&rl, 6999, &sup));
	assert_true(lispd_log_ratelimit_pass(&rl, 7000, &sup));
	assert_int_equal(sup, 1);
	/* A long quiet time refills to the burst, not beyond. */
	for (int i = 0; i < 3; i++)
		assert_true(lispd_log_ratelimit_pass(&rl, 100000, NULL));
	assert_false(lispd_log_ratelimit_pass(&rl, 100000, NULL));
	/* A clock that goes back earns nothing and breaks nothing. */
	assert_false(lispd_log_ratelimit_pass(&rl, 50, NULL));
}

static void flood_once(int i)
{
	lispd_log_rl(LISPD_LOG_WARN, "bad packet %d", i);
}

static void test_rate_limited_call_site(void **state)
{
	(void)state;
	for (int i = 0; i < 1000; i++)
		flood_once(i);
	/* The macro's bucket: 10 at once (the loop takes far less than 1 s). */
	assert_int_equal(count_lines(), 10);
	assert_non_null(strstr(buf, "bad packet 9\n"));
	assert_null(strstr(buf, "bad packet 10\n"));
}

static void test_rate_limited_respects_level(void **state)
{
	struct lispd_log_ratelimit rl = LISPD_LOG_RATELIMIT_INIT(1, 1000000);

	(void)state;
	/* Filtered messages do not use up the budget. */
	lispd_log_ratelimited(&rl, LISPD_LOG_DEBUG2, "filtered");
	lispd_log_ratelimited(&rl, LISPD_LOG_WARN, "first");
	lispd_log_ratelimited(&rl, LISPD_LOG_WARN, "second");
	fflush(mem);
	assert_string_equal(buf, "tlog: warn: first\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_and_levels, open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_controls_neutralized, open_capture, close_capture),
		cmocka_unit_test_setup_teardown(test_long_message_truncated, open_capture,
						close_capture),
		cmocka_unit_test(test_debug_mapping),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test_setup_teardown(test_rate_limited_call_site, open_capture,
						close_capture),
		cmocka_unit_test_setup_teardown(test_rate_limited_respects_level, open_capture,
						close_capture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
