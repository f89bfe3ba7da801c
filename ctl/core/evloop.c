#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"

#define MAX_EVENTS 32

struct fd_slot {
	int fd;
	ev_fd_cb cb;
	void *arg;
	bool used;
	uint32_t gen;    /* bumped on every add, so stale events are recognised */
};

struct ev_loop {
	int epfd;
	int tfd;
	bool stop;
	uint64_t now_ms;
	/* fd registrations: a small array indexed by slot, found by fd. */
	struct fd_slot *fds;
	size_t n_fds;
	/* timers: min-heap on deadline_ms. */
	struct ev_timer **heap;
	size_t n_heap, cap_heap;
	uint64_t tfd_deadline;  /* what the timerfd is set to; 0 = disarmed */
	uint64_t arm_seq;       /* counts ev_timer_arm_at calls */
};

static uint64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t ev_now_ms(struct ev_loop *loop)
{
	loop->now_ms = clock_ms();
	return loop->now_ms;
}

struct ev_loop *ev_loop_new(void)
{
	struct ev_loop *loop = calloc(1, sizeof(*loop));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop->epfd < 0 || loop->tfd < 0)
		goto fail;
	/* data.u64 == 0 marks the timerfd; fd registrations carry their slot
	 * index + 1 in the low half and the slot's generation in the high
	 * half, so an event of an fd that a callback removed (and whose slot
	 * another fd took) within the same epoll batch is dropped. */
	ev.data.u64 = 0;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->tfd, &ev) < 0)
		goto fail;
	ev_now_ms(loop);
	return loop;
fail:
	ev_loop_free(loop);
	return NULL;
}

void ev_loop_free(struct ev_loop *loop)
{
	if (!loop)
		return;
	if (loop->epfd >= 0)
		close(loop->epfd);
	if (loop->tfd >= 0)
		close(loop->tfd);
	free(loop->fds);
	free(loop->heap);
	free(loop);
}

int ev_fd_add(struct ev_loop *loop, int fd, uint32_t events, ev_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	uint32_t gen;
	size_t i;

	for (i = 0; i < loop->n_fds; i++)
		if (!loop->fds[i].used)
			break;
	if (i == loop->n_fds) {
		struct fd_slot *n = realloc(loop->fds, (loop->n_fds + 1) * sizeof(*n));

		if (!n)
			return -1;
		loop->fds = n;
		loop->fds[loop->n_fds++] = (struct fd_slot){ .fd = -1 };
	}
	gen = loop->fds[i].gen + 1;
	ev.data.u64 = (uint64_t)gen << 32 | (i + 1);
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -1;
	loop->fds[i] = (struct fd_slot){ .fd = fd, .cb = cb, .arg = arg, .used = true,
					 .gen = gen };
	return 0;
}

int ev_fd_del(struct ev_loop *loop, int fd)
{
	for (size_t i = 0; i < loop->n_fds; i++) {
		if (loop->fds[i].used && loop->fds[i].fd == fd) {
			loop->fds[i].used = false;
			return epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
		}
	}
	errno = ENOENT;
	return -1;
}

/* ---- timers ---------------------------------------------------------------- */

static void heap_set(struct ev_loop *loop, size_t i, struct ev_timer *t)
{
	loop->heap[i] = t;
	t->heap_index = i;
}

static void heap_up(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (loop->heap[parent]->deadline_ms <= t->deadline_ms)
			break;
		heap_set(loop, i, loop->heap[parent]);
		i = parent;
	}
	heap_set(loop, i, t);
}

static void heap_down(struct ev_loop *loop, size_t i)
{
	struct ev_timer *t = loop->heap[i];

	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		uint64_t best = t->deadline_ms;

		if (l < loop->n_heap && loop->heap[l]->deadline_ms < best) {
			m = l;
			best = loop->heap[l]->deadline_ms;
		}
		if (r < loop->n_heap && loop->heap[r]->deadline_ms < best)
			m = r;
		if (m == i)
			break;
		heap_set(loop, i, loop->heap[m]);
		i = m;
	}
	heap_set(loop, i, t);
}

static void heap_remove(struct ev_loop *loop, struct ev_timer *t)
{
	size_t i = t->heap_index;
	struct ev_timer *last = loop->heap[--loop->n_heap];

	t->heap_index = EV_TIMER_IDLE;
	if (last == t)
		return;
	heap_set(loop, i, last);
	heap_up(loop, i);
	heap_down(loop, last->heap_index);
}

/* Points the timerfd at the earliest deadline (absolute, so a late loop turn
 * never stretches a timer). */
static void rearm_tfd(struct ev_loop *loop)
{
	struct itimerspec its = { 0 };
	uint64_t d = loop->n_heap ? loop->heap[0]->deadline_ms : 0;

	if (d == loop->tfd_deadline)
		return;
	loop->tfd_deadline = d;
	/* Deadlines are never 0 (ev_timer_arm_at), so 0 can mean "disarm". */
	if (d) {
		its.it_value.tv_sec = (time_t)(d / 1000);
		its.it_value.tv_nsec = (long)(d % 1000) * 1000000;
	}
	timerfd_settime(loop->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->heap_index = EV_TIMER_IDLE;
	t->cb = cb;
	t->arg = arg;
}

bool ev_timer_armed(const struct ev_timer *t)
{
	return t->heap_index != EV_TIMER_IDLE;
}

void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t)
{
	if (!ev_timer_armed(t))
		return;
	heap_remove(loop, t);
	rearm_tfd(loop);
}

void ev_timer_arm_at(struct ev_loop *loop, struct ev_timer *t, uint64_t deadline_ms)
{
	if (deadline_ms == 0)
		deadline_ms = 1;
	if (ev_timer_armed(t))
		heap_remove(loop, t);
	if (loop->n_heap == loop->cap_heap) {
		size_t cap = loop->cap_heap ? loop->cap_heap * 2 : 64;
		struct ev_timer **n = realloc(loop->heap, cap * sizeof(*n));

		/* Out of memory for a timer is not recoverable in a daemon whose
		 * correctness rests on its timers. */
		if (!n)
			abort();
		loop->heap = n;
		loop->cap_heap = cap;
	}
	t->deadline_ms = deadline_ms;
	t->seq = ++loop->arm_seq;
	loop->heap[loop->n_heap] = t;
	t->heap_index = loop->n_heap++;
	heap_up(loop, t->heap_index);
	rearm_tfd(loop);
}

void ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t delay_ms)
{
	ev_timer_arm_at(loop, t, ev_now_ms(loop) + delay_ms);
}

static void run_timers(struct ev_loop *loop)
{
	uint64_t expirations;
	uint64_t now = ev_now_ms(loop);
	uint64_t seq = loop->arm_seq;

	/* Drain the timerfd; its count does not matter, the heap does. */
	while (read(loop->tfd, &expirations, sizeof(expirations)) > 0)
		;
	/* Timers armed by the callbacks of this pass wait for the next turn,
	 * even when already due: a callback that re-arms itself with delay 0
	 * must not starve the fds. */
	while (loop->n_heap && loop->heap[0]->deadline_ms <= now &&
	       loop->heap[0]->seq <= seq) {
		struct ev_timer *t = loop->heap[0];

		heap_remove(loop, t);
		t->cb(t, t->arg);
	}
	loop->tfd_deadline = (uint64_t)-1;  /* force a re-arm */
	rearm_tfd(loop);
}

/* ---- running ----------------------------------------------------------------- */

int ev_loop_once(struct ev_loop *loop, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	int n = epoll_wait(loop->epfd, evs, MAX_EVENTS, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	ev_now_ms(loop);
	for (int i = 0; i < n; i++) {
		uint64_t slot = evs[i].data.u64 & 0xffffffffu;
		uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);

		if (slot == 0) {
			run_timers(loop);
			continue;
		}
		/* A callback earlier in this batch may have removed this fd. */
		if (slot - 1 < loop->n_fds && loop->fds[slot - 1].used &&
		    loop->fds[slot - 1].gen == gen) {
			struct fd_slot *s = &loop->fds[slot - 1];

			s->cb(s->fd, evs[i].events, s->arg);
		}
		if (loop->stop)
			break;
	}
	return 0;
}

int ev_loop_run(struct ev_loop *loop)
{
	loop->stop = false;
	while (!loop->stop)
		if (ev_loop_once(loop, -1) < 0)
			return -1;
	return 0;
}

void ev_loop_stop(struct ev_loop *loop)
{
	loop->stop = true;
}
