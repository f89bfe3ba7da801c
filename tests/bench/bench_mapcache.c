/* `make bench`, ITR map-cache scale (issue 14): nanoseconds per map-cache
 * operation with 10 entries (the baseline) and with ITR_MC_MAX (16384, the
 * default bound), both in the same process.
 *
 * Two ITRs (ctl/itr, as the mobile node and the PxTR use it) without a data
 * plane (mcache_fd -1: only the user-space table is timed), each filled to
 * its bound with dynamic entries, alternately IPv4 /32s spread over
 * 198.18.0.0/15 and IPv6 /64s spread over 2001:db8:e1d::/48. Cases, each a
 * batch of -b operations prepared before the clock starts:
 *   lookup:  longest-prefix match of an address of a random cached entry
 *            (itr_mc_lookup, what an SMR does);
 *   refresh: a Map-Reply record for a random cached prefix
 *            (itr_mc_put_record: exact find, replace, LRU move, timer);
 *   insert:  a record for a prefix never cached: the table is full, so
 *            the least recently used dynamic entry is evicted first.
 * Rounds (-r) interleave cases and both instances; the median over rounds
 * of ns/operation is reported with the ratio big/baseline. Every batch
 * must move the ITR's counters as the case says (a hit per lookup, an
 * install per record, an eviction per insert), so the path timed is the
 * path named. No timer fires: the TTLs outlive the run.
 *
 * Usage: bench_mapcache [-n entries] [-b batch] [-r rounds] [-o results-file] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/evloop.h"
#include "itr/itr.h"
#include "log.h"

#include "bench_util.h"

#define BASE_ENTRIES 10
#define SLOTS (2 * V6_SLOTS)   /* entry slot k: IPv4 when even, IPv6 when odd */

enum { C_LOOKUP, C_REFRESH, C_INSERT, N_CASES };
static const char *const case_name[N_CASES] = {
	"lookup (longest match of a cached EID)",
	"Map-Reply record for a cached prefix",
	"Map-Reply record for a new prefix (evicts the LRU)",
};

struct inst {
	unsigned n;            /* entries: the table's bound */
	struct itr *itr;
	unsigned *live;        /* slots cached, n of them */
	double *ns[N_CASES];   /* per round */
	double median[N_CASES];
};

static struct ev_loop *loop;
static struct cp_io io;
static unsigned next_slot;     /* slots below it have been cached once */

/* The prefix of entry slot k (with host: an address in it). */
static struct lisp_prefix entry_prefix(unsigned k, bool host)
{
	return slot_prefix(k & 1, k / 2, host);
}

/* A positive record for slot k: one locator, a TTL of a day. */
static void slot_record(struct lisp_record *r, unsigned k)
{
	struct lisp_locator *l = &r->loc[0];

	memset(r, 0, sizeof(*r));
	r->eid = entry_prefix(k, false);
	r->ttl = 1440;
	r->n_loc = 1;
	l->priority = 1;
	l->weight = 100;
	l->reachable = true;
	l->addr.kind = LISP_ADDR_IP;
	l->addr.ip.afi = LISP_AFI_IPV4;
	memcpy(l->addr.ip.bytes, (const uint8_t[]){ 203, 0, 113, (uint8_t)(k % 250 + 1) }, 4);
}

static bool cached(struct itr *itr, unsigned k)
{
	struct lisp_prefix p = entry_prefix(k, false);

	return itr_mc_find(itr, &p) != NULL;
}

static void fill(struct inst *in, struct lisp_record *scratch)
{
	in->itr = calloc(1, sizeof(*in->itr));
	in->live = calloc(in->n, sizeof(*in->live));
	if (!in->itr || !in->live)
		fail("out of memory");
	itr_init(in->itr, loop, &io, NULL, NULL);
	in->itr->mc_max = in->n;
	for (unsigned i = 0; i < in->n; i++) {
		in->live[i] = next_slot++;
		slot_record(scratch, in->live[i]);
		if (itr_mc_put_record(in->itr, scratch, false))
			fail("cannot fill the map-cache");
	}
	if (in->itr->mc_n != in->n || in->itr->ctr.mc_evicted)
		fail("the map-cache does not hold what was put");
}

/* One batch of case c: addresses to look up or records to put. */
static void build_batch(struct inst *in, int c, unsigned n, struct lisp_ip *ips,
			struct lisp_record *recs)
{
	for (unsigned j = 0; j < n; j++) {
		unsigned k = c == C_INSERT ? next_slot++ : in->live[pick(in->n)];

		if (c == C_LOOKUP)
			ips[j] = entry_prefix(k, true).addr.ip;
		else
			slot_record(&recs[j], k);
	}
}

/* After an insert batch: the slots still cached, among the old ones and
 * the batch's (untimed; the evictions decided which). */
static void update_live(struct inst *in, unsigned n, unsigned *scratch)
{
	unsigned m = 0;

	for (unsigned i = 0; i < in->n + n; i++) {
		unsigned k = i < in->n ? in->live[i] : next_slot - n + (i - in->n);

		if (cached(in->itr, k)) {
			if (m == in->n)
				fail("more entries cached than the bound");
			scratch[m++] = k;
		}
	}
	if (m != in->n)
		fail("fewer entries cached than the bound");
	memcpy(in->live, scratch, m * sizeof(*scratch));
}

/* Runs the batch; returns ns per operation. Fails unless every operation
 * took the path of its case. */
static double run_batch(struct inst *in, int c, unsigned n, const struct lisp_ip *ips,
			const struct lisp_record *recs)
{
	struct itr *itr = in->itr;
	uint64_t inst0 = itr->ctr.mc_installed, ev0 = itr->ctr.mc_evicted, t0, t1;
	unsigned hits = 0;

	t0 = now_ns();
	if (c == C_LOOKUP)
		for (unsigned j = 0; j < n; j++)
			hits += itr_mc_lookup(itr, 0, &ips[j]) != NULL;
	else
		for (unsigned j = 0; j < n; j++)
			itr_mc_put_record(itr, &recs[j], false);
	t1 = now_ns();
	if (c == C_LOOKUP ? hits != n
			  : itr->ctr.mc_installed - inst0 != n ||
				    itr->ctr.mc_evicted - ev0 != (c == C_INSERT ? n : 0) ||
				    itr->mc_n != in->n) {
		fprintf(stderr, "bench_mapcache: %s: %u operations, %u hits, +%llu installed, "
			"+%llu evicted\n", case_name[c], n, hits,
			(unsigned long long)(itr->ctr.mc_installed - inst0),
			(unsigned long long)(itr->ctr.mc_evicted - ev0));
		exit(1);
	}
	return (double)(t1 - t0) / n;
}

int main(int argc, char **argv)
{
	struct bench_args args = { .n = ITR_MC_MAX, .batch = 2000, .rounds = 15 };
	unsigned batch, rounds;
	struct inst in[2] = { { .n = BASE_ENTRIES } };
	struct lisp_record *recs;
	struct lisp_ip *ips;
	unsigned *scratch;
	FILE *outs[2] = { stdout, NULL };

	bench_name = "bench_mapcache";
	bench_args_parse(argc, argv, "bench_mapcache [-n entries] [-b batch] [-r rounds] "
			 "[-o results-file]", &args);
	batch = args.batch, rounds = args.rounds;
	in[1].n = args.n;
	/* Every insert takes a slot never cached before. */
	if (in[1].n <= BASE_ENTRIES || !batch || !rounds ||
	    (uint64_t)BASE_ENTRIES + in[1].n + 2ull * rounds * batch > SLOTS)
		fail("-n above 10, -b and -r above 0, entries + 2 * rounds * batch <= 131062");
	lispd_log_set_level(LISPD_LOG_ERR);
	loop = ev_loop_new();
	recs = calloc(batch, sizeof(*recs));
	ips = calloc(batch, sizeof(*ips));
	scratch = calloc(in[1].n + batch, sizeof(*scratch));
	if (!loop || !recs || !ips || !scratch)
		fail("out of memory");
	io.send = count_send;
	for (int k = 0; k < 2; k++) {
		for (int c = 0; c < N_CASES; c++)
			if (!(in[k].ns[c] = calloc(rounds, sizeof(double))))
				fail("out of memory");
		fill(&in[k], &recs[0]);
	}

	for (unsigned r = 0; r < rounds; r++)
		for (int c = 0; c < N_CASES; c++)
			for (int k = 0; k < 2; k++) {
				/* Alternate which instance goes first. */
				struct inst *x = &in[(k + r) & 1];

				build_batch(x, c, batch, ips, recs);
				x->ns[c][r] = run_batch(x, c, batch, ips, recs);
				if (c == C_INSERT)
					update_live(x, batch, scratch);
			}
	for (int k = 0; k < 2; k++)
		for (int c = 0; c < N_CASES; c++)
			in[k].median[c] = median(in[k].ns[c], rounds);

	if (args.out_path && !(outs[1] = fopen(args.out_path, "a")))
		fail(strerror(errno));
	for (int o = 0; o < 2 && outs[o]; o++) {
		FILE *f = outs[o];
		char big[24];

		fprintf(f, "\nITR map-cache scale (tests/bench/bench_mapcache.c): median of %u "
			"rounds of %u operations, ns/operation\n", rounds, batch);
		snprintf(big, sizeof(big), "%u entries", in[1].n);
		fprintf(f, "%-50s %10s %14s %7s\n", "operation", "10 entries", big, "ratio");
		for (int c = 0; c < N_CASES; c++)
			fprintf(f, "%-50s %10.0f %14.0f %7.2f\n", case_name[c], in[0].median[c],
				in[1].median[c], in[1].median[c] / in[0].median[c]);
	}
	if (outs[1])
		fclose(outs[1]);
	for (int k = 0; k < 2; k++) {
		itr_teardown(in[k].itr);
		free(in[k].itr);
		free(in[k].live);
		for (int c = 0; c < N_CASES; c++)
			free(in[k].ns[c]);
	}
	free(recs);
	free(ips);
	free(scratch);
	ev_loop_free(loop);
	return 0;
}
