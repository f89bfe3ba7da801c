/* The event loop: timers fire in deadline order and not before their
 * deadline, re-arming and cancelling from callbacks, the heap under many
 * random operations, fd callbacks, removal of an fd whose event is already
 * queued in the same batch, fairness of a timer that re-arms itself with
 * delay 0, that an idle loop sleeps instead of spinning, and that an fd
 * kept readable by a flood does not starve the timers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/evloop.h"

struct rec {
	int order[64];
	int n;
};

struct tctx {
	struct rec *rec;
	int id;
	struct ev_loop *loop;
	uint64_t fired_at;
};

static void rec_cb(struct ev_timer *t, void *arg)
{
	struct tctx *c = arg;

	(void)t;
	c->fired_at = ev_now_ms(c->loop);
	c->rec->order[c->rec->n++] = c->id;
}

static void run_until(struct ev_loop *loop, struct rec *rec, int n, int max_turns)
{
	for (int i = 0; i < max_turns && rec->n < n; i++)
		assert_int_equal(ev_loop_once(loop, 1000), 0);
}

static void test_timers_fire_in_deadline_order(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct rec rec = { 0 };
	struct ev_timer t[4];
	struct tctx c[4];
	uint64_t delays[4] = { 40, 10, 30, 20 };
	uint64_t start;

	(void)state;
	assert_non_null(loop);
	start = ev_now_ms(loop);
	for (int i = 0; i < 4; i++) {
		c[i] = (struct tctx){ .rec = &rec, .id = i, .loop = loop };
		ev_timer_init(&t[i], rec_cb, &c[i]);
		ev_timer_arm(loop, &t[i], delays[i]);
		assert_true(ev_timer_armed(&t[i]));
	}
	run_until(loop, &rec, 4, 50);
	assert_int_equal(rec.n, 4);
	assert_int_equal(rec.order[0], 1);
	assert_int_equal(rec.order[1], 3);
	assert_int_equal(rec.order[2], 2);
	assert_int_equal(rec.order[3], 0);
	for (int i = 0; i < 4; i++) {
		assert_false(ev_timer_armed(&t[i]));
		/* Never early. */
		assert_true(c[i].fired_at >= start + delays[i]);
	}
	ev_loop_free(loop);
}

static void test_cancel_and_rearm(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct rec rec = { 0 };
	struct ev_timer a, b;
	struct tctx ca = { .rec = &rec, .id = 1, .loop = loop };
	struct tctx cb = { .rec = &rec, .id = 2, .loop = loop };

	(void)state;
	ev_timer_init(&a, rec_cb, &ca);
	ev_timer_init(&b, rec_cb, &cb);
	ev_timer_arm(loop, &a, 10);
	ev_timer_arm(loop, &b, 20);
	ev_timer_cancel(loop, &a);
	assert_false(ev_timer_armed(&a));
	ev_timer_cancel(loop, &a);  /* twice: harmless */
	/* Re-arming moves b later, not adds a second instance. */
	ev_timer_arm(loop, &b, 30);
	run_until(loop, &rec, 1, 50);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.order[0], 2);
	/* Nothing else is pending: a wait times out with nothing fired. */
	assert_int_equal(ev_loop_once(loop, 50), 0);
	assert_int_equal(rec.n, 1);
	ev_loop_free(loop);
}

/* A callback that cancels a timer due in the same pass keeps it from firing. */
struct cancel_ctx {
	struct ev_loop *loop;
	struct ev_timer *victim;
	int fired;
};

static void cancel_cb(struct ev_timer *t, void *arg)
{
	struct cancel_ctx *c = arg;

	(void)t;
	c->fired++;
	if (c->victim)
		ev_timer_cancel(c->loop, c->victim);
}

static void test_cancel_from_callback(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct cancel_ctx c1 = { .loop = loop }, c2 = { .loop = loop };
	struct ev_timer t1, t2;

	(void)state;
	ev_timer_init(&t1, cancel_cb, &c1);
	ev_timer_init(&t2, cancel_cb, &c2);
	c1.victim = &t2;
	ev_timer_arm_at(loop, &t1, ev_now_ms(loop) + 5);
	ev_timer_arm_at(loop, &t2, ev_now_ms(loop) + 6);
	usleep(20000);   /* both are due when the loop looks */
	for (int i = 0; i < 3; i++)
		ev_loop_once(loop, 10);
	assert_int_equal(c1.fired, 1);
	assert_int_equal(c2.fired, 0);
	ev_loop_free(loop);
}

/* Random arm/cancel against a model: the heap returns timers in order. */
struct heap_ctx {
	uint64_t last;
	int fired;
	bool bad_order;
};

static struct heap_ctx hctx;

static void heap_cb(struct ev_timer *t, void *arg)
{
	(void)arg;
	if (t->deadline_ms < hctx.last)
		hctx.bad_order = true;
	hctx.last = t->deadline_ms;
	hctx.fired++;
}

static void test_heap_random_operations(void **state)
{
	enum { N = 300 };
	struct ev_loop *loop = ev_loop_new();
	static struct ev_timer t[N];
	bool armed[N] = { false };
	int expect = 0;
	uint64_t base;

	(void)state;
	srand(4342);
	base = ev_now_ms(loop) + 100000;  /* far enough that nothing fires early */
	for (int i = 0; i < N; i++)
		ev_timer_init(&t[i], heap_cb, NULL);
	for (int op = 0; op < 5000; op++) {
		int i = rand() % N;

		if (rand() % 3 == 0) {
			ev_timer_cancel(loop, &t[i]);
			armed[i] = false;
		} else {
			ev_timer_arm_at(loop, &t[i], base + (uint64_t)(rand() % 1000));
			armed[i] = true;
		}
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(armed[i], ev_timer_armed(&t[i]));
		if (armed[i]) {
			expect++;
			/* Make them all due now, keeping their relative order. */
			ev_timer_arm_at(loop, &t[i], t[i].deadline_ms - 101000);
		}
	}
	memset(&hctx, 0, sizeof(hctx));
	for (int i = 0; i < 200 && hctx.fired < expect; i++)
		ev_loop_once(loop, 100);
	assert_int_equal(hctx.fired, expect);
	assert_false(hctx.bad_order);
	ev_loop_free(loop);
}

/* ---- fds ------------------------------------------------------------------------ */

struct fd_ctx {
	struct ev_loop *loop;
	int calls;
	int other_fd;       /* removed by the first callback that runs */
	int replacement;    /* added in its place (same slot) */
	struct fd_ctx *other;
};

static void fd_cb(int fd, uint32_t events, void *arg)
{
	struct fd_ctx *c = arg;
	char buf[16];

	(void)events;
	c->calls++;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	if (c->other_fd >= 0) {
		assert_int_equal(ev_fd_del(c->loop, c->other_fd), 0);
		if (c->replacement >= 0)
			assert_int_equal(ev_fd_add(c->loop, c->replacement, EPOLLIN, fd_cb,
						   c->other), 0);
		c->other_fd = -1;
	}
}

static void test_fd_callbacks(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct fd_ctx c = { .loop = loop, .other_fd = -1, .replacement = -1 };
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(ev_fd_add(loop, p[0], EPOLLIN, fd_cb, &c), 0);
	assert_int_equal(ev_fd_add(loop, p[0], EPOLLIN, fd_cb, &c), -1);  /* once per fd */
	assert_int_equal(ev_loop_once(loop, 10), 0);
	assert_int_equal(c.calls, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_loop_once(loop, 1000), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(ev_fd_del(loop, p[0]), 0);
	assert_int_equal(ev_fd_del(loop, p[0]), -1);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ev_loop_once(loop, 20), 0);
	assert_int_equal(c.calls, 1);
	close(p[0]);
	close(p[1]);
	ev_loop_free(loop);
}

/* Two fds ready in one batch; whichever runs first removes the other and
 * puts a third fd (also ready) into its slot. The removed fd's queued event
 * must not reach the newcomer's callback. */
static void test_removed_fd_event_in_same_batch(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct fd_ctx a = { .loop = loop, .replacement = -1 };
	struct fd_ctx b = { .loop = loop, .replacement = -1 };
	struct fd_ctx newcomer = { .loop = loop, .other_fd = -1, .replacement = -1 };
	int pa[2], pb[2], pc[2];

	(void)state;
	assert_int_equal(pipe2(pa, O_NONBLOCK), 0);
	assert_int_equal(pipe2(pb, O_NONBLOCK), 0);
	assert_int_equal(pipe2(pc, O_NONBLOCK), 0);
	a.other_fd = pb[0];
	a.replacement = pc[0];
	a.other = &newcomer;
	b.other_fd = pa[0];
	b.replacement = pc[0];
	b.other = &newcomer;
	assert_int_equal(ev_fd_add(loop, pa[0], EPOLLIN, fd_cb, &a), 0);
	assert_int_equal(ev_fd_add(loop, pb[0], EPOLLIN, fd_cb, &b), 0);
	/* pc is not readable: a stale event of the removed fd would still
	 * have called the newcomer. */
	assert_int_equal(write(pa[1], "x", 1), 1);
	assert_int_equal(write(pb[1], "x", 1), 1);
	assert_int_equal(ev_loop_once(loop, 1000), 0);
	assert_int_equal(a.calls + b.calls, 1);
	assert_int_equal(newcomer.calls, 0);
	/* The newcomer works once its fd is readable. */
	assert_int_equal(write(pc[1], "x", 1), 1);
	assert_int_equal(ev_loop_once(loop, 1000), 0);
	assert_int_equal(newcomer.calls, 1);
	for (int i = 0; i < 2; i++) {
		close(pa[i]);
		close(pb[i]);
		close(pc[i]);
	}
	ev_loop_free(loop);
}

/* ---- fairness and idleness --------------------------------------------------------- */

struct spin_ctx {
	struct ev_loop *loop;
	int fires;
};

static void spin_cb(struct ev_timer *t, void *arg)
{
	struct spin_ctx *c = arg;

	c->fires++;
	ev_timer_arm(c->loop, t, 0);
}

static void test_zero_delay_rearm_yields_to_fds(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct spin_ctx s = { .loop = loop };
	struct fd_ctx c = { .loop = loop, .other_fd = -1, .replacement = -1 };
	struct ev_timer t;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(ev_fd_add(loop, p[0], EPOLLIN, fd_cb, &c), 0);
	ev_timer_init(&t, spin_cb, &s);
	ev_timer_arm(loop, &t, 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ev_loop_once(loop, 100), 0);
	/* At most one firing per turn, and the fd got its turn. */
	assert_true(s.fires >= 1 && s.fires <= 4);
	assert_int_equal(c.calls, 1);
	ev_timer_cancel(loop, &t);
	close(p[0]);
	close(p[1]);
	ev_loop_free(loop);
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void stop_cb(struct ev_timer *t, void *arg)
{
	(void)t;
	ev_loop_stop(arg);
}

/* ev_loop_run with one timer 300 ms away sleeps: it uses (almost) no CPU. */
static void test_idle_loop_sleeps(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct ev_timer t;
	double cpu;
	uint64_t start;

	(void)state;
	ev_timer_init(&t, stop_cb, loop);
	start = ev_now_ms(loop);
	ev_timer_arm(loop, &t, 300);
	cpu = cpu_seconds();
	assert_int_equal(ev_loop_run(loop), 0);
	cpu = cpu_seconds() - cpu;
	assert_true(ev_now_ms(loop) >= start + 300);
	assert_true(cpu < 0.05);
	ev_loop_free(loop);
}

struct flood_ctx {
	unsigned calls;
};

/* A reader with a bounded batch (as cp_sock_drain): one byte a call, and
 * slow. */
static void flood_cb(int fd, uint32_t events, void *arg)
{
	struct flood_ctx *c = arg;
	struct timespec ts = { .tv_nsec = 100000 };
	char b;

	(void)events;
	if (read(fd, &b, 1) == 1)
		c->calls++;
	nanosleep(&ts, NULL);
}

/* A flood keeps an fd readable for longer than a timer's delay: the timer
 * still fires (and stops the loop) long before the fd runs dry. */
static void test_flooded_fd_does_not_starve_timers(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct flood_ctx c = { 0 };
	static char junk[60000];
	struct ev_timer t;
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, (int)sizeof(junk)) >= (int)sizeof(junk));
	assert_int_equal(write(p[1], junk, sizeof(junk)), (ssize_t)sizeof(junk));
	assert_int_equal(ev_fd_add(loop, p[0], EPOLLIN, flood_cb, &c), 0);
	ev_timer_init(&t, stop_cb, loop);
	ev_timer_arm(loop, &t, 20);
	assert_int_equal(ev_loop_run(loop), 0);
	assert_true(c.calls >= 1);
	assert_true(c.calls < sizeof(junk));
	close(p[0]);
	close(p[1]);
	ev_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timers_fire_in_deadline_order),
		cmocka_unit_test(test_cancel_and_rearm),
		cmocka_unit_test(test_cancel_from_callback),
		cmocka_unit_test(test_heap_random_operations),
		cmocka_unit_test(test_fd_callbacks),
		cmocka_unit_test(test_removed_fd_event_in_same_batch),
		cmocka_unit_test(test_zero_delay_rearm_yields_to_fds),
		cmocka_unit_test(test_idle_loop_sleeps),
		cmocka_unit_test(test_flooded_fd_does_not_starve_timers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
