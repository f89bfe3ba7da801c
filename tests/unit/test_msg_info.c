/* lisp_info: Info-Request / Info-Reply (draft-ietf-lisp-nat-traversal).
 * Golden bytes are written by hand from the draft's layout:
 *   w0 (Type 7, R) | nonce | KeyID AlgID AuthDataLen AuthData | TTL
 *   | Rsvd EID-mask-len | EID-prefix | AFI 0 (request) or NAT LCAF (reply). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "../common/testutil.h"

static const char REQUEST_HEX[] =
	"70000000" "0102030405060708" "00" "00" "0000"   /* R=0, nonce, no auth */
	"00000000" "00" "18" "0001c6120100"              /* TTL 0, 198.18.1.0/24 */
	"0000";                                          /* AFI 0 */

static const char REPLY_HEX[] =
	"78000000" "1122334455667788" "00" "00" "0000"   /* R=1, nonce, no auth */
	"0000000f" "00" "20" "0001c6120101"              /* TTL 15, 198.18.1.1/32 */
	"4003" "00" "00" "07" "00" "002e"                /* NAT LCAF, 46 bytes */
	"10f6" "10f5"                                    /* MS port 4342, ETR port 4341 */
	"0001cb007105"                                   /* global ETR 203.0.113.5 */
	"0001c0000202"                                   /* MS 192.0.2.2 */
	"0001c6336407"                                   /* private ETR 198.51.100.7 */
	"0001c0000209"                                   /* RTR 192.0.2.9 */
	"000220010db8000000000000000000000001";          /* RTR 2001:db8::1 */

#define REPLY_LCAF_LEN_OFF 34

static int decode_fn(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	struct lisp_info m;

	(void)ctx;
	return lisp_info_decode(buf, len, &m, err);
}

static void ipv4(struct lisp_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	struct lisp_ip ip;

	lisp_ip_from_bytes(&ip, LISP_AFI_IPV4, (const uint8_t[]){b0, b1, b2, b3});
	lisp_addr_from_ip(a, &ip);
}

static void assert_ipv4(const struct lisp_addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	struct lisp_addr want;

	ipv4(&want, b0, b1, b2, b3);
	assert_true(lisp_addr_equal(a, &want));
}

static void test_request_golden(void **state)
{
	uint8_t msg[64], out[64];
	struct lisp_info m;
	struct lisp_err err = {0};
	size_t len = tu_hex(REQUEST_HEX, msg, sizeof(msg)), out_len = 0;

	(void)state;
	assert_int_equal(lisp_info_decode(msg, len, &m, &err), 0);
	assert_false(m.reply);
	assert_true(m.nonce == 0x0102030405060708ULL);
	assert_int_equal(m.auth.alg_id, 0);
	assert_int_equal(m.auth.len, 0);
	assert_int_equal(m.ttl, 0);
	assert_int_equal(m.eid.plen, 24);
	assert_ipv4(&m.eid.addr, 198, 18, 1, 0);
	assert_int_equal(m.n_rtr, 0);

	assert_int_equal(lisp_info_encode(out, sizeof(out), &out_len, &m, NULL, 0, &err), 0);
	tu_assert_bytes(out, out_len, msg, len);
	tu_assert_truncations_fail(msg, len, decode_fn, NULL);
}

static void test_reply_golden(void **state)
{
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	uint8_t msg[128], out[128];
	struct lisp_info m;
	struct lisp_err err = {0};
	size_t len = tu_hex(REPLY_HEX, msg, sizeof(msg)), out_len = 0;

	(void)state;
	assert_int_equal(len, 82);
	assert_int_equal(lisp_info_decode(msg, len, &m, &err), 0);
	assert_true(m.reply);
	assert_true(m.nonce == 0x1122334455667788ULL);
	assert_int_equal(m.ttl, 15);
	assert_int_equal(m.eid.plen, 32);
	assert_ipv4(&m.eid.addr, 198, 18, 1, 1);
	assert_int_equal(m.ms_port, 4342);
	assert_int_equal(m.etr_port, 4341);
	assert_ipv4(&m.global_etr, 203, 0, 113, 5);
	assert_ipv4(&m.ms, 192, 0, 2, 2);
	assert_ipv4(&m.private_etr, 198, 51, 100, 7);
	assert_int_equal(m.n_rtr, 2);
	assert_ipv4(&m.rtr[0], 192, 0, 2, 9);
	assert_int_equal(m.rtr[1].kind, LISP_ADDR_IP);
	assert_int_equal(m.rtr[1].ip.afi, LISP_AFI_IPV6);
	assert_memory_equal(m.rtr[1].ip.bytes, v6, 16);

	assert_int_equal(lisp_info_encode(out, sizeof(out), &out_len, &m, NULL, 0, &err), 0);
	tu_assert_bytes(out, out_len, msg, len);
	tu_assert_truncations_fail(msg, len, decode_fn, NULL);
}

static struct lisp_info reply_struct(void)
{
	struct lisp_info m = {.reply = true, .nonce = 42, .ttl = 1, .ms_port = 4342,
			      .etr_port = 61001};

	ipv4(&m.eid.addr, 198, 18, 0, 0);
	m.eid.plen = 15;
	ipv4(&m.global_etr, 203, 0, 113, 1);
	ipv4(&m.ms, 192, 0, 2, 2);
	ipv4(&m.private_etr, 198, 51, 100, 1);
	return m;
}

static void test_reply_without_rtrs(void **state)
{
	struct lisp_info m = reply_struct(), back;
	uint8_t out[128];
	struct lisp_err err = {0};
	size_t len = 0;

	(void)state;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), 0);
	/* ports + three IPv4 addresses */
	assert_int_equal(out[REPLY_LCAF_LEN_OFF] << 8 | out[REPLY_LCAF_LEN_OFF + 1], 4 + 3 * 6);
	assert_int_equal(len, REPLY_LCAF_LEN_OFF + 2 + 22);
	assert_int_equal(lisp_info_decode(out, len, &back, &err), 0);
	assert_int_equal(back.n_rtr, 0);
	assert_int_equal(back.etr_port, 61001);
	assert_true(lisp_addr_equal(&back.private_etr, &m.private_etr));
}

static void test_reply_afi0_slots(void **state)
{
	/* an MS that does not know an address sends AFI 0 in its slot */
	struct lisp_info m = reply_struct(), back;
	uint8_t out[128];
	struct lisp_err err = {0};
	size_t len = 0;

	(void)state;
	m.private_etr = (struct lisp_addr){.kind = LISP_ADDR_NONE};
	m.n_rtr = LISP_MAX_RTRS;
	for (unsigned i = 0; i < LISP_MAX_RTRS; i++)
		ipv4(&m.rtr[i], 192, 0, 2, (uint8_t)(100 + i));
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), 0);
	assert_int_equal(lisp_info_decode(out, len, &back, &err), 0);
	assert_int_equal(back.private_etr.kind, LISP_ADDR_NONE);
	assert_int_equal(back.n_rtr, LISP_MAX_RTRS);
	for (unsigned i = 0; i < LISP_MAX_RTRS; i++)
		assert_true(lisp_addr_equal(&back.rtr[i], &m.rtr[i]));
}

static void test_signed(void **state)
{
	static const uint8_t key[] = "info-key";
	struct lisp_info req = {.nonce = 7}, back;
	struct lisp_info rep = reply_struct();
	uint8_t out[160];
	struct lisp_err err = {0};
	size_t len = 0;

	(void)state;
	ipv4(&req.eid.addr, 198, 18, 3, 3);
	req.eid.plen = 32;

	req.auth.alg_id = LISP_AUTH_HMAC_SHA1_96;  /* len 0: full digest */
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &req, key, 8, &err), 0);
	assert_int_equal(out[15], 20);
	assert_int_equal(lisp_auth_verify(out, len, key, 8, &err), 0);
	assert_int_equal(lisp_info_decode(out, len, &back, &err), 0);
	assert_int_equal(back.auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(back.auth.len, 20);
	assert_memory_equal(back.auth.data, out + 16, 20);
	tu_assert_truncations_fail(out, len, decode_fn, NULL);
	out[len - 1] ^= 1;
	assert_int_equal(lisp_auth_verify(out, len, key, 8, &err), -1);

	rep.auth.alg_id = LISP_AUTH_HMAC_SHA256_128;
	rep.auth.len = 16;
	rep.auth.key_id = 3;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &rep, key, 8, &err), 0);
	assert_int_equal(out[12], 3);
	assert_int_equal(out[15], 16);
	assert_int_equal(lisp_auth_verify(out, len, key, 8, &err), 0);
	assert_int_equal(lisp_info_decode(out, len, &back, &err), 0);
	assert_true(back.reply);
	tu_assert_truncations_fail(out, len, decode_fn, NULL);
}

static void test_auth_written_as_is(void **state)
{
	struct lisp_info m = {.nonce = 9};
	uint8_t out[128];
	struct lisp_err err = {0};
	size_t len = 0;

	(void)state;
	ipv4(&m.eid.addr, 198, 18, 3, 3);
	m.eid.plen = 32;
	m.auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	m.auth.len = 20;
	for (int i = 0; i < 20; i++)
		m.auth.data[i] = (uint8_t)(0xc0 + i);
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), 0);
	assert_memory_equal(out + 16, m.auth.data, 20);
	assert_int_equal(len, 16 + 20 + 4 + 2 + 6 + 2);
}

/* ---- malformed input ---- */

static void refuse_edit(const char *hex, size_t at, const char *bytes_hex, size_t extra,
			enum lisp_err_code code)
{
	uint8_t msg[160], patch[32];
	size_t len = tu_hex(hex, msg, sizeof(msg));
	size_t n = tu_hex(bytes_hex, patch, sizeof(patch));

	memcpy(msg + at, patch, n);
	memset(msg + len, 0, extra);
	tu_assert_decode_fails(msg, len + extra, decode_fn, NULL, code);
}

static void test_malformed_lcaf(void **state)
{
	(void)state;
	/* Length cuts into the last RTR */
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "002d", 0, LISP_ERR_BAD_LCAF);
	/* Length past the end of the message */
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "002f", 0, LISP_ERR_TRUNCATED);
	/* Length covers one stray byte after the last RTR */
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "002f", 1, LISP_ERR_BAD_LCAF);
	/* Length smaller than the two ports */
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "0003", 0, LISP_ERR_BAD_LCAF);
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "0000", 0, LISP_ERR_BAD_LCAF);
	/* Length ends inside the global ETR RLOC */
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "0008", 0, LISP_ERR_BAD_LCAF);
	/* Length ends right after the MS RLOC: the private ETR RLOC is missing */
	refuse_edit(REPLY_HEX, REPLY_LCAF_LEN_OFF, "0010", 0, LISP_ERR_BAD_LCAF);
	/* LCAF type other than NAT-Traversal */
	refuse_edit(REPLY_HEX, 32, "02", 0, LISP_ERR_BAD_LCAF);
	/* no LCAF at all where the reply needs one */
	refuse_edit(REPLY_HEX, 28, "0001", 0, LISP_ERR_BAD_AFI);
	refuse_edit(REPLY_HEX, 28, "0000", 0, LISP_ERR_BAD_AFI);
	/* bytes after the LCAF */
	refuse_edit(REPLY_HEX, 0, "78", 1, LISP_ERR_TOO_LONG);
	/* unknown AFI for an RTR */
	refuse_edit(REPLY_HEX, 58, "0005", 0, LISP_ERR_BAD_AFI);
}

static void test_too_many_rtrs(void **state)
{
	struct lisp_info m = reply_struct();
	uint8_t out[256];
	struct lisp_err err = {0};
	size_t len = 0, body;

	(void)state;
	m.n_rtr = LISP_MAX_RTRS;
	for (unsigned i = 0; i < LISP_MAX_RTRS; i++)
		ipv4(&m.rtr[i], 192, 0, 2, (uint8_t)(100 + i));
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), 0);
	/* append a ninth RTR and grow the LCAF to cover it */
	memcpy(out + len, (const uint8_t[]){0, 1, 192, 0, 2, 200}, 6);
	len += 6;
	body = (size_t)(out[REPLY_LCAF_LEN_OFF] << 8 | out[REPLY_LCAF_LEN_OFF + 1]) + 6;
	out[REPLY_LCAF_LEN_OFF] = (uint8_t)(body >> 8);
	out[REPLY_LCAF_LEN_OFF + 1] = (uint8_t)body;
	tu_assert_decode_fails(out, len, decode_fn, NULL, LISP_ERR_BAD_COUNT);

	m.n_rtr = LISP_MAX_RTRS + 1;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
}

static void test_malformed_common(void **state)
{
	(void)state;
	/* wrong type */
	refuse_edit(REQUEST_HEX, 0, "30", 0, LISP_ERR_BAD_TYPE);
	/* request: something other than AFI 0 after the prefix, or trailing bytes */
	refuse_edit(REQUEST_HEX, 28, "0001", 0, LISP_ERR_BAD_AFI);
	refuse_edit(REQUEST_HEX, 0, "70", 1, LISP_ERR_TOO_LONG);
	/* mask length beyond the address */
	refuse_edit(REQUEST_HEX, 21, "21", 0, LISP_ERR_BAD_PREFIX);
	refuse_edit(REPLY_HEX, 21, "21", 0, LISP_ERR_BAD_PREFIX);
	/* EID of unknown family */
	refuse_edit(REQUEST_HEX, 22, "0011", 0, LISP_ERR_BAD_AFI);
	/* AFI 0 EID with a non-zero mask length */
	refuse_edit(REQUEST_HEX, 21, "01" "0000" "0000", 0, LISP_ERR_BAD_PREFIX);
	/* auth field: unknown algorithm, length not fitting the algorithm */
	refuse_edit(REQUEST_HEX, 13, "09", 0, LISP_ERR_BAD_AUTH);
	refuse_edit(REQUEST_HEX, 13, "010010", 0, LISP_ERR_BAD_AUTH);
	refuse_edit(REQUEST_HEX, 13, "000002", 0, LISP_ERR_BAD_AUTH);
	/* AuthDataLen that runs past the message */
	refuse_edit(REQUEST_HEX, 13, "010014", 0, LISP_ERR_TRUNCATED);
}

static void test_encode_refusals(void **state)
{
	struct lisp_info m = reply_struct();
	uint8_t out[128];
	struct lisp_err err = {0};
	size_t len = 0, full;

	(void)state;
	m.auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	m.auth.len = 13;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, (const uint8_t *)"k", 1, &err),
			 -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
	m.auth.alg_id = LISP_AUTH_NONE;
	m.auth.len = 4;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
	/* RFC 9301 defines no HKDF salt for Info messages */
	m.auth.alg_id = LISP_AUTH_HMAC_SHA256_HKDF;
	m.auth.len = 0;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, (const uint8_t *)"k", 1, &err),
			 -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);

	m = reply_struct();
	m.eid.plen = 33;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_PREFIX);

	m = reply_struct();
	m.auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	assert_int_equal(lisp_info_encode(out, sizeof(out), &full, &m, (const uint8_t *)"k", 1, &err),
			 0);
	for (size_t cap = 0; cap < full; cap++) {
		assert_int_equal(lisp_info_encode(out, cap, &len, &m, (const uint8_t *)"k", 1, &err),
				 -1);
		assert_int_equal(err.code, LISP_ERR_TOO_LONG);
	}
}

/* ---- lispers.net (draft-farinacci-lisp-lispers-net-nat), written from the
 * layout its encoder produces ---- */

/* An Info-Request without authentication, EID AFI 0, closed by AFI 17 and
 * the xTR's hostname instead of AFI 0. */
static const char LISPERS_REQUEST_HEX[] =
	"70000000" "a1a2a3a4a5a6a7a8" "00000000"     /* no auth */
	"00000000" "00" "00" "0000"                  /* TTL 0, no EID */
	"0011" "6d6e2d6c6170746f702d776c616e3000";   /* AFI 17 "mn-laptop-wlan0" */
#define LISPERS_NAME_OFF 26

static void test_lispers_net_request(void **state)
{
	uint8_t msg[64], out[64];
	struct lisp_info m;
	struct lisp_err err = {0};
	size_t len = tu_hex(LISPERS_REQUEST_HEX, msg, sizeof(msg)), out_len = 0;

	(void)state;
	assert_int_equal(lisp_info_decode(msg, len, &m, &err), 0);
	assert_false(m.reply);
	assert_int_equal(m.auth.alg_id, LISP_AUTH_NONE);
	assert_int_equal(m.eid.addr.kind, LISP_ADDR_NONE);
	assert_string_equal(m.hostname, "mn-laptop-wlan0");
	assert_int_equal(lisp_info_encode(out, sizeof(out), &out_len, &m, NULL, 0, &err), 0);
	tu_assert_bytes(out, out_len, msg, len);
	tu_assert_truncations_fail(msg, len, decode_fn, NULL);

	/* no NUL before the end; bytes after the NUL; an empty name */
	refuse_edit(LISPERS_REQUEST_HEX, len - 1, "41", 0, LISP_ERR_TRUNCATED);
	refuse_edit(LISPERS_REQUEST_HEX, 0, "70", 1, LISP_ERR_TOO_LONG);
	refuse_edit(LISPERS_REQUEST_HEX, LISPERS_NAME_OFF + 2, "00", 0, LISP_ERR_TOO_LONG);
	refuse_edit(LISPERS_REQUEST_HEX, LISPERS_NAME_OFF, "00", 0, LISP_ERR_BAD_AFI);
	/* an AFI other than 0 or 17 */
	refuse_edit(LISPERS_REQUEST_HEX, LISPERS_NAME_OFF - 2, "0012", 0, LISP_ERR_BAD_AFI);
}

static void test_hostname_limits(void **state)
{
	struct lisp_info m = {.nonce = 5}, back;
	uint8_t out[512];
	struct lisp_err err = {0};
	size_t len = 0;

	(void)state;
	memset(m.hostname, 'h', LISP_HOSTNAME_MAX);
	m.hostname[LISP_HOSTNAME_MAX] = '\0';
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), 0);
	assert_int_equal(len, LISPERS_NAME_OFF + LISP_HOSTNAME_MAX + 1);
	assert_int_equal(lisp_info_decode(out, len, &back, &err), 0);
	assert_int_equal(strlen(back.hostname), LISP_HOSTNAME_MAX);

	/* one byte more before the NUL is over our limit */
	out[len - 1] = 'h';
	out[len++] = '\0';
	tu_assert_decode_fails(out, len, decode_fn, NULL, LISP_ERR_BAD_COUNT);
	/* ... and so is a long name cut before its NUL */
	tu_assert_decode_fails(out, len - 1, decode_fn, NULL, LISP_ERR_BAD_COUNT);

	/* a hostname on a reply, or one that fills the array without a NUL */
	m = reply_struct();
	strcpy(m.hostname, "x");
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	m = (struct lisp_info){.nonce = 5};
	memset(m.hostname, 'h', sizeof(m.hostname));
	assert_int_equal(lisp_info_encode(out, sizeof(out), &len, &m, NULL, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
}

/* lispers.net's Info-Reply writes LCAF Length 16 whatever follows; with a
 * global RLOC, an empty MS slot, an empty private slot and one RTR the body
 * is 20 bytes. Its Info messages carry no authentication either, so no node
 * of ours could use such a reply: the strict decoder refuses it. */
static void test_lispers_net_reply_refused(void **state)
{
	static const char hex[] =
		"78000000" "a1a2a3a4a5a6a7a8" "00000000" "00000000" "00" "00" "0000"
		"4003" "0000" "07" "00" "0010"          /* NAT LCAF, Length 16 */
		"0000" "d431"                           /* ports 0, 54321 */
		"0001cb007105"                          /* global 203.0.113.5 */
		"0000" "0000"                           /* no MS, no private RLOC */
		"0001c0000209";                         /* RTR 192.0.2.9 */
	const size_t length_off = 30;  /* after 24 bytes of header and AFI 0 EID, the LCAF's 6 */
	uint8_t msg[64];
	size_t len = tu_hex(hex, msg, sizeof(msg));

	(void)state;
	tu_assert_decode_fails(msg, len, decode_fn, NULL, LISP_ERR_BAD_LCAF);
	/* with the Length it should have had, the same bytes decode */
	msg[length_off + 1] = 20;
	assert_int_equal(decode_fn(msg, len, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_golden),
		cmocka_unit_test(test_reply_golden),
		cmocka_unit_test(test_reply_without_rtrs),
		cmocka_unit_test(test_reply_afi0_slots),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_auth_written_as_is),
		cmocka_unit_test(test_malformed_lcaf),
		cmocka_unit_test(test_too_many_rtrs),
		cmocka_unit_test(test_malformed_common),
		cmocka_unit_test(test_encode_refusals),
		cmocka_unit_test(test_lispers_net_request),
		cmocka_unit_test(test_hostname_limits),
		cmocka_unit_test(test_lispers_net_reply_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
