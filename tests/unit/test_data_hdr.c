/* lisp_data_hdr: the 8-byte LISP data header of RFC 9300 §5.3. Expected
 * values are derived here from the RFC's bit layout, byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_msg.h"
#include "../common/testutil.h"

static const uint8_t TAIL[7] = {0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78};

/* Every value of the flags byte, with the same 7 bytes after it. */
static void test_all_flag_combinations(void **state)
{
	(void)state;
	for (unsigned f = 0; f < 256; f++) {
		uint8_t in[8], out[8], want[8];
		struct lisp_data_hdr h;
		struct lisp_err err = {0};
		bool n = f & 0x80, v = f & 0x10, i = f & 0x08;

		in[0] = (uint8_t)f;
		memcpy(in + 1, TAIL, 7);
		assert_int_equal(lisp_data_hdr_decode(in, 8, &h, &err), 0);

		assert_int_equal(h.n, n);
		assert_int_equal(h.l, (f & 0x40) != 0);
		assert_int_equal(h.e, (f & 0x20) != 0);
		assert_int_equal(h.v, v && !n);  /* both set: read as N */
		assert_int_equal(h.i, i);
		assert_int_equal(h.kk, f & 0x03);
		if (n) {
			assert_int_equal(h.nonce, 0xabcdef);
		} else {
			assert_int_equal(h.nonce, 0);
		}
		if (v && !n) {
			assert_int_equal(h.src_version, 0xabc);
			assert_int_equal(h.dst_version, 0xdef);
		} else {
			assert_int_equal(h.src_version, 0);
			assert_int_equal(h.dst_version, 0);
		}
		if (i) {
			assert_int_equal(h.iid, 0x123456);
			assert_int_equal(h.lsb, 0x78);
		} else {
			assert_int_equal(h.iid, 0);
			assert_int_equal(h.lsb, 0x12345678);
		}

		/* Re-encoding drops what the decoder discards: the R bit, V when N
		 * is set, and bytes 1-3 when neither N nor V gives them a meaning. */
		memcpy(want, in, 8);
		want[0] &= (uint8_t)~0x04;
		if (n)
			want[0] &= (uint8_t)~0x10;
		if (!n && !v)
			want[1] = want[2] = want[3] = 0;
		assert_int_equal(lisp_data_hdr_encode(out, sizeof(out), &h, &err), 0);
		tu_assert_bytes(out, 8, want, 8);
	}
}

static void test_golden_nonce_iid(void **state)
{
	static const uint8_t want[8] = {0x88, 0x12, 0x34, 0x56, 0x00, 0x00, 0x2a, 0x00};
	struct lisp_data_hdr h = {.n = true, .i = true, .nonce = 0x123456, .iid = 42};
	uint8_t out[16];
	struct lisp_err err = {0};

	(void)state;
	memset(out, 0xee, sizeof(out));
	assert_int_equal(lisp_data_hdr_encode(out, sizeof(out), &h, &err), 0);
	tu_assert_bytes(out, 8, want, 8);
	/* nothing written past the header */
	assert_int_equal(out[8], 0xee);
}

static void test_golden_versions_lsb(void **state)
{
	static const uint8_t want[8] = {0x51, 0x12, 0x3f, 0xed, 0x80, 0x00, 0x00, 0x01};
	struct lisp_data_hdr h = {
		.l = true, .v = true, .kk = 1, .src_version = 0x123, .dst_version = 0xfed,
		.lsb = 0x80000001,
	};
	struct lisp_data_hdr back;
	uint8_t out[8];
	struct lisp_err err = {0};

	(void)state;
	assert_int_equal(lisp_data_hdr_encode(out, sizeof(out), &h, &err), 0);
	tu_assert_bytes(out, 8, want, 8);
	assert_int_equal(lisp_data_hdr_decode(out, 8, &back, &err), 0);
	assert_true(back.l && back.v && !back.n && !back.e && !back.i);
	assert_int_equal(back.kk, 1);
	assert_int_equal(back.src_version, 0x123);
	assert_int_equal(back.dst_version, 0xfed);
	assert_int_equal(back.lsb, 0x80000001);
}

static void test_golden_all_zero(void **state)
{
	/* what Open Overlay Router sends for IID 0: eight zero bytes */
	static const uint8_t zero[8];
	struct lisp_data_hdr h;
	struct lisp_err err = {0};

	(void)state;
	assert_int_equal(lisp_data_hdr_decode(zero, 8, &h, &err), 0);
	assert_false(h.n || h.l || h.e || h.v || h.i);
	assert_int_equal(h.kk, 0);
	assert_int_equal(h.lsb, 0);
}

static void test_trailing_bytes_are_inner_packet(void **state)
{
	uint8_t buf[28] = {0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0x00, 0x45};
	struct lisp_data_hdr h;
	struct lisp_err err = {0};

	(void)state;
	assert_int_equal(lisp_data_hdr_decode(buf, sizeof(buf), &h, &err), 0);
	assert_true(h.i);
	assert_int_equal(h.iid, 0xffffff);
}

static void test_short_buffers(void **state)
{
	uint8_t in[8] = {0x88, 1, 2, 3, 4, 5, 6, 7};
	struct lisp_data_hdr h = {.n = true, .nonce = 1};

	(void)state;
	for (size_t n = 0; n < 8; n++) {
		struct lisp_err err = {0};
		uint8_t *exact = tu_exact_copy(in, n);
		uint8_t out[8];

		assert_int_equal(lisp_data_hdr_decode(exact, n, &h, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TRUNCATED);
		free(exact);

		memset(out, 0xee, sizeof(out));
		assert_int_equal(lisp_data_hdr_encode(out, n, &h, &err), -1);
		assert_int_equal(err.code, LISP_ERR_TOO_LONG);
		for (size_t i = 0; i < sizeof(out); i++)
			assert_int_equal(out[i], 0xee);
	}
}

static void expect_encode_error(const struct lisp_data_hdr *h, enum lisp_err_code code)
{
	uint8_t out[8];
	struct lisp_err err = {0};

	assert_int_equal(lisp_data_hdr_encode(out, sizeof(out), h, &err), -1);
	assert_int_equal(err.code, code);
}

static void test_encode_refuses_out_of_range(void **state)
{
	(void)state;
	expect_encode_error(&(struct lisp_data_hdr){.n = true, .v = true}, LISP_ERR_BAD_FLAGS);
	expect_encode_error(&(struct lisp_data_hdr){.n = true, .nonce = 0x1000000},
			    LISP_ERR_BAD_ARG);
	expect_encode_error(&(struct lisp_data_hdr){.v = true, .src_version = 0x1000},
			    LISP_ERR_BAD_ARG);
	expect_encode_error(&(struct lisp_data_hdr){.v = true, .dst_version = 0x1000},
			    LISP_ERR_BAD_ARG);
	expect_encode_error(&(struct lisp_data_hdr){.i = true, .iid = 0x1000000},
			    LISP_ERR_BAD_ARG);
	expect_encode_error(&(struct lisp_data_hdr){.i = true, .lsb = 0x100}, LISP_ERR_BAD_ARG);
	expect_encode_error(&(struct lisp_data_hdr){.kk = 4}, LISP_ERR_BAD_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_flag_combinations),
		cmocka_unit_test(test_golden_nonce_iid),
		cmocka_unit_test(test_golden_versions_lsb),
		cmocka_unit_test(test_golden_all_zero),
		cmocka_unit_test(test_trailing_bytes_are_inner_packet),
		cmocka_unit_test(test_short_buffers),
		cmocka_unit_test(test_encode_refuses_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
