/* The ICMP answers of the encap program, received by a real kernel stack:
 * each test gets a fresh network namespace with lmn0 (veth) holding our
 * EIDs and a "phys" veth of MTU 1500 holding our RLOC, attaches lispd_encap
 * at lmn0 egress and sends from a UDP socket bound to the EID. The stack
 * must take the ICMP (swapped MACs, peer EID as source, strict rp_filter on)
 * and lower the path MTU to 1500 - 36. Nothing leaves the namespace: the
 * encapsulated packets go out of a veth whose peer nobody reads. */
#include <netinet/in.h>

#include "test_bpf_util.h"

#define EID4 "198.18.0.1"
#define EID6 "2001:db8:e1d::1"
#define PEER4 "198.19.1.7"
#define PEER6 "2001:db8:e1d:2::7"

static const char *const lab[] = {
	"ip link set lo up",
	"ip link add lmn0 type veth peer name lmn0p",
	"ip link add phys mtu 1500 type veth peer name physp",
	"ip link set lmn0 up", "ip link set lmn0p up", "ip link set phys up", "ip link set physp up",
	"ip addr add " EID4 "/32 dev lmn0",
	"ip -6 addr add " EID6 "/128 dev lmn0 nodad",
	"ip route add 198.19.0.0/16 dev lmn0",
	"ip -6 route add 2001:db8:e1d:2::/64 dev lmn0",
	"ip neigh add " PEER4 " lladdr 02:00:00:00:00:99 dev lmn0",
	"ip -6 neigh add " PEER6 " lladdr 02:00:00:00:00:99 dev lmn0",
	"ip addr add 192.0.2.1/24 dev phys",
	"sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.lmn0.rp_filter=1",
};

/* A namespace of its own per test: it goes, with its links and the
 * attachment, when the next test (or the process) leaves it. */
static int setup(void **state)
{
	struct lispd_mc_value v = { 0 };
	struct tb *t;

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "# cannot create a network namespace (root needed)\n");
		return -1;
	}
	for (size_t i = 0; i < sizeof(lab) / sizeof(lab[0]); i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "%s >/dev/null 2>&1", lab[i]);
		if (system(cmd)) {
			fprintf(stderr, "# lab setup failed: %s\n", lab[i]);
			return -1;
		}
	}
	t = tb_new();
	if (!t)
		return -1;
	t->cfg.phys_ifindex = if_nametoindex("phys");
	t->cfg.lmn_ifindex = if_nametoindex("lmn0");
	tb_set_rloc(t, LISPD_AF_INET, "192.0.2.1");
	tb_loc(&v.ls, LISPD_AF_INET, "198.51.100.10", 1, 1, true);
	if (tb_push_cfg(t) || tb_add_eid(t, 0, LISPD_AF_INET, EID4) ||
	    tb_add_eid(t, 0, LISPD_AF_INET6, EID6) ||
	    tb_add_mc(t, 0, LISPD_AF_INET, "198.19.0.0", 16, &v) ||
	    tb_add_mc(t, 0, LISPD_AF_INET6, "2001:db8:e1d:2::", 64, &v)) {
		tb_free(t);
		return -1;
	}
	{
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = (int)t->cfg.lmn_ifindex,
			    .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = t->encap_fd);

		if (bpf_tc_hook_create(&hook) || bpf_tc_attach(&hook, &opts)) {
			fprintf(stderr, "# cannot attach at lmn0 egress: %s\n", strerror(errno));
			tb_free(t);
			return -1;
		}
	}
	*state = t;
	return 0;
}

/* UDP socket from our EID to the peer EID with the given PMTU discovery mode. */
static int peer_socket(int family, int pmtudisc)
{
	int fd = socket(family, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	if (family == AF_INET) {
		struct sockaddr_in src = { .sin_family = AF_INET };
		struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };

		assert_int_equal(inet_pton(AF_INET, EID4, &src.sin_addr), 1);
		assert_int_equal(inet_pton(AF_INET, PEER4, &dst.sin_addr), 1);
		assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtudisc,
					    sizeof(pmtudisc)), 0);
		assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
		assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	} else {
		struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
		struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_port = htons(9) };

		assert_int_equal(inet_pton(AF_INET6, EID6, &src.sin6_addr), 1);
		assert_int_equal(inet_pton(AF_INET6, PEER6, &dst.sin6_addr), 1);
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtudisc,
					    sizeof(pmtudisc)), 0);
		assert_int_equal(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
		assert_int_equal(connect(fd, (struct sockaddr *)&dst, sizeof(dst)), 0);
	}
	return fd;
}

static int path_mtu(int fd, int family)
{
	int mtu = 0;
	socklen_t len = sizeof(mtu);

	assert_int_equal(getsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
				    family == AF_INET ? IP_MTU : IPV6_MTU, &mtu, &len), 0);
	return mtu;
}

/* Waits (briefly) for the ICMP to be processed: the path MTU drops. */
static int wait_mtu_below(int fd, int family, int mtu)
{
	for (int i = 0; i < 100; i++) {
		int now = path_mtu(fd, family);

		if (now < mtu)
			return now;
		usleep(10000);
	}
	return path_mtu(fd, family);
}

static void check_df(struct tb *t, int family, size_t ip_hlen, uint32_t stat)
{
	static char buf[1500];
	size_t full = 1500 - ip_hlen - 8;   /* fits lmn0 (1500), not the tunnel */
	int fd = peer_socket(family, family == AF_INET ? IP_PMTUDISC_DO : IPV6_PMTUDISC_DO);

	assert_int_equal(path_mtu(fd, family), 1500);
	assert_int_equal(send(fd, buf, full, 0), (ssize_t)full);
	assert_int_equal(wait_mtu_below(fd, family, 1500), 1464);
	/* The socket now refuses what no longer fits; once its pending error
	 * (the ICMP, reported on a connected socket) is read, what fits goes out. */
	assert_int_equal(send(fd, buf, full, 0), -1);
	assert_int_equal(errno, EMSGSIZE);
	{
		int err = -1;
		socklen_t len = sizeof(err);

		assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
		assert_true(err == 0 || err == EMSGSIZE);
	}
	assert_int_equal(send(fd, buf, 1464 - ip_hlen - 8, 0), (ssize_t)(1464 - ip_hlen - 8));
	assert_int_equal(tb_stat(t, stat), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 1);
	close(fd);
}

static void test_frag_needed_lowers_pmtu(void **state)
{
	check_df(*state, AF_INET, 20, LISPD_STAT_ICMP_FRAG_NEEDED);
}

static void test_packet_too_big_lowers_pmtu(void **state)
{
	check_df(*state, AF_INET6, 40, LISPD_STAT_ICMP6_PKT_TOO_BIG);
}

/* Without DF: after the first packet the stack fragments to the learned MTU
 * and both fragments are encapsulated. */
static void test_no_df_then_fragments(void **state)
{
	static char buf[1500];
	struct tb *t = *state;
	int fd = peer_socket(AF_INET, IP_PMTUDISC_DONT);

	assert_int_equal(send(fd, buf, 1472, 0), 1472);
	assert_int_equal(wait_mtu_below(fd, AF_INET, 1500), 1464);
	assert_int_equal(send(fd, buf, 1472, 0), 1472);
	assert_int_equal(tb_stat(t, LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF), 1);
	assert_int_equal(tb_stat(t, LISPD_STAT_ENCAP_OK), 2);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_frag_needed_lowers_pmtu, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_packet_too_big_lowers_pmtu, setup, tb_teardown),
		cmocka_unit_test_setup_teardown(test_no_df_then_fragments, setup, tb_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
