/* lispd.conf's NAT-traversal keys outside the RTR role: a mobile node's
 * (OOR's nat_traversal_support, LISPmob 0.4's nat-traversal section, our
 * nat-keepalive-interval) and a Map-Server's RTRs (ms-rtr-node,
 * ms-rtrs-set, ms-advertised-rtrs-set). Valid files load with the values
 * (a mobile node's with the note that it does no NAT traversal yet); bad
 * ones are refused naming file:line and key, never showing a key's value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "../common/cfgtest.h"
#include "../common/testutil.h"

#define KEY "s3cr3t-Nat-Key"
/* A valid mobile-node file. */
#define MN                                     \
	"map-server {\n"                       \
	"    address = 192.0.2.2\n"            \
	"    key = \"" KEY "\"\n"              \
	"}\n"                                  \
	"database-mapping {\n"                 \
	"    eid-prefix = 198.18.0.10/32\n"    \
	"    interface = eth0\n"               \
	"}\n"
#define MS "operating-mode = MS\nlisp-site {\n eid-prefix = 198.18.1.0/24\n key = \"" KEY "\"\n}\n"
#define NODE(name, addr) \
	"ms-rtr-node {\n name = " name "\n address = " addr "\n key = \"" KEY "\"\n}\n"
#define LISPMOB_IDS " site_ID = 0011223344556677\n xTR_ID = 00112233445566778899AabbCcddEeff\n"

static void expect_fail_nth(const char *text, const char *marker, int nth, const char *want)
{
	struct lispd_config c;

	tu_config_refused(text, "nat.conf", marker, nth, want, KEY, &c);
	/* Nothing to free after a failure. */
	assert_int_equal(c.n_ms_rtrs, 0);
	assert_int_equal(c.n_notes, 0);
	assert_false(c.nat.enabled);
}

static void expect_fail(const char *text, const char *marker, const char *want)
{
	expect_fail_nth(text, marker, 1, want);
}

static void load_ok(const char *text, struct lispd_config *c)
{
	tu_config_load(text, "nat.conf", c);
}

static const char *srcdir(void)
{
	const char *d = getenv("LISPD_SRCDIR");

	return d && *d ? d : ".";
}

/* The note names the file, the line and the key, and says what lispd
 * does instead. */
static void assert_note(const struct lispd_config *c, unsigned i, const char *name, int line,
			const char *key)
{
	char prefix[4200];

	assert_true(i < c->n_notes);
	snprintf(prefix, sizeof(prefix), "%s:%d: %s: NAT traversal is not implemented yet", name,
		 line, key);
	if (strncmp(c->notes[i], prefix, strlen(prefix)) != 0)
		fail_msg("note '%s'; want it to start with '%s'", c->notes[i], prefix);
}

/* ---- mobile node ------------------------------------------------------ */

static void test_mn_sample(void **state)
{
	char path[4096], err[512];
	struct lispd_config c;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/config/oor-1.3-mn-nat.conf", srcdir());
	if (lispd_config_load_file(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.mode, LISPD_MODE_MN);
	assert_true(c.nat.enabled);
	assert_int_equal(c.nat.keepalive_s, LISPD_CFG_DEFAULT_NAT_KEEPALIVE);
	assert_int_equal(c.n_notes, 1);
	assert_note(&c, 0, path, tu_file_line_of(path, "nat_traversal_support", 1),
		    "nat_traversal_support");
	assert_non_null(strstr(c.notes[0], "leaves that address out of its registration "
					   "(\"not reachable: behind NAT\")"));
	lispd_config_free(&c);
}

static void test_mn_forms(void **state)
{
	static const uint8_t site[8] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77 };
	static const uint8_t xtr[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const char lispmob_on[] = MN "nat-traversal {\n nat_aware = on\n" LISPMOB_IDS "}\n";
	struct lispd_config c;

	(void)state;
	/* Off, absent or spelled out: nothing noted. */
	load_ok(MN, &c);
	assert_false(c.nat.enabled);
	assert_int_equal(c.nat.keepalive_s, 20);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
	load_ok(MN "nat_traversal_support = false\n", &c);
	assert_false(c.nat.enabled);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);

	load_ok(MN "NAT_Traversal_Support = yes\nnat-keepalive-interval = 15\n", &c);
	assert_true(c.nat.enabled);
	assert_int_equal(c.nat.keepalive_s, 15);
	assert_note(&c, 0, "nat.conf", tu_line_of(MN "NAT_", "NAT_", 1), "nat_traversal_support");
	lispd_config_free(&c);

	/* LISPmob 0.4: its identifiers are kept, its key is named. */
	load_ok(lispmob_on, &c);
	assert_true(c.nat.enabled);
	assert_true(c.nat.has_site_id);
	assert_memory_equal(c.nat.site_id, site, sizeof(site));
	assert_true(c.nat.has_xtr_id);
	assert_memory_equal(c.nat.xtr_id, xtr, sizeof(xtr));
	assert_note(&c, 0, "nat.conf", tu_line_of(lispmob_on, "nat_aware", 1), "nat_aware");
	lispd_config_free(&c);
	load_ok(MN "nat-traversal {\n nat_aware = off\n" LISPMOB_IDS "}\n", &c);
	assert_false(c.nat.enabled);
	assert_true(c.nat.has_xtr_id);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
	load_ok(MN "nat-traversal {\n nat_aware = on\n}\nnat-keepalive-interval = 3600\n", &c);
	assert_true(c.nat.enabled);
	assert_false(c.nat.has_site_id);
	assert_false(c.nat.has_xtr_id);
	assert_int_equal(c.nat.keepalive_s, 3600);
	lispd_config_free(&c);
}

static void test_mn_bad(void **state)
{
	(void)state;
	expect_fail(MN "nat_traversal_support = maybe\n", "nat_traversal",
		    "nat_traversal_support 'maybe' is not on or off");
	expect_fail(MN "nat_traversal_support = on\nnat_traversal_support = off\n",
		    "nat_traversal_support = off", "nat_traversal_support given twice");
	expect_fail(MN "nat_traversal_support = on\nnat-keepalive-interval = 0\n", "keepalive",
		    "nat-keepalive-interval 0 is not in 1..3600");
	expect_fail(MN "nat_traversal_support = on\nnat-keepalive-interval = 3601\n", "keepalive",
		    "nat-keepalive-interval 3601 is not in 1..3600");
	expect_fail(MN "nat_traversal_support = on\nnat-keepalive-interval = 20s\n", "keepalive",
		    "nat-keepalive-interval '20s' is not a number");
	/* A keepalive of a NAT traversal that is off would do nothing. */
	expect_fail(MN "nat-keepalive-interval = 20\n", "keepalive",
		    "nat-keepalive-interval needs nat_traversal_support = on");
	expect_fail(MN "nat_traversal_support = off\nnat-keepalive-interval = 20\n", "keepalive",
		    "needs nat_traversal_support = on");
	expect_fail(MN "nat-traversal {\n nat_aware = off\n}\nnat-keepalive-interval = 20\n",
		    "keepalive", "nat-keepalive-interval needs nat_aware = on");
	expect_fail(MN "nat-traversal {\n nat_aware = on\n}\nnat_traversal_support = on\n",
		    "nat_traversal_support", "cannot be mixed with the nat-traversal section");
	expect_fail(MN "nat-traversal {\n nat_aware = 1\n}\n", "nat_aware",
		    "nat-traversal: nat_aware '1' is not on or off");
	expect_fail(MN "nat-traversal {\n nat_aware = on\n site_ID = 12345\n}\n", "site_ID",
		    "nat-traversal: site_ID '12345' is not 16 hexadecimal digits");
	expect_fail(MN "nat-traversal {\n nat_aware = off\n xTR_ID = 00112233445566778899aabbccddeefg\n}\n",
		    "xTR_ID", "xTR_ID '00112233445566778899aabbccddeefg' is not 32 hexadecimal");
	expect_fail(MN "nat-traversal {\n nat_aware = off\n xtr-id = 00\n}\n", "xtr-id",
		    "unknown option 'xtr-id'");
	expect_fail_nth(MN "nat-traversal {\n nat_aware = on\n}\nnat-traversal {\n nat_aware = on\n}\n",
			"nat_aware", 2, "nat-traversal section given twice");
}

/* ---- Map-Server ------------------------------------------------------- */

static void test_ms_sample(void **state)
{
	char path[4096], err[512];
	struct lispd_config c;
	struct lisp_addr a;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/config/oor-1.3-ms-rtr.conf", srcdir());
	if (lispd_config_load_file(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.mode, LISPD_MODE_MS);
	assert_int_equal(c.n_sites, 1);
	assert_int_equal(c.n_ms_rtrs, 2);
	assert_string_equal(c.ms_rtrs[0].name, "rtr-east");
	a = tu_addr("203.0.113.30");
	assert_true(lisp_ip_equal(&c.ms_rtrs[0].addr, &a.ip));
	assert_int_equal(c.ms_rtrs[0].key_len, strlen("doc-only-rtr-key-east"));
	assert_memory_equal(c.ms_rtrs[0].key, "doc-only-rtr-key-east", c.ms_rtrs[0].key_len);
	assert_string_equal(c.ms_rtrs[1].name, "rtr-west");
	assert_int_equal(c.n_rtr_sets, 2);
	assert_string_equal(c.rtr_sets[0].name, "both");
	assert_int_equal(c.rtr_sets[0].ttl_min, 60);
	assert_int_equal(c.rtr_sets[0].n_rtrs, 2);
	assert_int_equal(c.rtr_sets[0].rtrs[0], 0);
	assert_int_equal(c.rtr_sets[0].rtrs[1], 1);
	assert_string_equal(c.rtr_sets[1].name, "east-only");
	assert_int_equal(c.rtr_sets[1].ttl_min, LISPD_CFG_DEFAULT_RTR_SET_TTL);
	assert_int_equal(c.rtr_sets[1].n_rtrs, 1);
	assert_int_equal(c.rtr_sets[1].rtrs[0], 0);
	assert_true(c.advertise_rtrs);
	assert_int_equal(c.advertised_rtr_set, 0);
	/* The map-server does NAT traversal: nothing to say about it. */
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
}

static void test_ms_forms(void **state)
{
	struct lispd_config c;

	(void)state;
	/* No RTR: nothing advertised, nothing noted. */
	load_ok(MS, &c);
	assert_int_equal(c.n_ms_rtrs, 0);
	assert_false(c.advertise_rtrs);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
	/* A set may name nodes written after it; without an advertised set
	 * none is offered; nat_traversal_support = off is what an MS is. */
	load_ok(MS "ms-rtrs-set {\n name = s\n rtrs = { b, a }\n}\n" NODE("a", "192.0.2.30")
		   NODE("b", "2001:db8::30") "nat_traversal_support = off\n", &c);
	assert_int_equal(c.n_ms_rtrs, 2);
	assert_int_equal(c.rtr_sets[0].rtrs[0], 1);
	assert_int_equal(c.rtr_sets[0].rtrs[1], 0);
	assert_false(c.advertise_rtrs);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
	load_ok(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s1\n rtrs = { a }\n}\n"
		   "ms-rtrs-set {\n name = s2\n rtrs = { a }\n}\nms-advertised-rtrs-set = s2\n", &c);
	assert_true(c.advertise_rtrs);
	assert_int_equal(c.advertised_rtr_set, 1);
	lispd_config_free(&c);
}

static void test_ms_bad(void **state)
{
	static const char dup_name[] = MS NODE("a", "192.0.2.30") NODE("a", "192.0.2.31");
	static const char dup_addr[] = MS NODE("a", "192.0.2.30") NODE("b", "192.0.2.30");
	char want[128];

	(void)state;
	expect_fail(MS "ms-rtr-node {\n address = 192.0.2.30\n key = \"" KEY "\"\n}\n",
		    "address = 192.0.2.30", "ms-rtr-node: missing name");
	expect_fail(MS "ms-rtr-node {\n name = a\n key = \"" KEY "\"\n}\n", "name = a",
		    "ms-rtr-node: missing address");
	expect_fail(MS "ms-rtr-node {\n name = a\n address = 192.0.2.30\n}\n", "name = a",
		    "ms-rtr-node: missing key");
	expect_fail(MS NODE("a", "rtr.example.net"), "rtr.example",
		    "ms-rtr-node: address rtr.example.net: FQDNs are not supported yet");
	expect_fail(MS NODE("\"\"", "192.0.2.30"), "name =",
		    "ms-rtr-node: name '' is not 1..63 characters");
	expect_fail(MS NODE("\"a\\tb\"", "192.0.2.30"), "name =",
		    "ms-rtr-node: name 'a?b' has a character that is not printable");
	expect_fail(MS NODE("rtr-0123456789012345678901234567890123456789012345678901234567890123",
			    "192.0.2.30"),
		    "name =", "is not 1..63 characters");
	snprintf(want, sizeof(want), "ms-rtr-node: name 'a' is given twice (first on line %d)",
		 tu_line_of(dup_name, "name = a", 1));
	expect_fail_nth(dup_name, "name = a", 2, want);
	snprintf(want, sizeof(want), "ms-rtr-node: address 192.0.2.30 is given twice (first on "
		 "line %d, a)", tu_line_of(dup_addr, "name = a", 1));
	expect_fail_nth(dup_addr, "address = 192.0.2.30", 2, want);
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n rtrs = { a,\n nope }\n}\n",
		    "nope", "ms-rtrs-set: rtrs: 'nope' is no ms-rtr-node name");
	/* Names are case-sensitive, as in OOR. */
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n rtrs = { A }\n}\n",
		    "rtrs =", "'A' is no ms-rtr-node name");
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n rtrs = { a,\n a }\n}\n",
		    " a }", "ms-rtrs-set: rtrs lists 'a' twice");
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n}\n", "name = s",
		    "ms-rtrs-set: missing rtrs");
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n rtrs = { a }\n}\n", "rtrs =",
		    "ms-rtrs-set: missing name");
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n ttl = 0\n rtrs = { a }\n}\n",
		    "ttl", "ms-rtrs-set: ttl 0 is not in 1..2147483647");
	expect_fail_nth(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n rtrs = { a }\n}\n"
						   "ms-rtrs-set {\n name = s\n rtrs = { a }\n}\n",
			"name = s", 2, "ms-rtrs-set: name 's' is given twice (first on line");
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n rtrs = { a }\n}\n"
					       "ms-advertised-rtrs-set = t\n",
		    "ms-advertised", "ms-advertised-rtrs-set: 't' is no ms-rtrs-set name");
	expect_fail(MS "ms-advertised-rtrs-set = t\n", "ms-advertised",
		    "'t' is no ms-rtrs-set name");
	expect_fail_nth(MS NODE("a", "192.0.2.30") "ms-rtrs-set {\n name = s\n rtrs = { a }\n}\n"
						   "ms-advertised-rtrs-set = s\nms-advertised-rtrs-set = s\n",
			"ms-advertised", 2, "ms-advertised-rtrs-set given twice");
	expect_fail(MS NODE("a", "192.0.2.30") "ms-rtr-node {\n name = b\n address = 192.0.2.31\n"
					       " key = \"" KEY "\"\n draft-version = NEW\n}\n",
		    "draft-version", "ms-rtr-node: unknown option 'draft-version'");
	expect_fail(MS "nat_traversal_support = on\n", "nat_traversal_support",
		    "nat_traversal_support = on is a mobile-node option, not used with "
		    "operating-mode = MS");
	expect_fail(MS "nat-traversal {\n nat_aware = off\n}\n", "nat_aware",
		    "nat-traversal is a mobile-node option");
	/* The Map-Server's keys in a mobile node's file. */
	expect_fail(MN NODE("a", "192.0.2.30"), "name = a", "ms-rtr-node is a Map-Server option");
	expect_fail(MN "ms-rtrs-set {\n name = s\n}\n", "name = s",
		    "ms-rtrs-set is a Map-Server option");
	expect_fail(MN "ms-advertised-rtrs-set = s\n", "ms-advertised",
		    "ms-advertised-rtrs-set is a Map-Server option");
}

static char *many_nodes(int n)
{
	size_t cap = 64 + (size_t)n * 96 + sizeof(MS);
	char *t = malloc(cap);
	size_t len;

	assert_non_null(t);
	len = (size_t)snprintf(t, cap, "%s", MS);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len,
					"ms-rtr-node {\n name = r%d\n address = 192.0.2.%d\n"
					" key = k\n}\n", i, i + 1);
	return t;
}

static void test_ms_limits(void **state)
{
	struct lispd_config c;
	char *t;

	(void)state;
	t = many_nodes(LISPD_CFG_MAX_MS_RTRS);
	load_ok(t, &c);
	assert_int_equal(c.n_ms_rtrs, LISPD_CFG_MAX_MS_RTRS);
	lispd_config_free(&c);
	free(t);
	t = many_nodes(LISPD_CFG_MAX_MS_RTRS + 1);
	expect_fail(t, "name = r32", "more than 32 ms-rtr-node sections");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mn_sample),
		cmocka_unit_test(test_mn_forms),
		cmocka_unit_test(test_mn_bad),
		cmocka_unit_test(test_ms_sample),
		cmocka_unit_test(test_ms_forms),
		cmocka_unit_test(test_ms_bad),
		cmocka_unit_test(test_ms_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
