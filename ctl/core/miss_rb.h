/* The data plane's miss events: the ring buffer of the data-plane handle,
 * read when its epoll fd (in the loop) says there is something. */
#ifndef CORE_MISS_RB_H
#define CORE_MISS_RB_H

#include <stddef.h>
#include <stdint.h>

#include "dp_maps.h"
#include "dp_miss.h"

struct ev_loop;

typedef void (*miss_rb_cb)(void *arg, const struct dp_miss *ev);

struct miss_rb;

/* Reads dp's ring buffer (dp must stay open until miss_rb_close). NULL
 * with errbuf filled. */
struct miss_rb *miss_rb_open(struct ev_loop *loop, const struct dp_handle *dp, miss_rb_cb cb,
			     void *arg, char *errbuf, size_t errlen);
void miss_rb_close(struct miss_rb *rb);

/* Records that are no miss event (a data plane of another build) are
 * counted here and skipped. */
uint64_t miss_rb_malformed(const struct miss_rb *rb);
uint64_t miss_rb_events(const struct miss_rb *rb);

#endif
