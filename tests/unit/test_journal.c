/* The undo journal (ctl/core/journal.h): entries appended whole, a torn
 * last line ignored, replay last entry first and then the journal gone,
 * journals written by earlier builds (host.state, pxtr.state) replayed as
 * they are, entries dropped once undone by hand; and the entries of an
 * attach: only for what does not exist yet, their undo removing the pin
 * directory only when empty. No interface is created or removed here (the
 * names used do not exist): the e2e crash test (tests/e2e/test_crash.sh)
 * covers lmn and the qdisc in a namespace. */
#include <errno.h>
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

#include "core/journal.h"
#include "dp_link.h"

static char dir[64];

static int mkdir_tmp(void **st)
{
	(void)st;
	strcpy(dir, "/tmp/lispd-test-journal.XXXXXX");
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
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *read_file(const char *name)
{
	static char buf[4096];
	char path[128];
	size_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* What replay handed to the role: "kw args" per entry, in replay order. */
struct undone {
	unsigned n;
	char entry[16][256];
	const char *fail_kw;    /* this keyword's undo fails */
};

static int record_undo(void *ctx, const char *kw, char *args, char *err, size_t errlen)
{
	struct undone *u = ctx;

	assert_true(u->n < 16);
	snprintf(u->entry[u->n++], sizeof(u->entry[0]), "%s %s", kw, args);
	if (u->fail_kw && !strcmp(kw, u->fail_kw)) {
		snprintf(err, errlen, "cannot undo %s", args);
		return -1;
	}
	return 0;
}

static void test_append_writes_whole_lines(void **st)
{
	struct journal j;
	char err[256];

	(void)st;
	journal_init(&j, dir, "host.state");
	assert_false(journal_exists(&j));
	assert_int_equal(journal_create(&j, err, sizeof(err)), 0);
	assert_true(journal_exists(&j));
	assert_int_equal(journal_append(&j, "rule %s %u %u", "192.0.2.1", 4342u, 4342u), 0);
	assert_int_equal(journal_append(&j, "mtu lmn0 1464"), 0);
	journal_close(&j);
	assert_string_equal(read_file("host.state"), "rule 192.0.2.1 4342 4342\nmtu lmn0 1464\n");
	/* One there already is an earlier run's: never appended to blindly. */
	assert_int_equal(journal_create(&j, err, sizeof(err)), -1);
	assert_int_equal(errno, EEXIST);
	/* Reopened, it takes more. */
	assert_int_equal(journal_open(&j, err, sizeof(err)), 0);
	assert_int_equal(journal_append(&j, "x y"), 0);
	journal_close(&j);
	assert_string_equal(read_file("host.state"),
			    "rule 192.0.2.1 4342 4342\nmtu lmn0 1464\nx y\n");
}

static void test_replay_backwards_then_gone(void **st)
{
	struct undone u = { 0 };
	struct journal j;
	char err[256];

	(void)st;
	write_file("host.state", "first 1\nsecond 2 two\nthird 3\n");
	journal_init(&j, dir, "host.state");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n, 3);
	assert_string_equal(u.entry[0], "third 3");
	assert_string_equal(u.entry[1], "second 2 two");
	assert_string_equal(u.entry[2], "first 1");
	assert_false(journal_exists(&j));
	/* Nothing to replay: done. */
	u.n = 0;
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n, 0);
}

/* A crash while an entry was written: its change was never made. */
static void test_torn_last_line_ignored(void **st)
{
	struct undone u = { 0 };
	struct journal j;
	char err[256];

	(void)st;
	write_file("pxtr.state", "first 1\nsecond 2\nthird 3 half-writ");
	journal_init(&j, dir, "pxtr.state");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.entry[0], "second 2");
	assert_string_equal(u.entry[1], "first 1");
}

/* Every entry is tried; the first failure is the one reported, and the
 * journal goes anyway (another attempt would meet the same errors). */
static void test_replay_tries_every_entry(void **st)
{
	struct undone u = { .fail_kw = "bad" };
	struct journal j;
	char err[256] = "";

	(void)st;
	write_file("host.state", "ok 1\nbad early\nbad late\nok 2\n");
	journal_init(&j, dir, "host.state");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), -1);
	assert_int_equal(u.n, 4);
	assert_string_equal(err, "cannot undo late");
	assert_false(journal_exists(&j));
}

/* host.state as lispd has always written it: the attach's own entries are
 * the journal's (the pin directory, here empty, goes), the rest the
 * role's, last first. */
static void test_replays_a_host_journal_of_earlier_builds(void **st)
{
	struct undone u = { 0 };
	struct journal j;
	char text[2048], pins[128], err[256];
	struct stat sb;

	(void)st;
	snprintf(pins, sizeof(pins), "%s/pins", dir);
	assert_int_equal(mkdir(pins, 0700), 0);
	snprintf(text, sizeof(text),
		 "pindir %s\nnewlink lmnx-nosuch\nclsact physx-nosuch\nattach %s\n"
		 "route 1 4342 0 4 0 2 0 192.0.2.254 0\nrule 192.0.2.1 4342 4342\n"
		 "demote 1 254 0 3 0 2 0 192.0.2.254 100\nroute 1 254 0 4 253 5 0 - 0\n"
		 "mtu lmn0 1464\n", pins, pins);
	write_file("host.state", text);
	journal_init(&j, dir, "host.state");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n, 6);
	assert_string_equal(u.entry[0], "mtu lmn0 1464");
	assert_string_equal(u.entry[1], "route 1 254 0 4 253 5 0 - 0");
	assert_string_equal(u.entry[2], "demote 1 254 0 3 0 2 0 192.0.2.254 100");
	assert_string_equal(u.entry[3], "rule 192.0.2.1 4342 4342");
	assert_string_equal(u.entry[4], "route 1 4342 0 4 0 2 0 192.0.2.254 0");
	snprintf(text, sizeof(text), "attach %s", pins);
	assert_string_equal(u.entry[5], text);
	assert_int_not_equal(stat(pins, &sb), 0);
	assert_false(journal_exists(&j));
}

/* pxtr.state as lispd has always written it: all lines in one write. */
static void test_replays_a_pxtr_journal_of_earlier_builds(void **st)
{
	struct undone u = { 0 };
	struct journal j;
	char err[256];

	(void)st;
	write_file("pxtr.state", "clsact physx-nosuch\nclsact natx-nosuch\n"
		   "attach /sys/fs/bpf/lispd-pxtr-nosuch\n");
	journal_init(&j, dir, "pxtr.state");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n, 1);
	assert_string_equal(u.entry[0], "attach /sys/fs/bpf/lispd-pxtr-nosuch");
}

static bool is_rule_of(const char *entry, const void *ctx)
{
	return !strcmp(entry, ctx);
}

/* Only the first whole entry that matches goes; a torn line stays as it
 * is, for replay to ignore. */
static void test_drop_removes_one_entry(void **st)
{
	struct journal j;

	(void)st;
	write_file("host.state", "rule 192.0.2.1 4342 4342\nmtu lmn0 1464\n"
		   "rule 192.0.2.1 4342 4342\nrule 192.0.2.9 43");
	journal_init(&j, dir, "host.state");
	assert_int_equal(journal_drop(&j, is_rule_of, "rule 192.0.2.1 4342 4342"), 0);
	assert_string_equal(read_file("host.state"),
			    "mtu lmn0 1464\nrule 192.0.2.1 4342 4342\nrule 192.0.2.9 43");
	assert_int_equal(journal_drop(&j, is_rule_of, "rule 192.0.2.9 43"), 0);
	assert_string_equal(read_file("host.state"),
			    "mtu lmn0 1464\nrule 192.0.2.1 4342 4342\nrule 192.0.2.9 43");
	assert_null(read_file("host.state.new"));
}

/* Killed inside a drop, between its copy and the rename: the journal is
 * whole and replays; the copy goes with it, here and with no journal left. */
static void test_replay_removes_a_drop_cut_short(void **st)
{
	struct undone u = { 0 };
	struct journal j;
	char err[256];

	(void)st;
	write_file("host.state", "first 1\nsecond 2\n");
	write_file("host.state.new", "first 1\n");
	journal_init(&j, dir, "host.state");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(u.n, 2);
	assert_null(read_file("host.state"));
	assert_null(read_file("host.state.new"));
	write_file("host.state.new", "first 1\n");
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_null(read_file("host.state.new"));
}

/* ---- the entries of an attach ------------------------------------------------- */

static void test_attach_entries_for_what_is_missing(void **st)
{
	const char *phys[1] = { "physx-nosuch" };
	char pins[128], want[512], err[256];
	struct journal j;

	(void)st;
	snprintf(pins, sizeof(pins), "%s/pins", dir);
	journal_init(&j, dir, "host.state");
	/* Nothing exists: the pin directory and lmn would be ours; no
	 * interface to put a qdisc on. */
	assert_int_equal(journal_create(&j, err, sizeof(err)), 0);
	assert_int_equal(journal_attach(&j, pins, "lmnx-nosuch", phys, 1), 0);
	journal_close(&j);
	snprintf(want, sizeof(want), "pindir %s\nnewlink lmnx-nosuch\nattach %s\n", pins, pins);
	assert_string_equal(read_file("host.state"), want);
	unlink(j.path);
	/* A pin directory already there is the host's: no entry. */
	assert_int_equal(mkdir(pins, 0700), 0);
	assert_int_equal(journal_create(&j, err, sizeof(err)), 0);
	assert_int_equal(journal_attach(&j, pins, "lmnx-nosuch", phys, 1), 0);
	journal_close(&j);
	snprintf(want, sizeof(want), "newlink lmnx-nosuch\nattach %s\n", pins);
	assert_string_equal(read_file("host.state"), want);
	unlink(j.path);
	/* A role without lmn (the PxTR) has none for it. */
	assert_int_equal(journal_create(&j, err, sizeof(err)), 0);
	assert_int_equal(journal_attach(&j, pins, NULL, phys, 1), 0);
	journal_close(&j);
	snprintf(want, sizeof(want), "attach %s\n", pins);
	assert_string_equal(read_file("host.state"), want);
}

/* The loopback exists in every namespace and has no clsact unless someone
 * put one there: one entry for it, however many hooks go on it. */
static void test_attach_entry_for_a_qdisc_once_per_interface(void **st)
{
	const char *devs[3] = { "lo", "physx-nosuch", "lo" };
	char want[512], err[256];
	struct journal j;

	(void)st;
	if (dp_link_has_clsact(1) != 0)
		skip();   /* the host's own clsact on lo: nothing to journal */
	journal_init(&j, dir, "pxtr.state");
	assert_int_equal(journal_create(&j, err, sizeof(err)), 0);
	assert_int_equal(journal_attach(&j, dir, NULL, devs, 3), 0);   /* dir exists */
	journal_close(&j);
	snprintf(want, sizeof(want), "clsact lo\nattach %s\n", dir);
	assert_string_equal(read_file("pxtr.state"), want);
}

static void test_attach_undo_removes_only_an_empty_pin_dir(void **st)
{
	struct undone u = { 0 };
	char pins[128], f[160], text[512], err[256];
	struct journal j;
	struct stat sb;
	FILE *fp;

	(void)st;
	snprintf(pins, sizeof(pins), "%s/pins", dir);
	snprintf(f, sizeof(f), "%s/x", pins);
	snprintf(text, sizeof(text), "pindir %s\nnewlink lmnx-nosuch\nclsact physx-nosuch\n", pins);
	assert_int_equal(mkdir(pins, 0700), 0);
	fp = fopen(f, "w");
	assert_non_null(fp);
	fclose(fp);
	journal_init(&j, dir, "host.state");
	/* Something we do not know of is still pinned there: kept. */
	write_file("host.state", text);
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_equal(stat(pins, &sb), 0);
	unlink(f);
	write_file("host.state", text);
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	assert_int_not_equal(stat(pins, &sb), 0);
	/* Gone already is done, and a replay runs twice without harm. */
	write_file("host.state", text);
	assert_int_equal(journal_replay(&j, record_undo, &u, err, sizeof(err)), 0);
	/* None of them reached the role. */
	assert_int_equal(u.n, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, mkdir_tmp, rm_tmp)
	const struct CMUnitTest tests[] = {
		T(test_append_writes_whole_lines),
		T(test_replay_backwards_then_gone),
		T(test_torn_last_line_ignored),
		T(test_replay_tries_every_entry),
		T(test_replays_a_host_journal_of_earlier_builds),
		T(test_replays_a_pxtr_journal_of_earlier_builds),
		T(test_drop_removes_one_entry),
		T(test_replay_removes_a_drop_cut_short),
		T(test_attach_entries_for_what_is_missing),
		T(test_attach_entry_for_a_qdisc_once_per_interface),
		T(test_attach_undo_removes_only_an_empty_pin_dir),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
