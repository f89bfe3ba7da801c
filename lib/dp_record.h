/* A single-record array map pinned by name under a pin directory: where an
 * attach keeps what it created, so the matching detach (a later process)
 * undoes exactly that. bpffs holds no regular files, hence a map.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_RECORD_H
#define DP_RECORD_H

#include <stdint.h>

#include "dp_err.h"

/* fd of <pin_dir>/<name>; when absent, a one-entry array of value_size bytes
 * is created and pinned there. -1 with err filled. */
int dp_record_open(const char *pin_dir, const char *name, uint32_t value_size,
		   struct dp_err *err);

/* Copies the record into value (sized as the map was created). -1 with err
 * filled: errno of the failed open ("nothing attached at <pin_dir>") or of
 * the failed read. */
int dp_record_read(const char *pin_dir, const char *name, void *value, struct dp_err *err);

/* Replaces the record through fd from dp_record_open. 0 or -1. */
int dp_record_write(int fd, const char *name, const void *value, struct dp_err *err);

#endif
