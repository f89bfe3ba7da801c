/* The daemon's one event loop: epoll over file descriptors, one timerfd
 * driving every timer (a binary min-heap ordered by deadline), monotonic
 * milliseconds. No busy waiting: epoll sleeps until the earliest deadline
 * or an fd event. Single-threaded; callbacks may add, arm and cancel freely. */
#ifndef EVLOOP_H
#define EVLOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ev_loop;
struct ev_timer;

typedef void (*ev_fd_cb)(int fd, uint32_t events, void *arg);
typedef void (*ev_timer_cb)(struct ev_timer *t, void *arg);

/* Embed in the owner's struct; ev_timer_init before first use. */
struct ev_timer {
	uint64_t deadline_ms;
	size_t heap_index;      /* position in the heap, or EV_TIMER_IDLE */
	uint64_t seq;           /* arm order, for fairness within one loop turn */
	ev_timer_cb cb;
	void *arg;
};
#define EV_TIMER_IDLE ((size_t)-1)

struct ev_loop *ev_loop_new(void);
void ev_loop_free(struct ev_loop *loop);

/* events: EPOLLIN etc. One registration per fd. */
int ev_fd_add(struct ev_loop *loop, int fd, uint32_t events, ev_fd_cb cb, void *arg);
int ev_fd_del(struct ev_loop *loop, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_cb cb, void *arg);
/* (Re)arms t to fire once, delay_ms from now. */
void ev_timer_arm(struct ev_loop *loop, struct ev_timer *t, uint64_t delay_ms);
/* Arms at an absolute monotonic deadline (ev_now_ms scale). */
void ev_timer_arm_at(struct ev_loop *loop, struct ev_timer *t, uint64_t deadline_ms);
void ev_timer_cancel(struct ev_loop *loop, struct ev_timer *t);
bool ev_timer_armed(const struct ev_timer *t);

/* CLOCK_MONOTONIC in milliseconds, read at each loop turn and on demand. */
uint64_t ev_now_ms(struct ev_loop *loop);

/* Runs until ev_loop_stop(); returns 0, or -1 if epoll fails. */
int ev_loop_run(struct ev_loop *loop);
/* Runs one turn: waits at most timeout_ms (-1: until something happens). */
int ev_loop_once(struct ev_loop *loop, int timeout_ms);
void ev_loop_stop(struct ev_loop *loop);

#endif
