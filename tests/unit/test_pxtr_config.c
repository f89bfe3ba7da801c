/* lispd.conf for operating-mode = PxTR: the sample file lands in the right
 * values, and every bad input is refused naming file:line and key; the keys
 * of the other roles are refused in a PxTR file and the pxtr section in
 * theirs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "../common/testutil.h"

#define PX "operating-mode = PxTR\n"
#define MR "map-resolver = { 192.0.2.100 }\n"
#define SEC_OPEN "pxtr {\n rloc-iface = eth0\n native-iface = eth1\n"
#define SEC_BODY " rloc-address = { 192.0.2.1 }\n eid-space = { 198.18.0.0/15 }\n"
#define SEC SEC_OPEN SEC_BODY "}\n"

static int line_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	int line = 1;

	if (!p)
		fail_msg("'%s' not in the test text", needle);
	for (const char *c = text; c < p; c++)
		line += *c == '\n';
	return line;
}

/* marker: text on the line the error must name; NULL: no line. */
static void expect_fail(const char *text, const char *marker, const char *want)
{
	struct lispd_config c;
	char err[512], prefix[64];

	memset(&c, 0xa5, sizeof(c));
	if (lispd_config_load_string(text, "px.conf", &c, err, sizeof(err)) != -1)
		fail_msg("accepted, want an error with '%s'", want);
	if (marker)
		snprintf(prefix, sizeof(prefix), "px.conf:%d: ", line_of(text, marker));
	else
		snprintf(prefix, sizeof(prefix), "px.conf: ");
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
		fail_msg("error '%s'; want it to start with '%s' and contain '%s'", err, prefix,
			 want);
	/* Nothing to free after a failure. */
	assert_null(c.statics);
	assert_int_equal(c.pxtr.n_eid_space, 0);
}

static void load_ok(const char *text, struct lispd_config *c)
{
	char err[512];

	if (lispd_config_load_string(text, "px.conf", c, err, sizeof(err)))
		fail_msg("refused: %s", err);
}

static void test_sample(void **state)
{
	const char *dir = getenv("LISPD_SRCDIR");
	char path[4096], err[512];
	struct lispd_config c;
	struct lisp_prefix p;
	struct lisp_addr a;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/config/pxtr.conf", dir && *dir ? dir : ".");
	if (lispd_config_load_file(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.mode, LISPD_MODE_PXTR);
	assert_int_equal(c.debug, 1);
	assert_int_equal(c.map_request_retries, 2);
	assert_int_equal(c.n_map_resolvers, 2);
	a = tu_addr("2001:db8::100");
	assert_true(lisp_ip_equal(&c.map_resolvers[1], &a.ip));
	assert_string_equal(c.pxtr.rloc_iface, "eth0");
	assert_string_equal(c.pxtr.native_iface, "eth1");
	assert_int_equal(c.pxtr.iid, 0);
	assert_int_equal(c.pxtr.n_rlocs, 2);
	a = tu_addr("192.0.2.1");
	assert_true(lisp_ip_equal(&c.pxtr.rlocs[0], &a.ip));
	a = tu_addr("2001:db8::1");
	assert_true(lisp_ip_equal(&c.pxtr.rlocs[1], &a.ip));
	assert_int_equal(c.pxtr.n_eid_space, 2);
	p = tu_prefix("198.18.0.0/15");
	tu_assert_prefix_equal(&c.pxtr.eid_space[0], &p);
	p = tu_prefix("2001:db8:e1d::/48");
	tu_assert_prefix_equal(&c.pxtr.eid_space[1], &p);
	assert_int_equal(c.n_statics, 1);
	p = tu_prefix("198.18.0.1/32");
	tu_assert_prefix_equal(&c.statics[0].eid, &p);
	assert_int_equal(c.statics[0].n_rlocs, 1);
	assert_int_equal(c.n_mappings, 0);
	assert_int_equal(c.n_sites, 0);
	lispd_config_free(&c);
}

/* The iid puts every eid-space prefix into that instance; static entries
 * must be in it too. Static entries alone (no resolver) are enough. */
static void test_iid_and_statics(void **state)
{
	struct lispd_config c;
	struct lisp_prefix p;

	(void)state;
	load_ok(PX SEC_OPEN SEC_BODY " iid = 7\n}\n"
		"static-map-cache {\n eid-prefix = [7]198.18.0.1/32\n"
		" rloc-address {\n  address = 198.51.100.10\n }\n}\n", &c);
	assert_int_equal(c.pxtr.iid, 7);
	p = tu_prefix("[7]198.18.0.0/15");
	tu_assert_prefix_equal(&c.pxtr.eid_space[0], &p);
	assert_int_equal(c.n_map_resolvers, 0);
	lispd_config_free(&c);
	expect_fail(PX SEC_OPEN SEC_BODY " iid = 7\n}\n"
		    "static-map-cache {\n eid-prefix = 198.18.0.1/32\n"
		    " rloc-address {\n  address = 198.51.100.10\n }\n}\n",
		    "eid-prefix = 198.18.0.1/32", "instance-id 0 is not the pxtr iid 7");
	expect_fail(PX MR SEC_OPEN SEC_BODY " iid = 16777216\n}\n", "iid = 1", "iid");
}

static void test_missing(void **state)
{
	(void)state;
	expect_fail(PX MR, NULL, "no pxtr section");
	expect_fail(PX SEC, NULL, "no map-resolver and no static-map-cache");
	expect_fail(PX MR "pxtr {\n native-iface = eth1\n" SEC_BODY "}\n", "native-iface",
		    "missing rloc-iface");
	expect_fail(PX MR "pxtr {\n rloc-iface = eth0\n" SEC_BODY "}\n", "rloc-iface",
		    "missing native-iface");
	expect_fail(PX MR SEC_OPEN " eid-space = { 198.18.0.0/15 }\n}\n", "rloc-iface",
		    "missing rloc-address");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1 }\n}\n", "rloc-iface",
		    "missing eid-space");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_fail(PX MR "pxtr {\n rloc-iface = eth0\n native-iface = eth0\n" SEC_BODY "}\n",
		    "native-iface", "native-iface eth0 is also the rloc-iface");
	expect_fail(PX MR "pxtr {\n rloc-iface = \"a/b\"\n native-iface = eth1\n" SEC_BODY "}\n",
		    "a/b", "rloc-iface 'a/b' is not a valid interface name");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1, 192.0.2.2 }\n"
		    " eid-space = { 198.18.0.0/15 }\n}\n", "192.0.2.2",
		    "two addresses of the same family");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1, 2001:db8::1, 192.0.2.3 }\n"
		    " eid-space = { 198.18.0.0/15 }\n}\n", "192.0.2.3",
		    "more than 2 rloc-address");
	expect_fail(PX MR SEC_OPEN " rloc-address = { px.example.net }\n"
		    " eid-space = { 198.18.0.0/15 }\n}\n", "px.example",
		    "FQDNs are not supported yet");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1 }\n"
		    " eid-space = { 198.18.0.1/15 }\n}\n", "198.18.0.1/15",
		    "eid-space 198.18.0.1/15 has host bits set");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1 }\n"
		    " eid-space = { 198.18.0.0/33 }\n}\n", "198.18.0.0/33",
		    "eid-space '198.18.0.0/33' is not an IP prefix");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1 }\n"
		    " eid-space = { eids }\n}\n", "eids", "is not an IP prefix");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1 }\n"
		    " eid-space = { [5]198.18.0.0/15 }\n}\n", "[5]", "write the instance-id as iid");
	expect_fail(PX MR SEC_OPEN " rloc-address = { 192.0.2.1 }\n"
		    " eid-space = { 198.18.0.0/15,\n 198.18.0.0/15 }\n}\n", " 198.18.0.0/15 }",
		    "eid-space lists 198.18.0.0/15 twice");
	expect_fail(PX MR SEC_OPEN SEC_BODY " eid-prefix = 198.18.0.0/15\n}\n", "eid-prefix",
		    "unknown option 'eid-prefix'");
	expect_fail(PX MR SEC "pxtr {\n rloc-iface = eth9\n native-iface = eth1\n" SEC_BODY "}\n",
		    "eth9", "pxtr section given twice (first on line 4)");
}

/* A PxTR file names PxTR and shared options only; the pxtr section is an
 * error in the other roles' files. */
static void test_role_keys(void **state)
{
	(void)state;
	expect_fail(PX MR SEC "map-server {\n address = 192.0.2.2\n key = k\n}\n", "address = 192.0.2.2",
		    "map-server is a mobile-node option, not used with operating-mode = PxTR");
	expect_fail(PX MR SEC "database-mapping {\n eid-prefix = 198.18.0.10/32\n interface = eth0\n}\n",
		    "eid-prefix = 198.18.0.10", "database-mapping is a mobile-node option");
	expect_fail(PX MR SEC "proxy-itrs = { 192.0.2.7 }\n", "proxy-itrs",
		    "proxy-itrs is a mobile-node option");
	expect_fail(PX MR SEC "proxy-etr {\n address = 192.0.2.5\n}\n", "address = 192.0.2.5",
		    "proxy-etr is a mobile-node option");
	expect_fail(PX MR SEC "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = k\n}\n",
		    "eid-prefix = 198.18.1.0", "lisp-site is a Map-Server option");
	expect_fail(PX MR SEC "control-iface = eth0\n", "control-iface",
		    "control-iface is a Map-Server option");
	/* The pxtr section elsewhere. */
	expect_fail("operating-mode = MS\nlisp-site {\n eid-prefix = 198.18.1.0/24\n key = k\n}\n" SEC,
		    "rloc-iface", "pxtr is a PxTR option: it needs operating-mode = PxTR");
	expect_fail(MR SEC, "rloc-iface", "pxtr is a PxTR option");
	/* The mode word is case-insensitive, as the others. */
	struct lispd_config c;

	load_ok("operating-mode = pxtr\n" MR SEC, &c);
	assert_int_equal(c.mode, LISPD_MODE_PXTR);
	lispd_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_iid_and_statics),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_role_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
