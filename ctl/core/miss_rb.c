#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "core/evloop.h"
#include "core/miss_rb.h"

struct miss_rb {
	struct ev_loop *loop;
	struct ring_buffer *rb;
	int epfd;
	miss_rb_cb cb;
	void *arg;
	uint64_t events, malformed;
	unsigned budget;   /* samples left in this loop turn */
};

/* Events handled per loop turn: the ring buffer's epoll fd stays readable,
 * so the rest waits for the next turn instead of starving timers and the
 * control sockets (the data plane rate-caps events, but a burst fills the
 * whole buffer). */
#define MISS_RB_BUDGET 256

static int on_sample(void *ctx, void *data, size_t size)
{
	struct miss_rb *rb = ctx;
	struct dp_miss ev;

	if (dp_miss_decode(data, size, &ev)) {
		rb->malformed++;
	} else {
		rb->events++;
		rb->cb(rb->arg, &ev);
	}
	/* A negative return stops libbpf after this sample (which it has
	 * consumed: so only ever after handling it). */
	return --rb->budget ? 0 : -EAGAIN;
}

static void on_ready(int fd, uint32_t events, void *arg)
{
	struct miss_rb *rb = arg;

	(void)fd;
	(void)events;
	rb->budget = MISS_RB_BUDGET;
	ring_buffer__consume(rb->rb);
}

struct miss_rb *miss_rb_open(struct ev_loop *loop, const struct dp_handle *dp, miss_rb_cb cb,
			     void *arg, char *errbuf, size_t errlen)
{
	struct miss_rb *rb = calloc(1, sizeof(*rb));

	if (!rb) {
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	rb->loop = loop;
	rb->cb = cb;
	rb->arg = arg;
	rb->rb = ring_buffer__new(dp->miss_rb_fd, on_sample, rb, NULL);
	if (!rb->rb) {
		snprintf(errbuf, errlen, "miss events: ring buffer: %s", strerror(errno));
		goto fail;
	}
	rb->epfd = ring_buffer__epoll_fd(rb->rb);
	if (ev_fd_add(loop, rb->epfd, EPOLLIN, on_ready, rb)) {
		snprintf(errbuf, errlen, "miss events: epoll: %s", strerror(errno));
		goto fail;
	}
	return rb;
fail:
	ring_buffer__free(rb->rb);
	free(rb);
	return NULL;
}

void miss_rb_close(struct miss_rb *rb)
{
	if (!rb)
		return;
	ev_fd_del(rb->loop, rb->epfd);
	ring_buffer__free(rb->rb);
	free(rb);
}

uint64_t miss_rb_malformed(const struct miss_rb *rb)
{
	return rb->malformed;
}

uint64_t miss_rb_events(const struct miss_rb *rb)
{
	return rb->events;
}
