/* libFuzzer target: frames through the data-plane BPF programs with
 * BPF_PROG_TEST_RUN (root; nothing is attached, the process works in a
 * private network namespace whose loopback stands in for the physical
 * interface).
 *
 * Input: byte 0 picks the program (lispd_encap, lispd_decap,
 * lispd_decap_xdp, lispd_petr_decap, lispd_pitr_encap, lispd_rtr; modulo
 * 6), byte 1
 * the config variant (bpf_world.h: instance-ids, miss policy, RLOCs of
 * each family, lmn's MAC), the rest is the Ethernet frame.
 *
 * After each run: exactly one verdict counter went up, by one, and the
 * verdict matches it (every drop counted under a drop reason, every pass
 * leaves the frame byte for byte as it came); every frame a program built
 * is well-formed (bpf_check.h); every miss event names a family and reason.
 * Any violation aborts.
 *
 * The BPF code is invisible to libFuzzer's coverage, so the counters that
 * went up (per program) are fed back as extra coverage: an input reaching
 * a new verdict or a new miss path is kept.
 *
 * Seeds: FUZZ_BPF_SEEDS=DIR fuzz_bpf writes valid frames for every program
 * into DIR and exits. FUZZ_BPF_TRACE=1 prints each input's verdict. */
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "bpf_check.h"
#include "dp_maps.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FB_OUT_MAX 4096
#define FB_IN_MAX 2048

/* libFuzzer treats this section as coverage counters (cleared per input). */
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t fb_paths[BW_NPROG][LISPD_STAT_MAX];

static struct bw world;
static int ncpu;
static struct ring_buffer *rb[BW_NOBJ];
static bool trace;   /* FUZZ_BPF_TRACE set: each input's program and verdict on stderr */

/* Counters that come on top of a verdict counter, never instead of one. */
static bool fb_informational(uint32_t s)
{
	switch (s) {
	case LISPD_STAT_DECAP_L3_FALLBACK:
	case LISPD_STAT_MISS:
	case LISPD_STAT_NEG_NATIVE_FORWARD:
	case LISPD_STAT_NEG_SEND_MAP_REQUEST:
	case LISPD_STAT_MISS_EVENT:
	case LISPD_STAT_MISS_EVENT_DEDUP:
	case LISPD_STAT_MISS_EVENT_RATE:
	case LISPD_STAT_MISS_EVENT_RB_FULL:
	case LISPD_STAT_PETR_HAIRPIN_SRC_MISS:
		return true;
	default:
		return false;
	}
}

/* Verdicts that leave the frame exactly as it came. */
static bool fb_untouched(uint32_t s)
{
	return s == LISPD_STAT_DECAP_PASS || s == LISPD_STAT_DECAP_PUNT_DMN ||
	       s == LISPD_STAT_ENCAP_PASS || s == LISPD_STAT_PITR_PASS ||
	       s == LISPD_STAT_PITR_NATIVE_FORWARD;
}

static bool fb_drop(uint32_t s)
{
	const char *n = dp_stat_name(s);

	return s == LISPD_STAT_PETR_HAIRPIN_MISS || (n && !strncmp(n, "drop_", 5));
}

/* Per-counter sums over CPUs, one batch syscall per object. */
static void fb_read_stats(int obj, uint64_t *sum)
{
	static uint64_t vals[LISPD_STAT_MAX * 256];
	static uint32_t keys[LISPD_STAT_MAX];
	uint32_t count = LISPD_STAT_MAX, out_batch;
	LIBBPF_OPTS(bpf_map_batch_opts, o);

	if (bpf_map_lookup_batch(world.obj[obj]->map.stats, NULL, &out_batch, keys, vals, &count, &o) &&
	    errno != ENOENT)
		abort();
	if (count != LISPD_STAT_MAX)
		abort();
	for (uint32_t k = 0; k < LISPD_STAT_MAX; k++) {
		sum[keys[k]] = 0;
		for (int c = 0; c < ncpu; c++)
			sum[keys[k]] += vals[k * ncpu + c];
	}
}

static int fb_on_event(void *ctx, void *data, size_t len)
{
	const struct lispd_miss_event *e = data;

	(void)ctx;
	if (len < sizeof(*e) || (e->family != LISPD_AF_INET && e->family != LISPD_AF_INET6) ||
	    (e->reason != LISPD_MISS_NO_ENTRY && e->reason != LISPD_MISS_NEG_SMR) ||
	    e->iid > LISPD_IID_MASK)
		BC_FAIL("miss event len %zu family %u reason %u", len, e->family, e->reason);
	return 0;
}

/* What the verdict counter v says the frame became, checked. */
static void fb_check_output(int prog, uint32_t v, uint32_t ret, const uint8_t *in, size_t ilen,
			    const uint8_t *out, size_t olen, const struct lispd_dp_config *c)
{
	bool xdp = prog == BW_DECAP_XDP;
	uint32_t pass = xdp ? TB_XDP_PASS : TB_ACT_OK;

	if (fb_drop(v)) {
		BC_REQUIRE(ret == (xdp ? TB_XDP_DROP : TB_ACT_SHOT), "drop counted, frame not dropped");
		return;
	}
	BC_REQUIRE(ret != (xdp ? TB_XDP_DROP : TB_ACT_SHOT), "frame dropped under a non-drop counter");
	if (fb_untouched(v)) {
		BC_REQUIRE(ret == pass, "untouched frame not passed");
		BC_REQUIRE(olen == ilen && !memcmp(in, out, ilen), "passed frame was modified");
		return;
	}
	switch (v) {
	case LISPD_STAT_ENCAP_OK:
	case LISPD_STAT_ENCAP_PETR:
		BC_REQUIRE(prog == BW_ENCAP || prog == BW_PITR, "encap counted by a decap program");
		BC_REQUIRE(ret == TB_ACT_REDIRECT, "encapsulated frame not redirected");
		bc_encap(in, ilen, out, olen, c);
		break;
	case LISPD_STAT_ICMP_FRAG_NEEDED:
	case LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF:
	case LISPD_STAT_ICMP6_PKT_TOO_BIG:
		BC_REQUIRE(prog == BW_ENCAP || prog == BW_PITR, "ICMP counted by a decap program");
		BC_REQUIRE(ret == TB_ACT_REDIRECT, "ICMP answer not redirected");
		bc_icmp(in, ilen, out, olen);
		break;
	case LISPD_STAT_DECAP_OK:
		BC_REQUIRE(prog == BW_DECAP || xdp, "decap_ok counted by another program");
		BC_REQUIRE(ret == (xdp ? TB_XDP_PASS : TB_ACT_REDIRECT), "decapsulated frame verdict");
		bc_decap(in, ilen, out, olen, c, !xdp && (c->flags & LISPD_CFG_LMN_MAC));
		break;
	case LISPD_STAT_PETR_DECAP_OK:
		BC_REQUIRE(prog == BW_PETR, "petr_decap_ok counted by another program");
		BC_REQUIRE(ret == TB_ACT_OK || ret == TB_ACT_REDIRECT, "PETR decap verdict");
		bc_decap(in, ilen, out, olen, c, false);
		break;
	case LISPD_STAT_PETR_HAIRPIN:
		BC_REQUIRE(prog == BW_PETR && ret == TB_ACT_REDIRECT, "hairpin verdict");
		bc_hairpin(in, ilen, out, olen, c);
		break;
	case LISPD_STAT_RTR_TO_NAT:
		BC_REQUIRE(prog == BW_RTR && ret == TB_ACT_REDIRECT, "RTR to a NATed node: verdict");
		bc_to_nat(in, ilen, out, olen, c);
		break;
	case LISPD_STAT_RTR_FROM_NAT:
	case LISPD_STAT_RTR_FROM_NAT_PETR:
		BC_REQUIRE(prog == BW_RTR && ret == TB_ACT_REDIRECT, "RTR from a NATed node: verdict");
		bc_hairpin(in, ilen, out, olen, c);
		break;
	default:
		BC_FAIL("verdict counter %s (%u) unexpected", dp_stat_name(v), v);
	}
}

static bool fb_short_ip(const uint8_t *f, size_t len)
{
	uint16_t type = tb_get16(f + 12);

	return (type == 0x0800 && len < 14 + 20) || (type == 0x86DD && len < 14 + 40);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Nothing but this process runs these unpinned programs, so the
	 * counters after one input are the counters before the next one
	 * (a syscall saved per input). */
	static uint64_t stats[BW_NOBJ][LISPD_STAT_MAX], after[LISPD_STAT_MAX];
	static bool have[BW_NOBJ];
	uint64_t *before;
	static uint8_t out[FB_OUT_MAX];
	struct lispd_dp_config c;
	const uint8_t *in = data + 2;
	size_t ilen = size - 2;
	int prog, obj;
	uint32_t ret, verdict = LISPD_STAT_MAX;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	/* Shorter than Ethernet: refused by BPF_PROG_TEST_RUN itself. */
	if (size < 2 + 14 || ilen > FB_IN_MAX)
		return 0;
	prog = data[0] % BW_NPROG;
	obj = bw_obj_of(prog);
	bw_use_variant(&world, data[1]);
	c = bw_cfg_variant(&world, data[1] & 0x1f);

	before = stats[obj];
	if (!have[obj]) {
		fb_read_stats(obj, before);
		have[obj] = true;
	}
	o.data_in = in;
	o.data_size_in = (uint32_t)ilen;
	if (bpf_prog_test_run_opts(world.prog_fd[prog], &o)) {
		/* The kernel refuses an skb whose EtherType announces an IP
		 * header the frame does not hold; nothing ran. */
		if (errno == EINVAL && prog != BW_DECAP_XDP && fb_short_ip(in, ilen))
			return 0;
		fprintf(stderr, "fuzz_bpf: test run of program %d: %s\n", prog, strerror(errno));
		abort();
	}
	ret = o.retval;
	fb_read_stats(obj, after);
	ring_buffer__consume(rb[obj]);

	for (uint32_t s = 0; s < LISPD_STAT_MAX; s++) {
		uint64_t d = after[s] - before[s];

		if (!d)
			continue;
		fb_paths[prog][s]++;
		if (fb_informational(s))
			continue;
		if (d != 1 || verdict != LISPD_STAT_MAX)
			BC_FAIL("program %d: verdict counters %s and %s (+%llu)", prog,
				verdict < LISPD_STAT_MAX ? dp_stat_name(verdict) : "-",
				dp_stat_name(s), (unsigned long long)d);
		verdict = s;
	}
	memcpy(before, after, sizeof(after));
	if (verdict == LISPD_STAT_MAX)
		BC_FAIL("program %d returned %u without counting a verdict", prog, ret);
	if (trace)
		fprintf(stderr, "fuzz_bpf: program %d variant %#x: %s\n", prog, data[1] & 0x1f,
			dp_stat_name(verdict));
	fb_check_output(prog, verdict, ret, in, ilen, out, o.data_size_out, &c);
	return 0;
}

#include "fuzz_bpf_seeds.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("FUZZ_BPF_SEEDS");

	(void)argc;
	(void)argv;
	if (seeds)
		exit(fb_write_seeds(seeds) ? 1 : 0);
	trace = getenv("FUZZ_BPF_TRACE") != NULL;
	/* Only this thread moves: BPF_PROG_TEST_RUN runs in the caller's
	 * namespace, and the MTU set here is the private loopback's. */
	if (tb_enter_netns()) {
		fprintf(stderr, "fuzz_bpf: cannot enter a private network namespace (root needed): %s\n",
			strerror(errno));
		exit(1);
	}
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0 || ncpu > 256)
		abort();
	bw_load(&world);
	for (int i = 0; i < BW_NOBJ; i++) {
		rb[i] = ring_buffer__new(world.obj[i]->map.miss_rb, fb_on_event, NULL, NULL);
		if (!rb[i])
			abort();
	}
	return 0;
}
