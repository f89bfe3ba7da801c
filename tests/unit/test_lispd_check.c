/* `lispd -t` (check the configuration, change nothing) on the sample files
 * of every operating-mode: valid files pass, -d says what they hold, and
 * what the file asks for and lispd does not do yet is said on stderr (the
 * notes of NAT traversal). Needs the lispd
 * binary of $BUILD (skipped without it: `make check-unit` builds tests
 * only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char lispd[4096];

static int find_lispd(void **state)
{
	const char *build = getenv("BUILD");

	(void)state;
	snprintf(lispd, sizeof(lispd), "%s/lispd", build && *build ? build : "build");
	return 0;
}

/* Runs lispd with args on a sample file (relative to the source tree);
 * returns its exit status, its stdout and stderr together in out. */
static int run_check(const char *args, const char *rel, char *out, size_t len)
{
	const char *dir = getenv("LISPD_SRCDIR");
	char cmd[8192];
	size_t n = 0;
	FILE *p;
	int st;

	if (access(lispd, X_OK) != 0)
		skip();
	snprintf(cmd, sizeof(cmd), "'%s' %s -f '%s/%s' 2>&1", lispd, args,
		 dir && *dir ? dir : ".", rel);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < len) {
		size_t r = fread(out + n, 1, len - 1 - n, p);

		if (r == 0)
			break;
		n += r;
	}
	out[n] = '\0';
	st = pclose(p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void assert_has(const char *out, const char *want)
{
	if (!strstr(out, want))
		fail_msg("output lacks '%s':\n%s", want, out);
}

static void test_rtr(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(run_check("-t -d", "tests/config/oor-1.3-rtr.conf", out, sizeof(out)), 0);
	assert_has(out, "oor-1.3-rtr.conf: operating-mode RTR: 2 rtr-iface(s), 2 rtr-ms-node(s), "
			"1 map-resolver(s), 1 static-map-cache entry");
	/* lispd runs it: no note says otherwise. */
	assert_null(strstr(out, "not served"));
	assert_has(out, "oor-1.3-rtr.conf: configuration OK");
	/* Its keys are never shown. */
	assert_null(strstr(out, "doc-only-rtr-ms-key"));
}

static void test_ms_with_rtrs(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(run_check("-t -d", "tests/config/oor-1.3-ms-rtr.conf", out, sizeof(out)),
			 0);
	assert_has(out, "oor-1.3-ms-rtr.conf: 2 ms-rtr-node(s), 2 ms-rtrs-set(s), advertised: both");
	assert_null(strstr(out, "not implemented"));
	assert_has(out, "configuration OK");
	assert_null(strstr(out, "not served"));
	assert_null(strstr(out, "doc-only-rtr-key"));
}

static void test_mn_with_nat(void **state)
{
	char out[4096];

	(void)state;
	assert_int_equal(run_check("-t -d", "tests/config/oor-1.3-mn-nat.conf", out, sizeof(out)),
			 0);
	assert_has(out, "oor-1.3-mn-nat.conf: NAT traversal on (keepalive every 20 s)");
	assert_has(out, "oor-1.3-mn-nat.conf:8: nat_traversal_support: NAT traversal is not "
			"implemented yet");
	assert_has(out, "configuration OK");
	/* Without -d the note is still said, the description is not. */
	assert_int_equal(run_check("-t", "tests/config/oor-1.3-mn-nat.conf", out, sizeof(out)), 0);
	assert_has(out, "nat_traversal_support: NAT traversal is not implemented yet");
	assert_null(strstr(out, "keepalive every"));
}

/* Files of what lispd runs say nothing more than before. */
static void test_quiet_when_nothing_to_say(void **state)
{
	static const char *const files[] = { "tests/config/oor-1.3.conf",
					     "tests/config/lispmob-0.4.conf",
					     "tests/config/oor-1.3-ms.conf", "tests/config/pxtr.conf" };
	char out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		assert_int_equal(run_check("-t", files[i], out, sizeof(out)), 0);
		assert_has(out, "configuration OK");
		if (strchr(out, '\n') != strrchr(out, '\n'))
			fail_msg("%s: more than one line:\n%s", files[i], out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtr),
		cmocka_unit_test(test_ms_with_rtrs),
		cmocka_unit_test(test_mn_with_nat),
		cmocka_unit_test(test_quiet_when_nothing_to_say),
	};

	return cmocka_run_group_tests(tests, find_lispd, NULL);
}
