/* Minimal streaming JSON writer for -j output: commas and nesting tracked,
 * strings escaped. */
#ifndef LISPD_BPF_JSON_H
#define LISPD_BPF_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JW_MAX_DEPTH 16

struct jw {
	FILE *f;
	int depth;
	bool pretty;
	bool first[JW_MAX_DEPTH];
};

void jw_init(struct jw *w, FILE *f, bool pretty);
/* key may be NULL inside arrays and at the top level. */
void jw_open_obj(struct jw *w, const char *key);
void jw_open_arr(struct jw *w, const char *key);
void jw_close_obj(struct jw *w);
void jw_close_arr(struct jw *w);
void jw_str(struct jw *w, const char *key, const char *v);
void jw_u64(struct jw *w, const char *key, uint64_t v);
void jw_bool(struct jw *w, const char *key, bool v);
void jw_null(struct jw *w, const char *key);
/* Ends the document with a newline. */
void jw_end(struct jw *w);

#endif
