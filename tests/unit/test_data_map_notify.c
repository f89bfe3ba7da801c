/* lisp_data_map_notify: the Map-Notify an RTR relays to a node behind a NAT
 * as LISP data (draft-ermagan-lisp-nat-traversal 4.5). The golden message is
 * frame 5 of tests/interop/data/oor-nat-mn-outside.pcap (Open Overlay
 * Router's RTR); the inner packet shares the ECM's code, whose malformed
 * cases test_msg_ecm covers one by one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_msg.h"
#include "../common/testutil.h"

static const char DMN_HEX[] =
	"08000000ffffff00"                                                  /* I, iid 0xFFFFFF */
	"4500008000034000ff118eb1c0000202c6336482"                          /* MS -> private RLOC */
	"10f610f6006c6aad"                                                  /* UDP 4342 -> 4342 */
	"48000001d167bf6f8abc6751000100140f4ef4e996bcd8dc9fb6584c175a3e2a"  /* Map-Notify, I */
	"fe8916d00000000a0220100000000001c61201010164ff0000010001c0000242"
	"0164ff0000000001c6336482bf5765504480a73ac0d293a70e4da9e600000000"
	"00000000";
#define INNER_OFF 8
#define UDP_OFF (INNER_OFF + 20)

static int decode_fn(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	struct lisp_data_map_notify m;

	(void)ctx;
	return lisp_data_map_notify_decode(buf, len, &m, err);
}

static void test_captured(void **state)
{
	uint8_t msg[256], out[256];
	struct lisp_data_map_notify m;
	struct lisp_err err = {0};
	size_t len = tu_hex(DMN_HEX, msg, sizeof(msg)), out_len = 0;

	(void)state;
	assert_int_equal(lisp_data_map_notify_decode(msg, len, &m, &err), 0);
	assert_true(lisp_data_hdr_is_map_notify(&m.hdr));
	assert_true(m.hdr.i);
	assert_false(m.hdr.n || m.hdr.l || m.hdr.e || m.hdr.v);
	assert_int_equal(m.hdr.iid, LISP_IID_DATA_MAP_NOTIFY);
	assert_int_equal(m.hdr.lsb, 0);
	assert_int_equal(m.inner.inner_src.afi, LISP_AFI_IPV4);
	assert_memory_equal(m.inner.inner_src.bytes, ((const uint8_t[]){192, 0, 2, 2}), 4);
	assert_memory_equal(m.inner.inner_dst.bytes, ((const uint8_t[]){198, 51, 100, 130}), 4);
	assert_int_equal(m.inner.inner_sport, LISP_CONTROL_PORT);
	assert_int_equal(m.inner.inner_dport, LISP_CONTROL_PORT);
	assert_int_equal(m.inner.inner_ttl, 255);
	assert_true(m.inner.inner_df);
	assert_ptr_equal(m.inner.payload, msg + UDP_OFF + 8);
	assert_int_equal(m.inner.payload_len, 100);
	assert_int_equal(m.inner.payload[0] >> 4, LISP_MAP_NOTIFY);

	assert_int_equal(lisp_data_map_notify_encode(out, sizeof(out), &out_len, &m, &err), 0);
	tu_assert_bytes(out, out_len, msg, len);
	tu_assert_truncations_fail(msg, len, decode_fn, NULL);
}

static void refuse(size_t at, uint8_t value, size_t extra, enum lisp_err_code code)
{
	uint8_t msg[300];
	size_t len = tu_hex(DMN_HEX, msg, sizeof(msg));

	msg[at] = value;
	memset(msg + len, 0, extra);
	tu_assert_decode_fails(msg, len + extra, decode_fn, NULL, code);
}

static void test_not_a_data_map_notify(void **state)
{
	(void)state;
	/* I clear; another instance-id; KK set */
	refuse(0, 0x00, 0, LISP_ERR_BAD_FLAGS);
	refuse(6, 0xfe, 0, LISP_ERR_BAD_FLAGS);
	refuse(4, 0x00, 0, LISP_ERR_BAD_FLAGS);
	refuse(0, 0x09, 0, LISP_ERR_BAD_FLAGS);
}

static void test_malformed_inner(void **state)
{
	(void)state;
	/* not IP: lispers.net puts a bare control message after this header */
	refuse(INNER_OFF, 0x70, 0, LISP_ERR_BAD_IP);
	/* a byte after the inner packet; an IPv4 total length past the end */
	refuse(0, 0x08, 1, LISP_ERR_TOO_LONG);
	refuse(INNER_OFF + 3, 0x81, 0, LISP_ERR_TRUNCATED);
	/* UDP length disagreeing with the IP length */
	refuse(UDP_OFF + 5, 0x6b, 0, LISP_ERR_BAD_IP);
	/* one bit of the Map-Notify changed: the UDP checksum catches it */
	refuse(UDP_OFF + 8 + 20, 0x01, 0, LISP_ERR_BAD_CHECKSUM);
	/* not UDP */
	refuse(INNER_OFF + 9, 6, 0, LISP_ERR_BAD_IP);
}

/* What the daemon does with lispers.net's variant: the header says control
 * message, the decoder refuses the inner part, and the bare message after
 * the header is an Info-Request its decoder reads. */
static void test_lispers_net_control_in_data(void **state)
{
	static const char hex[] =
		"08000000ffffff00"
		"70000000" "0102030405060708" "00000000" "00000000" "00000000"
		"0011" "78 74 72 2d 31 00";  /* AFI 17 "xtr-1" */
	uint8_t msg[64];
	struct lisp_data_hdr h;
	struct lisp_info info;
	struct lisp_err err = {0};
	size_t len = tu_hex(hex, msg, sizeof(msg));

	(void)state;
	assert_int_equal(lisp_data_hdr_decode(msg, len, &h, &err), 0);
	assert_true(lisp_data_hdr_is_map_notify(&h));
	tu_assert_decode_fails(msg, len, decode_fn, NULL, LISP_ERR_BAD_IP);
	assert_int_equal(lisp_info_decode(msg + LISP_DATA_HDR_LEN, len - LISP_DATA_HDR_LEN, &info,
					  &err),
			 0);
	assert_string_equal(info.hostname, "xtr-1");
}

static struct lisp_data_map_notify v6_dmn(const uint8_t *payload, size_t payload_len)
{
	static const uint8_t ms[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, [15] = 1};
	static const uint8_t node[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, [15] = 0x10};
	struct lisp_data_map_notify m = {
		.hdr = {.i = true, .iid = LISP_IID_DATA_MAP_NOTIFY, .n = true, .nonce = 0xabcdef},
		.inner = {.inner_ttl = 64, .inner_flow = 0x12345, .inner_sport = 4342,
			  .inner_dport = 4342, .payload = payload, .payload_len = payload_len},
	};

	lisp_ip_from_bytes(&m.inner.inner_src, LISP_AFI_IPV6, ms);
	lisp_ip_from_bytes(&m.inner.inner_dst, LISP_AFI_IPV6, node);
	return m;
}

static void test_ipv6_round_trip(void **state)
{
	static const uint8_t notify[] = {0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0};
	struct lisp_data_map_notify m = v6_dmn(notify, sizeof(notify)), back;
	uint8_t out[128];
	struct lisp_err err = {0};
	size_t len = 0;

	(void)state;
	assert_int_equal(lisp_data_map_notify_encode(out, sizeof(out), &len, &m, &err), 0);
	assert_int_equal(len, 8 + 40 + 8 + sizeof(notify));
	assert_int_equal(out[0], 0x88);  /* N and I */
	assert_int_equal(lisp_data_map_notify_decode(out, len, &back, &err), 0);
	assert_true(back.hdr.n);
	assert_int_equal(back.hdr.nonce, 0xabcdef);
	assert_int_equal(back.inner.inner_flow, 0x12345);
	assert_true(lisp_ip_equal(&back.inner.inner_dst, &m.inner.inner_dst));
	assert_int_equal(back.inner.payload_len, sizeof(notify));
	assert_memory_equal(back.inner.payload, notify, sizeof(notify));
	tu_assert_truncations_fail(out, len, decode_fn, NULL);
}

static void expect_encode_error(const struct lisp_data_map_notify *m, size_t cap,
				enum lisp_err_code code)
{
	uint8_t out[256];
	struct lisp_err err = {0};
	size_t len = 777;

	assert_int_equal(lisp_data_map_notify_encode(out, cap, &len, m, &err), -1);
	assert_int_equal(err.code, code);
	assert_int_equal(len, 777);
}

static void test_encode_refusals(void **state)
{
	static const uint8_t notify[] = {0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0};
	struct lisp_data_map_notify m;
	uint8_t out[256];
	size_t full = 0;

	(void)state;
	m = v6_dmn(notify, sizeof(notify));
	m.hdr.iid = 7;
	expect_encode_error(&m, sizeof(out), LISP_ERR_BAD_ARG);
	m = v6_dmn(notify, sizeof(notify));
	m.hdr.i = false;
	expect_encode_error(&m, sizeof(out), LISP_ERR_BAD_ARG);
	m = v6_dmn(notify, sizeof(notify));
	m.hdr.kk = 1;
	expect_encode_error(&m, sizeof(out), LISP_ERR_BAD_ARG);
	m = v6_dmn(notify, sizeof(notify));
	m.inner.payload_len = 0;
	expect_encode_error(&m, sizeof(out), LISP_ERR_BAD_ARG);
	m = v6_dmn(notify, sizeof(notify));
	m.inner.inner_dst.afi = LISP_AFI_IPV4;
	expect_encode_error(&m, sizeof(out), LISP_ERR_BAD_ARG);
	m = v6_dmn(notify, sizeof(notify));
	m.hdr.n = m.hdr.v = true;
	expect_encode_error(&m, sizeof(out), LISP_ERR_BAD_FLAGS);

	m = v6_dmn(notify, sizeof(notify));
	assert_int_equal(lisp_data_map_notify_encode(out, sizeof(out), &full, &m, NULL), 0);
	for (size_t cap = 0; cap < full; cap++)
		expect_encode_error(&m, cap, LISP_ERR_TOO_LONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_not_a_data_map_notify),
		cmocka_unit_test(test_malformed_inner),
		cmocka_unit_test(test_lispers_net_control_in_data),
		cmocka_unit_test(test_ipv6_round_trip),
		cmocka_unit_test(test_encode_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
