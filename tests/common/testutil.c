#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t tu_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p; p++) {
		int d;

		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == ':') {
			if (hi >= 0)
				fail_msg("tu_hex: odd digit before separator at %zu", (size_t)(p - hex));
			continue;
		}
		d = hex_digit(*p);
		if (d < 0)
			fail_msg("tu_hex: bad character '%c' at %zu", *p, (size_t)(p - hex));
		if (hi < 0) {
			hi = d;
			continue;
		}
		if (n >= cap)
			fail_msg("tu_hex: more than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | d);
		hi = -1;
	}
	if (hi >= 0)
		fail_msg("tu_hex: odd number of digits");
	return n;
}

uint8_t *tu_exact_copy(const uint8_t *buf, size_t len)
{
	/* malloc(0) still gives a distinct block that ASan treats as 0 bytes. */
	uint8_t *p = malloc(len);

	if (!p && len)
		fail_msg("tu_exact_copy: out of memory");
	if (len)
		memcpy(p, buf, len);
	return p;
}

static void dump_around(const char *name, const uint8_t *b, size_t len, size_t at)
{
	size_t from = at > 8 ? at - 8 : 0, to = at + 8 < len ? at + 8 : len;

	print_error("%s (%zu bytes) [%zu..%zu):", name, len, from, to);
	for (size_t i = from; i < to; i++)
		print_error(i == at ? " [%02x]" : " %02x", b[i]);
	print_error("\n");
}

void tu_assert_bytes(const uint8_t *got, size_t got_len, const uint8_t *want, size_t want_len)
{
	size_t n = got_len < want_len ? got_len : want_len, at = n;

	for (size_t i = 0; i < n; i++) {
		if (got[i] != want[i]) {
			at = i;
			break;
		}
	}
	if (at == n && got_len == want_len)
		return;
	print_error("buffers differ at byte %zu\n", at);
	dump_around("got ", got, got_len, at);
	dump_around("want", want, want_len, at);
	fail();
}

void tu_assert_decode_fails(const uint8_t *msg, size_t len, tu_decode_fn fn, void *ctx,
			    enum lisp_err_code code)
{
	struct lisp_err err = { 0 };
	uint8_t *copy = tu_exact_copy(msg, len);
	int rc = fn(copy, len, ctx, &err);

	free(copy);
	if (rc != -1 || err.code != code) {
		char why[128];

		fail_msg("decode of %zu bytes: rc %d, %s; expected %s", len, rc,
			 lisp_err_format(&err, why, sizeof(why)), lisp_err_name(code));
	}
}

void tu_assert_truncations_fail(const uint8_t *msg, size_t len, tu_decode_fn fn, void *ctx)
{
	struct lisp_err err = { 0 };
	uint8_t *copy;
	int rc;

	for (size_t n = 0; n < len; n++)
		tu_assert_decode_fails(msg, n, fn, ctx, LISP_ERR_TRUNCATED);
	copy = tu_exact_copy(msg, len);
	rc = fn(copy, len, ctx, &err);
	free(copy);
	if (rc != 0) {
		char why[128];

		fail_msg("whole message (%zu bytes) does not decode: %s", len,
			 lisp_err_format(&err, why, sizeof(why)));
	}
}

uint8_t *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

struct lisp_addr tu_addr(const char *text)
{
	struct lisp_addr a;
	struct lisp_ip ip;

	if (lisp_ip_parse(text, &ip, NULL))
		fail_msg("tu_addr: cannot parse %s", text);
	lisp_addr_from_ip(&a, &ip);
	return a;
}

struct lisp_prefix tu_prefix(const char *text)
{
	struct lisp_prefix p;
	struct lisp_err err = { 0 };
	char why[128];

	if (lisp_prefix_parse(text, &p, &err))
		fail_msg("tu_prefix: %s: %s", text, lisp_err_format(&err, why, sizeof(why)));
	return p;
}

void tu_assert_prefix_equal(const struct lisp_prefix *got, const struct lisp_prefix *want)
{
	char g[LISP_ADDR_STRLEN], w[LISP_ADDR_STRLEN];

	if (got->plen != want->plen || !lisp_addr_equal(&got->addr, &want->addr))
		fail_msg("prefix %s, expected %s", lisp_prefix_format(got, g, sizeof(g)),
			 lisp_prefix_format(want, w, sizeof(w)));
	assert_int_equal(got->addr.iid_mask_len, want->addr.iid_mask_len);
}

void tu_assert_record_equal(const struct lisp_record *got, const struct lisp_record *want)
{
	assert_int_equal(got->ttl, want->ttl);
	assert_int_equal(got->act, want->act);
	assert_int_equal(got->authoritative, want->authoritative);
	assert_int_equal(got->map_version, want->map_version);
	tu_assert_prefix_equal(&got->eid, &want->eid);
	assert_int_equal(got->n_loc, want->n_loc);
	for (unsigned i = 0; i < want->n_loc; i++) {
		const struct lisp_locator *g = &got->loc[i], *w = &want->loc[i];

		assert_int_equal(g->priority, w->priority);
		assert_int_equal(g->weight, w->weight);
		assert_int_equal(g->mpriority, w->mpriority);
		assert_int_equal(g->mweight, w->mweight);
		assert_int_equal(g->local, w->local);
		assert_int_equal(g->probed, w->probed);
		assert_int_equal(g->reachable, w->reachable);
		assert_true(lisp_addr_equal(&g->addr, &w->addr));
	}
}

struct json *tu_json_open(struct tu_json *t)
{
	t->text = NULL;
	t->len = 0;
	t->out = open_memstream(&t->text, &t->len);
	assert_non_null(t->out);
	json_init(&t->j, t->out, false);
	return &t->j;
}

char *tu_json_text(struct tu_json *t)
{
	assert_int_equal(json_end(&t->j), 0);
	fclose(t->out);
	return t->text;
}
