/* Map-Request codec (RFC 9301 §5.2): golden bytes built from the RFC layout,
 * round trips of every option, malformed input, and real OOR requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_msg.h"
#include "../common/testutil.h"

static int decode_req(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	return lisp_map_request_decode(buf, len, ctx, err);
}

static void assert_req_equal(const struct lisp_map_request *g, const struct lisp_map_request *w)
{
	assert_int_equal(g->authoritative, w->authoritative);
	assert_int_equal(g->map_data, w->map_data);
	assert_int_equal(g->probe, w->probe);
	assert_int_equal(g->smr, w->smr);
	assert_int_equal(g->pitr, w->pitr);
	assert_int_equal(g->smr_invoked, w->smr_invoked);
	assert_int_equal(g->local_rloc, w->local_rloc);
	assert_int_equal(g->dont_reply, w->dont_reply);
	assert_int_equal(g->nonce, w->nonce);
	assert_true(lisp_addr_equal(&g->source_eid, &w->source_eid));
	assert_int_equal(g->n_itr, w->n_itr);
	for (unsigned i = 0; i < w->n_itr; i++)
		assert_true(lisp_addr_equal(&g->itr[i], &w->itr[i]));
	assert_int_equal(g->n_eid, w->n_eid);
	for (unsigned i = 0; i < w->n_eid; i++)
		tu_assert_prefix_equal(&g->eid[i], &w->eid[i]);
	if (w->map_data)
		tu_assert_record_equal(&g->map_reply_record, &w->map_reply_record);
}

/* Encode, decode back, compare; every truncation of the encoding must fail. */
static void round_trip(const struct lisp_map_request *m)
{
	static uint8_t buf[4096];
	size_t len = 0;
	struct lisp_err err = { 0 };
	struct lisp_map_request *back = calloc(1, sizeof(*back));
	char why[128];

	if (lisp_map_request_encode(buf, sizeof(buf), &len, m, &err))
		fail_msg("encode: %s", lisp_err_format(&err, why, sizeof(why)));
	tu_assert_truncations_fail(buf, len, decode_req, back);
	assert_req_equal(back, m);
	free(back);
}

/* Golden encoding: encoder output equals the hand-built bytes, and the
 * decoder reads them back into the same struct. */
static void golden(const struct lisp_map_request *m, const char *hex)
{
	uint8_t want[512], got[512];
	size_t n = tu_hex(hex, want, sizeof(want)), len = 0;
	struct lisp_map_request *back = calloc(1, sizeof(*back));

	assert_int_equal(lisp_map_request_encode(got, sizeof(got), &len, m, NULL), 0);
	tu_assert_bytes(got, len, want, n);
	tu_assert_truncations_fail(want, n, decode_req, back);
	assert_req_equal(back, m);

	/* An output buffer one byte short of any field is refused. */
	for (size_t cap = 0; cap < n; cap++) {
		struct lisp_err err = { 0 };
		uint8_t *small = malloc(cap ? cap : 1);

		assert_int_equal(lisp_map_request_encode(small, cap, &len, m, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TOO_LONG);
		free(small);
	}
	free(back);
}

static struct lisp_map_request *new_req(void)
{
	struct lisp_map_request *m = calloc(1, sizeof(*m));

	m->nonce = 0x0102030405060708ull;
	m->n_itr = 1;
	m->itr[0] = tu_addr("192.0.2.1");
	m->n_eid = 1;
	m->eid[0] = tu_prefix("198.19.0.0/16");
	return m;
}

static void test_golden_smr(void **state)
{
	struct lisp_map_request *m = new_req();

	(void)state;
	m->smr = true;
	m->source_eid = tu_addr("198.18.0.1");
	m->n_itr = 2;
	m->itr[1] = tu_addr("2001:db8::1");
	golden(m,
	       "11 00 01 01"              /* type 1, S; IRC 1; 1 record */
	       "0102030405060708"         /* nonce */
	       "0001 c6120001"            /* source EID 198.18.0.1 */
	       "0001 c0000201"            /* ITR-RLOC 192.0.2.1 */
	       "0002 20010db8000000000000000000000001"
	       "00 10 0001 c6130000");    /* 198.19.0.0/16 */
	free(m);
}

static void test_golden_probe_with_map_reply_record(void **state)
{
	struct lisp_map_request *m = new_req();
	struct lisp_record *r = &m->map_reply_record;

	(void)state;
	m->probe = true;
	m->map_data = true;
	m->nonce = 0xa1a2a3a4a5a6a7a8ull;
	m->source_eid.kind = LISP_ADDR_NONE;
	m->eid[0] = tu_prefix("2001:db8:e1d::/48");
	r->ttl = 10;
	r->authoritative = true;
	r->eid = tu_prefix("2001:db8:e1d::/48");
	r->n_loc = 1;
	r->loc[0] = (struct lisp_locator){ .priority = 1, .weight = 100, .mpriority = 255,
					   .local = true, .reachable = true,
					   .addr = tu_addr("192.0.2.1") };
	golden(m,
	       "16 00 00 01"              /* type 1, M, P; IRC 0; 1 record */
	       "a1a2a3a4a5a6a7a8"
	       "0000"                     /* no source EID */
	       "0001 c0000201"
	       "00 30 0002 20010db80e1d00000000000000000000"
	       /* Map-Reply record: TTL 10, 1 locator, /48, ACT 0 A=1, version 0 */
	       "0000000a 01 30 1000 0000 0002 20010db80e1d00000000000000000000"
	       "01 64 ff 00 0005 0001 c0000201");  /* L, R */
	free(m);
}

/* Each flag alone lands on the bit RFC 9301 gives it. */
static void test_flag_bits(void **state)
{
	static const struct {
		const char *name;
		size_t field;
		uint8_t w0[4];
	} flags[] = {
		{ "A", offsetof(struct lisp_map_request, authoritative), { 0x18, 0, 0, 1 } },
		{ "P", offsetof(struct lisp_map_request, probe), { 0x12, 0, 0, 1 } },
		{ "S", offsetof(struct lisp_map_request, smr), { 0x11, 0, 0, 1 } },
		{ "p", offsetof(struct lisp_map_request, pitr), { 0x10, 0x80, 0, 1 } },
		{ "s", offsetof(struct lisp_map_request, smr_invoked), { 0x10, 0x40, 0, 1 } },
		{ "L", offsetof(struct lisp_map_request, local_rloc), { 0x10, 0, 0x40, 1 } },
		{ "D", offsetof(struct lisp_map_request, dont_reply), { 0x10, 0, 0x20, 1 } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct lisp_map_request *m = new_req();
		uint8_t buf[128];
		size_t len;

		*((bool *)((char *)m + flags[i].field)) = true;
		assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, NULL), 0);
		if (memcmp(buf, flags[i].w0, 4) != 0)
			fail_msg("flag %s: w0 %02x%02x%02x%02x", flags[i].name, buf[0], buf[1],
				 buf[2], buf[3]);
		round_trip(m);
		free(m);
	}
}

static void test_smr_invoked_iid(void **state)
{
	struct lisp_map_request *m = new_req();

	(void)state;
	m->smr_invoked = true;
	m->source_eid = tu_addr("198.18.0.1");
	lisp_addr_set_iid(&m->source_eid, 7);
	m->eid[0] = tu_prefix("[7]198.19.0.0/16");
	round_trip(m);
	free(m);
}

static void test_max_itr_rlocs_and_records(void **state)
{
	struct lisp_map_request *m = new_req();
	uint8_t buf[2048];
	size_t len;

	(void)state;
	m->n_itr = LISP_MAX_ITR_RLOCS;
	for (unsigned i = 0; i < m->n_itr; i++) {
		struct lisp_ip ip = { .afi = LISP_AFI_IPV4, .bytes = { 203, 0, 113, (uint8_t)i } };

		if (i % 2)
			ip = (struct lisp_ip){ .afi = LISP_AFI_IPV6,
					       .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = (uint8_t)i } };
		lisp_addr_from_ip(&m->itr[i], &ip);
	}
	m->n_eid = LISP_MAX_RECORDS;
	for (unsigned i = 0; i < m->n_eid; i++) {
		m->eid[i] = tu_prefix("198.18.0.0/24");
		m->eid[i].addr.ip.bytes[2] = (uint8_t)i;
	}
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, NULL), 0);
	assert_int_equal(buf[2] & 0x1f, 31);   /* IRC = count - 1 */
	assert_int_equal(buf[3], 32);
	round_trip(m);
	free(m);
}

static void test_map_reply_record_afi_list_locator(void **state)
{
	struct lisp_map_request *m = new_req();
	struct lisp_record *r = &m->map_reply_record;

	(void)state;
	m->map_data = true;
	r->ttl = 0xffffffff;
	r->map_version = 0xabc;
	r->eid = tu_prefix("198.18.0.0/15");
	r->n_loc = 2;
	r->loc[0].addr.kind = LISP_ADDR_AFI_LIST;
	r->loc[0].addr.n_list = 2;
	r->loc[0].addr.list[0] = tu_addr("192.0.2.7").ip;
	r->loc[0].addr.list[1] = tu_addr("2001:db8::7").ip;
	r->loc[0].probed = true;
	r->loc[1].addr = tu_addr("198.51.100.9");
	r->loc[1].priority = 255;
	round_trip(m);
	free(m);
}

static void test_encode_refuses(void **state)
{
	struct lisp_map_request *m = new_req();
	uint8_t buf[256];
	size_t len;
	struct lisp_err err = { 0 };

	(void)state;
	m->n_itr = 0;
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	m->n_itr = LISP_MAX_ITR_RLOCS + 1;
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, &err), -1);
	m->n_itr = 1;
	m->n_eid = 0;
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	m->n_eid = LISP_MAX_RECORDS + 1;
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, &err), -1);
	m->n_eid = 1;
	m->eid[0].plen = 33;
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_PREFIX);
	m->eid[0].plen = 16;
	m->itr[0].kind = LISP_ADDR_NONE;
	assert_int_equal(lisp_map_request_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	free(m);
}

static void expect_fail(const char *hex, enum lisp_err_code code)
{
	uint8_t buf[512];
	size_t n = tu_hex(hex, buf, sizeof(buf));
	struct lisp_map_request *m = calloc(1, sizeof(*m));

	tu_assert_decode_fails(buf, n, decode_req, m, code);
	free(m);
}

#define HDR_NONCE "0102030405060708"
#define SRC4 "0001 c6120001"
#define ITR4 "0001 c0000201"
#define REC4 "00 10 0001 c6130000"

static void test_malformed(void **state)
{
	(void)state;
	/* The valid base, so each case below differs from it in one thing. */
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4 REC4 "00", LISP_ERR_TOO_LONG);
	/* Record count 0, and beyond our limit. */
	expect_fail("10 00 00 00" HDR_NONCE SRC4 ITR4, LISP_ERR_BAD_COUNT);
	expect_fail("10 00 00 21" HDR_NONCE SRC4 ITR4 REC4, LISP_ERR_BAD_COUNT);
	/* Counts promising more than the message holds. */
	expect_fail("10 00 00 03" HDR_NONCE SRC4 ITR4 REC4, LISP_ERR_TRUNCATED);
	expect_fail("10 00 1f 01" HDR_NONCE SRC4 ITR4, LISP_ERR_TRUNCATED);
	/* M=1 without the Map-Reply record. */
	expect_fail("14 00 00 01" HDR_NONCE SRC4 ITR4 REC4, LISP_ERR_TRUNCATED);
	/* Unknown AFIs: source EID, ITR-RLOC, record EID. */
	expect_fail("10 00 00 01" HDR_NONCE "0011 c6120001" ITR4 REC4, LISP_ERR_BAD_AFI);
	expect_fail("10 00 00 01" HDR_NONCE SRC4 "0005 c0000201" REC4, LISP_ERR_BAD_AFI);
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4 "00 10 0007 c6130000", LISP_ERR_BAD_AFI);
	/* An ITR-RLOC of AFI 0 cannot be replied to; an EID of AFI 0 is no EID. */
	expect_fail("10 00 00 01" HDR_NONCE SRC4 "0000" REC4, LISP_ERR_BAD_AFI);
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4 "00 00 0000", LISP_ERR_BAD_AFI);
	/* Mask lengths longer than the family. */
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4 "00 21 0001 c6130000", LISP_ERR_BAD_PREFIX);
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4
		    "00 81 0002 20010db80e1d00000000000000000000",
		    LISP_ERR_BAD_PREFIX);
	/* LCAF length lies in the record's EID. */
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4 "00 10 4003 00 00 02 20 0009 00000007 0001 c6130000",
		    LISP_ERR_BAD_LCAF);
	expect_fail("10 00 00 01" HDR_NONCE SRC4 ITR4
		    "00 10 4003 00 00 02 20 000b 00000007 0001 c6130000 00",
		    LISP_ERR_BAD_LCAF);
	/* Not a Map-Request at all. */
	expect_fail("20 00 00 01" HDR_NONCE SRC4 ITR4 REC4, LISP_ERR_BAD_TYPE);
	expect_fail("30 00 00 01" HDR_NONCE SRC4 ITR4 REC4, LISP_ERR_BAD_TYPE);
	/* Map-Reply record with too many locators. */
	expect_fail("14 00 00 01" HDR_NONCE SRC4 ITR4 REC4
		    "0000000a 11 10 0000 0000 0001 c6130000",
		    LISP_ERR_BAD_COUNT);
}

/* Map-Requests from the OOR captures (inner message of ECMs), as tshark
 * decodes them: tests/interop/data/final-c-ms.pcap frames 21, 15 and 29. */
static void check_capture(const char *hex, uint64_t nonce, const char *src, const char *itr,
			  const char *eid)
{
	uint8_t buf[256], again[256];
	size_t n = tu_hex(hex, buf, sizeof(buf)), len;
	struct lisp_map_request *m = calloc(1, sizeof(*m));
	struct lisp_addr want_src = { .kind = LISP_ADDR_NONE }, want_itr = tu_addr(itr);
	struct lisp_prefix want_eid = tu_prefix(eid);

	if (src)
		want_src = tu_addr(src);
	tu_assert_truncations_fail(buf, n, decode_req, m);
	assert_int_equal(m->nonce, nonce);
	assert_false(m->smr || m->probe || m->map_data || m->authoritative);
	assert_true(lisp_addr_equal(&m->source_eid, &want_src));
	assert_int_equal(m->n_itr, 1);
	assert_true(lisp_addr_equal(&m->itr[0], &want_itr));
	assert_int_equal(m->n_eid, 1);
	tu_assert_prefix_equal(&m->eid[0], &want_eid);
	/* Nothing in a request is per-run state beyond what we decoded. */
	assert_int_equal(lisp_map_request_encode(again, sizeof(again), &len, m, NULL), 0);
	tu_assert_bytes(again, len, buf, n);
	free(m);
}

static void test_oor_captures(void **state)
{
	(void)state;
	check_capture("10000001dedacf6f72cfdada00010a01010a0001c6336402002000010a030303",
		      0xdedacf6f72cfdadaull, "10.1.1.10", "198.51.100.2", "10.3.3.3/32");
	check_capture("10000001eddaef6f70e512ad000220010db8000100010000000000000010"
		      "0001c63364020080000220010db8000200020000000000000010",
		      0xeddaef6f70e512adull, "2001:db8:1:1::10", "198.51.100.2",
		      "2001:db8:2:2::10/128");
	/* Source EID AFI 0, as a lig-style request sends it. */
	check_capture("100000017301383640d97a1a00000001c00002010080000220010db8000200020000000000000010",
		      0x7301383640d97a1aull, NULL, "192.0.2.1", "2001:db8:2:2::10/128");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_smr),
		cmocka_unit_test(test_golden_probe_with_map_reply_record),
		cmocka_unit_test(test_flag_bits),
		cmocka_unit_test(test_smr_invoked_iid),
		cmocka_unit_test(test_max_itr_rlocs_and_records),
		cmocka_unit_test(test_map_reply_record_afi_list_locator),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oor_captures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
