/* The data plane's miss events: the pinned ring buffer LISPD_MAP_MISS_RB,
 * read when its epoll fd (in the loop) says there is something. */
#ifndef CORE_MISS_RB_H
#define CORE_MISS_RB_H

#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct lispd_miss_event;   /* bpf/lispd_maps.h */

typedef void (*miss_rb_cb)(void *arg, const struct lispd_miss_event *ev);

struct miss_rb;

/* NULL with errbuf filled when the map is not pinned under pin_dir. */
struct miss_rb *miss_rb_open(struct ev_loop *loop, const char *pin_dir, miss_rb_cb cb,
			     void *arg, char *errbuf, size_t errlen);
void miss_rb_close(struct miss_rb *rb);

/* Events of a size other than struct lispd_miss_event (a data plane of
 * another build) are counted here and skipped. */
uint64_t miss_rb_malformed(const struct miss_rb *rb);
uint64_t miss_rb_events(const struct miss_rb *rb);

#endif
