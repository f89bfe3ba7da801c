/* The data plane's miss events (lispd_miss_rb: a destination without a
 * map-cache entry, or one that hit a send-map-request entry), decoded from
 * the raw ring-buffer record into lib types. */
#ifndef DP_MISS_H
#define DP_MISS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

struct dp_miss {
	uint32_t iid;          /* 24 bits */
	struct lisp_ip dst;    /* the destination EID; afi NONE: a family the data
				* plane never reports (a record not of ours) */
	struct lisp_ip src;    /* the EID that sent it, same family as dst */
	bool has_src;          /* src is not the unspecified address */
};

/* 0, or -1 when size is not that of a miss event (a data plane of another
 * build). */
int dp_miss_decode(const void *data, size_t size, struct dp_miss *out);

#endif
