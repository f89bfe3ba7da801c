/* Helpers shared by the cmocka unit tests: hex strings to bytes, byte
 * comparisons that show where two buffers differ, a check that a decoder
 * refuses every truncation of a valid message without reading past it, and
 * a JSON writer on memory for the control socket's views. */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "lisp_addr.h"
#include "lisp_err.h"
#include "lisp_msg.h"

/* Parses hex digits into out, ignoring blanks, newlines and ':' between
 * bytes; fails the test on an odd digit count, a bad character or overflow.
 * Returns the number of bytes. */
size_t tu_hex(const char *hex, uint8_t *out, size_t cap);

/* Copy of buf[0..len) in a heap block of exactly len bytes, so that ASan
 * reports any read past the end. Free with free(). */
uint8_t *tu_exact_copy(const uint8_t *buf, size_t len);

/* Fails the test, printing both buffers around the first difference, unless
 * got[0..got_len) equals want[0..want_len). */
void tu_assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len);

/* The whole file at path in a heap block (free with free()); fails the
 * test when it cannot be read or is empty. */
uint8_t *tu_read_file(const char *path, size_t *len);

/* Address / prefix from text ("192.0.2.1", "[7]198.18.0.0/15"); fail the
 * test if the text does not parse. */
struct lisp_addr tu_addr(const char *text);
struct lisp_prefix tu_prefix(const char *text);

/* Field-by-field equality of two EID records (locators included). */
void tu_assert_record_equal(const struct lisp_record *got, const struct lisp_record *want);
void tu_assert_prefix_equal(const struct lisp_prefix *got, const struct lisp_prefix *want);

/* A decoder under test: returns 0 or -1 with err filled. ctx is the caller's. */
typedef int (*tu_decode_fn)(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err);

/* Decodes each prefix msg[0..n) for n in 0..len-1, each from an exactly sized
 * heap copy, and fails the test unless every one returns -1 with
 * LISP_ERR_TRUNCATED. Then checks that the whole message decodes. */
void tu_assert_truncations_fail(const uint8_t *msg, size_t len, tu_decode_fn fn, void *ctx);

/* Decodes msg[0..len) from an exactly sized heap copy; fails the test unless
 * the decoder returns -1 with `code`. */
void tu_assert_decode_fails(const uint8_t *msg, size_t len, tu_decode_fn fn, void *ctx,
			    enum lisp_err_code code);

/* A role's *_ctl_json answer as text:
 *	struct tu_json t;
 *	mn_json_status(mn, tu_json_open(&t));
 *	char *text = tu_json_text(&t);
 */
struct tu_json {
	FILE *out;
	char *text;
	size_t len;
	struct json j;
};
struct json *tu_json_open(struct tu_json *t);
/* The one complete document written, newline included (the test fails on
 * anything else). Free it. */
char *tu_json_text(struct tu_json *t);

#endif
