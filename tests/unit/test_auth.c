/* lisp_auth: HMAC sign/verify of the auth field at byte 12, of one at
 * another offset, and detached MACs.
 * Real vectors: the Map-Register and Map-Notify of the mobile node in
 * tests/interop/data/final-c-mn.pcap (frames 1 and 2, Open Overlay Router,
 * key "key-mn", HMAC-SHA-1 with 20-byte auth data). Expected MACs of
 * synthetic messages are computed here with OpenSSL's one-shot HMAC(), a
 * different path from the EVP_MAC code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lisp_auth.h"
#include "../common/testutil.h"

static const char MN_REGISTER_HEX[] =
	"3800010167cbba6b55ba83640001001497eb02109f0f602b5aaee7a00b48c733"
	"40665dd90000000a01201000000000010a0303030164ff0000050001c0000242";
static const char MN_NOTIFY_HEX[] =
	"4000000167cbba6b55ba8364000100143ccf7f8dbb16d6cc04b18b021ddc9968"
	"89de96ac0000000a01201000000000010a0303030164ff0000010001c0000242";

static const uint8_t KEY_MN[] = "key-mn";
#define KEY_MN_LEN (sizeof(KEY_MN) - 1)

static void verify_capture(const char *hex)
{
	uint8_t msg[128], before[128];
	struct lisp_err err = {0};
	size_t len = tu_hex(hex, msg, sizeof(msg));
	uint8_t *exact = tu_exact_copy(msg, len);

	memcpy(before, msg, len);
	assert_int_equal(lisp_auth_verify(exact, len, KEY_MN, KEY_MN_LEN, &err), 0);
	/* verify must not zero the auth data in place */
	tu_assert_bytes(exact, len, before, len);
	free(exact);
}

static void test_verify_captured_register(void **state)
{
	(void)state;
	verify_capture(MN_REGISTER_HEX);
}

static void test_verify_captured_notify(void **state)
{
	(void)state;
	verify_capture(MN_NOTIFY_HEX);
}

static void test_wrong_key_fails(void **state)
{
	static const uint8_t wrong[] = "key-mN";
	uint8_t msg[128];
	struct lisp_err err = {0};
	size_t len = tu_hex(MN_REGISTER_HEX, msg, sizeof(msg));

	(void)state;
	assert_int_equal(lisp_auth_verify(msg, len, wrong, sizeof(wrong) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
	assert_int_equal(lisp_auth_verify(msg, len, KEY_MN, KEY_MN_LEN - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
	assert_int_equal(lisp_auth_verify(msg, len, NULL, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
}

/* Every single-bit change anywhere in the message must be caught: in the
 * auth field header as a malformed field, elsewhere as a MAC mismatch. */
static void flip_every_bit(const char *hex)
{
	uint8_t msg[128];
	size_t len = tu_hex(hex, msg, sizeof(msg));

	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			struct lisp_err err = {0};
			int rc;

			msg[i] ^= (uint8_t)(1u << bit);
			rc = lisp_auth_verify(msg, len, KEY_MN, KEY_MN_LEN, &err);
			msg[i] ^= (uint8_t)(1u << bit);
			if (rc != -1)
				fail_msg("flip of byte %zu bit %d verified", i, bit);
			if (i >= LISP_AUTH_FIELD_OFF + 1 && i < LISP_AUTH_DATA_OFF) {
				if (err.code != LISP_ERR_BAD_AUTH && err.code != LISP_ERR_TRUNCATED)
					fail_msg("flip of byte %zu bit %d: %s", i, bit,
						 lisp_err_name(err.code));
			} else if (err.code != LISP_ERR_AUTH_FAILED) {
				fail_msg("flip of byte %zu bit %d: %s", i, bit,
					 lisp_err_name(err.code));
			}
		}
	}
}

static void test_flipped_bit_fails(void **state)
{
	(void)state;
	flip_every_bit(MN_REGISTER_HEX);
	flip_every_bit(MN_NOTIFY_HEX);
}

/* A Map-Register-shaped message with the given auth field and a body. */
static size_t make_msg(uint8_t *buf, uint8_t type, uint8_t alg, uint16_t data_len,
		       size_t body_len)
{
	size_t len = LISP_AUTH_DATA_OFF + data_len + body_len;

	memset(buf, 0, len);
	buf[0] = (uint8_t)(type << 4);
	for (int i = 0; i < 8; i++)
		buf[4 + i] = (uint8_t)(0xa0 + i);  /* nonce */
	buf[12] = 7;                                  /* key id */
	buf[13] = alg;
	buf[14] = (uint8_t)(data_len >> 8);
	buf[15] = (uint8_t)data_len;
	for (size_t i = 0; i < body_len; i++)
		buf[LISP_AUTH_DATA_OFF + data_len + i] = (uint8_t)(i * 7 + 3);
	return len;
}

static void expected_hmac(const EVP_MD *md, const uint8_t *key, size_t key_len,
			  const uint8_t *msg, size_t len, uint8_t *out)
{
	unsigned int out_len = 0;

	assert_non_null(HMAC(md, key, (int)key_len, msg, len, out, &out_len));
	assert_int_equal(out_len, EVP_MD_get_size(md));
}

static void sign_and_check(uint8_t alg, uint16_t data_len, const EVP_MD *md)
{
	static const uint8_t key[] = "a-shared-secret";
	uint8_t msg[256], zeroed[256], want[64];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 3, alg, data_len, 37);

	/* garbage in the auth data must not leak into the MAC */
	memset(msg + LISP_AUTH_DATA_OFF, 0x5a, data_len);
	memcpy(zeroed, msg, len);
	memset(zeroed + LISP_AUTH_DATA_OFF, 0, data_len);
	expected_hmac(md, key, sizeof(key) - 1, zeroed, len, want);

	assert_int_equal(lisp_auth_sign(msg, len, key, sizeof(key) - 1, &err), 0);
	tu_assert_bytes(msg + LISP_AUTH_DATA_OFF, data_len, want, data_len);
	/* nothing else changed */
	tu_assert_bytes(msg + LISP_AUTH_DATA_OFF + data_len, len - LISP_AUTH_DATA_OFF - data_len,
			zeroed + LISP_AUTH_DATA_OFF + data_len,
			len - LISP_AUTH_DATA_OFF - data_len);
	assert_int_equal(lisp_auth_verify(msg, len, key, sizeof(key) - 1, &err), 0);

	msg[len - 1] ^= 1;
	assert_int_equal(lisp_auth_verify(msg, len, key, sizeof(key) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
}

static void test_sign_lengths(void **state)
{
	(void)state;
	sign_and_check(LISP_AUTH_HMAC_SHA1_96, 12, EVP_sha1());
	sign_and_check(LISP_AUTH_HMAC_SHA1_96, 20, EVP_sha1());
	sign_and_check(LISP_AUTH_HMAC_SHA256_128, 16, EVP_sha256());
	sign_and_check(LISP_AUTH_HMAC_SHA256_128, 32, EVP_sha256());
}

/* The captured full 20-byte MAC cut to 12 bytes (the RFC's HMAC-SHA-1-96)
 * still verifies: the truncated form is a prefix of the full one. */
static void test_captured_truncated_to_12(void **state)
{
	uint8_t msg[128], cut[128];
	struct lisp_err err = {0};
	size_t len = tu_hex(MN_REGISTER_HEX, msg, sizeof(msg)), cut_len;

	(void)state;
	/* drop auth bytes 12..19 and set AuthDataLen 12 */
	memcpy(cut, msg, LISP_AUTH_DATA_OFF + 12);
	memcpy(cut + LISP_AUTH_DATA_OFF + 12, msg + LISP_AUTH_DATA_OFF + 20,
	       len - LISP_AUTH_DATA_OFF - 20);
	cut_len = len - 8;
	cut[15] = 12;
	/* not the same message any more, so it must not verify with the old MAC... */
	assert_int_equal(lisp_auth_verify(cut, cut_len, KEY_MN, KEY_MN_LEN, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
	/* ...but signing it gives 12 bytes that verify */
	assert_int_equal(lisp_auth_sign(cut, cut_len, KEY_MN, KEY_MN_LEN, &err), 0);
	assert_int_equal(lisp_auth_verify(cut, cut_len, KEY_MN, KEY_MN_LEN, &err), 0);
}

static void expect_field_error(uint8_t alg, uint16_t data_len, size_t len_override,
			       enum lisp_err_code code)
{
	static const uint8_t key[] = "k";
	uint8_t msg[256], before[256];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 3, alg, data_len, 8);
	uint8_t *exact;

	if (len_override != (size_t)-1)
		len = len_override;
	memcpy(before, msg, sizeof(before));
	exact = tu_exact_copy(msg, len);
	assert_int_equal(lisp_auth_verify(exact, len, key, 1, &err), -1);
	assert_int_equal(err.code, code);
	err = (struct lisp_err){0};
	assert_int_equal(lisp_auth_sign(exact, len, key, 1, &err), -1);
	assert_int_equal(err.code, code);
	/* a refused sign leaves the message as it was */
	tu_assert_bytes(exact, len, before, len);
	free(exact);
}

static void test_bad_fields_refused(void **state)
{
	(void)state;
	/* lengths that do not belong to the algorithm */
	expect_field_error(LISP_AUTH_HMAC_SHA1_96, 16, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(LISP_AUTH_HMAC_SHA1_96, 32, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(LISP_AUTH_HMAC_SHA1_96, 0, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(LISP_AUTH_HMAC_SHA256_128, 20, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(LISP_AUTH_HMAC_SHA256_128, 12, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(LISP_AUTH_HMAC_SHA256_HKDF, 20, (size_t)-1, LISP_ERR_BAD_AUTH);
	/* no algorithm, unknown algorithms */
	expect_field_error(LISP_AUTH_NONE, 0, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(4, 20, (size_t)-1, LISP_ERR_BAD_AUTH);
	expect_field_error(255, 32, (size_t)-1, LISP_ERR_BAD_AUTH);
	/* AuthData runs past the end of the message */
	expect_field_error(LISP_AUTH_HMAC_SHA1_96, 20, LISP_AUTH_DATA_OFF + 19, LISP_ERR_TRUNCATED);
	expect_field_error(LISP_AUTH_HMAC_SHA256_128, 32, LISP_AUTH_DATA_OFF, LISP_ERR_TRUNCATED);
	/* message too short to hold the field header */
	for (size_t n = 0; n < LISP_AUTH_DATA_OFF; n++)
		expect_field_error(LISP_AUTH_HMAC_SHA1_96, 20, n, LISP_ERR_TRUNCATED);
}

static void test_exact_fit(void **state)
{
	static const uint8_t key[] = "k";
	uint8_t msg[64];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 4, LISP_AUTH_HMAC_SHA1_96, 20, 0);
	uint8_t *exact = tu_exact_copy(msg, len);

	(void)state;
	/* auth data ending exactly at the end of the message is fine */
	assert_int_equal(lisp_auth_sign(exact, len, key, 1, &err), 0);
	assert_int_equal(lisp_auth_verify(exact, len, key, 1, &err), 0);
	free(exact);
}

static void test_key_not_in_errors(void **state)
{
	static const uint8_t key[] = "very-secret-psk";
	char text[256];
	uint8_t msg[128];
	size_t len = tu_hex(MN_REGISTER_HEX, msg, sizeof(msg));
	struct lisp_err err = {0};

	(void)state;
	assert_int_equal(lisp_auth_verify(msg, len, key, sizeof(key) - 1, &err), -1);
	lisp_err_format(&err, text, sizeof(text));
	assert_null(strstr(text, "very-secret"));
	msg[13] = 9;
	assert_int_equal(lisp_auth_verify(msg, len, key, sizeof(key) - 1, &err), -1);
	lisp_err_format(&err, text, sizeof(text));
	assert_null(strstr(text, "very-secret"));
}

static void test_bad_arguments(void **state)
{
	uint8_t msg[64];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 3, LISP_AUTH_HMAC_SHA1_96, 20, 0);

	(void)state;
	assert_int_equal(lisp_auth_verify(msg, len, NULL, 5, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	assert_int_equal(lisp_auth_sign(NULL, len, (const uint8_t *)"k", 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	/* NULL err is allowed */
	assert_int_equal(lisp_auth_verify(msg, 3, (const uint8_t *)"k", 1, NULL), -1);
}

static void test_empty_key(void **state)
{
	uint8_t msg[64], zeroed[64], want[20];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 3, LISP_AUTH_HMAC_SHA1_96, 20, 4);

	(void)state;
	memcpy(zeroed, msg, len);
	expected_hmac(EVP_sha1(), (const uint8_t *)"", 0, zeroed, len, want);
	assert_int_equal(lisp_auth_sign(msg, len, NULL, 0, &err), 0);
	tu_assert_bytes(msg + LISP_AUTH_DATA_OFF, 20, want, 20);
	assert_int_equal(lisp_auth_verify(msg, len, NULL, 0, &err), 0);
}

static void test_alg_tables(void **state)
{
	(void)state;
	assert_int_equal(lisp_auth_digest_len(LISP_AUTH_NONE), 0);
	assert_int_equal(lisp_auth_digest_len(LISP_AUTH_HMAC_SHA1_96), 20);
	assert_int_equal(lisp_auth_digest_len(LISP_AUTH_HMAC_SHA256_128), 32);
	assert_int_equal(lisp_auth_digest_len(LISP_AUTH_HMAC_SHA256_HKDF), 32);
	assert_int_equal(lisp_auth_digest_len(4), 0);
	for (size_t n = 0; n <= 64; n++) {
		assert_int_equal(lisp_auth_len_valid(LISP_AUTH_HMAC_SHA1_96, n), n == 12 || n == 20);
		assert_int_equal(lisp_auth_len_valid(LISP_AUTH_HMAC_SHA256_128, n),
				 n == 16 || n == 32);
		assert_int_equal(lisp_auth_len_valid(LISP_AUTH_HMAC_SHA256_HKDF, n),
				 n == 16 || n == 32);
		assert_false(lisp_auth_len_valid(LISP_AUTH_NONE, n));
	}
}

/* Our reading of RFC 9301 for AlgID 3 (see lisp_auth.c): HKDF-SHA256 with
 * salt = "<message> Authentication", IKM = PSK, info = nonce, L = 32, then
 * HMAC-SHA-256 with that key. Recomputed here from RFC 5869's definition
 * (extract, one expand block) with plain HMAC. */
static void hkdf_expected(const char *salt, const uint8_t *psk, size_t psk_len,
			  const uint8_t nonce[8], uint8_t okm[32])
{
	uint8_t prk[32], block[9];

	expected_hmac(EVP_sha256(), (const uint8_t *)salt, strlen(salt), psk, psk_len, prk);
	memcpy(block, nonce, 8);
	block[8] = 0x01;
	expected_hmac(EVP_sha256(), prk, sizeof(prk), block, sizeof(block), okm);
}

static void hkdf_case(uint8_t type, const char *salt, uint16_t data_len)
{
	static const uint8_t psk[] = "hkdf-psk";
	uint8_t msg[128], okm[32], want[32];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, type, LISP_AUTH_HMAC_SHA256_HKDF, data_len, 21);

	hkdf_expected(salt, psk, sizeof(psk) - 1, msg + 4, okm);
	expected_hmac(EVP_sha256(), okm, sizeof(okm), msg, len, want);
	assert_int_equal(lisp_auth_sign(msg, len, psk, sizeof(psk) - 1, &err), 0);
	tu_assert_bytes(msg + LISP_AUTH_DATA_OFF, data_len, want, data_len);
	assert_int_equal(lisp_auth_verify(msg, len, psk, sizeof(psk) - 1, &err), 0);

	/* the nonce is part of the key: a replayed MAC under another nonce fails */
	msg[11] ^= 0x80;
	assert_int_equal(lisp_auth_verify(msg, len, psk, sizeof(psk) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
}

static void test_hkdf(void **state)
{
	(void)state;
	hkdf_case(3, "Map-Register Authentication", 32);
	hkdf_case(3, "Map-Register Authentication", 16);
	hkdf_case(4, "Map-Notify Authentication", 32);
	hkdf_case(5, "Map-Notify-Ack Authentication", 16);
}

static void test_hkdf_undefined_for_info(void **state)
{
	uint8_t msg[64];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 7, LISP_AUTH_HMAC_SHA256_HKDF, 32, 4);

	(void)state;
	assert_int_equal(lisp_auth_sign(msg, len, (const uint8_t *)"k", 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
	assert_int_equal(lisp_auth_verify(msg, len, (const uint8_t *)"k", 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
}

/* A second auth field at the end (the OLD RTR dialect's, on a Map-Notify):
 * its MAC covers the whole message with only that field's data zeroed; the
 * field at byte 12 is covered as it stands. */
static void test_field_at_offset(void **state)
{
	static const uint8_t key[] = "rtr-key";
	uint8_t msg[128], zeroed[128], want[20];
	struct lisp_err err = {0};
	size_t len = make_msg(msg, 4, LISP_AUTH_HMAC_SHA1_96, 20, 30), at = len;

	(void)state;
	msg[len++] = 0x00;  /* KeyID 0, AlgID 1, 20 bytes */
	msg[len++] = LISP_AUTH_HMAC_SHA1_96;
	msg[len++] = 0x00;
	msg[len++] = 20;
	memset(msg + len, 0x5a, 20);  /* garbage: must be read as zeros */
	len += 20;
	memset(msg + LISP_AUTH_DATA_OFF, 0x33, 20);  /* the first field's data, as is */
	memcpy(zeroed, msg, len);
	memset(zeroed + at + 4, 0, 20);
	expected_hmac(EVP_sha1(), key, sizeof(key) - 1, zeroed, len, want);

	assert_int_equal(lisp_auth_sign_at(msg, len, at, key, sizeof(key) - 1, &err), 0);
	tu_assert_bytes(msg + at + 4, 20, want, 20);
	assert_int_equal(lisp_auth_verify_at(msg, len, at, key, sizeof(key) - 1, &err), 0);
	/* the first field is covered: changing it breaks the second MAC */
	msg[LISP_AUTH_DATA_OFF] ^= 1;
	assert_int_equal(lisp_auth_verify_at(msg, len, at, key, sizeof(key) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
	msg[LISP_AUTH_DATA_OFF] ^= 1;

	/* a field running past the end, an offset before byte 12, AlgID 3 there */
	assert_int_equal(lisp_auth_verify_at(msg, len - 1, at, key, sizeof(key) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_TRUNCATED);
	assert_int_equal(lisp_auth_verify_at(msg, len, at + 22, key, sizeof(key) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_TRUNCATED);
	assert_int_equal(lisp_auth_verify_at(msg, len, 8, key, sizeof(key) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
	msg[at + 1] = LISP_AUTH_HMAC_SHA256_HKDF;
	msg[at + 3] = 16;
	assert_int_equal(lisp_auth_sign_at(msg, at + 20, at, key, sizeof(key) - 1, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
}

/* Detached MACs, checked against RFC 2202 test case 1 (HMAC-SHA-1) and
 * RFC 4231 test case 1 (HMAC-SHA-256): key 0x0b x 20, data "Hi There". */
static void test_detached_mac(void **state)
{
	static const char sha1_hex[] = "b617318655057264e28bc0b6fb378c8ef146be00";
	static const char sha256_hex[] =
		"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
	static const uint8_t data[] = "Hi There";
	uint8_t key[20], want[32], mac[32];
	struct lisp_err err = {0};

	(void)state;
	memset(key, 0x0b, sizeof(key));
	tu_hex(sha1_hex, want, sizeof(want));
	assert_int_equal(lisp_auth_mac(data, 8, LISP_AUTH_HMAC_SHA1_96, key, 20, mac, 20, &err), 0);
	tu_assert_bytes(mac, 20, want, 20);
	assert_int_equal(lisp_auth_mac_verify(data, 8, LISP_AUTH_HMAC_SHA1_96, key, 20, want, 20,
					      &err),
			 0);
	/* truncated to 12 bytes (RFC 9301's HMAC-SHA-1-96) */
	assert_int_equal(lisp_auth_mac(data, 8, LISP_AUTH_HMAC_SHA1_96, key, 20, mac, 12, &err), 0);
	tu_assert_bytes(mac, 12, want, 12);
	assert_int_equal(lisp_auth_mac_verify(data, 8, LISP_AUTH_HMAC_SHA1_96, key, 20, want, 12,
					      &err),
			 0);

	tu_hex(sha256_hex, want, sizeof(want));
	assert_int_equal(lisp_auth_mac(data, 8, LISP_AUTH_HMAC_SHA256_128, key, 20, mac, 32, &err),
			 0);
	tu_assert_bytes(mac, 32, want, 32);
	want[31] ^= 1;
	assert_int_equal(lisp_auth_mac_verify(data, 8, LISP_AUTH_HMAC_SHA256_128, key, 20, want, 32,
					      &err),
			 -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);

	/* lengths the algorithm does not define; no algorithm; AlgID 3 */
	assert_int_equal(lisp_auth_mac(data, 8, LISP_AUTH_HMAC_SHA1_96, key, 20, mac, 16, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
	assert_int_equal(lisp_auth_mac(data, 8, LISP_AUTH_NONE, key, 20, mac, 0, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
	assert_int_equal(lisp_auth_mac(data, 8, LISP_AUTH_HMAC_SHA256_HKDF, key, 20, mac, 32, &err),
			 -1);
	assert_int_equal(err.code, LISP_ERR_BAD_AUTH);
	assert_int_equal(lisp_auth_mac(NULL, 8, LISP_AUTH_HMAC_SHA1_96, key, 20, mac, 20, &err), -1);
	assert_int_equal(err.code, LISP_ERR_BAD_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_captured_register),
		cmocka_unit_test(test_verify_captured_notify),
		cmocka_unit_test(test_wrong_key_fails),
		cmocka_unit_test(test_flipped_bit_fails),
		cmocka_unit_test(test_sign_lengths),
		cmocka_unit_test(test_captured_truncated_to_12),
		cmocka_unit_test(test_bad_fields_refused),
		cmocka_unit_test(test_exact_fit),
		cmocka_unit_test(test_key_not_in_errors),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_alg_tables),
		cmocka_unit_test(test_hkdf),
		cmocka_unit_test(test_hkdf_undefined_for_info),
		cmocka_unit_test(test_field_at_offset),
		cmocka_unit_test(test_detached_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
