/* The JSON writer (json.h). */
#include "json.h"

#include <inttypes.h>
#include <math.h>

/* Digits after the point json_fixed() writes at most: beyond, a double
 * holds no more. */
#define FIXED_MAX_DECIMALS 17

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: shortest form, no
 * surrogates, at most U+10FFFF), or 0. p is NUL-terminated, and NUL is no
 * continuation byte, so no read goes past the end. */
static unsigned utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return is_cont(p[1]) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* E0: no overlong form below U+0800; ED: no surrogates. */
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return p[1] >= lo && p[1] <= hi && is_cont(p[2]) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		/* F0: no overlong form below U+10000; F4: nothing beyond U+10FFFF. */
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return p[1] >= lo && p[1] <= hi && is_cont(p[2]) && is_cont(p[3]) ? 4 : 0;
	}
	return 0;
}

static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (n == 0)
			fputs("\\ufffd", f);
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

void json_init(struct json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->failed = false;
	j->after_key = false;
	j->depth = 0;
	j->level[0].close = 0;
	j->level[0].first = true;
}

static void newline_indent(struct json *j)
{
	fputc('\n', j->f);
	for (unsigned i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* The separator and the key before a value; false when the writer is (or
 * now goes) in its error state and the value must not be written. */
static bool member(struct json *j, const char *key)
{
	struct json_level *l = &j->level[j->depth];
	bool in_obj = l->close == '}';

	if (j->failed)
		return false;
	if (j->after_key) {
		j->after_key = false;
		if (!key)
			return true;
		j->failed = true;
		return false;
	}
	if ((in_obj && !key) || (!in_obj && key) || (j->depth == 0 && !l->first)) {
		j->failed = true;
		return false;
	}
	if (!l->first)
		fputc(',', j->f);
	l->first = false;
	if (j->pretty && j->depth > 0)
		newline_indent(j);
	if (key) {
		put_string(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
	return true;
}

void json_key(struct json *j, const char *key)
{
	if (!key)
		j->failed = true;
	else if (member(j, key))
		j->after_key = true;
}

static void begin(struct json *j, const char *key, char open, char close)
{
	if (j->depth == JSON_MAX_DEPTH)
		j->failed = true;
	if (!member(j, key))
		return;
	fputc(open, j->f);
	j->depth++;
	j->level[j->depth].close = close;
	j->level[j->depth].first = true;
}

static void end(struct json *j, char close)
{
	bool empty;

	if (j->failed || j->after_key || j->level[j->depth].close != close) {
		j->failed = true;
		return;
	}
	empty = j->level[j->depth].first;
	j->depth--;
	if (j->pretty && !empty)
		newline_indent(j);
	fputc(close, j->f);
}

void json_obj_begin(struct json *j, const char *key)
{
	begin(j, key, '{', '}');
}

void json_obj_end(struct json *j)
{
	end(j, '}');
}

void json_arr_begin(struct json *j, const char *key)
{
	begin(j, key, '[', ']');
}

void json_arr_end(struct json *j)
{
	end(j, ']');
}

void json_str(struct json *j, const char *key, const char *v)
{
	if (!member(j, key))
		return;
	if (v)
		put_string(j->f, v);
	else
		fputs("null", j->f);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	if (member(j, key))
		fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	if (member(j, key))
		fprintf(j->f, "%" PRId64, v);
}

void json_fixed(struct json *j, const char *key, double v, unsigned decimals)
{
	if (!member(j, key))
		return;
	if (!isfinite(v))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.*f", (int)(decimals < FIXED_MAX_DECIMALS ? decimals
									 : FIXED_MAX_DECIMALS), v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	if (member(j, key))
		fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	if (member(j, key))
		fputs("null", j->f);
}

void json_error(struct json *j, const char *msg)
{
	json_obj_begin(j, NULL);
	json_str(j, "error", msg);
	json_obj_end(j);
}

int json_end(struct json *j)
{
	int rc = j->failed || j->depth != 0 || j->level[0].first ? -1 : 0;

	fputc('\n', j->f);
	json_init(j, j->f, j->pretty);
	return rc;
}
