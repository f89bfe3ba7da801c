/* lispd.conf parser: the three formats users have (LISPmob 0.2, 0.4, OOR 1.3)
 * land in the right struct values, the shipped example parses, and every
 * bad input is refused with the right file:line and key. Line numbers are
 * found in the test text itself, not copied from the parser's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "../common/testutil.h"

#define KEY "s3cr3t-Doc-Key"

/* A valid mobile-node file the bad cases append to. */
#define BASE                                   \
	"map-server {\n"                       \
	"    address = 192.0.2.2\n"            \
	"    key = \"" KEY "\"\n"              \
	"}\n"                                  \
	"database-mapping {\n"                 \
	"    eid-prefix = 198.18.0.10/32\n"    \
	"    interface = eth0\n"               \
	"}\n"

static const char *srcdir(void)
{
	const char *d = getenv("LISPD_SRCDIR");

	return d && *d ? d : ".";
}

static char *repo_path(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", srcdir(), rel);
	return buf;
}

static char *read_text(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 20) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* 1-based line of the first occurrence of needle (the nth when nth > 1). */
static int line_of(const char *text, const char *needle, int nth)
{
	const char *p = text;

	for (int i = 0; i < nth; i++) {
		p = strstr(i ? p + 1 : p, needle);
		if (!p)
			fail_msg("'%s' not in the test text", needle);
	}
	int line = 1;

	for (const char *c = text; c < p; c++)
		line += *c == '\n';
	return line;
}

static int file_line_of(const char *rel, const char *needle, int nth)
{
	char *text = read_text(repo_path(rel));
	int line = line_of(text, needle, nth);

	free(text);
	return line;
}

static void load_ok(const char *rel, struct lispd_config *c)
{
	char err[512];

	if (lispd_config_load_file(repo_path(rel), c, err, sizeof(err)))
		fail_msg("%s: %s", rel, err);
}

static void assert_ip(const struct lisp_ip *got, const char *want)
{
	struct lisp_addr a = tu_addr(want);

	if (!lisp_ip_equal(got, &a.ip)) {
		char buf[LISP_ADDR_STRLEN];

		fail_msg("address %s, want %s", lisp_ip_format(got, buf, sizeof(buf)), want);
	}
}

static void assert_eid(const struct lisp_prefix *got, const char *want)
{
	struct lisp_prefix p = tu_prefix(want);

	tu_assert_prefix_equal(got, &p);
}

static void assert_iface(const struct lispd_cfg_rloc *r, const char *ifname, int ipv, int prio,
			 int weight)
{
	assert_int_equal(r->kind, LISPD_RLOC_IFACE);
	assert_string_equal(r->ifname, ifname);
	assert_int_equal(r->ip_version, ipv);
	assert_int_equal(r->priority, prio);
	assert_int_equal(r->weight, weight);
}

static void assert_rloc_addr(const struct lispd_cfg_rloc *r, const char *addr, int prio,
			     int weight)
{
	assert_int_equal(r->kind, LISPD_RLOC_ADDRESS);
	assert_ip(&r->addr, addr);
	assert_int_equal(r->priority, prio);
	assert_int_equal(r->weight, weight);
}

static void assert_key(const struct lispd_cfg_map_server *ms, const char *key)
{
	assert_int_equal(ms->key_len, strlen(key));
	assert_memory_equal(ms->key, key, strlen(key));
}

/* ---- the three formats ------------------------------------------------ */

static void test_lispmob_02(void **state)
{
	const char *f = "tests/config/lispmob-0.2.conf";
	struct lispd_config c;

	(void)state;
	load_ok(f, &c);
	assert_int_equal(c.mode, LISPD_MODE_MN);
	assert_int_equal(c.debug, 0);
	assert_int_equal(c.map_request_retries, 2);
	assert_null(c.log_file);
	assert_int_equal(c.n_map_resolvers, 1);
	assert_ip(&c.map_resolvers[0], "192.0.2.1");

	assert_int_equal(c.n_map_servers, 1);
	assert_ip(&c.map_servers[0].addr, "192.0.2.2");
	assert_int_equal(c.map_servers[0].key_type, 1);
	assert_key(&c.map_servers[0], "doc-only-secret-02");
	assert_true(c.map_servers[0].proxy_reply);
	assert_false(c.map_servers[0].verify);
	assert_int_equal(c.map_servers[0].line, file_line_of(f, "address      = 192.0.2.2", 1));

	assert_int_equal(c.n_petrs, 1);
	assert_int_equal(c.petrs[0].scope, LISPD_PETR_ALL);
	assert_ip(&c.petrs[0].addr, "203.0.113.5");
	assert_int_equal(c.petrs[0].priority, 1);
	assert_int_equal(c.petrs[0].weight, 100);

	assert_int_equal(c.n_proxy_itrs, 2);
	assert_ip(&c.proxy_itrs[0], "198.51.100.7");
	assert_ip(&c.proxy_itrs[1], "2001:db8:0:1::7");

	/* 0.2's interface: both of its address families, same priority/weight. */
	assert_int_equal(c.n_mappings, 2);
	assert_eid(&c.mappings[0].eid, "198.18.0.10/32");
	assert_false(c.mappings[0].eid.addr.has_iid);
	assert_int_equal(c.mappings[0].ttl_min, LISPD_CFG_DEFAULT_TTL_MIN);
	assert_int_equal(c.mappings[0].n_rlocs, 2);
	assert_iface(&c.mappings[0].rlocs[0], "eth0", 4, 1, 100);
	assert_iface(&c.mappings[0].rlocs[1], "eth0", 6, 1, 100);
	assert_int_equal(c.mappings[0].line, file_line_of(f, "198.18.0.10/32", 1));
	assert_eid(&c.mappings[1].eid, "2001:db8:e1d::10/128");
	assert_int_equal(c.mappings[1].n_rlocs, 2);
	assert_iface(&c.mappings[1].rlocs[0], "wlan0", 4, 2, 50);
	assert_iface(&c.mappings[1].rlocs[1], "wlan0", 6, 2, 50);

	assert_int_equal(c.n_statics, 1);
	assert_eid(&c.statics[0].eid, "198.18.1.0/24");
	assert_int_equal(c.statics[0].n_rlocs, 1);
	assert_rloc_addr(&c.statics[0].rlocs[0], "203.0.113.9", 3, 70);
	assert_false(c.rloc_probing.configured);
	lispd_config_free(&c);
	assert_null(c.mappings);
}

static void test_lispmob_04(void **state)
{
	struct lispd_config c;

	(void)state;
	load_ok("tests/config/lispmob-0.4.conf", &c);
	assert_int_equal(c.debug, 2);
	/* LISPmob turned 0 into 3; it must stay 0. */
	assert_int_equal(c.map_request_retries, 0);
	assert_int_equal(c.n_map_resolvers, 1);
	assert_ip(&c.map_resolvers[0], "192.0.2.1");
	assert_key(&c.map_servers[0], "doc-only-secret-04");
	assert_false(c.map_servers[0].proxy_reply);
	assert_int_equal(c.n_petrs, 1);
	assert_ip(&c.petrs[0].addr, "2001:db8:0:2::5");
	assert_int_equal(c.petrs[0].priority, 5);
	assert_int_equal(c.petrs[0].weight, 10);

	/* priority_v6 = -1: no IPv6 RLOC from eth0. */
	assert_int_equal(c.mappings[0].n_rlocs, 1);
	assert_iface(&c.mappings[0].rlocs[0], "eth0", 4, 1, 100);
	assert_int_equal(c.mappings[1].n_rlocs, 2);
	assert_iface(&c.mappings[1].rlocs[0], "wlan0", 4, 3, 30);
	assert_iface(&c.mappings[1].rlocs[1], "wlan0", 6, 4, 40);

	assert_true(c.rloc_probing.configured);
	assert_int_equal(c.rloc_probing.interval_s, 30);
	assert_int_equal(c.rloc_probing.retries, 2);
	assert_int_equal(c.rloc_probing.retries_interval_s, 5);
	/* nat-traversal { nat_aware = off }: nothing to say at start. */
	assert_false(c.nat.enabled);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
}

static void test_oor_13(void **state)
{
	const char *f = "tests/config/oor-1.3.conf";
	struct lispd_config c;

	(void)state;
	load_ok(f, &c);
	assert_int_equal(c.debug, 3);
	assert_int_equal(c.map_request_retries, 1);  /* written Map-Request-Retries */
	assert_string_equal(c.log_file, "/var/log/lispd.log");
	assert_int_equal(c.n_map_resolvers, 2);
	assert_ip(&c.map_resolvers[1], "2001:db8::1");
	assert_int_equal(c.n_proxy_itrs, 1);

	assert_int_equal(c.n_map_servers, 2);
	assert_int_equal(c.map_servers[0].key_type, 2);
	assert_key(&c.map_servers[0], "doc-only-secret-oor");
	assert_true(c.map_servers[0].proxy_reply);
	assert_ip(&c.map_servers[1].addr, "2001:db8::2");
	assert_int_equal(c.map_servers[1].key_type, 3);
	assert_key(&c.map_servers[1], "second-doc-secret");
	assert_false(c.map_servers[1].proxy_reply);

	assert_int_equal(c.n_petrs, 2);
	assert_int_equal(c.petrs[0].scope, LISPD_PETR_IPV4_EIDS);
	assert_ip(&c.petrs[0].addr, "203.0.113.5");
	assert_int_equal(c.petrs[1].scope, LISPD_PETR_IPV6_EIDS);
	assert_int_equal(c.petrs[1].priority, 2);
	assert_int_equal(c.petrs[1].weight, 50);

	assert_int_equal(c.n_mappings, 2);
	assert_int_equal(c.mappings[0].ttl_min, 15);
	assert_int_equal(c.mappings[0].n_rlocs, 3);
	assert_iface(&c.mappings[0].rlocs[0], "eth0", 4, 1, 100);
	assert_iface(&c.mappings[0].rlocs[1], "wlan0", 6, 2, 50);
	assert_rloc_addr(&c.mappings[0].rlocs[2], "192.0.2.50", 3, 25);
	assert_true(c.mappings[0].rlocs[2].local);
	assert_int_equal(c.mappings[0].rlocs[2].line, file_line_of(f, "192.0.2.50", 1));
	/* "[7]" in the prefix is the instance-id; defaults fill the rest. */
	assert_eid(&c.mappings[1].eid, "[7]2001:db8:e1d::10/128");
	assert_true(c.mappings[1].eid.addr.has_iid);
	assert_int_equal(c.mappings[1].eid.addr.iid, 7);
	assert_int_equal(c.mappings[1].ttl_min, 10);
	assert_iface(&c.mappings[1].rlocs[0], "eth0", 6, 1, 100);

	assert_int_equal(c.n_statics, 1);
	assert_eid(&c.statics[0].eid, "[9]198.18.4.0/24");
	assert_int_equal(c.statics[0].n_rlocs, 2);
	assert_rloc_addr(&c.statics[0].rlocs[0], "203.0.113.20", 1, 60);
	assert_rloc_addr(&c.statics[0].rlocs[1], "2001:db8:0:3::20", 2, 40);
	assert_true(c.rloc_probing.configured);
	assert_int_equal(c.rloc_probing.interval_s, 60);
	assert_false(c.nat.enabled);
	assert_int_equal(c.n_notes, 0);
	lispd_config_free(&c);
}

static void test_example_parses(void **state)
{
	struct lispd_config c;

	(void)state;
	load_ok("lispd.conf.example", &c);
	assert_true(c.n_map_servers >= 1);
	assert_true(c.n_mappings >= 1);
	assert_true(c.n_map_resolvers >= 1);
	assert_true(c.n_petrs >= 1);
	assert_true(c.n_statics >= 1);
	lispd_config_free(&c);
}

static void test_retries_zero_and_default(void **state)
{
	struct lispd_config c;
	char err[256];

	(void)state;
	assert_int_equal(lispd_config_load_string(BASE "map-request-retries = 0\n", "x", &c, err,
						  sizeof(err)), 0);
	assert_int_equal(c.map_request_retries, 0);
	lispd_config_free(&c);
	assert_int_equal(lispd_config_load_string(BASE, "x", &c, err, sizeof(err)), 0);
	assert_int_equal(c.map_request_retries, LISPD_CFG_DEFAULT_RETRIES);
	assert_int_equal(c.map_servers[0].key_type, 1);
	lispd_config_free(&c);
}

static void test_debug_forms(void **state)
{
	static const struct { const char *v; int want; } cases[] = {
		{ "on", 1 }, { "off", 0 }, { "0", 0 }, { "3", 3 }, { "TRUE", 1 },
	};
	struct lispd_config c;
	char text[512], err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), BASE "debug = %s\n", cases[i].v);
		if (lispd_config_load_string(text, "x", &c, err, sizeof(err)))
			fail_msg("debug = %s: %s", cases[i].v, err);
		assert_int_equal(c.debug, cases[i].want);
		lispd_config_free(&c);
	}
}

/* decap-source-check: off unless set; the boolean words; nothing else. */
static void test_decap_source_check(void **state)
{
	static const struct { const char *v; bool want; } cases[] = {
		{ "on", true }, { "off", false }, { "yes", true }, { "FALSE", false },
	};
	struct lispd_config c;
	char text[512], err[256];

	(void)state;
	assert_int_equal(lispd_config_load_string(BASE, "x", &c, err, sizeof(err)), 0);
	assert_false(c.decap_src_check);
	lispd_config_free(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), BASE "decap-source-check = %s\n", cases[i].v);
		if (lispd_config_load_string(text, "x", &c, err, sizeof(err)))
			fail_msg("decap-source-check = %s: %s", cases[i].v, err);
		assert_int_equal(c.decap_src_check, cases[i].want);
		lispd_config_free(&c);
	}
}

static void expect_fail(const char *text, const char *marker, const char *want);

static void test_decap_source_check_refused(void **state)
{
	(void)state;
	expect_fail(BASE "decap-source-check = strict\n", "decap-source-check",
		    "decap-source-check 'strict' is not on or off");
	expect_fail(BASE "decap-source-check = on\ndecap-source-check = off\n",
		    "decap-source-check = off", "decap-source-check given twice");
}

/* ---- refusals ------------------------------------------------------------- */

/* text must be refused with "lispd.conf:LINE: " (LINE = line of the nth
 * `marker`, or no line when marker is NULL), mention `want`, leave the
 * result empty and never show the key. */
static void expect_fail_nth(const char *text, const char *marker, int nth, const char *want)
{
	struct lispd_config c;
	char err[512], prefix[64];

	memset(&c, 0xa5, sizeof(c));
	if (lispd_config_load_string(text, "lispd.conf", &c, err, sizeof(err)) != -1)
		fail_msg("accepted, want an error with '%s'", want);
	if (marker)
		snprintf(prefix, sizeof(prefix), "lispd.conf:%d: ", line_of(text, marker, nth));
	else
		snprintf(prefix, sizeof(prefix), "lispd.conf: ");
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
		fail_msg("error '%s'; want it to start with '%s' and contain '%s'", err, prefix,
			 want);
	if (strstr(err, KEY) || strstr(err, "s3cr3t"))
		fail_msg("the key leaked into '%s'", err);
	assert_int_equal(c.n_map_servers, 0);
	assert_int_equal(c.n_mappings, 0);
	assert_null(c.mappings);
	assert_null(c.statics);
	assert_null(c.source);
	assert_int_equal(c.n_sites, 0);
	assert_null(c.sites);
	assert_null(c.static_sites);
}

static void expect_fail(const char *text, const char *marker, const char *want)
{
	expect_fail_nth(text, marker, 1, want);
}

static void test_unknown_keys(void **state)
{
	(void)state;
	expect_fail(BASE "foo = 1\n", "foo", "unknown option 'foo'");
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key = k\n kye = 1\n}\n", "kye",
		    "map-server: unknown option 'kye'");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n rloc-iface {\n"
			 "  iface = eth0\n }\n}\n",
		    "iface =", "rloc-iface: unknown option 'iface'");
	/* rloc-address of a static entry has no `local`. */
	expect_fail(BASE "static-map-cache {\n eid-prefix = 198.18.1.0/24\n rloc-address {\n"
			 "  address = 192.0.2.9\n  local = on\n }\n}\n",
		    "local", "unknown option 'local'");
	expect_fail(BASE "map-server|key = x\n", "map-server|key", "'|'");
}

static void test_unsupported_options(void **state)
{
	(void)state;
	expect_fail(BASE "encapsulation = VXLAN-GPE\n", "encapsulation",
		    "encapsulation VXLAN-GPE is not supported yet");
	expect_fail(BASE "router-mode = on\n", "router-mode", "router-mode on is not supported yet");
	expect_fail(BASE "override-dns-primary = 192.0.2.53\n", "override-dns-primary",
		    "override-dns-primary is not supported yet");
	expect_fail(BASE "ipv6-scope = SITE\n", "ipv6-scope", "ipv6-scope SITE is not supported");
	expect_fail(BASE "control-iface = eth0\n", "control-iface",
		    "control-iface is a Map-Server option");
	expect_fail(BASE "rtr-database-mapping {\n eid-prefix = 198.18.9.0/24\n}\n",
		    "eid-prefix = 198.18.9", "rtr-database-mapping is not supported yet");
	expect_fail(BASE "explicit-locator-path {\n elp-name = p\n}\n", "elp-name",
		    "explicit-locator-path is not supported yet");
	/* NAT traversal: tests/unit/test_nat_config.c, test_rtr_config.c. */
	/* The values that describe what lispd does anyway are accepted. */
	struct lispd_config c;
	char err[256];

	assert_int_equal(lispd_config_load_string(BASE "encapsulation = lisp\n"
						       "nat_traversal_support = false\n"
						       "ipv6-scope = GLOBAL\nrouter-mode = off\n",
						  "x", &c, err, sizeof(err)),
			 0);
	lispd_config_free(&c);
}

static void test_lisp_site_line(void **state)
{
	(void)state;
	/* An empty section of the other role is reported at its closing brace. */
	expect_fail_nth(BASE "lisp-site {\n}\n", "}", 3, "lisp-site is a Map-Server option");
}

static void test_operating_modes(void **state)
{
	static const char *const refused[] = { "xTR", "DDT", "DDT-MR", "ddt" };
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		/* The role is reported before the keys of that role that follow. */
		snprintf(text, sizeof(text), "operating-mode = %s\nlisp-site {\n}\n" BASE,
			 refused[i]);
		expect_fail(text, "operating-mode", "is not implemented yet");
	}
	expect_fail(BASE "operating-mode = router\n", "operating-mode",
		    "operating-mode 'router' is not one of");
}

static void test_bad_addresses(void **state)
{
	(void)state;
	expect_fail(BASE "map-server {\n address = 192.0.2.300\n key = k\n}\n", "192.0.2.300",
		    "map-server: address '192.0.2.300' is not an IPv4 or IPv6 address");
	expect_fail(BASE "map-server {\n address = ms.example.net\n key = k\n}\n", "ms.example",
		    "FQDNs are not supported yet");
	expect_fail(BASE "map-resolver = { 192.0.2.1,\n mr.example.org }\n", "mr.example",
		    "map-resolver mr.example.org: FQDNs are not supported yet");
	expect_fail(BASE "proxy-itrs = { 192.0.2.1, 2001:db8::zz }\n", "proxy-itrs",
		    "proxy-itrs '2001:db8::zz' is not an IPv4 or IPv6 address");
	expect_fail(BASE "proxy-etr-ipv4 {\n address = 1.2.3\n}\n", "1.2.3",
		    "proxy-etr-ipv4: address '1.2.3'");
	expect_fail(BASE "static-map-cache {\n eid-prefix = 198.18.1.0/24\n rloc = ::g\n}\n",
		    "::g", "static-map-cache: rloc '::g'");
}

static void test_bad_prefixes(void **state)
{
	(void)state;
	expect_fail(BASE "static-map-cache {\n eid-prefix = 198.18.1.1/24\n rloc = 192.0.2.9\n}\n",
		    "198.18.1.1/24", "eid-prefix 198.18.1.1/24 has host bits set");
	expect_fail(BASE "static-map-cache {\n eid-prefix = 198.18.1.0/33\n rloc = 192.0.2.9\n}\n",
		    "/33", "eid-prefix 198.18.1.0/33: length too long");
	expect_fail(BASE "static-map-cache {\n eid-prefix = banana\n rloc = 192.0.2.9\n}\n",
		    "banana", "eid-prefix 'banana' is not an IP prefix");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.2.0/24\n interface = eth0\n}\n",
		    "198.18.2.0/24", "a mobile node's EID is one address");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n iid = 16777216\n"
			 " interface = eth0\n}\n",
		    "16777216", "iid 16777216 is not in 0..16777215");
	expect_fail(BASE "database-mapping {\n eid-prefix = [3]198.18.0.11\n iid = 4\n"
			 " interface = eth0\n}\n",
		    "iid = 4", "iid 4 differs");
	/* (LISPmob's `interface` form repeated per interface is multihoming:
	 * test_multihoming_forms.) */
	expect_fail_nth(BASE "database-mapping {\n eid-prefix = 198.18.0.10/32\n"
			     " rloc-iface {\n  interface = eth1\n }\n}\n",
			"198.18.0.10/32", 2, "eid-prefix 198.18.0.10/32 is given twice");
	expect_fail(BASE "database-mapping {\n interface = eth1\n}\n", "eth1",
		    "database-mapping: missing eid-prefix");
}

static void test_bad_numbers(void **state)
{
	(void)state;
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n rloc-iface {\n"
			 "  interface = eth0\n  priority = 300\n }\n}\n",
		    "300", "rloc-iface: priority 300 is not in 0..255");
	expect_fail(BASE "proxy-etr {\n address = 192.0.2.7\n weight = 256\n}\n", "256",
		    "proxy-etr: weight 256 is not in 0..255");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n interface = eth0\n"
			 " priority = -1\n}\n",
		    "-1", "priority '-1' is not a number in 0..255");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n interface = eth0\n"
			 " priority = 010x\n}\n",
		    "010x", "priority '010x' is not a number");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n rloc-iface {\n"
			 "  interface = eth0\n  ip_version = 5\n }\n}\n",
		    "ip_version", "ip_version 5 is not 4 or 6");
	expect_fail(BASE "map-request-retries = 11\n", "map-request-retries",
		    "map-request-retries 11 is not in 0..10");
	expect_fail(BASE "debug = 4\n", "debug", "debug 4 is not in 0..3");
	expect_fail(BASE "rloc-probing {\n rloc-probe-interval = 5\n"
			 " rloc-probe-retries-interval = 6\n}\n",
		    "retries-interval", "is longer than rloc-probe-interval");
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key = k\n proxy-reply = maybe\n}\n",
		    "maybe", "proxy-reply 'maybe' is not on or off");
}

static void test_map_server_checks(void **state)
{
	(void)state;
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key-type = 9\n key = k\n}\n",
		    "key-type", "map-server: key-type 9 is not 1, 2 or 3");
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key-type = 0\n key = k\n}\n",
		    "key-type", "key-type 0 is not 1, 2 or 3");
	expect_fail_nth(BASE "map-server {\n address = 192.0.2.9\n key = \"\"\n}\n", "key =", 2,
			"map-server: key is empty");
	expect_fail_nth(BASE "map-server {\n address = 192.0.2.9\n}\n", "address", 2,
			"map-server: missing key");
	expect_fail_nth(BASE "map-server {\n key = \"" KEY "\"\n}\n", "key =", 2, "missing address");
	expect_fail_nth(BASE "map-server {\n address = 192.0.2.2\n key = other\n}\n", "address", 2,
			"address 192.0.2.2 is given twice");
	/* Text after an unquoted key may be part of it: it is not echoed. */
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key = s3cr3t more-s3cr3t\n}\n",
		    "more-s3cr3t", "syntax error after key");
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key = s3cr3t}more-s3cr3t\n",
		    "more-s3cr3t", "syntax error after key");
	expect_fail(BASE "map-server {\n address = 192.0.2.9\n key = k\n key-type = 1\n"
			 " key-type = 2\n}\n",
		    "key-type = 2", "key-type given twice");
}

static void test_missing_sections(void **state)
{
	(void)state;
	expect_fail("database-mapping {\n eid-prefix = 198.18.0.10\n interface = eth0\n}\n", NULL,
		    "no map-server section");
	expect_fail("map-server {\n address = 192.0.2.2\n key = k\n}\n", NULL,
		    "no database-mapping section");
	expect_fail("", NULL, "no map-server section");
	expect_fail("   # only a comment\n", NULL, "no map-server section");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n}\n", "198.18.0.11",
		    "database-mapping: no RLOC");
	expect_fail(BASE "static-map-cache {\n eid-prefix = 198.18.1.0/24\n}\n", "198.18.1.0",
		    "static-map-cache: no RLOC");
	expect_fail_nth(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n interface = eth0\n"
			     " priority_v4 = -1\n priority_v6 = -1\n}\n",
			"interface = eth0", 2, "both -1");
}

static void test_mixed_and_stray_forms(void **state)
{
	(void)state;
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n interface = eth0\n"
			 " priority = 1\n priority_v4 = 2\n}\n",
		    "priority_v4", "priority_v4 (LISPmob 0.4) cannot be mixed with priority");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n weight = 3\n"
			 " rloc-iface {\n  interface = eth0\n }\n}\n",
		    "weight", "weight needs interface");
	expect_fail(BASE "static-map-cache {\n eid-prefix = 198.18.1.0/24\n priority = 3\n"
			 " rloc-address {\n  address = 192.0.2.9\n }\n}\n",
		    "priority", "priority needs rloc");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n interface = eth0/1\n}\n",
		    "eth0/1", "interface 'eth0/1' is not a valid interface name");
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n"
			 " interface = a-very-long-ifname0\n}\n",
		    "a-very-long", "is not a valid interface name");
	expect_fail_nth(BASE "database-mapping {\n eid-prefix = 198.18.0.11\n rloc-address {\n"
			     "  address = 192.0.2.9\n }\n rloc-address {\n  address = 192.0.2.9\n }\n}\n",
			"address = 192.0.2.9", 2, "the same RLOC is given twice");
	expect_fail(BASE "log-file = var/log/lispd.log\n", "log-file", "is not an absolute path");
}

static void test_duplicates(void **state)
{
	(void)state;
	expect_fail_nth(BASE "rloc-probing {\n rloc-probe-interval = 5\n}\n"
			     "rloc-probing {\n rloc-probe-interval = 6\n}\n",
			"rloc-probe-interval", 2, "rloc-probing section given twice");
	expect_fail_nth(BASE "debug = 1\ndebug = 2\n", "debug", 2, "debug given twice");
	expect_fail_nth(BASE "map-resolver = 192.0.2.1\nmap-resolver = 192.0.2.9\n",
			"map-resolver", 2, "map-resolver given twice");
	expect_fail_nth(BASE "map-resolver = { 192.0.2.1 }\nmap-resolver = { 192.0.2.9 }\n",
			"map-resolver", 2, "map-resolver given twice");
	expect_fail(BASE "proxy-itrs = { 192.0.2.1, 192.0.2.1 }\n", "proxy-itrs",
		    "proxy-itrs lists 192.0.2.1 twice");
	expect_fail_nth(BASE "proxy-etr {\n address = 192.0.2.7\n}\n"
			     "proxy-etr {\n address = 192.0.2.7\n}\n",
			"192.0.2.7", 2, "address 192.0.2.7 is given twice");
}

/* Multihoming: several rloc-iface entries (OOR), and LISPmob's form, one
 * database-mapping per interface with the same eid-prefix, merged. */
static void test_multihoming_forms(void **state)
{
	const char *oor = BASE
		"database-mapping {\n eid-prefix = 198.18.0.11/32\n"
		" rloc-iface {\n  interface = eth0\n  ip_version = 4\n  priority = 2\n  weight = 100\n }\n"
		" rloc-iface {\n  interface = wlan0\n  ip_version = 4\n  priority = 1\n  weight = 50\n }\n"
		" rloc-iface {\n  interface = wwan0\n  ip_version = 6\n  priority = 255\n  weight = 0\n }\n}\n";
	const char *lispmob = BASE
		"database-mapping {\n eid-prefix = 198.18.0.11/32\n interface = eth0\n"
		" priority_v4 = 2\n weight_v4 = 100\n priority_v6 = -1\n}\n"
		"database-mapping {\n eid-prefix = 198.18.0.11/32\n interface = wlan0\n"
		" priority_v4 = 1\n weight_v4 = 50\n priority_v6 = 3\n weight_v6 = 10\n}\n";
	struct lispd_config c;
	char err[512];

	(void)state;
	assert_int_equal(lispd_config_load_string(oor, "lispd.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_mappings, 2);
	assert_int_equal(c.mappings[1].n_rlocs, 3);
	assert_iface(&c.mappings[1].rlocs[0], "eth0", 4, 2, 100);
	assert_iface(&c.mappings[1].rlocs[1], "wlan0", 4, 1, 50);
	assert_iface(&c.mappings[1].rlocs[2], "wwan0", 6, 255, 0);
	lispd_config_free(&c);

	assert_int_equal(lispd_config_load_string(lispmob, "lispd.conf", &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_mappings, 2);
	assert_eid(&c.mappings[1].eid, "198.18.0.11/32");
	assert_int_equal(c.mappings[1].n_rlocs, 3);
	assert_iface(&c.mappings[1].rlocs[0], "eth0", 4, 2, 100);
	assert_iface(&c.mappings[1].rlocs[1], "wlan0", 4, 1, 50);
	assert_iface(&c.mappings[1].rlocs[2], "wlan0", 6, 3, 10);
	lispd_config_free(&c);

	/* The same interface twice for one EID: an error at the second. */
	expect_fail_nth(BASE "database-mapping {\n eid-prefix = 198.18.0.11/32\n interface = eth0\n}\n"
			     "database-mapping {\n eid-prefix = 198.18.0.11/32\n interface = eth0\n}\n",
			"interface = eth0", 3, "the same RLOC is given twice");
	/* Only LISPmob's form merges: the OOR form names every interface in
	 * one mapping, so a repeated eid-prefix stays an error. */
	expect_fail_nth(BASE "database-mapping {\n eid-prefix = 198.18.0.11/32\n interface = eth0\n}\n"
			     "database-mapping {\n eid-prefix = 198.18.0.11/32\n"
			     " rloc-iface {\n  interface = wlan0\n }\n}\n",
			"eid-prefix = 198.18.0.11", 2, "is given twice");
	/* Priorities out of range stay refused in every form. */
	expect_fail(BASE "database-mapping {\n eid-prefix = 198.18.0.11/32\n"
			 " rloc-iface {\n  interface = wlan0\n  priority = 256\n }\n}\n",
		    "priority = 256", "priority");
}

/* libConfuse 3.3 miscounts lines after comments and refuses comments in
 * lists; neither may show. */
static void test_comments(void **state)
{
	const char *text = "# top comment\n"
			   "// another\n"
			   "/* block\n   comment */\n" BASE
			   "proxy-itrs = {\n"
			   "    192.0.2.1,   # first\n"
			   "    192.0.2.3    // second\n"
			   "}\n"
			   "map-resolver = \"192.0.2.7\" # quoted, then a comment\n";
	struct lispd_config c;
	char err[256], *bad;

	(void)state;
	if (lispd_config_load_string(text, "x", &c, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(c.n_proxy_itrs, 2);
	assert_ip(&c.proxy_itrs[1], "192.0.2.3");
	assert_ip(&c.map_resolvers[0], "192.0.2.7");
	assert_int_equal(c.mappings[0].line, line_of(text, "198.18.0.10", 1));
	lispd_config_free(&c);

	/* '#' inside quotes is text. */
	assert_int_equal(lispd_config_load_string(BASE "log-file = \"/var/log/a#b\"\n", "x", &c,
						  err, sizeof(err)), 0);
	assert_string_equal(c.log_file, "/var/log/a#b");
	lispd_config_free(&c);

	bad = malloc(strlen(text) + 32);
	sprintf(bad, "%sbogus = 1\n", text);
	expect_fail(bad, "bogus", "unknown option 'bogus'");
	free(bad);
}

static void test_syntax_errors(void **state)
{
	(void)state;
	/* libConfuse alone would take the end of file as the closing brace. */
	expect_fail_nth(BASE "map-server {\n address = 192.0.2.9\n key = k\n", "map-server {", 2,
			"'{' is never closed");
	expect_fail(BASE "map-server {\n address = \"192.0.2.9", "192.0.2.9",
		    "premature end of file");
	expect_fail_nth(BASE "}\n", "}", 3, "unexpected closing brace");
	expect_fail(BASE "debug 1\n", "debug", "missing equal sign");
	/* Control bytes quoted from the file do not reach the message. */
	struct lispd_config c;
	char err[256];

	assert_int_equal(lispd_config_load_string(BASE "operating-mode = \"a\x1b[2Jb\"\n", "x", &c,
						  err, sizeof(err)), -1);
	for (const char *p = err; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
}

/* Builds BASE plus n copies of fmt (one %d: the copy's number). */
static char *repeat(const char *fmt, int n)
{
	size_t cap = strlen(BASE) + (size_t)n * (strlen(fmt) + 16) + 1;
	char *s = malloc(cap), *p = s;

	assert_non_null(s);
	p += sprintf(p, "%s", BASE);
	for (int i = 0; i < n; i++)
		p += sprintf(p, fmt, i);
	return s;
}

static void test_limits(void **state)
{
	struct lispd_config c;
	char err[256];
	char *t;

	(void)state;
	/* 15 more map-servers: 16 in all is the limit and is fine. */
	t = repeat("map-server {\n address = 198.51.100.%d\n key = k\n}\n", 15);
	assert_int_equal(lispd_config_load_string(t, "x", &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_map_servers, 16);
	lispd_config_free(&c);
	free(t);
	t = repeat("map-server {\n address = 198.51.100.%d\n key = k\n}\n", 16);
	expect_fail(t, "198.51.100.15", "more than 16 map-server sections");
	free(t);
	t = repeat("database-mapping {\n eid-prefix = 198.19.0.%d\n interface = eth0\n}\n", 64);
	expect_fail(t, "198.19.0.63", "more than 64 database-mapping sections");
	free(t);
	t = repeat("database-mapping {\n eid-prefix = 198.19.0.%d\n interface = eth0\n}\n", 63);
	assert_int_equal(lispd_config_load_string(t, "x", &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_mappings, 64);
	lispd_config_free(&c);
	free(t);
	t = repeat("static-map-cache {\n eid-prefix = [%d]198.18.1.0/24\n rloc = 192.0.2.9\n}\n",
		   1025);
	expect_fail(t, "[1024]", "more than 1024 static-map-cache sections");
	free(t);
}

/* ---- files ------------------------------------------------------------- */

static char *temp_file(const void *data, size_t len)
{
	static char path[] = "/tmp/lispd-test-config-XXXXXX";
	char *p = strdup(path);
	int fd = mkstemp(p);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return p;
}

static void expect_file_fail(const char *path, const char *want)
{
	struct lispd_config c;
	char err[512];

	assert_int_equal(lispd_config_load_file(path, &c, err, sizeof(err)), -1);
	if (strncmp(err, path, strlen(path)) != 0 || !strstr(err, want))
		fail_msg("error '%s'; want '%s: ...%s'", err, path, want);
	assert_null(c.mappings);
}

static void test_files(void **state)
{
	char *p;

	(void)state;
	expect_file_fail("/nonexistent/lispd.conf", "cannot open: No such file or directory");
	expect_file_fail("/tmp", "is a directory");
	p = temp_file("", 0);
	expect_file_fail(p, "no map-server section");
	unlink(p);
	free(p);
	p = temp_file(BASE "\0debug = 1\n", sizeof(BASE "\0debug = 1\n") - 1);
	expect_file_fail(p, "NUL byte");
	unlink(p);
	free(p);
	/* Line numbers carry the file's name. */
	p = temp_file(BASE "bogus = 1\n", strlen(BASE "bogus = 1\n"));
	{
		char want[64];

		snprintf(want, sizeof(want), ":%d: unknown option 'bogus'",
			 line_of(BASE "bogus = 1\n", "bogus", 1));
		expect_file_fail(p, want);
	}
	unlink(p);
	free(p);
	/* No error buffer: still refused, no crash. */
	struct lispd_config c;

	assert_int_equal(lispd_config_load_file("/nonexistent/lispd.conf", &c, NULL, 0), -1);
	assert_int_equal(lispd_config_load_string("foo = 1\n", NULL, &c, NULL, 0), -1);
}

static void test_big_input(void **state)
{
	size_t n = LISPD_CFG_MAX_FILE_SIZE + 10;
	char *big = malloc(n + 1);
	char *p;

	(void)state;
	memset(big, '#', n);
	big[n] = '\0';
	expect_fail(big, NULL, "larger than");
	p = temp_file(big, n);
	expect_file_fail(p, "larger than");
	unlink(p);
	free(p);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lispmob_02),
		cmocka_unit_test(test_lispmob_04),
		cmocka_unit_test(test_oor_13),
		cmocka_unit_test(test_example_parses),
		cmocka_unit_test(test_retries_zero_and_default),
		cmocka_unit_test(test_debug_forms),
		cmocka_unit_test(test_decap_source_check),
		cmocka_unit_test(test_decap_source_check_refused),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_unsupported_options),
		cmocka_unit_test(test_lisp_site_line),
		cmocka_unit_test(test_operating_modes),
		cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_bad_prefixes),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_map_server_checks),
		cmocka_unit_test(test_missing_sections),
		cmocka_unit_test(test_mixed_and_stray_forms),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_multihoming_forms),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_big_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
