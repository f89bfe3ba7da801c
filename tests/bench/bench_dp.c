/* `make bench`: nanoseconds per packet of the data-plane programs in
 * BPF_PROG_TEST_RUN, reported as ratios to a trivial program of the same
 * hook timed in the same loop (bpf/lispd_bench.bpf.c).
 *
 * Every run is a single run (repeat = 1): encap and decap change the packet
 * length, and with repeat > 1 the kernel would rerun them on their own
 * output. The kernel's reported duration of each run is one sample; cases
 * are interleaved in rounds so drift (frequency, noise from the other core)
 * hits all of them alike; the median of all samples is reported.
 *
 * Encapsulation is timed with 1, 10k and 1M map-cache entries (random IPv6
 * prefixes /80../128 under 2001:db8:e1d::/48 plus the probed /128); the map
 * is sized before load with bpf_map__set_max_entries, its default
 * (LISPD_MCACHE_MAX) untouched.
 *
 * Usage: bench_dp [-n runs-per-case] [-o results-file]   (root) */
#include <getopt.h>
#include <stdint.h>
#include <sys/utsname.h>
#include <time.h>

#include "../unit/bpf_object.h"
#include "lispd_bench.skel.h"

#define EID6 "2001:db8:e1d::1"
#define PEER6 "2001:db8:e1d:2::7"
#define RLOC4 "192.0.2.1"
#define PEER_RLOC4 "198.51.100.10"
#define ROUNDS 20
#define MAX_CASES 12

struct bcase {
	const char *hook;      /* "tc" or "xdp" */
	const char *what;
	unsigned entries;      /* map-cache entries; 0 when not looked up */
	int fd;
	int base;              /* index of the trivial case of the same hook */
	uint32_t want;         /* expected return value of every run */
	uint8_t frame[TB_PKT_MAX];
	size_t len;
	uint32_t *ns;
	size_t n;
	double median, p10;
};

static struct bcase cases[MAX_CASES];
static int n_cases;

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A data plane with our RLOC and EID, the probed /128 mapping and n - 1
 * random others. */
static struct tb *dp_with_entries(unsigned n)
{
	struct tb *t = tb_load(TB_MN, n > LISPD_MCACHE_MAX ? n + 64 : 0);
	struct lispd_mc_value v = { 0 };
	struct lispd_mc_key k;
	uint8_t a[16];
	int fd;
	unsigned added = 1;

	if (!t)
		die("loading the data plane (root needed)");
	tb_set_rloc(t, LISPD_AF_INET, RLOC4);
	if (tb_push_cfg(t) || tb_add_eid(t, 0, LISPD_AF_INET6, EID6))
		die("config");
	tb_loc(&v.ls, LISPD_AF_INET, PEER_RLOC4, 1, 100, true);
	if (tb_add_mc(t, 0, LISPD_AF_INET6, PEER6, 128, &v))
		die("probe mapping");
	fd = t->map.mcache;
	tb_addr(a, LISPD_AF_INET6, "2001:db8:e1d::");
	while (added < n) {
		uint64_t r1 = next_rand(), r2 = next_rand();

		memcpy(a + 6, &r1, 8);
		memcpy(a + 14, &r2, 2);
		if (dp_mc_key(&k, 0, LISPD_AF_INET6, a, 80 + (unsigned)(r2 >> 32) % 49))
			die("key");
		if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST)) {
			if (errno == EEXIST)
				continue;
			die("filling the map-cache");
		}
		added++;
	}
	return t;
}

static int add_case(const char *hook, const char *what, unsigned entries, int fd, int base,
		    uint32_t want, const uint8_t *frame, size_t len)
{
	struct bcase *c = &cases[n_cases];

	c->hook = hook;
	c->what = what;
	c->entries = entries;
	c->fd = fd;
	c->base = base < 0 ? n_cases : base;
	c->want = want;
	memcpy(c->frame, frame, len);
	c->len = len;
	return n_cases++;
}

static void run_once(struct bcase *c)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = c->frame, .data_size_in = (uint32_t)c->len,
		    .repeat = 1);

	if (bpf_prog_test_run_opts(c->fd, &o))
		die("test run");
	if (o.retval != c->want) {
		fprintf(stderr, "bench: %s %s returned %u, expected %u\n", c->hook, c->what,
			o.retval, c->want);
		exit(1);
	}
	c->ns[c->n++] = o.duration;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double ratio(int i)
{
	return cases[i].median / cases[cases[i].base].median;
}

static void report(FILE *f, unsigned runs, int enc1, int enc1m, int dec_tc, int dec_xdp)
{
	struct utsname u;
	char date[32], cpu[128] = "?", line[256];
	time_t now = time(NULL);
	FILE *ci = fopen("/proc/cpuinfo", "r");

	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	uname(&u);
	while (ci && fgets(line, sizeof(line), ci))
		if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
			snprintf(cpu, sizeof(cpu), "%s", strchr(line, ':') + 2);
			cpu[strcspn(cpu, "\n")] = 0;
			break;
		}
	if (ci)
		fclose(ci);
	fprintf(f, "lispd-bpf data plane: BPF_PROG_TEST_RUN, one packet per run, kernel-timed\n");
	fprintf(f, "date %s, kernel %s, %ld CPUs (%s)\n", date, u.release,
		sysconf(_SC_NPROCESSORS_ONLN), cpu);
	fprintf(f, "%u single runs per case in %d interleaved rounds; packet: IPv6 UDP, 80 bytes, "
		"over IPv4 RLOCs\n\n", runs, ROUNDS);
	fprintf(f, "%-5s %-24s %9s %10s %8s %8s\n", "hook", "program", "entries", "median_ns",
		"p10_ns", "ratio");
	for (int k = 0; k < 2 * n_cases; k++) {
		int i = k % n_cases;
		char ent[16] = "-";

		/* tc rows, then xdp rows */
		if (strcmp(cases[i].hook, k < n_cases ? "tc" : "xdp"))
			continue;
		if (cases[i].entries)
			snprintf(ent, sizeof(ent), "%u", cases[i].entries);
		fprintf(f, "%-5s %-24s %9s %10.0f %8.0f %7.2fx\n", cases[i].hook, cases[i].what,
			ent, cases[i].median, cases[i].p10, ratio(i));
	}
	fprintf(f, "\ntargets (ratios of medians):\n");
	fprintf(f, "  tc decap   <= 1.5x trivial tc  : %5.2fx  %s\n", ratio(dec_tc),
		ratio(dec_tc) <= 1.5 ? "met" : "MISSED");
	fprintf(f, "  xdp decap  <= 1.5x trivial xdp : %5.2fx  %s\n", ratio(dec_xdp),
		ratio(dec_xdp) <= 1.5 ? "met" : "MISSED");
	fprintf(f, "  tc encap   <= 3x trivial tc    : %5.2fx  %s (1 entry)\n", ratio(enc1),
		ratio(enc1) <= 3.0 ? "met" : "MISSED");
	fprintf(f, "  encap 1M entries <= 1.5x 1 entry: %5.2fx  %s\n",
		cases[enc1m].median / cases[enc1].median,
		cases[enc1m].median / cases[enc1].median <= 1.5 ? "met" : "MISSED");
	fprintf(f, "  (net cost over trivial: encap %.0f ns, tc decap %.0f ns, xdp decap %.0f ns)\n",
		cases[enc1].median - cases[cases[enc1].base].median,
		cases[dec_tc].median - cases[cases[dec_tc].base].median,
		cases[dec_xdp].median - cases[cases[dec_xdp].base].median);
}

int main(int argc, char **argv)
{
	static const unsigned sizes[3] = { 1, 10000, 1000000 };
	const char *out_path = NULL;
	unsigned runs = 60000;
	struct lispd_bench *trivial;
	struct tb *dp[3];
	uint8_t frame[TB_PKT_MAX], inner[TB_PKT_MAX];
	struct lisp_data_hdr lh = { .n = true, .nonce = 0x1234 };
	struct tb_ip p, outer;
	int opt, tc0, xdp0, enc[3], dec_tc, dec_xdp;
	size_t n, il;
	FILE *f;

	while ((opt = getopt(argc, argv, "n:o:")) != -1) {
		if (opt == 'n')
			runs = (unsigned)strtoul(optarg, NULL, 10);
		else if (opt == 'o')
			out_path = optarg;
		else
			return 2;
	}
	runs = runs / ROUNDS * ROUNDS;
	if (runs == 0)
		return 2;
	if (tb_enter_netns())
		die("private network namespace (root needed)");
	libbpf_set_print(NULL);

	trivial = lispd_bench__open_and_load();
	if (!trivial)
		die("loading the trivial programs");
	for (int i = 0; i < 3; i++) {
		fprintf(stderr, "bench: loading a map-cache of %u entries\n", sizes[i]);
		dp[i] = dp_with_entries(sizes[i]);
	}

	tb_ip_init(&p, LISPD_AF_INET6, EID6, PEER6);
	n = tb_frame(frame, &p);
	tc0 = add_case("tc", "trivial", 0, bpf_program__fd(trivial->progs.lispd_bench_tc), -1,
		       TB_ACT_OK, frame, n);
	for (int i = 0; i < 3; i++)
		enc[i] = add_case("tc", "encap 6-in-4", sizes[i], dp[i]->encap_fd, tc0,
				  TB_ACT_REDIRECT, frame, n);

	tb_ip_init(&p, LISPD_AF_INET6, PEER6, EID6);
	il = tb_build_ip(inner, &p);
	tb_ip_init(&outer, LISPD_AF_INET, PEER_RLOC4, RLOC4);
	outer.sport = 0xC123;
	n = tb_lisp_frame(frame, &outer, LISPD_DATA_PORT, &lh, inner, il);
	tc0 = add_case("tc", "trivial (LISP frame)", 0, cases[tc0].fd, -1, TB_ACT_OK, frame, n);
	dec_tc = add_case("tc", "decap 6-in-4", 0, dp[0]->decap_fd, tc0, TB_ACT_REDIRECT, frame, n);
	xdp0 = add_case("xdp", "trivial", 0, bpf_program__fd(trivial->progs.lispd_bench_xdp), -1,
			TB_XDP_PASS, frame, n);
	dec_xdp = add_case("xdp", "decap 6-in-4", 0, dp[0]->decap_xdp_fd, xdp0, TB_XDP_PASS, frame,
			   n);

	/* What every other packet pays: plain UDP to our RLOC through decap,
	 * and a packet not from a local EID through encap. */
	tb_ip_init(&p, LISPD_AF_INET, PEER_RLOC4, RLOC4);
	n = tb_frame(frame, &p);
	add_case("tc", "decap, not LISP", 0, dp[0]->decap_fd, tc0, TB_ACT_OK, frame, n);
	add_case("xdp", "decap, not LISP", 0, dp[0]->decap_xdp_fd, xdp0, TB_XDP_PASS, frame, n);
	tb_ip_init(&p, LISPD_AF_INET6, "2001:db8:e1d::99", PEER6);
	n = tb_frame(frame, &p);
	add_case("tc", "encap, not from our EID", 0, dp[0]->encap_fd, cases[enc[0]].base, TB_ACT_OK,
		 frame, n);

	for (int i = 0; i < n_cases; i++) {
		cases[i].ns = calloc(runs, sizeof(uint32_t));
		if (!cases[i].ns)
			die("memory");
	}
	fprintf(stderr, "bench: %u runs of %d cases\n", runs, n_cases);
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < n_cases; i++)
			for (unsigned k = 0; k < runs / ROUNDS; k++)
				run_once(&cases[i]);
	for (int i = 0; i < n_cases; i++) {
		qsort(cases[i].ns, cases[i].n, sizeof(uint32_t), cmp_u32);
		cases[i].median = cases[i].ns[cases[i].n / 2];
		cases[i].p10 = cases[i].ns[cases[i].n / 10];
	}
	/* Every run took the path we meant to time. */
	for (int i = 0; i < 3; i++)
		if (tb_stat(dp[i], LISPD_STAT_ENCAP_OK) != runs)
			fail("encap counter does not match the runs");
	if (tb_stat(dp[0], LISPD_STAT_DECAP_OK) != 2ull * runs)
		fail("decap counter does not match the runs");

	report(stdout, runs, enc[0], enc[2], dec_tc, dec_xdp);
	if (out_path) {
		f = fopen(out_path, "w");
		if (!f)
			die(out_path);
		report(f, runs, enc[0], enc[2], dec_tc, dec_xdp);
		fclose(f);
	}
	for (int i = 0; i < 3; i++)
		tb_free(dp[i]);
	lispd_bench__destroy(trivial);
	return 0;
}
