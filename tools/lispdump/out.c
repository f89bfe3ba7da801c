#include <inttypes.h>

#include "out.h"

static void json_key(struct out *o, const char *key)
{
	if (o->need_comma[o->depth])
		fputc(',', o->f);
	o->need_comma[o->depth] = true;
	if (key)
		fprintf(o->f, "\"%s\":", key);
}

static void push(struct out *o)
{
	if (o->depth + 1 < OUT_MAX_DEPTH)
		o->depth++;
	o->need_comma[o->depth] = false;
}

static void pop(struct out *o)
{
	if (o->depth > 0)
		o->depth--;
}

void out_begin(struct out *o)
{
	o->depth = 0;
	o->indent = 0;
	o->need_comma[0] = false;
	if (o->json)
		fputc('{', o->f);
}

void out_end(struct out *o)
{
	fputs(o->json ? "}\n" : "\n", o->f);
}

void out_obj_begin(struct out *o, const char *key, const char *label)
{
	if (o->json) {
		json_key(o, key);
		fputc('{', o->f);
		push(o);
		return;
	}
	o->indent++;
	fprintf(o->f, "\n%*s%s", 4 * o->indent, "", label);
}

void out_obj_end(struct out *o)
{
	if (o->json) {
		pop(o);
		fputc('}', o->f);
		return;
	}
	if (o->indent > 0)
		o->indent--;
}

void out_arr_begin(struct out *o, const char *key)
{
	if (!o->json)
		return;
	json_key(o, key);
	fputc('[', o->f);
	push(o);
}

void out_arr_end(struct out *o)
{
	if (!o->json)
		return;
	pop(o);
	fputc(']', o->f);
}

/* Values are addresses, names and error texts, but escape anyway. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void out_str(struct out *o, const char *key, const char *val)
{
	if (o->json) {
		json_key(o, key);
		json_string(o->f, val);
	} else {
		fprintf(o->f, " %s=%s", key, val);
	}
}

void out_u64(struct out *o, const char *key, uint64_t val)
{
	if (o->json) {
		json_key(o, key);
		fprintf(o->f, "%" PRIu64, val);
	} else {
		fprintf(o->f, " %s=%" PRIu64, key, val);
	}
}

void out_hex64(struct out *o, const char *key, uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, val);
	out_str(o, key, buf);
}

void out_bool(struct out *o, const char *key, bool val)
{
	if (o->json) {
		json_key(o, key);
		fputs(val ? "true" : "false", o->f);
	} else {
		fprintf(o->f, " %s=%d", key, val);
	}
}

void out_flag(struct out *o, const char *key, bool val)
{
	if (o->json)
		out_bool(o, key, val);
	else if (val)
		fprintf(o->f, " %s", key);
}
