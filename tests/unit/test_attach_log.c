/* The state-file lines that make an attach cut short by SIGKILL undoable
 * (ctl/core/attach_log.h): logged only for what does not exist yet, and their
 * undo removes the pin directory only when empty. No interface is created
 * or removed here (the names used do not exist): the e2e crash test
 * (tests/e2e/test_crash.sh) covers lmn and the qdisc in a namespace. */
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

#include "core/attach_log.h"
#include "dp_link.h"

static char dir[64];

static int mkdir_tmp(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/lispd-test-attachlog.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int rm_tmp(void **st)
{
	char p[128];

	(void)st;
	snprintf(p, sizeof(p), "%s/pins/x", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/pins", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static void test_logs_what_is_missing(void **st)
{
	const char *phys[1] = { "physx-nosuch" };
	char lines[ATTACH_LOG_MAX][320], pins[128], want[160];
	unsigned n;

	(void)st;
	snprintf(pins, sizeof(pins), "%s/pins", dir);
	/* Nothing exists: the pin directory and lmn would be ours; no
	 * interface to put a qdisc on. */
	n = attach_log_lines(pins, "lmnx-nosuch", phys, 1, lines);
	assert_int_equal(n, 2);
	snprintf(want, sizeof(want), "pindir %s", pins);
	assert_string_equal(lines[0], want);
	assert_string_equal(lines[1], "newlink lmnx-nosuch");
	/* A pin directory already there is the host's: not logged. */
	assert_int_equal(mkdir(pins, 0700), 0);
	n = attach_log_lines(pins, "lmnx-nosuch", phys, 1, lines);
	assert_int_equal(n, 1);
	assert_string_equal(lines[0], "newlink lmnx-nosuch");
	/* A role without lmn (the PxTR) logs none. */
	n = attach_log_lines(pins, NULL, phys, 1, lines);
	assert_int_equal(n, 0);
}

/* The loopback exists in every namespace and has no clsact unless someone
 * put one there: one line for it, however many hooks go on it. */
static void test_logs_a_qdisc_once_per_interface(void **st)
{
	const char *devs[3] = { "lo", "physx-nosuch", "lo" };
	char lines[ATTACH_LOG_MAX][320], pins[128];
	unsigned n;

	(void)st;
	snprintf(pins, sizeof(pins), "%s", dir);   /* exists */
	if (dp_link_has_clsact(1) != 0)
		skip();   /* the host's own clsact on lo: nothing to log */
	n = attach_log_lines(pins, NULL, devs, 3, lines);
	assert_int_equal(n, 1);
	assert_string_equal(lines[0], "clsact lo");
}

static void test_undo_removes_only_an_empty_pin_dir(void **st)
{
	char pins[128], f[160];
	struct stat sb;
	FILE *fp;

	(void)st;
	snprintf(pins, sizeof(pins), "%s/pins", dir);
	snprintf(f, sizeof(f), "%s/x", pins);
	assert_int_equal(mkdir(pins, 0700), 0);
	fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	/* Something we do not know of is still pinned there: kept. */
	assert_true(attach_log_undo("pindir", pins));
	assert_int_equal(stat(pins, &sb), 0);
	unlink(f);
	assert_true(attach_log_undo("pindir", pins));
	assert_int_not_equal(stat(pins, &sb), 0);
	/* Gone already is done, and an undo runs twice without harm. */
	assert_true(attach_log_undo("pindir", pins));
	assert_true(attach_log_undo("newlink", "lmnx-nosuch"));
	assert_true(attach_log_undo("clsact", "physx-nosuch"));
}

static void test_other_lines_are_not_ours(void **st)
{
	(void)st;
	assert_false(attach_log_undo("attach", dir));
	assert_false(attach_log_undo("route", "x"));
	assert_false(attach_log_undo("rule", "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_logs_what_is_missing, mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_logs_a_qdisc_once_per_interface, mkdir_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_undo_removes_only_an_empty_pin_dir, mkdir_tmp,
						rm_tmp),
		cmocka_unit_test_setup_teardown(test_other_lines_are_not_ours, mkdir_tmp, rm_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
