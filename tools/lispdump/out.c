#include <inttypes.h>

#include "out.h"

void out_begin(struct out *o)
{
	o->indent = 0;
	if (o->json) {
		json_init(&o->j, o->f, false);
		json_obj_begin(&o->j, NULL);
	}
}

void out_end(struct out *o)
{
	if (!o->json) {
		fputc('\n', o->f);
		return;
	}
	json_obj_end(&o->j);
	json_end(&o->j);
}

void out_obj_begin(struct out *o, const char *key, const char *label)
{
	if (o->json) {
		json_obj_begin(&o->j, key);
		return;
	}
	o->indent++;
	fprintf(o->f, "\n%*s%s", 4 * o->indent, "", label);
}

void out_obj_end(struct out *o)
{
	if (o->json)
		json_obj_end(&o->j);
	else if (o->indent > 0)
		o->indent--;
}

void out_arr_begin(struct out *o, const char *key)
{
	if (o->json)
		json_arr_begin(&o->j, key);
}

void out_arr_end(struct out *o)
{
	if (o->json)
		json_arr_end(&o->j);
}

void out_str(struct out *o, const char *key, const char *val)
{
	if (o->json)
		json_str(&o->j, key, val);
	else
		fprintf(o->f, " %s=%s", key, val);
}

void out_u64(struct out *o, const char *key, uint64_t val)
{
	if (o->json)
		json_uint(&o->j, key, val);
	else
		fprintf(o->f, " %s=%" PRIu64, key, val);
}

void out_hex64(struct out *o, const char *key, uint64_t val)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, val);
	out_str(o, key, buf);
}

void out_bool(struct out *o, const char *key, bool val)
{
	if (o->json)
		json_bool(&o->j, key, val);
	else
		fprintf(o->f, " %s=%d", key, val);
}

void out_flag(struct out *o, const char *key, bool val)
{
	if (o->json)
		out_bool(o, key, val);
	else if (val)
		fprintf(o->f, " %s", key);
}
