/* The persistent state directory: nonces strictly increase within a run and
 * across restarts, including a restart after a crash mid-block (the block
 * reservation is on disk before its first nonce is handed out); the xTR-ID
 * is generated once and kept; damaged files are refused, not guessed. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/state.h"

static char dir[64];

static int mkdir_tmp(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/lispd-test-state.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int rm_tmp(void **st)
{
	char cmd[128];

	(void)st;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static uint64_t read_reserved(void)
{
	char path[256];
	unsigned long long v = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/nonce", dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "%llu", &v), 1);
	fclose(fp);
	return v;
}

static void test_nonces_increase_within_and_across_runs(void **unused)
{
	char err[256];
	struct lispd_state *st = state_open(dir, err, sizeof(err));
	uint64_t prev = 0, n;

	(void)unused;
	assert_non_null(st);
	/* Beyond one block, so the reservation must move on. */
	for (unsigned i = 0; i < STATE_NONCE_BLOCK * 2 + 10; i++) {
		assert_int_equal(state_next_nonce(st, &n), 0);
		assert_true(n > prev);
		prev = n;
		/* Never handed out beyond what the disk has reserved. */
		assert_true(n < read_reserved());
	}
	state_close(st);
	/* A clean restart. */
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(state_next_nonce(st, &n), 0);
	assert_true(n > prev);
	prev = n;
	/* A "crash": the process vanishes without state_close, the next one
	 * starts from the file alone. */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(state_next_nonce(st, &n), 0);
		prev = n;
	}
	{
		struct lispd_state *again = state_open(dir, err, sizeof(err));

		assert_non_null(again);
		assert_int_equal(state_next_nonce(again, &n), 0);
		assert_true(n > prev);
		state_close(again);
	}
	state_close(st);
}

static void test_fresh_counter_is_nonzero(void **unused)
{
	char err[256];
	struct lispd_state *st = state_open(dir, err, sizeof(err));
	uint64_t n;

	(void)unused;
	assert_non_null(st);
	assert_int_equal(state_next_nonce(st, &n), 0);
	assert_true(n != 0);
	state_close(st);
}

static void test_xtr_id_generated_once(void **unused)
{
	char err[256];
	uint8_t first[STATE_XTR_ID_LEN], zero[STATE_XTR_ID_LEN] = { 0 };
	struct lispd_state *st = state_open(dir, err, sizeof(err));
	char other[] = "/tmp/lispd-test-state2.XXXXXX";
	struct lispd_state *st2;

	(void)unused;
	assert_non_null(st);
	memcpy(first, state_xtr_id(st), sizeof(first));
	assert_memory_not_equal(first, zero, sizeof(zero));
	state_close(st);
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_memory_equal(first, state_xtr_id(st), sizeof(first));
	state_close(st);
	/* Another node (directory) gets another xTR-ID. */
	assert_non_null(mkdtemp(other));
	st2 = state_open(other, err, sizeof(err));
	assert_non_null(st2);
	assert_memory_not_equal(first, state_xtr_id(st2), sizeof(first));
	state_close(st2);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", other);
		assert_int_equal(system(cmd), 0);
	}
}

static void test_xtr_id_file_is_read(void **unused)
{
	char err[256];
	static const uint8_t want[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct lispd_state *st;

	(void)unused;
	write_file("xtr-id", "00112233445566778899AABBCCddeeff\n");
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_memory_equal(state_xtr_id(st), want, sizeof(want));
	state_close(st);
}

static void expect_refused(const char *name, const char *text, const char *msg_part)
{
	char err[256] = "";
	struct lispd_state *st;

	write_file(name, text);
	st = state_open(dir, err, sizeof(err));
	assert_null(st);
	if (!strstr(err, msg_part))
		fail_msg("message '%s' lacks '%s'", err, msg_part);
	/* Left as found: the operator decides. */
	{
		char path[256], buf[128] = "";
		FILE *fp;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fp = fopen(path, "r");
		assert_non_null(fp);
		assert_non_null(fgets(buf, sizeof(buf), fp) || text[0] == '\0' ? buf : NULL);
		fclose(fp);
		assert_string_equal(buf, text);
	}
}

static void test_damaged_files_are_refused(void **unused)
{
	(void)unused;
	expect_refused("nonce", "", "nonce: not a valid counter");
	expect_refused("nonce", "12abc\n", "nonce: not a valid counter");
	expect_refused("nonce", "-5\n", "nonce: not a valid counter");
	expect_refused("nonce", "0\n", "nonce: not a valid counter");
	expect_refused("nonce", "18446744073709551615\n", "nonce: not a valid counter");
	write_file("nonce", "1000\n");
	expect_refused("xtr-id", "0011\n", "xtr-id: not 32 hexadecimal digits");
	expect_refused("xtr-id", "00112233445566778899aabbccddeeXX\n", "xtr-id: not 32");
	expect_refused("xtr-id", "00112233445566778899aabbccddeeff00\n", "xtr-id: not 32");
}

static void test_restart_resumes_at_reservation(void **unused)
{
	char err[256];
	struct lispd_state *st;
	uint64_t n;

	(void)unused;
	write_file("nonce", "5000\n");
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(state_next_nonce(st, &n), 0);
	/* Everything below 5000 may have been sent. */
	assert_true(n >= 5000);
	assert_true(read_reserved() > n);
	state_close(st);
}

static void test_state_dir_not_a_directory(void **unused)
{
	char err[256] = "";
	char path[256];

	(void)unused;
	snprintf(path, sizeof(path), "%s/file", dir);
	write_file("file", "x");
	assert_null(state_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "not a directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nonces_increase_within_and_across_runs,
						mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_fresh_counter_is_nonzero, mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_xtr_id_generated_once, mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_xtr_id_file_is_read, mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_damaged_files_are_refused, mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_restart_resumes_at_reservation, mkdir_tmp,
						rm_tmp),
		cmocka_unit_test_setup_teardown(test_state_dir_not_a_directory, mkdir_tmp, rm_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
