/* Errors of the LISP codec: a code a daemon can count drops by, a reason a log
 * line can show, and the byte offset where decoding gave up. */
#ifndef LISP_ERR_H
#define LISP_ERR_H

#include <stddef.h>

/* Every code with its short stable name, usable as a counter name, and
 * what it means. */
#define LISP_ERR_CODES(X)                                                                       \
	X(LISP_OK, "ok")                                                                        \
	X(LISP_ERR_TRUNCATED, "truncated")   /* buffer ends before a field it must hold */      \
	X(LISP_ERR_TOO_LONG, "too-long")     /* bytes after the message; output too small */    \
	X(LISP_ERR_BAD_TYPE, "bad-type")     /* type unknown or not the one expected */         \
	X(LISP_ERR_BAD_AFI, "bad-afi")       /* AFI unknown or not allowed in this field */     \
	X(LISP_ERR_BAD_LCAF, "bad-lcaf")     /* LCAF type unknown or its length lies */         \
	X(LISP_ERR_BAD_PREFIX, "bad-prefix") /* mask length larger than the address */          \
	X(LISP_ERR_BAD_COUNT, "bad-count")   /* a count lies, or is over our limits */          \
	X(LISP_ERR_BAD_FLAGS, "bad-flags")   /* flag combination the protocol forbids */        \
	X(LISP_ERR_BAD_AUTH, "bad-auth")     /* auth length or algorithm wrong */               \
	X(LISP_ERR_AUTH_FAILED, "auth-failed") /* HMAC mismatch */                              \
	X(LISP_ERR_BAD_CHECKSUM, "bad-checksum") /* inner IP/UDP checksum wrong (ECM) */        \
	X(LISP_ERR_BAD_IP, "bad-ip")         /* inner IP header malformed (ECM) */              \
	X(LISP_ERR_BAD_ARG, "bad-arg")       /* the caller asked for what cannot be encoded */  \
	X(LISP_ERR_CRYPTO, "crypto")         /* OpenSSL failed */                               \
	X(LISP_ERR_SYNTAX, "syntax")         /* text form not parseable */

#define LISP_ERR_ENUM(code, name) code,
enum lisp_err_code {
	LISP_ERR_CODES(LISP_ERR_ENUM)
	LISP_ERR__COUNT
};
#undef LISP_ERR_ENUM

struct lisp_err {
	enum lisp_err_code code;
	const char *what;  /* static string: which field, e.g. "locator AFI" */
	size_t offset;     /* byte offset into the message where it failed */
};

/* Short stable name of a code ("truncated", "bad-afi", ...): usable as a counter name. */
const char *lisp_err_name(enum lisp_err_code code);

/* Records an error (if err is non-NULL) and returns -1, so decoders can
 * `return lisp_fail(err, LISP_ERR_TRUNCATED, "nonce", off);`. */
int lisp_fail(struct lisp_err *err, enum lisp_err_code code, const char *what, size_t offset);

/* "bad-afi at byte 24 (locator AFI)" into buf; returns buf. */
const char *lisp_err_format(const struct lisp_err *err, char *buf, size_t len);

#endif
