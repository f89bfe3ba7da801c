/* One writer, two forms: "key=value" text lines for people, JSON lines for
 * scripts. Nested objects become indented lines in text, nested JSON in -j. */
#ifndef LISPDUMP_OUT_H
#define LISPDUMP_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

struct out {
	FILE *f;
	bool json;
	struct json j;     /* JSON: the writer of the current record */
	int indent;        /* text: open objects */
};

/* A top-level record (one packet): a JSON object / a text line. */
void out_begin(struct out *o);
void out_end(struct out *o);
/* A nested object: in text a new indented line starting with `label`. */
void out_obj_begin(struct out *o, const char *key, const char *label);
void out_obj_end(struct out *o);
/* An array of nested objects (text: nothing, each object makes its line). */
void out_arr_begin(struct out *o, const char *key);
void out_arr_end(struct out *o);

void out_str(struct out *o, const char *key, const char *val);
void out_u64(struct out *o, const char *key, uint64_t val);
void out_hex64(struct out *o, const char *key, uint64_t val);
void out_bool(struct out *o, const char *key, bool val);
/* Text: the bare word when true, nothing when false; JSON: a boolean. */
void out_flag(struct out *o, const char *key, bool val);

#endif
