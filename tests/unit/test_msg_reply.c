/* Map-Reply codec (RFC 9301 §5.4) and the EID/locator records it shares with
 * other messages; also lisp_msg_decode's dispatch on the type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_msg.h"
#include "../common/testutil.h"

static int decode_rep(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	return lisp_map_reply_decode(buf, len, ctx, err);
}

static void assert_rep_equal(const struct lisp_map_reply *g, const struct lisp_map_reply *w)
{
	assert_int_equal(g->probe, w->probe);
	assert_int_equal(g->echo, w->echo);
	assert_int_equal(g->security, w->security);
	assert_int_equal(g->nonce, w->nonce);
	assert_int_equal(g->n_rec, w->n_rec);
	for (unsigned i = 0; i < w->n_rec; i++)
		tu_assert_record_equal(&g->rec[i], &w->rec[i]);
}

static void round_trip(const struct lisp_map_reply *m, uint8_t *out, size_t *out_len)
{
	static uint8_t buf[16384];
	size_t len = 0;
	struct lisp_err err = { 0 };
	struct lisp_map_reply *back = calloc(1, sizeof(*back));
	char why[128];

	if (lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err))
		fail_msg("encode: %s", lisp_err_format(&err, why, sizeof(why)));
	tu_assert_truncations_fail(buf, len, decode_rep, back);
	assert_rep_equal(back, m);
	if (out) {
		memcpy(out, buf, len);
		*out_len = len;
	}
	free(back);
}

static struct lisp_map_reply *new_reply(void)
{
	struct lisp_map_reply *m = calloc(1, sizeof(*m));

	m->nonce = 0x1112131415161718ull;
	return m;
}

static void test_golden_probe_reply(void **state)
{
	struct lisp_map_reply *m = new_reply();
	struct lisp_record *r = &m->rec[0], *neg = &m->rec[1];
	uint8_t want[256], got[256];
	size_t n, len;

	(void)state;
	m->probe = true;
	m->n_rec = 2;
	r->ttl = 60;
	r->authoritative = true;
	r->map_version = 5;
	r->eid = tu_prefix("198.18.0.5/32");
	r->n_loc = 2;
	r->loc[0] = (struct lisp_locator){ .priority = 1, .weight = 50, .mpriority = 255,
					   .probed = true, .reachable = true,
					   .addr = tu_addr("192.0.2.1") };
	r->loc[1] = (struct lisp_locator){ .priority = 2, .mpriority = 255, .reachable = true,
					   .addr = tu_addr("2001:db8::2") };
	neg->ttl = 15;
	neg->act = LISP_ACT_DROP;
	neg->eid = tu_prefix("2001:db8:e1d::/48");
	n = tu_hex("28 00 00 02"          /* type 2, P; 2 records */
		   "1112131415161718"
		   "0000003c 02 20 1000 0005 0001 c6120005"  /* TTL 60, 2 loc, /32, A, v5 */
		   "01 32 ff 00 0003 0001 c0000201"          /* p, R */
		   "02 00 ff 00 0001 0002 20010db8000000000000000000000002"
		   "0000000f 00 30 6000 0000 0002 20010db80e1d00000000000000000000", /* drop */
		   want, sizeof(want));
	assert_int_equal(lisp_map_reply_encode(got, sizeof(got), &len, m, NULL), 0);
	tu_assert_bytes(got, len, want, n);
	round_trip(m, NULL, NULL);
	for (size_t cap = 0; cap < n; cap++) {
		struct lisp_err err = { 0 };
		uint8_t *small = malloc(cap ? cap : 1);

		assert_int_equal(lisp_map_reply_encode(small, cap, &len, m, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TOO_LONG);
		free(small);
	}
	free(m);
}

static void test_flag_bits(void **state)
{
	uint8_t buf[128];
	size_t len;

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct lisp_map_reply *m = new_reply();

		m->n_rec = 1;
		m->rec[0].eid = tu_prefix("198.18.0.0/15");
		if (i == 0)
			m->echo = true;
		else
			m->security = true;
		round_trip(m, buf, &len);
		assert_int_equal(buf[0], i == 0 ? 0x24 : 0x22);
		free(m);
	}
}

/* Negative replies: LocCount 0, the ACT in bits 16-18 of the record's
 * second word, A in bit 19. */
static void test_negative_each_act(void **state)
{
	(void)state;
	for (unsigned act = 0; act <= LISP_ACT_DROP_AUTH; act++) {
		for (int a = 0; a < 2; a++) {
			struct lisp_map_reply *m = new_reply();
			uint8_t buf[128];
			size_t len;

			m->n_rec = 1;
			m->rec[0].ttl = 1;
			m->rec[0].act = (uint8_t)act;
			m->rec[0].authoritative = a;
			m->rec[0].eid = tu_prefix("198.18.0.0/15");
			round_trip(m, buf, &len);
			/* header 4 + nonce 8 + TTL 4 -> LocCount at 16, mask 17, ACT 18 */
			assert_int_equal(buf[16], 0);
			assert_int_equal(buf[17], 15);
			assert_int_equal(buf[18], (act << 5) | (a ? 0x10 : 0));
			free(m);
		}
	}
}

static void test_many_records_iid_and_lists(void **state)
{
	struct lisp_map_reply *m = new_reply();

	(void)state;
	m->n_rec = LISP_MAX_RECORDS;
	for (unsigned i = 0; i < m->n_rec; i++) {
		struct lisp_record *r = &m->rec[i];

		r->ttl = 1440;
		r->eid = tu_prefix(i % 2 ? "[16777215]2001:db8:e1d::/48" : "[3]198.18.0.0/16");
		/* One full record; the rest small, to keep the truncation sweep short. */
		r->n_loc = i == 0 ? LISP_MAX_LOCATORS : 2;
		for (unsigned j = 0; j < r->n_loc; j++) {
			r->loc[j].priority = (uint8_t)j;
			r->loc[j].weight = (uint8_t)(100 - j);
			r->loc[j].reachable = j % 2;
			r->loc[j].local = j % 3 == 0;
			r->loc[j].addr = tu_addr(j % 2 ? "2001:db8::9" : "203.0.113.9");
			if (j == 5) {
				r->loc[j].addr.kind = LISP_ADDR_AFI_LIST;
				r->loc[j].addr.n_list = 1;
				r->loc[j].addr.list[0] = tu_addr("198.51.100.1").ip;
			}
			if (j == 6)
				lisp_addr_set_iid(&r->loc[j].addr, 99);
		}
	}
	round_trip(m, NULL, NULL);
	free(m);
}

static void test_encode_refuses(void **state)
{
	struct lisp_map_reply *m = new_reply();
	uint8_t buf[256];
	size_t len;
	struct lisp_err err = { 0 };
	struct lisp_record *r = &m->rec[0];

	(void)state;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);   /* no record */
	m->n_rec = LISP_MAX_RECORDS + 1;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	m->n_rec = 1;
	r->eid = tu_prefix("198.18.0.0/15");
	r->act = 8;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	r->act = 0;
	r->map_version = 0x1000;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	r->map_version = 0;
	r->n_loc = LISP_MAX_LOCATORS + 1;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	r->n_loc = 1;   /* locator 0 left with no address */
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	r->n_loc = 0;
	r->eid.plen = 40;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_PREFIX);
	r->eid.plen = 15;
	r->eid.addr.kind = LISP_ADDR_NONE;
	assert_int_equal(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	free(m);
}

static void expect_fail(const char *hex, enum lisp_err_code code)
{
	uint8_t buf[512];
	size_t n = tu_hex(hex, buf, sizeof(buf));
	struct lisp_map_reply *m = calloc(1, sizeof(*m));

	tu_assert_decode_fails(buf, n, decode_rep, m, code);
	free(m);
}

#define W0(cnt) "20 00 00 " cnt "1112131415161718"
#define REC1 "0000000a 01 18 0000 0000 0001 c6120000"   /* 198.18.0.0/24, 1 locator */
#define LOC4 "01 64 ff 00 0001 0001 c0000201"

static void test_malformed(void **state)
{
	(void)state;
	expect_fail(W0("01") REC1 LOC4 "00", LISP_ERR_TOO_LONG);
	expect_fail(W0("00"), LISP_ERR_BAD_COUNT);
	expect_fail(W0("21") REC1 LOC4, LISP_ERR_BAD_COUNT);
	expect_fail(W0("02") REC1 LOC4, LISP_ERR_TRUNCATED);   /* record count overruns */
	expect_fail(W0("01") "0000000a 02 18 0000 0000 0001 c6120000" LOC4, LISP_ERR_TRUNCATED);
	expect_fail(W0("01") "0000000a 11 18 0000 0000 0001 c6120000" LOC4, LISP_ERR_BAD_COUNT);
	expect_fail(W0("01") "0000000a ff 18 0000 0000 0001 c6120000" LOC4, LISP_ERR_BAD_COUNT);
	/* Mask length beyond the EID family. */
	expect_fail(W0("01") "0000000a 01 21 0000 0000 0001 c6120000" LOC4, LISP_ERR_BAD_PREFIX);
	expect_fail(W0("01") "0000000a 00 81 0000 0000 0002 20010db80e1d00000000000000000000",
		    LISP_ERR_BAD_PREFIX);
	/* EID of AFI 0, of an unknown AFI, or an AFI list: no prefix. */
	expect_fail(W0("01") "0000000a 00 00 0000 0000 0000", LISP_ERR_BAD_AFI);
	expect_fail(W0("01") "0000000a 00 18 0000 0000 0010 c6120000", LISP_ERR_BAD_AFI);
	expect_fail(W0("01") "0000000a 00 18 0000 0000 4003 00 00 01 00 0006 0001 c6120000",
		    LISP_ERR_BAD_AFI);
	/* Locator AFI 0 and unknown. */
	expect_fail(W0("01") REC1 "01 64 ff 00 0001 0000", LISP_ERR_BAD_AFI);
	expect_fail(W0("01") REC1 "01 64 ff 00 0001 4004 c0000201", LISP_ERR_BAD_AFI);
	/* Locator LCAF whose length lies short and long. */
	expect_fail(W0("01") REC1 "01 64 ff 00 0001 4003 00 00 02 20 0009 00000001 0001 c0000201",
		    LISP_ERR_BAD_LCAF);
	expect_fail(W0("01") REC1 "01 64 ff 00 0001 4003 00 00 02 20 000b 00000001 0001 c0000201 00",
		    LISP_ERR_BAD_LCAF);
	/* Unknown LCAF type in the EID. */
	expect_fail(W0("01") "0000000a 00 18 0000 0000 4003 00 00 0c 00 0006 0001 c6120000",
		    LISP_ERR_BAD_LCAF);
	/* Other message types. */
	expect_fail("10 00 00 01" "1112131415161718" REC1 LOC4, LISP_ERR_BAD_TYPE);
	expect_fail("40 00 00 01" "1112131415161718" REC1 LOC4, LISP_ERR_BAD_TYPE);
}

/* Map-Replies from the OOR captures, with the fields tshark shows. */
static const char CAP_POSITIVE[] =   /* final-c-ms.pcap frame 22 */
	"20000001dedacf6f72cfdada0000000a01200000000000010a0303030164ff0000010001c0000242";
static const char CAP_NEGATIVE[] =   /* final-c-ms.pcap frame 34 */
	"200000017301383640d97a1a0000000f000d3000000000010b080000";
static const char CAP_IPV6[] =       /* oor-reference-flow-xtr1-link.pcap frame 17 */
	"20000001eddaef6f70e512ad0000000a014010000000000220010db80002000200000000000000000164"
	"ff0000050001cb007102";

static void decode_capture(const char *hex, struct lisp_map_reply *m)
{
	uint8_t buf[256], again[256];
	size_t n = tu_hex(hex, buf, sizeof(buf)), len;

	tu_assert_truncations_fail(buf, n, decode_rep, m);
	assert_int_equal(lisp_map_reply_encode(again, sizeof(again), &len, m, NULL), 0);
	tu_assert_bytes(again, len, buf, n);
}

static void test_oor_captures(void **state)
{
	struct lisp_map_reply *m = calloc(1, sizeof(*m));
	struct lisp_prefix p;
	struct lisp_addr rloc;

	(void)state;
	decode_capture(CAP_POSITIVE, m);
	assert_int_equal(m->nonce, 0xdedacf6f72cfdadaull);
	assert_false(m->probe || m->echo || m->security);
	assert_int_equal(m->n_rec, 1);
	assert_int_equal(m->rec[0].ttl, 10);
	assert_false(m->rec[0].authoritative);
	p = tu_prefix("10.3.3.3/32");
	tu_assert_prefix_equal(&m->rec[0].eid, &p);
	assert_int_equal(m->rec[0].n_loc, 1);
	rloc = tu_addr("192.0.2.66");
	assert_true(lisp_addr_equal(&m->rec[0].loc[0].addr, &rloc));
	assert_int_equal(m->rec[0].loc[0].priority, 1);
	assert_int_equal(m->rec[0].loc[0].weight, 100);
	assert_int_equal(m->rec[0].loc[0].mpriority, 255);
	assert_int_equal(m->rec[0].loc[0].mweight, 0);
	assert_true(m->rec[0].loc[0].reachable);
	assert_false(m->rec[0].loc[0].local || m->rec[0].loc[0].probed);

	decode_capture(CAP_NEGATIVE, m);
	assert_int_equal(m->nonce, 0x7301383640d97a1aull);
	assert_int_equal(m->rec[0].ttl, 15);
	assert_int_equal(m->rec[0].n_loc, 0);
	assert_int_equal(m->rec[0].act, LISP_ACT_NATIVELY_FORWARD);
	assert_true(m->rec[0].authoritative);
	p = tu_prefix("11.8.0.0/13");
	tu_assert_prefix_equal(&m->rec[0].eid, &p);

	decode_capture(CAP_IPV6, m);
	assert_int_equal(m->nonce, 0xeddaef6f70e512adull);
	p = tu_prefix("2001:db8:2:2::/64");
	tu_assert_prefix_equal(&m->rec[0].eid, &p);
	rloc = tu_addr("203.0.113.2");
	assert_true(lisp_addr_equal(&m->rec[0].loc[0].addr, &rloc));
	assert_true(m->rec[0].loc[0].local && m->rec[0].loc[0].reachable);
	free(m);
}

/* ---- lisp_msg_decode / lisp_msg_type ------------------------------------- */

static void test_msg_type(void **state)
{
	uint8_t b = 0x38;

	(void)state;
	assert_int_equal(lisp_msg_type(&b, 1), 3);
	assert_int_equal(lisp_msg_type(&b, 0), -1);
	assert_string_equal(lisp_msg_type_name(LISP_MAP_REQUEST), "map-request");
	assert_string_equal(lisp_msg_type_name(LISP_MAP_NOTIFY_ACK), "map-notify-ack");
	assert_string_equal(lisp_msg_type_name(LISP_ECM), "ecm");
	assert_string_equal(lisp_msg_type_name(LISP_INFO), "info");
	assert_string_equal(lisp_msg_type_name(0), "unknown");
	assert_string_equal(lisp_msg_type_name(15), "unknown");
	assert_string_equal(lisp_msg_type_name(-1), "unknown");
}

static int decode_any(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	return lisp_msg_decode(buf, len, ctx, err);
}

static void test_msg_decode_dispatch(void **state)
{
	static const struct {
		const char *hex;
		uint8_t type;
	} caps[] = {
		{ CAP_POSITIVE, LISP_MAP_REPLY },
		/* final-c-ms.pcap frame 21, inner Map-Request */
		{ "10000001dedacf6f72cfdada00010a01010a0001c6336402002000010a030303", LISP_MAP_REQUEST },
		/* final-c-ms.pcap frame 5 (Map-Register) and 6 (Map-Notify) */
		{ "3800010167cbba6b55ba83640001001497eb02109f0f602b5aaee7a00b48c73340665dd9"
		  "0000000a01201000000000010a0303030164ff0000050001c0000242", LISP_MAP_REGISTER },
		{ "4000000167cbba6b55ba8364000100143ccf7f8dbb16d6cc04b18b021ddc996889de96ac"
		  "0000000a01201000000000010a0303030164ff0000010001c0000242", LISP_MAP_NOTIFY },
		/* final-c-ms.pcap frame 21: the whole ECM */
		{ "800000004500003c00114000ff11638f0a01010a0a03030310f610f600287741"
		  "10000001dedacf6f72cfdada00010a01010a0001c6336402002000010a030303", LISP_ECM },
	};
	struct lisp_msg *msg = calloc(1, sizeof(*msg));
	uint8_t buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		size_t n = tu_hex(caps[i].hex, buf, sizeof(buf));
		uint8_t *copy = tu_exact_copy(buf, n);
		struct lisp_err err = { 0 };
		char why[128];

		if (lisp_msg_decode(copy, n, msg, &err))
			fail_msg("capture %zu: %s", i, lisp_err_format(&err, why, sizeof(why)));
		free(copy);
		assert_int_equal(msg->type, caps[i].type);
	}
	/* Each decoder really ran: a field only that decoder fills. */
	tu_hex(caps[2].hex, buf, sizeof(buf));
	assert_int_equal(lisp_msg_decode(buf, 106 - 42, msg, NULL), 0);
	assert_true(msg->u.reg.proxy_reply && msg->u.reg.want_notify);
	assert_int_equal(msg->u.reg.nonce, 0x67cbba6b55ba8364ull);

	/* Empty, reserved, Map-Referral (not ours) and unassigned types. */
	tu_assert_decode_fails(buf, 0, decode_any, msg, LISP_ERR_TRUNCATED);
	for (unsigned t = 0; t < 16; t++) {
		if ((t >= 1 && t <= 5) || t == 7 || t == 8)
			continue;
		buf[0] = (uint8_t)(t << 4);
		tu_assert_decode_fails(buf, 64, decode_any, msg, LISP_ERR_BAD_TYPE);
	}
	/* A cut Info message reaches its own decoder: truncated, not bad type. */
	buf[0] = 0x70;
	tu_assert_decode_fails(buf, 1, decode_any, msg, LISP_ERR_TRUNCATED);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_probe_reply),
		cmocka_unit_test(test_flag_bits),
		cmocka_unit_test(test_negative_each_act),
		cmocka_unit_test(test_many_records_iid_and_lists),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_oor_captures),
		cmocka_unit_test(test_msg_type),
		cmocka_unit_test(test_msg_decode_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
