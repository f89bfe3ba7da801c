/* lispd.conf for operating-mode = MS: the shipped sample lands in the right
 * values, and every bad input is refused naming file:line and key, with the
 * keys of the mobile-node role refused in an MS file and vice versa. */
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

#define KEY "s3cr3t-Doc-Key"
#define MS "operating-mode = MS\n"
#define SITE "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = \"" KEY "\"\n}\n"

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

static void expect_fail(const char *text, const char *marker, const char *want)
{
	struct lispd_config c;
	char err[512], prefix[64];

	memset(&c, 0xa5, sizeof(c));
	if (lispd_config_load_string(text, "ms.conf", &c, err, sizeof(err)) != -1)
		fail_msg("accepted, want an error with '%s'", want);
	if (marker)
		snprintf(prefix, sizeof(prefix), "ms.conf:%d: ", line_of(text, marker));
	else
		snprintf(prefix, sizeof(prefix), "ms.conf: ");
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
		fail_msg("error '%s'; want it to start with '%s' and contain '%s'", err, prefix,
			 want);
	if (strstr(err, KEY))
		fail_msg("the key leaked into '%s'", err);
	assert_int_equal(c.n_sites, 0);
	assert_null(c.sites);
	assert_null(c.static_sites);
}

static void test_sample(void **state)
{
	const char *dir = getenv("LISPD_SRCDIR");
	char path[4096], err[512];
	struct lispd_config c;
	struct lisp_prefix p;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/config/oor-1.3-ms.conf", dir && *dir ? dir : ".");
	if (lispd_config_load_file(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.mode, LISPD_MODE_MS);
	assert_int_equal(c.debug, 1);
	assert_string_equal(c.control_iface, "eth0");
	assert_int_equal(c.n_sites, 3);
	p = tu_prefix("198.18.1.0/24");
	tu_assert_prefix_equal(&c.sites[0].eid, &p);
	assert_int_equal(c.sites[0].key_type, 1);
	assert_int_equal(c.sites[0].key_len, strlen("doc-only-site-key"));
	assert_memory_equal(c.sites[0].key, "doc-only-site-key", c.sites[0].key_len);
	assert_false(c.sites[0].accept_more_specifics);
	assert_false(c.sites[0].proxy_reply);
	assert_int_equal(c.sites[1].key_type, 2);
	assert_true(c.sites[1].accept_more_specifics);
	assert_true(c.sites[1].proxy_reply);
	p = tu_prefix("[7]2001:db8:e1d::/48");
	tu_assert_prefix_equal(&c.sites[2].eid, &p);
	assert_int_equal(c.n_static_sites, 1);
	p = tu_prefix("198.18.9.0/24");
	tu_assert_prefix_equal(&c.static_sites[0].eid, &p);
	assert_int_equal(c.static_sites[0].n_rlocs, 2);
	assert_int_equal(c.static_sites[0].rlocs[1].priority, 2);
	assert_int_equal(c.static_sites[0].rlocs[1].weight, 50);
	/* Nothing of the mobile-node role. */
	assert_int_equal(c.n_map_servers, 0);
	assert_int_equal(c.n_mappings, 0);
	lispd_config_free(&c);
}

static void test_defaults_and_forms(void **state)
{
	struct lispd_config c;
	char err[256];

	(void)state;
	assert_int_equal(lispd_config_load_string("Operating-Mode = ms\n" SITE, "x", &c, err,
						  sizeof(err)),
			 0);
	assert_int_equal(c.mode, LISPD_MODE_MS);
	assert_int_equal(c.sites[0].key_type, 1);  /* OOR's default */
	assert_false(c.sites[0].accept_more_specifics);
	assert_false(c.sites[0].proxy_reply);
	assert_string_equal(c.control_iface, "");
	lispd_config_free(&c);
	/* Only static sites is a valid Map-Server too. */
	assert_int_equal(lispd_config_load_string(MS "ms-static-registered-site {\n"
						     " eid-prefix = 198.18.9.0/24\n"
						     " rloc-address {\n  address = 192.0.2.9\n }\n}\n",
						  "x", &c, err, sizeof(err)),
			 0);
	assert_int_equal(c.n_sites, 0);
	assert_int_equal(c.n_static_sites, 1);
	assert_int_equal(c.static_sites[0].rlocs[0].priority, 1);
	assert_int_equal(c.static_sites[0].rlocs[0].weight, 100);
	lispd_config_free(&c);
}

/* n lisp-sites, one /32 and one key each, as a map-server of n mobile
 * nodes has them; site i is 198.18.0.0 + i. */
static char *sites_text(unsigned n)
{
	size_t cap = 64 + (size_t)n * 96, len;
	char *t = malloc(cap);

	assert_non_null(t);
	len = (size_t)snprintf(t, cap, MS);
	for (unsigned i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len,
					"lisp-site {\n eid-prefix = 198.%u.%u.%u/32\n key-type = 2\n"
					" key = \"mn-%05u-key\"\n}\n",
					18 + (i >> 16), (i >> 8) & 0xff, i & 0xff, i);
	assert_true(len < cap);
	return t;
}

/* The most lisp-sites one file may hold fit within the file size limit
 * (they once did not: 1 MiB held about 10000 sites of the 16384 allowed),
 * and every one of them is loaded; one more is refused at its section. */
static void test_site_count(void **state)
{
	struct lispd_config c;
	struct lisp_prefix p;
	char err[256];
	char *t;

	(void)state;
	t = sites_text(LISPD_CFG_MAX_SITES);
	assert_true(strlen(t) <= LISPD_CFG_MAX_FILE_SIZE);
	if (lispd_config_load_string(t, "x", &c, err, sizeof(err)) != 0)
		fail_msg("%u sites refused: %s", LISPD_CFG_MAX_SITES, err);
	assert_int_equal(c.n_sites, LISPD_CFG_MAX_SITES);
	p = tu_prefix("198.18.255.255/32");
	tu_assert_prefix_equal(&c.sites[LISPD_CFG_MAX_SITES - 1].eid, &p);
	assert_int_equal(c.sites[LISPD_CFG_MAX_SITES - 1].key_len, strlen("mn-65535-key"));
	assert_memory_equal(c.sites[LISPD_CFG_MAX_SITES - 1].key, "mn-65535-key",
			    strlen("mn-65535-key"));
	lispd_config_free(&c);
	free(t);
	t = sites_text(LISPD_CFG_MAX_SITES + 1);
	expect_fail(t, "198.19.0.0/32", "more than 65536 lisp-site sections");
	free(t);
}

/* ms-limits: defaults without the section, each key read, bad values
 * refused naming the key, and the section refused outside an MS. */
static void test_limits(void **state)
{
	struct lispd_config c;
	char err[256];

	(void)state;
	assert_int_equal(lispd_config_load_string(MS SITE, "x", &c, err, sizeof(err)), 0);
	assert_int_equal(c.ms_limits.request_rate, 100);
	assert_int_equal(c.ms_limits.request_burst, 200);
	assert_int_equal(c.ms_limits.request_rate_total, 10000);
	assert_int_equal(c.ms_limits.more_specifics, 1024);
	assert_int_equal(c.ms_limits.registrations, 100000);
	lispd_config_free(&c);
	assert_int_equal(lispd_config_load_string(MS SITE "ms-limits {\n"
						     " map-request-rate = 5\n"
						     " map-request-burst = 7\n"
						     " map-request-rate-total = 50\n"
						     " more-specifics-per-site = 0\n"
						     " registrations-max = 9\n}\n",
						  "x", &c, err, sizeof(err)),
			 0);
	assert_int_equal(c.ms_limits.request_rate, 5);
	assert_int_equal(c.ms_limits.request_burst, 7);
	assert_int_equal(c.ms_limits.request_rate_total, 50);
	assert_int_equal(c.ms_limits.more_specifics, 0);
	assert_int_equal(c.ms_limits.registrations, 9);
	lispd_config_free(&c);
	expect_fail(MS SITE "ms-limits {\n map-request-rate = 0\n}\n", "map-request-rate",
		    "ms-limits: map-request-rate 0 is not in 1..1000000");
	expect_fail(MS SITE "ms-limits {\n map-request-burst = fast\n}\n", "map-request-burst",
		    "map-request-burst 'fast' is not a number");
	expect_fail(MS SITE "ms-limits {\n map-request-rate = 200\n map-request-rate-total = 100\n}\n",
		    "map-request-rate = 200",
		    "map-request-rate 200 is above map-request-rate-total 100");
	expect_fail(MS SITE "ms-limits {\n registrations = 5\n}\n", "registrations",
		    "unknown option 'registrations'");
	expect_fail(MS SITE "ms-limits {\n}\nms-limits {\n map-request-rate = 1\n}\n",
		    "map-request-rate = 1", "ms-limits section given twice");
	expect_fail("map-server {\n address = 192.0.2.2\n key = k\n}\n"
		    "database-mapping {\n eid-prefix = 198.18.0.10/32\n interface = eth0\n}\n"
		    "ms-limits {\n registrations-max = 5\n}\n",
		    "registrations-max", "ms-limits is a Map-Server option");
}

static void test_role_keys(void **state)
{
	(void)state;
	expect_fail(MS SITE "map-resolver = { 192.0.2.1 }\n", "map-resolver",
		    "map-resolver is a mobile-node option");
	expect_fail(MS SITE "map-server {\n address = 192.0.2.2\n key = k\n}\n", "address",
		    "map-server is a mobile-node option");
	expect_fail(MS SITE "database-mapping {\n eid-prefix = 198.18.0.10/32\n interface = eth0\n}\n",
		    "eid-prefix = 198.18.0.10", "database-mapping is a mobile-node option");
	expect_fail(MS SITE "map-request-retries = 2\n", "map-request-retries",
		    "map-request-retries is a mobile-node option");
	expect_fail(MS SITE "decap-source-check = on\n", "decap-source-check",
		    "decap-source-check is a mobile-node option");
	expect_fail(MS SITE "proxy-etr-ipv4 {\n address = 192.0.2.5\n}\n", "address",
		    "proxy-etr-ipv4 is a mobile-node option");
	/* The role keys are refused wherever operating-mode stands. */
	expect_fail(SITE MS "map-resolver = { 192.0.2.1 }\n", "map-resolver",
		    "mobile-node option");
	expect_fail("map-server {\n address = 192.0.2.2\n key = k\n}\n"
		    "database-mapping {\n eid-prefix = 198.18.0.10/32\n interface = eth0\n}\n"
		    "ms-static-registered-site {\n eid-prefix = 198.18.9.0/24\n}\n",
		    "eid-prefix = 198.18.9", "ms-static-registered-site is a Map-Server option");
}

static void test_bad_sites(void **state)
{
	(void)state;
	expect_fail(MS, NULL, "no lisp-site or ms-static-registered-site");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.0/24\n}\n", "eid-prefix",
		    "lisp-site: missing key");
	expect_fail(MS "lisp-site {\n key = \"" KEY "\"\n}\n", "key", "lisp-site: missing eid-prefix");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.0/24\n key-type = 3\n key = \"" KEY
		       "\"\n}\n",
		    "key-type", "key-type 3 is not 1 or 2");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = \"\"\n}\n", "key =",
		    "key is empty");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.1/24\n key = \"" KEY "\"\n}\n",
		    "eid-prefix", "host bits set");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = \"" KEY
		       "\"\n accept-more-specifics = maybe\n}\n",
		    "accept-more-specifics", "accept-more-specifics 'maybe' is not on or off");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = \"" KEY
		       "\"\n proxy-reply = 2\n}\n",
		    "proxy-reply", "proxy-reply '2' is not on or off");
	expect_fail(MS "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = \"" KEY
		       "\"\n weight = 2\n}\n",
		    "weight", "unknown option 'weight'");
	expect_fail(MS SITE "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = other\n}\n",
		    "198.18.1.0/24\n key = other",
		    "eid-prefix 198.18.1.0/24 is given twice (first on line 3");
	expect_fail(MS SITE "ms-static-registered-site {\n eid-prefix = 198.18.1.0/24\n"
		       " rloc-address {\n  address = 192.0.2.9\n }\n}\n",
		    "198.18.1.0/24\n rloc-address", "is given twice (first on line 3, lisp-site)");
	expect_fail(MS "ms-static-registered-site {\n eid-prefix = 198.18.9.0/24\n}\n",
		    "eid-prefix", "no RLOC");
	expect_fail(MS SITE "control-iface = bad/name\n", "control-iface",
		    "control-iface 'bad/name' is not a valid interface name");
	expect_fail(MS SITE "control-iface = eth0\ncontrol-iface = eth1\n", "control-iface = eth1",
		    "control-iface given twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_defaults_and_forms),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_site_count),
		cmocka_unit_test(test_role_keys),
		cmocka_unit_test(test_bad_sites),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
