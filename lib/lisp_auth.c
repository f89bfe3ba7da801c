/* HMAC authentication of the messages that carry the auth field at byte 12
 * (Map-Register, Map-Notify, Map-Notify-Ack, Info-Request/Reply), of a
 * second field elsewhere (the OLD RTR dialect's), and detached MACs (the
 * ECM's MS-RTR authentication data).
 *
 * The MAC is computed over the message with AuthData zeroed. Instead of
 * copying the message to zero it, the MAC is fed three pieces: the bytes
 * before AuthData, AuthDataLen zero bytes, the bytes after. The result is
 * identical and verify can leave the caller's (const) buffer untouched.
 *
 * AlgID 3 (HMAC-SHA-256-128 + HKDF-SHA256): RFC 9301 §5.6 defines
 *   per-msg-key = KDF(nonce + s + PSK[Key ID])
 * with s = "Map-Register Authentication", "Map-Notify Authentication" or
 * "Map-Notify-Ack Authentication" by message type, and names s the salt. It
 * does not say how the three inputs map onto HKDF's salt/IKM/info. Our
 * reading, pending an interop peer: HKDF-SHA256 (RFC 5869) with
 *   salt = s (ASCII, no terminator), IKM = PSK, info = the 8 nonce bytes as
 *   they appear on the wire, L = 32;
 * the MAC is HMAC-SHA-256 keyed with that output. The RFC defines no string
 * for Info-Request/Reply, so AlgID 3 is refused there. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "lisp_auth.h"

#define AUTH_MAX_DIGEST 32

size_t lisp_auth_digest_len(uint8_t alg_id)
{
	switch (alg_id) {
	case LISP_AUTH_HMAC_SHA1_96:
		return 20;
	case LISP_AUTH_HMAC_SHA256_128:
	case LISP_AUTH_HMAC_SHA256_HKDF:
		return 32;
	default:
		return 0;
	}
}

bool lisp_auth_len_valid(uint8_t alg_id, size_t len)
{
	switch (alg_id) {
	case LISP_AUTH_HMAC_SHA1_96:
		return len == 12 || len == 20;
	case LISP_AUTH_HMAC_SHA256_128:
	case LISP_AUTH_HMAC_SHA256_HKDF:
		return len == 16 || len == 32;
	default:
		return false;
	}
}

/* Checks the auth field at msg[field_off] and returns AlgID and AuthDataLen. */
static int auth_field_check(const uint8_t *msg, size_t len, size_t field_off, const uint8_t *key,
			    size_t key_len, uint8_t *alg, size_t *data_len, struct lisp_err *err)
{
	size_t data_off = field_off + 4;

	if (msg == NULL || (key == NULL && key_len > 0) || field_off < LISP_AUTH_FIELD_OFF)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "auth arguments", 0);
	if (field_off > len || len - field_off < 4)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "auth field", len);
	*alg = msg[field_off + 1];
	*data_len = ((size_t)msg[field_off + 2] << 8) | msg[field_off + 3];
	if (lisp_auth_digest_len(*alg) == 0)
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "AlgID", field_off + 1);
	if (*alg == LISP_AUTH_HMAC_SHA256_HKDF && field_off != LISP_AUTH_FIELD_OFF)
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "AlgID for this field", field_off + 1);
	if (!lisp_auth_len_valid(*alg, *data_len))
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "AuthDataLen", field_off + 2);
	if (len - data_off < *data_len)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "AuthData", data_off);
	return 0;
}

static const char *hkdf_salt_for_type(uint8_t type)
{
	switch (type) {
	case 3:
		return "Map-Register Authentication";
	case 4:
		return "Map-Notify Authentication";
	case 5:
		return "Map-Notify-Ack Authentication";
	default:
		return NULL;
	}
}

/* out[0..32) = HKDF-SHA256 per-message key, see the file comment. */
static int hkdf_per_msg_key(const uint8_t *msg, const uint8_t *psk, size_t psk_len,
			    uint8_t out[AUTH_MAX_DIGEST], struct lisp_err *err)
{
	const char *salt = hkdf_salt_for_type(msg[0] >> 4);
	static const uint8_t empty_key[1];
	OSSL_PARAM params[5];
	EVP_KDF_CTX *kctx;
	EVP_KDF *kdf;
	int ok;

	if (salt == NULL)
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "AlgID for this message type",
				 LISP_AUTH_FIELD_OFF + 1);
	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (kdf == NULL)
		return lisp_fail(err, LISP_ERR_CRYPTO, "HKDF unavailable", 0);
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (kctx == NULL)
		return lisp_fail(err, LISP_ERR_CRYPTO, "HKDF context", 0);

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(
		OSSL_KDF_PARAM_KEY, (void *)(psk_len ? psk : empty_key), psk_len);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
						      strlen(salt));
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)(msg + 4), 8);
	params[4] = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(kctx, out, AUTH_MAX_DIGEST, params) == 1;
	EVP_KDF_CTX_free(kctx);
	if (!ok)
		return lisp_fail(err, LISP_ERR_CRYPTO, "HKDF derive", 0);
	return 0;
}

/* HMAC of msg with zero_len bytes at zero_off (AuthData, or nothing for a
 * detached MAC) read as zeros. */
static int auth_mac(const uint8_t *msg, size_t len, uint8_t alg, size_t zero_off, size_t zero_len,
		    const uint8_t *key, size_t key_len, uint8_t out[AUTH_MAX_DIGEST],
		    struct lisp_err *err)
{
	static const uint8_t zeros[AUTH_MAX_DIGEST];
	static const uint8_t empty_key[1];
	uint8_t derived[AUTH_MAX_DIGEST];
	const uint8_t *mac_key = key_len ? key : empty_key;
	size_t mac_key_len = key_len;
	size_t after = zero_off + zero_len;
	size_t out_len = 0;
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	int ok = 0;

	if (alg == LISP_AUTH_HMAC_SHA256_HKDF) {
		if (hkdf_per_msg_key(msg, key, key_len, derived, err))
			return -1;
		mac_key = derived;
		mac_key_len = sizeof(derived);
	}
	params[0] = OSSL_PARAM_construct_utf8_string(
		OSSL_MAC_PARAM_DIGEST, (char *)(alg == LISP_AUTH_HMAC_SHA1_96 ? "SHA1" : "SHA256"),
		0);
	params[1] = OSSL_PARAM_construct_end();

	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac != NULL)
		ctx = EVP_MAC_CTX_new(mac);
	if (ctx != NULL && EVP_MAC_init(ctx, mac_key, mac_key_len, params) == 1 &&
	    EVP_MAC_update(ctx, msg, zero_off) == 1 &&
	    EVP_MAC_update(ctx, zeros, zero_len) == 1 &&
	    EVP_MAC_update(ctx, msg + after, len - after) == 1 &&
	    EVP_MAC_final(ctx, out, &out_len, AUTH_MAX_DIGEST) == 1 &&
	    out_len == lisp_auth_digest_len(alg))
		ok = 1;
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	OPENSSL_cleanse(derived, sizeof(derived));
	if (!ok)
		return lisp_fail(err, LISP_ERR_CRYPTO, "HMAC", 0);
	return 0;
}

int lisp_auth_sign_at(uint8_t *msg, size_t len, size_t field_off, const uint8_t *key,
		      size_t key_len, struct lisp_err *err)
{
	uint8_t digest[AUTH_MAX_DIGEST];
	size_t data_len;
	uint8_t alg;

	if (auth_field_check(msg, len, field_off, key, key_len, &alg, &data_len, err))
		return -1;
	if (auth_mac(msg, len, alg, field_off + 4, data_len, key, key_len, digest, err))
		return -1;
	memcpy(msg + field_off + 4, digest, data_len);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int lisp_auth_verify_at(const uint8_t *msg, size_t len, size_t field_off, const uint8_t *key,
			size_t key_len, struct lisp_err *err)
{
	uint8_t digest[AUTH_MAX_DIGEST];
	size_t data_len;
	uint8_t alg;
	int same;

	if (auth_field_check(msg, len, field_off, key, key_len, &alg, &data_len, err))
		return -1;
	if (auth_mac(msg, len, alg, field_off + 4, data_len, key, key_len, digest, err))
		return -1;
	same = CRYPTO_memcmp(digest, msg + field_off + 4, data_len) == 0;
	OPENSSL_cleanse(digest, sizeof(digest));
	if (!same)
		return lisp_fail(err, LISP_ERR_AUTH_FAILED, "AuthData", field_off + 4);
	return 0;
}

int lisp_auth_sign(uint8_t *msg, size_t len, const uint8_t *key, size_t key_len,
		   struct lisp_err *err)
{
	return lisp_auth_sign_at(msg, len, LISP_AUTH_FIELD_OFF, key, key_len, err);
}

int lisp_auth_verify(const uint8_t *msg, size_t len, const uint8_t *key, size_t key_len,
		     struct lisp_err *err)
{
	return lisp_auth_verify_at(msg, len, LISP_AUTH_FIELD_OFF, key, key_len, err);
}

/* Arguments of a detached MAC: algorithm 1 or 2, a length it allows. */
static int detached_check(const uint8_t *msg, uint8_t alg, const uint8_t *key, size_t key_len,
			  const uint8_t *mac, size_t mac_len, struct lisp_err *err)
{
	if (msg == NULL || mac == NULL || (key == NULL && key_len > 0))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "auth arguments", 0);
	if (alg != LISP_AUTH_HMAC_SHA1_96 && alg != LISP_AUTH_HMAC_SHA256_128)
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "AlgID", 0);
	if (!lisp_auth_len_valid(alg, mac_len))
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "AuthDataLen", 0);
	return 0;
}

int lisp_auth_mac(const uint8_t *msg, size_t len, uint8_t alg_id, const uint8_t *key,
		  size_t key_len, uint8_t *mac, size_t mac_len, struct lisp_err *err)
{
	uint8_t digest[AUTH_MAX_DIGEST];

	if (detached_check(msg, alg_id, key, key_len, mac, mac_len, err) ||
	    auth_mac(msg, len, alg_id, 0, 0, key, key_len, digest, err))
		return -1;
	memcpy(mac, digest, mac_len);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int lisp_auth_mac_verify(const uint8_t *msg, size_t len, uint8_t alg_id, const uint8_t *key,
			 size_t key_len, const uint8_t *mac, size_t mac_len, struct lisp_err *err)
{
	uint8_t digest[AUTH_MAX_DIGEST];
	int same;

	if (detached_check(msg, alg_id, key, key_len, mac, mac_len, err) ||
	    auth_mac(msg, len, alg_id, 0, 0, key, key_len, digest, err))
		return -1;
	same = CRYPTO_memcmp(digest, mac, mac_len) == 0;
	OPENSSL_cleanse(digest, sizeof(digest));
	if (!same)
		return lisp_fail(err, LISP_ERR_AUTH_FAILED, "MAC", 0);
	return 0;
}
