/* Errors of the LISP codec: a code a daemon can count drops by, a reason a log
 * line can show, and the byte offset where decoding gave up. */
#ifndef LISP_ERR_H
#define LISP_ERR_H

#include <stddef.h>

enum lisp_err_code {
	LISP_OK = 0,
	LISP_ERR_TRUNCATED,     /* buffer ends before a field it must hold */
	LISP_ERR_TOO_LONG,      /* bytes left over after the message, or output too small */
	LISP_ERR_BAD_TYPE,      /* message type unknown or not the one expected */
	LISP_ERR_BAD_AFI,       /* AFI unknown or not allowed in this field */
	LISP_ERR_BAD_LCAF,      /* LCAF type unknown or its length lies */
	LISP_ERR_BAD_PREFIX,    /* mask length larger than the address */
	LISP_ERR_BAD_COUNT,     /* record/locator/ITR-RLOC count lies or exceeds our limits */
	LISP_ERR_BAD_FLAGS,     /* flag combination the protocol forbids */
	LISP_ERR_BAD_AUTH,      /* auth length does not fit the algorithm, unknown algorithm */
	LISP_ERR_AUTH_FAILED,   /* HMAC mismatch */
	LISP_ERR_BAD_CHECKSUM,  /* inner IP/UDP checksum wrong (ECM) */
	LISP_ERR_BAD_IP,        /* inner IP header malformed (ECM) */
	LISP_ERR_BAD_ARG,       /* caller passed something that cannot be encoded */
	LISP_ERR_CRYPTO,        /* OpenSSL failed */
	LISP_ERR_SYNTAX,        /* text form not parseable */
	LISP_ERR__COUNT
};

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
