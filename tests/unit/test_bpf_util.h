/* The cmocka side of the BPF program tests (test_bpf_*.c): the group's
 * namespace, one loaded object per test, frames read with the test failing
 * on what is malformed, and table-driven tests (one cmocka test per row,
 * named by the row). Objects and frames: bpf_object.h, bpf_frame.h. */
#ifndef TEST_BPF_UTIL_H
#define TEST_BPF_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "bpf_object.h"
#include "dp_env.h"

/* 1 when bpf_skb_adjust_room knows the DECAP_L3 flags (Linux 6.3); without
 * them a decapsulation that changes the family takes a fallback. */
static int tb_decap_l3_flags;

/* The group runs in a private network namespace (bpf_object.h) and knows
 * whether the kernel has the DECAP_L3 flags. */
static inline int tb_group_setup(void **state)
{
	(void)state;
	if (tb_enter_netns()) {
		fprintf(stderr, "# cannot create a network namespace (root needed): %s\n",
			strerror(errno));
		return -1;
	}
	tb_decap_l3_flags = dp_probe_adj_room_decap_l3();
	if (tb_decap_l3_flags < 0) {
		fprintf(stderr, "# DECAP_L3 probe failed: %s\n", strerror(-tb_decap_l3_flags));
		return -1;
	}
	return 0;
}

/* A fresh object for the test in *state; the table row cmocka gave as
 * the test's initial state (or NULL) goes to t->row. NULL when it cannot
 * be loaded. */
static inline struct tb *tb_setup_object(void **state, enum tb_object which)
{
	struct tb *t = tb_load(which, 0);

	if (!t) {
		fprintf(stderr, "# cannot load the BPF object (root / CAP_BPF needed)\n");
		return NULL;
	}
	t->row = *state;
	*state = t;
	return t;
}

static inline int tb_teardown(void **state)
{
	tb_free(*state);
	return 0;
}

/* Takes every miss event waiting; fails the test when the ring buffer
 * cannot be read. */
static inline void tb_drain(struct tb *t, struct tb_events *e)
{
	assert_int_equal(tb_drain_misses(t, e), 0);
}

/* ---- frames ----------------------------------------------------------------- */

static inline void tb_assert_read_lisp(const uint8_t *f, size_t n, struct tb_lisp_seen *o)
{
	const char *bad = tb_read_lisp(f, n, o);

	if (bad)
		fail_msg("malformed LISP frame: %s", bad);
}

/* An encapsulation as every ITR here sends it: LISP data from src to dst
 * (of family), UDP to 4341 from the dynamic port range without checksum,
 * N bit set. o gets the rest to check. */
static inline void tb_assert_encap(const uint8_t *out, size_t n, uint8_t family, const char *src,
				   const char *dst, struct tb_lisp_seen *o)
{
	uint8_t want[16];

	tb_assert_read_lisp(out, n, o);
	assert_int_equal(o->family, family);
	tb_addr(want, family, src);
	assert_memory_equal(o->src, want, 16);
	tb_addr(want, family, dst);
	assert_memory_equal(o->dst, want, 16);
	assert_int_equal(o->dport, LISPD_DATA_PORT);
	assert_true(o->sport >= 0xC000);
	assert_int_equal(o->udp_csum, 0);
	assert_true(o->lisp.n);
}

/* The ICMP too-big answer out[0..n) to the frame in[0..in_len); returns the
 * MTU it announces. */
static inline uint32_t tb_assert_too_big(const uint8_t *out, size_t n, const uint8_t *in,
					 size_t in_len)
{
	uint32_t mtu = 0;
	const char *bad = tb_read_too_big(out, n, in, in_len, &mtu);

	if (bad)
		fail_msg("malformed ICMP answer: %s", bad);
	return mtu;
}

/* ---- the list of tests ------------------------------------------------------ */

/* A row of the tables whose cases differ only in the families of the inner
 * and the outer packet. */
struct tb_families {
	const char *name;
	uint8_t inner, outer;
};

struct tb_tests {
	struct CMUnitTest t[96];
	size_t n;
};

/* One test, named prefix/name (name alone without prefix); row, when not
 * NULL, is the initial state tb_setup_object puts in t->row. */
static inline void tb_add_test(struct tb_tests *l, const char *prefix, const char *name,
			       CMUnitTestFunction fn, CMFixtureFunction setup,
			       CMFixtureFunction teardown, const void *row)
{
	char *full = NULL;

	if (l->n >= sizeof(l->t) / sizeof(l->t[0]) ||
	    (prefix && asprintf(&full, "%s/%s", prefix, name) < 0))
		abort();
	l->t[l->n++] = (struct CMUnitTest){ prefix ? full : name, fn, setup, teardown, (void *)row };
}

/* One test per row of a table whose rows begin with their name. */
static inline void tb_add_rows(struct tb_tests *l, const char *prefix, const void *rows,
			       size_t n_rows, size_t row_size, CMUnitTestFunction fn,
			       CMFixtureFunction setup, CMFixtureFunction teardown)
{
	for (size_t i = 0; i < n_rows; i++) {
		const void *row = (const char *)rows + i * row_size;

		tb_add_test(l, prefix, *(const char *const *)row, fn, setup, teardown, row);
	}
}

/* Tests written out (cmocka_unit_test_setup_teardown and the like). */
static inline void tb_add_tests(struct tb_tests *l, const struct CMUnitTest *tests, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (l->n >= sizeof(l->t) / sizeof(l->t[0]))
			abort();
		l->t[l->n++] = tests[i];
	}
}

#define TB_TESTS(list, tests) tb_add_tests(list, tests, sizeof(tests) / sizeof((tests)[0]))

/* fn, named prefix/fn, with the file's setup and tb_teardown. */
#define TB_TEST(list, prefix, fn, setup) tb_add_test(list, prefix, #fn, fn, setup, tb_teardown, NULL)

#define TB_ROWS(list, prefix, table, fn, setup, teardown)                                   \
	tb_add_rows(list, prefix, table, sizeof(table) / sizeof((table)[0]), sizeof((table)[0]), \
		    fn, setup, teardown)

static inline int tb_run_tests(struct tb_tests *l)
{
	return _cmocka_run_group_tests("tests", l->t, l->n, tb_group_setup, NULL);
}

#endif
