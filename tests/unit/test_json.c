/* lib/json: the one JSON writer of lispd's control socket and the tools' -j
 * output. Escaping (RFC 8259, valid UTF-8 out whatever comes in), commas
 * and nesting, the error state, numbers at their limits. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* A writer on memory; doc_text ends the document and checks json_end's
 * answer. */
struct doc {
	char *text;
	size_t len;
	FILE *f;
	struct json j;
};

static struct json *doc_open(struct doc *d, bool pretty)
{
	d->text = NULL;
	d->len = 0;
	d->f = open_memstream(&d->text, &d->len);
	assert_non_null(d->f);
	json_init(&d->j, d->f, pretty);
	return &d->j;
}

static char *doc_text(struct doc *d, int want_rc)
{
	assert_int_equal(json_end(&d->j), want_rc);
	fclose(d->f);
	return d->text;
}

/* The document holding the one string s, as written. */
static void assert_string_written(const char *s, const char *want)
{
	struct doc d;
	char *text;

	json_str(doc_open(&d, false), NULL, s);
	text = doc_text(&d, 0);
	if (strcmp(text, want) != 0)
		fail_msg("got [%s], want [%s]", text, want);
	free(text);
}

static void test_escapes_quote_backslash_and_controls(void **st)
{
	char in[4], want[32];

	(void)st;
	assert_string_written("say \"hi\"", "\"say \\\"hi\\\"\"\n");
	assert_string_written("C:\\dir\\", "\"C:\\\\dir\\\\\"\n");
	assert_string_written("", "\"\"\n");
	for (unsigned c = 1; c <= 0x7f; c++) {
		if (c >= 0x20 && c < 0x7f)
			continue;
		snprintf(in, sizeof(in), "a%cb", c);
		snprintf(want, sizeof(want), "\"a\\u%04xb\"\n", c);
		assert_string_written(in, want);
	}
	/* Everything else printable is itself. */
	assert_string_written(" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~",
			      "\" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~\"\n");
}

static void test_valid_utf8_passes(void **st)
{
	(void)st;
	assert_string_written("\xc2\x80", "\"\xc2\x80\"\n");                 /* U+0080 */
	assert_string_written("caf\xc3\xa9", "\"caf\xc3\xa9\"\n");           /* U+00E9 */
	assert_string_written("\xdf\xbf", "\"\xdf\xbf\"\n");                 /* U+07FF */
	assert_string_written("\xe0\xa0\x80", "\"\xe0\xa0\x80\"\n");         /* U+0800 */
	assert_string_written("\xe2\x82\xac", "\"\xe2\x82\xac\"\n");         /* U+20AC */
	assert_string_written("\xed\x9f\xbf", "\"\xed\x9f\xbf\"\n");         /* U+D7FF */
	assert_string_written("\xef\xbf\xbf", "\"\xef\xbf\xbf\"\n");         /* U+FFFF */
	assert_string_written("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"\n"); /* U+10000 */
	assert_string_written("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"\n"); /* U+1F600 */
	assert_string_written("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"\n"); /* U+10FFFF */
}

/* One \ufffd per byte that does not start a valid sequence; what follows
 * is read afresh. */
static void test_invalid_utf8_replaced(void **st)
{
	(void)st;
	assert_string_written("a\x80z", "\"a\\ufffdz\"\n");          /* stray continuation */
	assert_string_written("\xbf", "\"\\ufffd\"\n");
	assert_string_written("\xc0\xaf", "\"\\ufffd\\ufffd\"\n");   /* overlong '/' */
	assert_string_written("\xc1\xbf", "\"\\ufffd\\ufffd\"\n");
	assert_string_written("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"\n");
	assert_string_written("\xe0\x9f\xbf", "\"\\ufffd\\ufffd\\ufffd\"\n");
	assert_string_written("\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n");
	assert_string_written("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"\n");   /* surrogate */
	assert_string_written("\xed\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\"\n");
	assert_string_written("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n"); /* > U+10FFFF */
	assert_string_written("\xf5\x80", "\"\\ufffd\\ufffd\"\n");
	assert_string_written("\xfe\xff", "\"\\ufffd\\ufffd\"\n");
	/* Truncated: at the end, and before an ASCII byte or a new lead byte. */
	assert_string_written("\xe2\x82", "\"\\ufffd\\ufffd\"\n");
	assert_string_written("\xe2\x82z", "\"\\ufffd\\ufffdz\"\n");
	assert_string_written("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"\n");
	assert_string_written("\xc3\xc3\xa9", "\"\\ufffd\xc3\xa9\"\n");
	/* A bad byte does not hide a control character after it. */
	assert_string_written("\xc3\n", "\"\\ufffd\\u000a\"\n");
}

static void test_keys_are_escaped(void **st)
{
	struct doc d;
	struct json *j = doc_open(&d, false);
	char *text;

	(void)st;
	json_obj_begin(j, NULL);
	json_uint(j, "a\"b\x01", 1);
	json_obj_end(j);
	text = doc_text(&d, 0);
	assert_string_equal(text, "{\"a\\\"b\\u0001\":1}\n");
	free(text);
}

static void test_nesting_and_commas(void **st)
{
	struct doc d;
	struct json *j = doc_open(&d, false);
	char *text;

	(void)st;
	json_obj_begin(j, NULL);
	json_arr_begin(j, "list");
	json_uint(j, NULL, 1);
	json_obj_begin(j, NULL);
	json_bool(j, "yes", true);
	json_bool(j, "no", false);
	json_null(j, "none");
	json_obj_end(j);
	json_arr_begin(j, NULL);
	json_arr_end(j);
	json_str(j, NULL, NULL);
	json_arr_end(j);
	json_obj_begin(j, "empty");
	json_obj_end(j);
	json_key(j, "later");
	json_arr_begin(j, NULL);
	json_str(j, NULL, "x");
	json_arr_end(j);
	json_int(j, "neg", -1);
	json_obj_end(j);
	text = doc_text(&d, 0);
	assert_string_equal(text, "{\"list\":[1,{\"yes\":true,\"no\":false,\"none\":null},[],null],"
				  "\"empty\":{},\"later\":[\"x\"],\"neg\":-1}\n");
	free(text);
}

/* lispd-bpf -p: a member a line, two spaces a level, empty containers on
 * one line. */
static void test_pretty(void **st)
{
	struct doc d;
	struct json *j = doc_open(&d, true);
	char *text;

	(void)st;
	json_obj_begin(j, NULL);
	json_str(j, "name", "eth0");
	json_arr_begin(j, "rlocs");
	json_str(j, NULL, "192.0.2.1");
	json_obj_begin(j, NULL);
	json_obj_end(j);
	json_arr_end(j);
	json_arr_begin(j, "petrs");
	json_arr_end(j);
	json_obj_end(j);
	text = doc_text(&d, 0);
	assert_string_equal(text, "{\n"
				  "  \"name\": \"eth0\",\n"
				  "  \"rlocs\": [\n"
				  "    \"192.0.2.1\",\n"
				  "    {}\n"
				  "  ],\n"
				  "  \"petrs\": []\n"
				  "}\n");
	free(text);
}

static void test_numbers_at_limits(void **st)
{
	struct doc d;
	struct json *j = doc_open(&d, false);
	char *text;

	(void)st;
	json_arr_begin(j, NULL);
	json_uint(j, NULL, 0);
	json_uint(j, NULL, UINT64_MAX);
	json_int(j, NULL, INT64_MIN);
	json_int(j, NULL, INT64_MAX);
	json_fixed(j, NULL, 0.3276, 3);
	json_fixed(j, NULL, -0.25, 3);
	json_fixed(j, NULL, 12.0, 0);
	json_fixed(j, NULL, NAN, 3);
	json_fixed(j, NULL, INFINITY, 3);
	json_fixed(j, NULL, -INFINITY, 3);
	json_arr_end(j);
	text = doc_text(&d, 0);
	assert_string_equal(text, "[0,18446744073709551615,-9223372036854775808,"
				  "9223372036854775807,0.328,-0.250,12,null,null,null]\n");
	free(text);
}

/* JSON_MAX_DEPTH levels are fine; one more puts the writer in its error
 * state: nothing more is written, and the next document starts clean. */
static void test_depth_overflow(void **st)
{
	char want[4 * JSON_MAX_DEPTH];
	struct doc d;
	struct json *j = doc_open(&d, false);
	char *text, *w = want;

	(void)st;
	for (unsigned i = 0; i < JSON_MAX_DEPTH; i++)
		json_arr_begin(j, NULL);
	for (unsigned i = 0; i < JSON_MAX_DEPTH; i++)
		json_arr_end(j);
	assert_int_equal(json_end(j), 0);

	for (unsigned i = 0; i < JSON_MAX_DEPTH + 1; i++)
		json_arr_begin(j, NULL);
	json_uint(j, NULL, 7);
	json_obj_begin(j, NULL);
	for (unsigned i = 0; i < JSON_MAX_DEPTH + 2; i++)
		json_arr_end(j);
	assert_int_equal(json_end(j), -1);

	json_uint(j, NULL, 1);
	text = doc_text(&d, 0);
	w += sprintf(w, "%.*s", JSON_MAX_DEPTH, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	w += sprintf(w, "%.*s\n", JSON_MAX_DEPTH, "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
	w += sprintf(w, "%.*s\n", JSON_MAX_DEPTH, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
	sprintf(w, "1\n");
	assert_string_equal(text, want);
	free(text);
}

/* Each a misuse the writer must refuse. */
typedef void (*misuse_fn)(struct json *j);

static void no_value(struct json *j)
{
	(void)j;
}

static void two_values(struct json *j)
{
	json_uint(j, NULL, 1);
	json_uint(j, NULL, 2);
}

static void key_at_top(struct json *j)
{
	json_uint(j, "k", 1);
}

static void left_open(struct json *j)
{
	json_obj_begin(j, NULL);
}

static void close_without_open(struct json *j)
{
	json_obj_end(j);
}

static void wrong_close(struct json *j)
{
	json_obj_begin(j, NULL);
	json_arr_end(j);
}

static void member_without_key(struct json *j)
{
	json_obj_begin(j, NULL);
	json_uint(j, NULL, 1);
	json_obj_end(j);
}

static void key_in_array(struct json *j)
{
	json_arr_begin(j, NULL);
	json_uint(j, "k", 1);
	json_arr_end(j);
}

static void key_without_value(struct json *j)
{
	json_obj_begin(j, NULL);
	json_key(j, "k");
	json_obj_end(j);
}

static void key_then_member(struct json *j)
{
	json_obj_begin(j, NULL);
	json_key(j, "k");
	json_uint(j, "l", 1);
	json_obj_end(j);
}

static void null_key(struct json *j)
{
	json_obj_begin(j, NULL);
	json_key(j, NULL);
	json_uint(j, NULL, 1);
	json_obj_end(j);
}

/* The error object is one complete document, its message escaped, and
 * usable as a member's value too. */
static void test_error_object(void **st)
{
	struct json *j;
	struct doc d;
	char *text;

	(void)st;
	json_error(doc_open(&d, false), "unknown \"x\"");
	text = doc_text(&d, 0);
	assert_string_equal(text, "{\"error\":\"unknown \\\"x\\\"\"}\n");
	free(text);
	j = doc_open(&d, false);
	json_arr_begin(j, NULL);
	json_error(j, "a");
	json_error(j, "b");
	json_arr_end(j);
	text = doc_text(&d, 0);
	assert_string_equal(text, "[{\"error\":\"a\"},{\"error\":\"b\"}]\n");
	free(text);
}

static void test_misuse_is_an_error(void **st)
{
	static const misuse_fn cases[] = {
		no_value, two_values, key_at_top, left_open, close_without_open, wrong_close,
		member_without_key, key_in_array, key_without_value, key_then_member, null_key,
	};

	(void)st;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct doc d;

		cases[i](doc_open(&d, false));
		free(doc_text(&d, -1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes_quote_backslash_and_controls),
		cmocka_unit_test(test_valid_utf8_passes),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_keys_are_escaped),
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_numbers_at_limits),
		cmocka_unit_test(test_depth_overflow),
		cmocka_unit_test(test_error_object),
		cmocka_unit_test(test_misuse_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
