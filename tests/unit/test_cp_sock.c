/* The control sockets, on loopback inside a private network namespace (the
 * test unshares one; nothing touches the host's): datagrams of both families
 * arrive with their source, source port and the destination they were sent
 * to; an explicit source address is used on the wire; without one, the
 * configured RLOC of the family is; mismatched families and foreign source
 * addresses are refused and counted. Also finds an interface's RLOC the way
 * the daemon does at start. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/cp_sock.h"
#include "core/evloop.h"
#include "core/nl.h"
#include "dp_link.h"

static bool have_netns;

struct got {
	int n;
	struct lisp_ip src, dst;
	uint16_t sport;
	uint8_t buf[64];
	size_t len;
};

static void rx(void *arg, const struct lisp_ip *src, uint16_t sport, const struct lisp_ip *dst,
	       const uint8_t *buf, size_t len)
{
	struct got *g = arg;

	g->n++;
	g->src = *src;
	g->dst = *dst;
	g->sport = sport;
	g->len = len < sizeof(g->buf) ? len : sizeof(g->buf);
	memcpy(g->buf, buf, g->len);
}

static struct lisp_ip ip(const char *s)
{
	struct lisp_ip a = { 0 };
	uint8_t b[16];

	if (inet_pton(AF_INET, s, b) == 1)
		lisp_ip_from_bytes(&a, LISP_AFI_IPV4, b);
	else if (inet_pton(AF_INET6, s, b) == 1)
		lisp_ip_from_bytes(&a, LISP_AFI_IPV6, b);
	else
		fail_msg("bad address %s", s);
	return a;
}

static int setup_netns(void **state)
{
	struct lisp_ip a4 = ip("198.51.100.1"), a6 = ip("2001:db8::1");
	int lo;

	(void)state;
	if (unshare(CLONE_NEWNET))
		return 0;   /* not root: every test skips */
	lo = (int)if_nametoindex("lo");
	if (lo <= 0 || dp_link_set_flags(lo, IFF_UP, IFF_UP) || dp_addr_add(lo, &a4) < 0 ||
	    dp_addr_add(lo, &a6) < 0)
		return -1;
	have_netns = true;
	return 0;
}

#define NEED_NETNS() \
	do { \
		if (!have_netns) \
			skip(); \
	} while (0)

/* Sends from a to b and runs b's loop until it arrives. */
static void exchange(struct ev_loop *loop, struct cp_sock *a, struct cp_sock *b,
		     const struct lisp_ip *src, const struct lisp_ip *dst, const char *payload)
{
	struct got *g = b->rx_arg;
	int before = g->n;

	assert_int_equal(cp_sock_send(a, src, dst, b->port, (const uint8_t *)payload,
				      strlen(payload)), 0);
	for (int i = 0; i < 20 && g->n == before; i++)
		assert_int_equal(ev_loop_once(loop, 100), 0);
	assert_int_equal(g->n, before + 1);
	assert_int_equal(g->len, strlen(payload));
	assert_memory_equal(g->buf, payload, g->len);
	assert_int_equal(g->sport, a->port);
}

static void test_explicit_source_both_families(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct got ga = { 0 }, gb = { 0 };
	struct cp_sock a, b;
	struct lisp_ip s4 = ip("127.0.0.2"), d4 = ip("127.0.0.1");
	struct lisp_ip s6 = ip("2001:db8::1"), d6 = ip("::1");
	char err[256];

	(void)state;
	NEED_NETNS();
	assert_int_equal(cp_sock_open(&a, loop, 0, rx, &ga, err, sizeof(err)), 0);
	assert_int_equal(cp_sock_open(&b, loop, 0, rx, &gb, err, sizeof(err)), 0);
	assert_true(a.port != 0 && b.port != 0 && a.port != b.port);
	assert_true(a.fd6 >= 0);

	exchange(loop, &a, &b, &s4, &d4, "map-request");
	assert_true(lisp_ip_equal(&gb.src, &s4));
	assert_true(lisp_ip_equal(&gb.dst, &d4));

	exchange(loop, &a, &b, &s6, &d6, "v6");
	assert_true(lisp_ip_equal(&gb.src, &s6));
	assert_true(lisp_ip_equal(&gb.dst, &d6));
	assert_int_equal(b.rx_packets, 2);
	assert_int_equal(a.tx_packets, 2);
	assert_int_equal(ga.n, 0);

	cp_sock_close(&a);
	cp_sock_close(&b);
	ev_loop_free(loop);
}

static void test_default_source_is_the_rloc(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct got ga = { 0 }, gb = { 0 };
	struct cp_sock a, b;
	struct lisp_ip r4 = ip("198.51.100.1"), d4 = ip("127.0.0.1");
	struct lisp_ip r6 = ip("2001:db8::1"), d6 = ip("::1"), lo6 = ip("::1");
	char err[256];

	(void)state;
	NEED_NETNS();
	assert_int_equal(cp_sock_open(&a, loop, 0, rx, &ga, err, sizeof(err)), 0);
	assert_int_equal(cp_sock_open(&b, loop, 0, rx, &gb, err, sizeof(err)), 0);
	cp_sock_set_rloc(&a, LISP_AFI_IPV4, &r4);
	cp_sock_set_rloc(&a, LISP_AFI_IPV6, &r6);
	exchange(loop, &a, &b, NULL, &d4, "reg");
	assert_true(lisp_ip_equal(&gb.src, &r4));
	exchange(loop, &a, &b, NULL, &d6, "reg6");
	assert_true(lisp_ip_equal(&gb.src, &r6));
	/* Cleared: the kernel chooses again (::1 to reach ::1). */
	cp_sock_set_rloc(&a, LISP_AFI_IPV6, NULL);
	exchange(loop, &a, &b, NULL, &d6, "reg6");
	assert_true(lisp_ip_equal(&gb.src, &lo6));
	cp_sock_close(&a);
	cp_sock_close(&b);
	ev_loop_free(loop);
}

static void test_bad_sends_refused_and_counted(void **state)
{
	struct ev_loop *loop = ev_loop_new();
	struct got ga = { 0 };
	struct cp_sock a;
	struct lisp_ip s6 = ip("2001:db8::1"), d4 = ip("127.0.0.1");
	struct lisp_ip foreign = ip("203.0.113.9"), none = { 0 };
	char err[256];

	(void)state;
	NEED_NETNS();
	assert_int_equal(cp_sock_open(&a, loop, 0, rx, &ga, err, sizeof(err)), 0);
	errno = 0;
	assert_int_equal(cp_sock_send(&a, &s6, &d4, 4342, (const uint8_t *)"x", 1), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	assert_int_equal(cp_sock_send(&a, NULL, &none, 4342, (const uint8_t *)"x", 1), -1);
	/* Not an address of this host: the kernel refuses to forge it. */
	assert_int_equal(cp_sock_send(&a, &foreign, &d4, 4342, (const uint8_t *)"x", 1), -1);
	assert_int_equal(a.tx_errors, 3);
	assert_int_equal(a.tx_packets, 0);
	cp_sock_close(&a);
	ev_loop_free(loop);
}

static void test_port_in_use_is_an_error(void **state)
{
	struct cp_sock a, b;
	char err[256] = "";

	(void)state;
	NEED_NETNS();
	assert_int_equal(cp_sock_open(&a, NULL, 0, rx, NULL, err, sizeof(err)), 0);
	assert_int_equal(cp_sock_open(&b, NULL, a.port, rx, NULL, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "Address already in use"));
	assert_int_equal(b.fd4, -1);
	assert_int_equal(b.fd6, -1);
	cp_sock_close(&a);
}

static void test_rloc_of_interface(void **state)
{
	struct lisp_ip got, want4 = ip("198.51.100.1"), want6 = ip("2001:db8::1");

	(void)state;
	NEED_NETNS();
	assert_int_equal(nl_iface_addr("lo", LISP_AFI_IPV4, &got), 0);
	/* 127.0.0.1 has host scope: never an RLOC. */
	assert_true(lisp_ip_equal(&got, &want4));
	assert_int_equal(nl_iface_addr("lo", LISP_AFI_IPV6, &got), 0);
	assert_true(lisp_ip_equal(&got, &want6));
	assert_int_equal(nl_iface_addr("nosuch0", LISP_AFI_IPV4, &got), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explicit_source_both_families),
		cmocka_unit_test(test_default_source_is_the_rloc),
		cmocka_unit_test(test_bad_sends_refused_and_counted),
		cmocka_unit_test(test_port_in_use_is_an_error),
		cmocka_unit_test(test_rloc_of_interface),
	};

	return cmocka_run_group_tests(tests, setup_netns, NULL);
}
