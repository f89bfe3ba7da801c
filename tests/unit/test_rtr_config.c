/* lispd.conf for operating-mode = RTR (OOR 1.3's NAT-traversal RTR): the
 * sample lands in the right values, defaults are OOR's, every bad input is
 * refused naming file:line and key (never the key's value), and the RTR's
 * keys are refused in the other roles' files and theirs in an RTR file. */
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

#define KEY "s3cr3t-Rtr-Key"
#define RTR "operating-mode = RTR\n"
#define MR "map-resolver = { 192.0.2.1 }\n"
#define IFACES "rtr-ifaces {\n rtr-iface {\n  iface = eth0\n }\n}\n"
#define MSNODE "rtr-ms-node {\n address = 192.0.2.2\n key = \"" KEY "\"\n}\n"
#define MIN RTR MR IFACES MSNODE

/* marker: text on the line the error must name (its nth occurrence); NULL:
 * no line. */
static void expect_fail_nth(const char *text, const char *marker, int nth, const char *want)
{
	struct lispd_config c;

	tu_config_refused(text, "rtr.conf", marker, nth, want, KEY, &c);
	/* Nothing to free after a failure. */
	assert_int_equal(c.rtr.n_ms, 0);
	assert_int_equal(c.rtr.n_ifaces, 0);
	assert_null(c.statics);
}

static void expect_fail(const char *text, const char *marker, const char *want)
{
	expect_fail_nth(text, marker, 1, want);
}

static void load_ok(const char *text, struct lispd_config *c)
{
	tu_config_load(text, "rtr.conf", c);
}

static void assert_ip(const struct lisp_ip *got, const char *want)
{
	struct lisp_addr a = tu_addr(want);

	assert_true(lisp_ip_equal(got, &a.ip));
}

static void assert_rtr_iface(const struct lispd_cfg_rtr_iface *f, const char *ifname, int ipv,
			     int prio, int weight)
{
	assert_string_equal(f->ifname, ifname);
	assert_int_equal(f->ip_version, ipv);
	assert_int_equal(f->priority, prio);
	assert_int_equal(f->weight, weight);
}

static void test_sample(void **state)
{
	const char *dir = getenv("LISPD_SRCDIR");
	char path[4096], err[512];
	struct lispd_config c;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/config/oor-1.3-rtr.conf", dir && *dir ? dir : ".");
	if (lispd_config_load_file(path, &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.mode, LISPD_MODE_RTR);
	assert_string_equal(lispd_config_mode_name(c.mode), "RTR");
	assert_int_equal(c.debug, 1);
	assert_int_equal(c.map_request_retries, 2);
	assert_int_equal(c.n_map_resolvers, 1);
	assert_ip(&c.map_resolvers[0], "192.0.2.1");
	assert_true(c.rloc_probing.configured);
	assert_int_equal(c.rloc_probing.interval_s, 0);
	assert_int_equal(c.rtr.n_ifaces, 2);
	assert_rtr_iface(&c.rtr.ifaces[0], "eth0", 4, 1, 100);
	assert_rtr_iface(&c.rtr.ifaces[1], "eth0", 6, 2, 100);
	assert_int_equal(c.rtr.n_ms, 2);
	assert_ip(&c.rtr.ms[0].addr, "192.0.2.2");
	assert_int_equal(c.rtr.ms[0].key_len, strlen("doc-only-rtr-ms-key"));
	assert_memory_equal(c.rtr.ms[0].key, "doc-only-rtr-ms-key", c.rtr.ms[0].key_len);
	assert_int_equal(c.rtr.ms[0].draft, LISPD_NAT_DRAFT_NEW);
	assert_ip(&c.rtr.ms[1].addr, "198.51.100.2");
	assert_int_equal(c.rtr.ms[1].draft, LISPD_NAT_DRAFT_OLD);
	assert_int_equal(c.n_statics, 1);
	/* Not run, so nothing to note: lispd refuses to start it instead. */
	assert_int_equal(c.n_notes, 0);
	assert_int_equal(c.n_map_servers, 0);
	assert_int_equal(c.n_mappings, 0);
	lispd_config_free(&c);
}

/* OOR's defaults; rtr-iface sections of every rtr-ifaces section; static
 * entries alone are enough to resolve. */
static void test_defaults_and_forms(void **state)
{
	struct lispd_config c;

	(void)state;
	load_ok(MIN, &c);
	assert_rtr_iface(&c.rtr.ifaces[0], "eth0", 4, 1, 100);
	assert_int_equal(c.rtr.ms[0].draft, LISPD_NAT_DRAFT_OLD);
	assert_int_equal(c.rtr.ms[0].line, tu_line_of(MIN, "address = 192.0.2.2", 1));
	assert_int_equal(c.map_request_retries, 3);
	assert_false(c.rloc_probing.configured);
	lispd_config_free(&c);

	load_ok("Operating-Mode = rtr\n" MR IFACES
		"rtr-ifaces {\n rtr-iface {\n  iface = wlan0\n  ip_version = 6\n  priority = 3\n"
		"  weight = 7\n }\n}\n"
		"rtr-ms-node {\n address = 2001:db8::2\n key = k\n draft-version = new\n}\n",
		&c);
	assert_int_equal(c.mode, LISPD_MODE_RTR);
	assert_int_equal(c.rtr.n_ifaces, 2);
	assert_rtr_iface(&c.rtr.ifaces[1], "wlan0", 6, 3, 7);
	assert_int_equal(c.rtr.ms[0].draft, LISPD_NAT_DRAFT_NEW);
	lispd_config_free(&c);

	load_ok(RTR IFACES MSNODE "static-map-cache {\n eid-prefix = 198.18.9.0/24\n"
		" rloc-address {\n  address = 203.0.113.9\n }\n}\n",
		&c);
	assert_int_equal(c.n_map_resolvers, 0);
	assert_int_equal(c.n_statics, 1);
	lispd_config_free(&c);
}

static void test_missing(void **state)
{
	(void)state;
	expect_fail(RTR MR MSNODE, NULL, "no rtr-ifaces section");
	expect_fail(RTR MR IFACES, NULL, "no rtr-ms-node section");
	expect_fail(RTR IFACES MSNODE, NULL, "no map-resolver and no static-map-cache");
	/* An empty section is reported at its closing brace. */
	expect_fail(RTR MR "rtr-ifaces {\n}\n" MSNODE, "}\nrtr-ms-node",
		    "rtr-ifaces: no rtr-iface section in it");
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  ip_version = 4\n }\n}\n" MSNODE,
		    "ip_version", "rtr-iface: missing iface");
	expect_fail(RTR MR IFACES "rtr-ms-node {\n key = \"" KEY "\"\n}\n", "key =",
		    "rtr-ms-node: missing address");
	expect_fail(RTR MR IFACES "rtr-ms-node {\n address = 192.0.2.2\n}\n", "address",
		    "rtr-ms-node: missing key");
	expect_fail(RTR MR IFACES "rtr-ms-node {\n address = 192.0.2.2\n key = \"\"\n}\n", "key",
		    "rtr-ms-node: key is empty");
}

static void test_bad_values(void **state)
{
	static const char dup_iface[] = RTR MR IFACES "rtr-ifaces {\n rtr-iface {\n  iface = eth0\n"
					"  ip_version = 4\n }\n}\n" MSNODE;
	static const char dup_ms[] = RTR MR IFACES MSNODE
		"rtr-ms-node {\n address = 192.0.2.2\n key = other\n}\n";
	char want[128];

	(void)state;
	snprintf(want, sizeof(want), "iface eth0, ip_version 4 is given twice (first on line %d)",
		 tu_line_of(dup_iface, "iface = eth0", 1));
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  iface = eth0\n  ip_version = 5\n }\n}\n"
			MSNODE, "ip_version", "rtr-iface: ip_version 5 is not 4 or 6");
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  iface = eth0\n  ip_version = 7\n }\n}\n"
			MSNODE, "ip_version", "ip_version 7 is not in 4..6");
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  iface = bad/if\n }\n}\n" MSNODE,
		    "bad/if", "rtr-iface: iface 'bad/if' is not a valid interface name");
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  iface = eth0\n  priority = 256\n }\n}\n"
			MSNODE, "priority", "rtr-iface: priority 256 is not in 0..255");
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  iface = eth0\n  weight = heavy\n }\n}\n"
			MSNODE, "weight", "rtr-iface: weight 'heavy' is not a number");
	/* The database-mapping's key is not the RTR's. */
	expect_fail(RTR MR "rtr-ifaces {\n rtr-iface {\n  interface = eth0\n }\n}\n" MSNODE,
		    "interface", "unknown option 'interface'");
	expect_fail_nth(dup_iface, "iface = eth0", 2, want);
	expect_fail(RTR MR IFACES "rtr-ms-node {\n address = 192.0.2.300\n key = \"" KEY "\"\n}\n",
		    "192.0.2.300", "rtr-ms-node: address '192.0.2.300' is not an IPv4 or IPv6");
	expect_fail(RTR MR IFACES "rtr-ms-node {\n address = ms.example.net\n key = \"" KEY
			"\"\n}\n", "ms.example", "FQDNs are not supported yet");
	expect_fail(RTR MR IFACES "rtr-ms-node {\n address = 192.0.2.2\n key = \"" KEY "\"\n"
			" draft-version = MIDDLE\n}\n",
		    "draft-version", "rtr-ms-node: draft-version 'MIDDLE' is not OLD or NEW");
	snprintf(want, sizeof(want), "rtr-ms-node: address 192.0.2.2 is given twice (first on "
		 "line %d)", tu_line_of(dup_ms, "address = 192.0.2.2", 1));
	expect_fail_nth(dup_ms, "address = 192.0.2.2", 2, want);
	expect_fail(RTR MR IFACES "rtr-ms-node {\n address = 192.0.2.2\n key = \"" KEY "\"\n"
			" key-type = 2\n}\n", "key-type", "unknown option 'key-type'");
}

static char *many_ifaces(int n)
{
	size_t cap = 64 + (size_t)n * 64;
	char *t = malloc(cap);
	size_t len;

	assert_non_null(t);
	len = (size_t)snprintf(t, cap, RTR MR MSNODE "rtr-ifaces {\n");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(t + len, cap - len, " rtr-iface {\n  iface = e%d\n }\n", i);
	snprintf(t + len, cap - len, "}\n");
	return t;
}

static void test_limits(void **state)
{
	struct lispd_config c;
	char *t;

	(void)state;
	t = many_ifaces(LISPD_CFG_MAX_RTR_IFACES);
	load_ok(t, &c);
	assert_int_equal(c.rtr.n_ifaces, LISPD_CFG_MAX_RTR_IFACES);
	lispd_config_free(&c);
	free(t);
	t = many_ifaces(LISPD_CFG_MAX_RTR_IFACES + 1);
	expect_fail(t, "iface = e16", "more than 16 rtr-iface sections");
	free(t);
	/* Spread over two rtr-ifaces sections, the total still counts. */
	t = many_ifaces(LISPD_CFG_MAX_RTR_IFACES);
	{
		char *u = malloc(strlen(t) + 64);

		assert_non_null(u);
		sprintf(u, "%srtr-ifaces {\n rtr-iface {\n  iface = more\n }\n}\n", t);
		expect_fail(u, "iface = more", "more than 16 rtr-iface sections in all");
		free(u);
	}
	free(t);
}

/* Each role's keys belong to it: the RTR's are refused elsewhere, the
 * others' in an RTR file, each naming the key and the role. */
static void test_role_keys(void **state)
{
	static const char *const mn =
		"map-server {\n address = 192.0.2.2\n key = k\n}\n"
		"database-mapping {\n eid-prefix = 198.18.0.10/32\n interface = eth0\n}\n";
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "%s%s", mn, MSNODE);
	expect_fail(text, "address = 192.0.2.2\n key = \"",
		    "rtr-ms-node is an RTR option: it needs operating-mode = RTR");
	snprintf(text, sizeof(text), "%s%s", mn, IFACES);
	expect_fail(text, "iface = eth0", "rtr-ifaces is an RTR option");
	expect_fail("operating-mode = MS\nlisp-site {\n eid-prefix = 198.18.1.0/24\n key = k\n}\n"
		    IFACES, "iface = eth0", "rtr-ifaces is an RTR option");
	expect_fail(MIN "map-server {\n address = 192.0.2.2\n key = k\n}\n", "address = 192.0.2.2\n key = k",
		    "map-server is a mobile-node option, not used with operating-mode = RTR");
	expect_fail(MIN "database-mapping {\n eid-prefix = 198.18.0.10/32\n interface = eth0\n}\n",
		    "eid-prefix", "database-mapping is a mobile-node option");
	expect_fail(MIN "proxy-itrs = { 192.0.2.7 }\n", "proxy-itrs", "proxy-itrs is a mobile-node");
	expect_fail(MIN "decap-source-check = on\n", "decap-source-check", "mobile-node option");
	expect_fail(MIN "nat-keepalive-interval = 20\n", "nat-keepalive", "mobile-node option");
	expect_fail(MIN "lisp-site {\n eid-prefix = 198.18.1.0/24\n key = k\n}\n", "eid-prefix",
		    "lisp-site is a Map-Server option");
	expect_fail(MIN "ms-rtr-node {\n name = r\n address = 192.0.2.9\n key = k\n}\n", "name",
		    "ms-rtr-node is a Map-Server option");
	expect_fail(MIN "pxtr {\n rloc-iface = eth0\n}\n", "rloc-iface = eth0",
		    "pxtr is a PxTR option");
	expect_fail(MIN "nat_traversal_support = on\n", "nat_traversal_support",
		    "nat_traversal_support = on is a mobile-node option, not used with "
		    "operating-mode = RTR");
	/* OOR features the RTR does not have yet. */
	expect_fail(MIN "rtr-database-mapping {\n eid-prefix = 198.18.9.0/24\n}\n", "eid-prefix",
		    "rtr-database-mapping is not supported yet");
	expect_fail(MIN "encapsulation = VXLAN-GPE\n", "encapsulation",
		    "encapsulation VXLAN-GPE is not supported yet");
	expect_fail(MIN "rtr-data-iface = eth1\n", "rtr-data-iface",
		    "rtr-data-iface is not supported yet");
}

static void test_shared_keys(void **state)
{
	struct lispd_config c;

	(void)state;
	/* What every OOR file may spell out. */
	load_ok(MIN "nat_traversal_support = off\nencapsulation = LISP\nipv6-scope = GLOBAL\n"
		    "debug = 2\nlog-file = /var/log/rtr.log\n", &c);
	assert_false(c.nat.enabled);
	assert_int_equal(c.debug, 2);
	lispd_config_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_defaults_and_forms),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_role_keys),
		cmocka_unit_test(test_shared_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
