/* A streaming JSON writer (RFC 8259) over a FILE*: the writer puts the
 * commas and checks the nesting, the caller says what comes next. Used by
 * lispd's control socket answers and the tools' -j output.
 *
 * Compact output is "key":value and "," with no space. Pretty output (for
 * people, lispd-bpf -p) puts each member on its own line, indented by two
 * spaces a level, "key": value.
 *
 * Strings are written as UTF-8: '"' and '\' escaped, control characters
 * (below 0x20, and DEL) as \u00XX, valid UTF-8 sequences as they are. A byte
 * that does not start a valid sequence (a stray continuation byte, an
 * overlong form, a surrogate, beyond U+10FFFF, a truncated sequence) is
 * written as \ufffd, the replacement character, one per byte: the output is
 * valid UTF-8 whatever the input, and shows where the input was broken.
 *
 * A misuse (nesting deeper than JSON_MAX_DEPTH, a close that does not match
 * the open, a member without a key, a key inside an array, a key without
 * its value, a second value at the top) puts the writer in an error state:
 * from then on it writes nothing more, and json_end() says -1. It never
 * writes out of bounds. */
#ifndef LISPD_JSON_H
#define LISPD_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_level {
	char close;        /* '}' or ']'; 0 at the top */
	bool first;        /* no value written at this level yet */
};

struct json {
	FILE *f;
	bool pretty;
	bool failed;
	bool after_key;    /* json_key() written, its value not yet */
	unsigned depth;    /* open objects and arrays */
	struct json_level level[JSON_MAX_DEPTH + 1];
};

void json_init(struct json *j, FILE *f, bool pretty);

/* key: the member's name inside an object, NULL inside an array, at the
 * top and after json_key(). */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);

/* A member's name alone: the next value, written with key NULL, is its
 * value (for a callee that writes a value wherever it is put). */
void json_key(struct json *j, const char *key);

/* v NULL writes null. */
void json_str(struct json *j, const char *key, const char *v);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, int64_t v);
/* v with exactly `decimals` digits after the point (at most 17, all a
 * double holds); null when not finite. */
void json_fixed(struct json *j, const char *key, double v, unsigned decimals);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* The object {"error": msg}: how every answer says it has none. */
void json_error(struct json *j, const char *msg);

/* Ends the document with a newline and makes the writer ready for the
 * next one. 0 when exactly one complete value was written, else -1. */
int json_end(struct json *j);

#endif
