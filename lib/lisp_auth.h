/* Authentication of Map-Register, Map-Notify, Map-Notify-Ack and
 * Info-Request/Reply (RFC 9301 §5.6-5.7), and the MS-RTR authentication of
 * NAT traversal (docs/NAT.md), with OpenSSL 3 EVP_MAC.
 *
 * The auth field always sits at byte 12 of these messages:
 *   w0(4) nonce(8) KeyID(1) AlgID(1) AuthDataLen(2) AuthData(AuthDataLen)
 * The HMAC covers the whole LISP message (not IP/UDP) with AuthData zeroed.
 * Deployed implementations carry the full digest (20 bytes SHA-1, 32 bytes
 * SHA-256); RFC 9301 names truncated forms (12 and 16 bytes). We accept both,
 * judged by AuthDataLen, and compare in constant time. */
#ifndef LISP_AUTH_H
#define LISP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"

enum lisp_auth_alg {
	LISP_AUTH_NONE = 0,
	LISP_AUTH_HMAC_SHA1_96 = 1,
	LISP_AUTH_HMAC_SHA256_128 = 2,
	LISP_AUTH_HMAC_SHA256_HKDF = 3,
};

#define LISP_AUTH_FIELD_OFF 12   /* KeyID */
#define LISP_AUTH_DATA_OFF 16    /* AuthData */

/* Full digest length of an algorithm (20, 32, 32), 0 for none/unknown. */
size_t lisp_auth_digest_len(uint8_t alg_id);
/* True if `len` is an acceptable AuthDataLen for the algorithm. */
bool lisp_auth_len_valid(uint8_t alg_id, size_t len);

/* Computes the auth data of msg[0..len) (auth field located as above, its
 * AuthDataLen already written) and writes it into the message. */
int lisp_auth_sign(uint8_t *msg, size_t len, const uint8_t *key, size_t key_len,
		   struct lisp_err *err);

/* Verifies msg[0..len) against key. Returns 0 when it matches; -1 with
 * LISP_ERR_AUTH_FAILED on mismatch, other codes when the field is malformed.
 * Does not modify msg. */
int lisp_auth_verify(const uint8_t *msg, size_t len, const uint8_t *key, size_t key_len,
		     struct lisp_err *err);

/* The same for an auth field whose KeyID sits at byte field_off (the NAT
 * traversal's OLD RTR dialect puts a second one at the end of a Map-Notify).
 * AlgID 3 only at byte 12: its key derivation is defined for that field. */
int lisp_auth_sign_at(uint8_t *msg, size_t len, size_t field_off, const uint8_t *key,
		      size_t key_len, struct lisp_err *err);
int lisp_auth_verify_at(const uint8_t *msg, size_t len, size_t field_off, const uint8_t *key,
			size_t key_len, struct lisp_err *err);

/* A MAC carried apart from the bytes it covers (an ECM's MS-RTR
 * authentication data covers the message the ECM carries): mac_len bytes of
 * the HMAC of msg[0..len), nothing zeroed. AlgID 1 or 2; mac_len one that
 * lisp_auth_len_valid accepts. */
int lisp_auth_mac(const uint8_t *msg, size_t len, uint8_t alg_id, const uint8_t *key,
		  size_t key_len, uint8_t *mac, size_t mac_len, struct lisp_err *err);
/* 0 when mac[0..mac_len) is that MAC (constant-time compare). */
int lisp_auth_mac_verify(const uint8_t *msg, size_t len, uint8_t alg_id, const uint8_t *key,
			 size_t key_len, const uint8_t *mac, size_t mac_len, struct lisp_err *err);

#endif
