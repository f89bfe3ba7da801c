/* Address codec: AFI 0/1/2, instance-id and AFI-list LCAFs, prefixes, text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_addr.h"
#include "../common/testutil.h"

static struct lisp_addr ip4(const char *s)
{
	struct lisp_addr a;
	struct lisp_ip ip;

	assert_int_equal(lisp_ip_parse(s, &ip, NULL), 0);
	lisp_addr_from_ip(&a, &ip);
	return a;
}

/* Decodes exactly one address filling the buffer. */
static int decode_whole(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	struct lisp_addr *out = ctx;
	size_t off = 0;

	if (lisp_addr_decode(buf, len, &off, out, err))
		return -1;
	assert_int_equal(off, len);
	return 0;
}

static void check_encoding(const struct lisp_addr *a, const char *hex)
{
	uint8_t want[64], got[64];
	size_t n = tu_hex(hex, want, sizeof(want)), off = 0;
	struct lisp_addr back;

	assert_int_equal(lisp_addr_wire_len(a), n);
	assert_int_equal(lisp_addr_encode(got, sizeof(got), &off, a, NULL), 0);
	tu_assert_bytes(got, off, want, n);

	tu_assert_truncations_fail(want, n, decode_whole, &back);
	assert_true(lisp_addr_equal(&back, a));
	assert_int_equal(back.iid_mask_len, a->iid_mask_len);

	/* Every output buffer too small by even one byte is refused. */
	for (size_t cap = 0; cap < n; cap++) {
		struct lisp_err err = { 0 };
		uint8_t *small = malloc(cap ? cap : 1);

		off = 0;
		assert_int_equal(lisp_addr_encode(small, cap, &off, a, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TOO_LONG);
		assert_int_equal(off, 0);
		free(small);
	}
}

static void test_afi_none(void **state)
{
	struct lisp_addr a = { .kind = LISP_ADDR_NONE };

	(void)state;
	check_encoding(&a, "0000");
}

static void test_ipv4(void **state)
{
	struct lisp_addr a = ip4("192.0.2.1");

	(void)state;
	check_encoding(&a, "0001 c0000201");
}

static void test_ipv6(void **state)
{
	struct lisp_addr a = ip4("2001:db8::1");

	(void)state;
	assert_int_equal(a.ip.afi, LISP_AFI_IPV6);
	check_encoding(&a, "0002 20010db8000000000000000000000001");
}

static void test_iid_lcaf(void **state)
{
	struct lisp_addr a = ip4("198.18.0.1");

	(void)state;
	lisp_addr_set_iid(&a, 0x00abcdef);
	/* AFI 16387, Rsvd1 0, Flags 0, Type 2, mask len 32, Length 10 (IID 4 +
	 * AFI 2 + IPv4 4), IID, AFI 1, address. */
	check_encoding(&a, "4003 00 00 02 20 000a 00abcdef 0001 c6120001");
}

static void test_iid_lcaf_ipv6_full_32bit(void **state)
{
	struct lisp_addr a = ip4("2001:db8:e1d::1");

	(void)state;
	lisp_addr_set_iid(&a, 0xfedcba98);
	a.iid_mask_len = 24;
	check_encoding(&a, "4003 00 00 02 18 0016 fedcba98 0002 20010db80e1d00000000000000000001");
}

static void test_afi_list(void **state)
{
	struct lisp_addr a = { .kind = LISP_ADDR_AFI_LIST, .n_list = 2 };

	(void)state;
	a.list[0] = ip4("192.0.2.1").ip;
	a.list[1] = ip4("2001:db8::2").ip;
	check_encoding(&a, "4003 00 00 01 00 0018 0001 c0000201 0002 20010db8000000000000000000000002");
}

static void test_decode_advances_offset(void **state)
{
	uint8_t buf[32];
	size_t n = tu_hex("ffff 0001 c0000201 0000 ee", buf, sizeof(buf)), off = 2;
	struct lisp_addr a;

	(void)state;
	assert_int_equal(lisp_addr_decode(buf, n, &off, &a, NULL), 0);
	assert_int_equal(off, 8);
	assert_int_equal(a.kind, LISP_ADDR_IP);
	assert_int_equal(lisp_addr_decode(buf, n, &off, &a, NULL), 0);
	assert_int_equal(off, 10);
	assert_int_equal(a.kind, LISP_ADDR_NONE);
}

static void expect_fail(const char *hex, enum lisp_err_code code)
{
	uint8_t buf[64];
	size_t n = tu_hex(hex, buf, sizeof(buf));
	struct lisp_addr a;

	tu_assert_decode_fails(buf, n, decode_whole, &a, code);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	/* AFI 17 (distinguished name) and AFI 3 are not ours to parse. */
	expect_fail("0011 41424300", LISP_ERR_BAD_AFI);
	expect_fail("0003 00000000", LISP_ERR_BAD_AFI);
	/* LCAF type 7 (NAT traversal) and 4 are not plain addresses. */
	expect_fail("4003 00 00 07 00 0006 0001 c0000201", LISP_ERR_BAD_LCAF);
	expect_fail("4003 00 00 04 00 0006 0001 c0000201", LISP_ERR_BAD_LCAF);
	/* IID LCAF whose Length is one short / one long of its content. */
	expect_fail("4003 00 00 02 20 0009 00000001 0001 c6120001", LISP_ERR_BAD_LCAF);
	expect_fail("4003 00 00 02 20 000b 00000001 0001 c6120001 00", LISP_ERR_BAD_LCAF);
	/* Length too small to hold even the IID. */
	expect_fail("4003 00 00 02 20 0003 000000", LISP_ERR_BAD_LCAF);
	/* Length that runs past the buffer: the address is cut. */
	expect_fail("4003 00 00 02 20 0020 00000001 0001 c6120001", LISP_ERR_TRUNCATED);
	/* IID around an IID: nesting refused. */
	expect_fail("4003 00 00 02 20 0014 00000001 4003 00 00 02 20 000a 00000001 0001 c6120001",
		    LISP_ERR_BAD_LCAF);
	/* IID around AFI 0 and around an unknown AFI. */
	expect_fail("4003 00 00 02 20 0006 00000001 0000", LISP_ERR_BAD_AFI);
	expect_fail("4003 00 00 02 20 000a 00000001 0011 c6120001", LISP_ERR_BAD_AFI);
	/* AFI list: empty, an entry cut by Length, trailing byte, nested LCAF. */
	expect_fail("4003 00 00 01 00 0000", LISP_ERR_BAD_LCAF);
	expect_fail("4003 00 00 01 00 0005 0001 c00002", LISP_ERR_BAD_LCAF);
	expect_fail("4003 00 00 01 00 0007 0001 c0000201 00", LISP_ERR_BAD_LCAF);
	expect_fail("4003 00 00 01 00 0010 4003 00 00 02 20 000a 00000001 0001 c6120001",
		    LISP_ERR_BAD_LCAF);
	/* AFI list longer than we keep. */
	expect_fail("4003 00 00 01 00 001e 0001 c0000201 0001 c0000202 0001 c0000203 "
		    "0001 c0000204 0001 c0000205",
		    LISP_ERR_BAD_COUNT);
}

static void test_encode_refuses_nonsense(void **state)
{
	uint8_t buf[64];
	size_t off = 0;
	struct lisp_err err = { 0 };
	struct lisp_addr a = { .kind = LISP_ADDR_NONE, .has_iid = true };
	struct lisp_addr list = { .kind = LISP_ADDR_AFI_LIST, .n_list = 0 };
	struct lisp_addr bad_afi = { .kind = LISP_ADDR_IP, .ip = { .afi = 17 } };

	(void)state;
	assert_int_equal(lisp_addr_encode(buf, sizeof(buf), &off, &a, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	assert_int_equal(lisp_addr_encode(buf, sizeof(buf), &off, &list, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	list.n_list = LISP_AFI_LIST_MAX + 1;
	assert_int_equal(lisp_addr_encode(buf, sizeof(buf), &off, &list, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	assert_int_equal(lisp_addr_encode(buf, sizeof(buf), &off, &bad_afi, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	assert_int_equal(off, 0);
}

static void test_ip_helpers(void **state)
{
	struct lisp_ip a, b;
	const uint8_t v4[4] = { 198, 18, 0, 1 };

	(void)state;
	assert_int_equal(lisp_ip_from_bytes(&a, LISP_AFI_IPV4, v4), 0);
	assert_int_equal(lisp_ip_parse("198.18.0.1", &b, NULL), 0);
	assert_true(lisp_ip_equal(&a, &b));
	assert_int_equal(lisp_ip_from_bytes(&a, 17, v4), -1);
	assert_int_equal(lisp_afi_bits(LISP_AFI_IPV4), 32);
	assert_int_equal(lisp_afi_bits(LISP_AFI_IPV6), 128);
	assert_int_equal(lisp_afi_bits(LISP_AFI_LCAF), 0);
}

static void test_addr_equal(void **state)
{
	struct lisp_addr a = ip4("198.18.0.1"), b = ip4("198.18.0.1"), c = ip4("198.18.0.2");

	(void)state;
	assert_true(lisp_addr_equal(&a, &b));
	assert_false(lisp_addr_equal(&a, &c));
	lisp_addr_set_iid(&b, 5);
	assert_false(lisp_addr_equal(&a, &b));
	lisp_addr_set_iid(&a, 5);
	assert_true(lisp_addr_equal(&a, &b));
	b.iid = 6;
	assert_false(lisp_addr_equal(&a, &b));
}

static struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;
	struct lisp_err err = { 0 };
	char why[128];

	if (lisp_prefix_parse(s, &p, &err))
		fail_msg("parse %s: %s", s, lisp_err_format(&err, why, sizeof(why)));
	return p;
}

static void test_prefix_normalize(void **state)
{
	struct lisp_prefix p = { .addr = ip4("198.19.255.255"), .plen = 15 };
	struct lisp_prefix q = { .addr = ip4("2001:db8:e1d:ffff::1"), .plen = 52 };
	char buf[LISP_ADDR_STRLEN];

	(void)state;
	lisp_prefix_normalize(&p);
	assert_string_equal(lisp_prefix_format(&p, buf, sizeof(buf)), "198.18.0.0/15");
	lisp_prefix_normalize(&q);
	assert_string_equal(lisp_prefix_format(&q, buf, sizeof(buf)), "2001:db8:e1d:f000::/52");
	p.plen = 0;
	lisp_prefix_normalize(&p);
	assert_string_equal(lisp_prefix_format(&p, buf, sizeof(buf)), "0.0.0.0/0");
}

static void test_prefix_cmp(void **state)
{
	struct lisp_prefix a = pfx("198.18.0.0/15"), b = pfx("198.18.0.0/16");
	struct lisp_prefix c = pfx("198.19.0.0/16"), v6 = pfx("2001:db8:e1d::/48");
	struct lisp_prefix i1 = pfx("[1]198.18.0.0/15"), i0 = pfx("[0]198.18.0.0/15");

	(void)state;
	assert_int_equal(lisp_prefix_cmp(&a, &a), 0);
	assert_true(lisp_prefix_cmp(&a, &b) < 0);
	assert_true(lisp_prefix_cmp(&b, &a) > 0);
	assert_true(lisp_prefix_cmp(&b, &c) < 0);
	assert_true(lisp_prefix_cmp(&c, &v6) < 0); /* family before address */
	assert_true(lisp_prefix_cmp(&v6, &i1) < 0); /* instance-id first */
	assert_true(lisp_prefix_cmp(&i1, &a) > 0);
	/* No instance-id reads as instance 0. */
	assert_int_equal(lisp_prefix_cmp(&i0, &a), 0);
}

static void test_prefix_contains(void **state)
{
	struct lisp_prefix net = pfx("198.18.0.0/15"), host = pfx("198.19.1.2");
	struct lisp_prefix other = pfx("198.20.0.0/16"), all = pfx("0.0.0.0/0");
	struct lisp_prefix v6 = pfx("2001:db8:e1d::/48"), v6h = pfx("2001:db8:e1d:1::5");
	struct lisp_prefix inst = pfx("[7]198.18.0.0/15");
	struct lisp_ip ip;

	(void)state;
	assert_true(lisp_prefix_contains(&net, &host));
	assert_false(lisp_prefix_contains(&host, &net));
	assert_false(lisp_prefix_contains(&net, &other));
	assert_true(lisp_prefix_contains(&all, &net));
	assert_true(lisp_prefix_contains(&net, &net));
	assert_false(lisp_prefix_contains(&all, &v6));
	assert_true(lisp_prefix_contains(&v6, &v6h));
	assert_false(lisp_prefix_contains(&inst, &host));
	assert_false(lisp_prefix_contains(&net, &inst));

	assert_int_equal(lisp_ip_parse("198.19.200.1", &ip, NULL), 0);
	assert_true(lisp_prefix_contains_ip(&net, 0, &ip));
	assert_false(lisp_prefix_contains_ip(&net, 7, &ip));
	assert_true(lisp_prefix_contains_ip(&inst, 7, &ip));
	assert_int_equal(lisp_ip_parse("198.20.0.1", &ip, NULL), 0);
	assert_false(lisp_prefix_contains_ip(&net, 0, &ip));
	/* A /15 splits a byte: 198.17 differs only in bit 15. */
	assert_int_equal(lisp_ip_parse("198.17.0.1", &ip, NULL), 0);
	assert_false(lisp_prefix_contains_ip(&net, 0, &ip));
}

static void test_text_round_trip(void **state)
{
	static const char *const good[] = {
		"198.18.0.0/15", "198.18.0.1/32", "2001:db8:e1d::/48", "0.0.0.0/0", "::/0",
		"[0]198.18.0.0/15", "[16777215]2001:db8:e1d::/48", "[4294967295]198.18.0.0/16",
	};
	char buf[LISP_ADDR_STRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct lisp_prefix p = pfx(good[i]);

		assert_string_equal(lisp_prefix_format(&p, buf, sizeof(buf)), good[i]);
	}
}

static void test_text_parse_details(void **state)
{
	struct lisp_prefix p = pfx("2001:db8:e1d::7");
	struct lisp_prefix q = pfx("[4294967295]198.18.0.0/15");

	(void)state;
	assert_int_equal(p.plen, 128);
	assert_false(p.addr.has_iid);
	assert_int_equal(p.addr.kind, LISP_ADDR_IP);
	assert_true(q.addr.has_iid);
	assert_int_equal(q.addr.iid, 0xffffffffu);
	assert_int_equal(q.plen, 15);
}

static void expect_parse_fail(const char *s, enum lisp_err_code code)
{
	struct lisp_prefix p;
	struct lisp_err err = { 0 };

	if (lisp_prefix_parse(s, &p, &err) != -1 || err.code != code)
		fail_msg("\"%s\": expected %s, got %s", s, lisp_err_name(code),
			 lisp_err_name(err.code));
}

static void test_text_parse_errors(void **state)
{
	struct lisp_ip ip;
	struct lisp_err err = { 0 };

	(void)state;
	expect_parse_fail("198.18.0.1/15", LISP_ERR_BAD_PREFIX);   /* host bits */
	expect_parse_fail("198.18.0.0/33", LISP_ERR_BAD_PREFIX);
	expect_parse_fail("2001:db8::/129", LISP_ERR_BAD_PREFIX);
	expect_parse_fail("198.18.0.0/", LISP_ERR_SYNTAX);
	expect_parse_fail("198.18.0.0/+1", LISP_ERR_SYNTAX);
	expect_parse_fail("198.18.0.0/1x", LISP_ERR_SYNTAX);
	expect_parse_fail("198.18.0.0/999", LISP_ERR_SYNTAX);
	expect_parse_fail("198.18.0/24", LISP_ERR_SYNTAX);
	expect_parse_fail("example.net/24", LISP_ERR_SYNTAX);
	expect_parse_fail("", LISP_ERR_SYNTAX);
	expect_parse_fail("/8", LISP_ERR_SYNTAX);
	expect_parse_fail("[4294967296]198.18.0.0/15", LISP_ERR_SYNTAX);
	expect_parse_fail("[-1]198.18.0.0/15", LISP_ERR_SYNTAX);
	expect_parse_fail("[]198.18.0.0/15", LISP_ERR_SYNTAX);
	expect_parse_fail("[12198.18.0.0/15", LISP_ERR_SYNTAX);
	expect_parse_fail(" 198.18.0.0/15", LISP_ERR_SYNTAX);
	expect_parse_fail("2001:db8:e1d:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0/48",
			  LISP_ERR_SYNTAX);
	assert_int_equal(lisp_ip_parse("198.18.0.256", &ip, &err), -1);
	assert_int_equal(err.code, LISP_ERR_SYNTAX);
}

static void test_addr_format(void **state)
{
	struct lisp_addr a = ip4("192.0.2.1"), none = { .kind = LISP_ADDR_NONE };
	struct lisp_addr list = { .kind = LISP_ADDR_AFI_LIST, .n_list = 2 };
	char buf[LISP_ADDR_STRLEN], tiny[6];

	(void)state;
	assert_string_equal(lisp_addr_format(&a, buf, sizeof(buf)), "192.0.2.1");
	lisp_addr_set_iid(&a, 3);
	assert_string_equal(lisp_addr_format(&a, buf, sizeof(buf)), "[3]192.0.2.1");
	assert_string_equal(lisp_addr_format(&none, buf, sizeof(buf)), "none");
	list.list[0] = ip4("192.0.2.1").ip;
	list.list[1] = ip4("2001:db8::1").ip;
	assert_string_equal(lisp_addr_format(&list, buf, sizeof(buf)), "(192.0.2.1,2001:db8::1)");
	/* A short buffer truncates and stays terminated. */
	assert_string_equal(lisp_addr_format(&list, tiny, sizeof(tiny)), "(192.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_afi_none),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_iid_lcaf),
		cmocka_unit_test(test_iid_lcaf_ipv6_full_32bit),
		cmocka_unit_test(test_afi_list),
		cmocka_unit_test(test_decode_advances_offset),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_encode_refuses_nonsense),
		cmocka_unit_test(test_ip_helpers),
		cmocka_unit_test(test_addr_equal),
		cmocka_unit_test(test_prefix_normalize),
		cmocka_unit_test(test_prefix_cmp),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_text_round_trip),
		cmocka_unit_test(test_text_parse_details),
		cmocka_unit_test(test_text_parse_errors),
		cmocka_unit_test(test_addr_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
