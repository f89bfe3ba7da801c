/* `make bench`, Map-Server scale (issue 5): nanoseconds per control message
 * with a few sites (the baseline) and with tens of thousands, both in the
 * same process, and the memory a registration costs.
 *
 * Two MS instances are built from configurations made in memory: N = 10
 * and N = -n (default 50000) lisp-sites, alternately IPv4 /32s spread over
 * 198.18.0.0/15 and IPv6 /64s spread over 2001:db8:e1d::/48, each with its
 * own key (key-type 2, HMAC-SHA-256-128) and proxy-reply on. One xTR (its own
 * xTR-ID) registers each site's prefix. The configuration parser stops at
 * LISPD_CFG_MAX_SITES (16384) sections, so the struct is filled directly.
 *
 * No sockets: messages go in through ms_on_control() and the MS's answers
 * into a cp_io that only counts them. Cases, each a batch of -b messages
 * encoded before the clock starts (the xTR's and ITR's work is not timed):
 *   register: authenticated Map-Register refresh (M set, so a signed
 *             Map-Notify goes back) for random registered EIDs;
 *   proxy:    ECM Map-Request for random registered EIDs, proxy Map-Reply;
 *   negative: ECM Map-Request for EIDs in no site (same /15 and /48),
 *             negative Map-Reply.
 * Rounds (-r) interleave cases and both instances, so drift and the other
 * sessions' load hit all alike; the median over rounds of ns/message is
 * reported with the ratio big/baseline. Every batch must be answered
 * message for message and move the matching MS counter, so the path timed
 * is the path named.
 *
 * Memory: RSS (/proc/self/statm) and malloc's allocated bytes (mallinfo2)
 * before the big MS, after its construction (sites) and after every site
 * registered, per site and per registration.
 *
 * Usage: bench_ms [-n sites] [-b batch] [-r rounds] [-o results-file] */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "core/evloop.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "log.h"
#include "ms/ms.h"
#include "ms/ms_priv.h"

#include "bench_util.h"

#define BASE_SITES 10
#define MSG_CAP 512

enum { C_REGISTER, C_PROXY, C_NEGATIVE, N_CASES };
static const char *const case_name[N_CASES] = {
	"Map-Register refresh (HMAC-SHA-256, Map-Notify)",
	"ECM Map-Request, proxy Map-Reply",
	"ECM Map-Request, negative Map-Reply",
};

struct msg {
	size_t len;
	uint8_t buf[MSG_CAP];
};

struct inst {
	unsigned n_sites;
	struct lispd_config cfg;
	struct ms *ms;
	double *ns[N_CASES];   /* per round */
	double median[N_CASES];
};

static struct ev_loop *loop;
static struct cp_io io;
static uint64_t nonce_seq = 1;   /* one xTR per site: increasing nonces never replay */
static unsigned max_sites;

/* Site i takes slot i/2 of IPv4 (i even) or IPv6 (i odd); slots from
 * max_sites/2 on are in no site of either instance. */
static struct lisp_prefix site_prefix(unsigned i)
{
	return slot_prefix(i & 1, i / 2, false);
}

static void site_key(unsigned i, char *out, size_t cap)
{
	snprintf(out, cap, "bench-ms-key-%u", i);
}

static void config_make(struct inst *in)
{
	struct lispd_config *c = &in->cfg;

	memset(c, 0, sizeof(*c));
	c->mode = LISPD_MODE_MS;
	/* ms-limits as high as the file allows: the bench measures the work
	 * of a message, and one xTR sends them all as fast as it can. */
	c->ms_limits = (struct lispd_cfg_ms_limits){
		.request_rate = 1000000,
		.request_burst = 1000000,
		.request_rate_total = 1000000,
		.more_specifics = LISPD_CFG_DEFAULT_MORE_SPECIFICS,
		.registrations = 10000000,
	};
	c->sites = calloc(in->n_sites, sizeof(*c->sites));
	if (!c->sites)
		fail("out of memory");
	for (unsigned i = 0; i < in->n_sites; i++) {
		struct lispd_cfg_site *s = &c->sites[i];
		char key[32];

		site_key(i, key, sizeof(key));
		s->eid = site_prefix(i);
		s->key_type = LISP_AUTH_HMAC_SHA256_128;
		s->key = (uint8_t *)strdup(key);
		if (!s->key)
			fail("out of memory");
		s->key_len = strlen(key);
		s->proxy_reply = true;
		c->n_sites++;
	}
}

/* The Map-Register of site i's xTR for the site's prefix, signed. */
static void build_register(struct msg *out, unsigned i)
{
	static struct lisp_map_register m;
	struct lisp_locator *l;
	char key[32];

	memset(&m, 0, sizeof(m));
	m.type = LISP_MAP_REGISTER;
	m.want_notify = true;
	m.xtr_id_present = true;
	memcpy(m.xtr_id, &i, sizeof(i));
	m.nonce = nonce_seq++;
	m.auth.alg_id = LISP_AUTH_HMAC_SHA256_128;
	m.n_rec = 1;
	m.rec[0].ttl = 3;
	m.rec[0].authoritative = true;
	m.rec[0].eid = site_prefix(i);
	m.rec[0].n_loc = 1;
	l = &m.rec[0].loc[0];
	l->priority = 1;
	l->weight = 100;
	l->mpriority = 255;
	l->reachable = true;
	l->local = true;
	l->addr.kind = LISP_ADDR_IP;
	l->addr.ip.afi = LISP_AFI_IPV4;
	memcpy(l->addr.ip.bytes, (const uint8_t[]){ 203, 0, 113, (uint8_t)(i % 250 + 1) }, 4);
	site_key(i, key, sizeof(key));
	if (lisp_map_register_encode(out->buf, sizeof(out->buf), &out->len, &m, (uint8_t *)key,
				     strlen(key), NULL))
		fail("cannot encode a Map-Register");
}

/* An ITR's ECM-wrapped Map-Request for eid (an address: plen of the family). */
static void build_ecm(struct msg *out, struct lisp_prefix eid)
{
	static struct lisp_map_request req;
	struct lisp_ecm ecm;
	uint8_t inner[MSG_CAP];
	size_t inner_len;
	struct lisp_ip itr = { .afi = LISP_AFI_IPV4, .bytes = { 192, 0, 2, 77 } };
	/* The inner header's source is of the requested EID's family. */
	struct lisp_ip seid = eid.addr.ip.afi == LISP_AFI_IPV4
				      ? (struct lisp_ip){ .afi = LISP_AFI_IPV4,
							  .bytes = { 198, 51, 100, 1 } }
				      : (struct lisp_ip){ .afi = LISP_AFI_IPV6,
							  .bytes = { 0x20, 0x01, 0x0d, 0xb8,
								     0xff, [15] = 1 } };

	eid.plen = (uint8_t)lisp_afi_bits(eid.addr.ip.afi);
	memset(&req, 0, sizeof(req));
	req.nonce = nonce_seq++;
	lisp_addr_from_ip(&req.source_eid, &seid);
	req.n_itr = 1;
	lisp_addr_from_ip(&req.itr[0], &itr);
	req.n_eid = 1;
	req.eid[0] = eid;
	if (lisp_map_request_encode(inner, sizeof(inner), &inner_len, &req, NULL))
		fail("cannot encode a Map-Request");
	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = seid;
	ecm.inner_dst = eid.addr.ip;
	ecm.inner_ttl = 64;
	ecm.inner_sport = 61000;
	ecm.inner_dport = LISP_CONTROL_PORT;
	ecm.payload = inner;
	ecm.payload_len = inner_len;
	if (lisp_ecm_encode(out->buf, sizeof(out->buf), &out->len, &ecm, NULL))
		fail("cannot encode an ECM");
}

static void build_batch(struct msg *b, unsigned n, int what, unsigned n_sites)
{
	for (unsigned j = 0; j < n; j++) {
		unsigned i = pick(n_sites);

		if (what == C_REGISTER)
			build_register(&b[j], i);
		else if (what == C_PROXY)
			build_ecm(&b[j], site_prefix(i));
		else  /* a slot no site of either instance uses */
			build_ecm(&b[j], slot_prefix(j & 1, max_sites / 2 + pick(4096), true));
	}
}

static uint64_t counter_of(const struct ms *ms, int what)
{
	return what == C_REGISTER ? ms->ctr.registers_accepted
	       : what == C_PROXY  ? ms->ctr.replies_proxy
				  : ms->ctr.replies_negative;
}

static const struct lisp_ip rloc_xtr = { .afi = LISP_AFI_IPV4, .bytes = { 192, 0, 2, 10 } };
static const struct lisp_ip rloc_ms = { .afi = LISP_AFI_IPV4, .bytes = { 192, 0, 2, 2 } };

/* Feeds the batch; returns ns per message. Fails unless each message got
 * its one answer and moved its counter. */
static double run_batch(struct ms *ms, const struct msg *b, unsigned n, int what)
{
	uint64_t ctr0 = counter_of(ms, what);
	unsigned long sent0 = sent;
	uint64_t t0, t1;

	t0 = now_ns();
	for (unsigned j = 0; j < n; j++)
		ms_on_control(ms, &rloc_xtr, LISP_CONTROL_PORT, &rloc_ms, b[j].buf, b[j].len);
	t1 = now_ns();
	if (counter_of(ms, what) - ctr0 != n || sent - sent0 != n) {
		fprintf(stderr, "bench_ms: %s: %u messages, counter +%llu, %lu sent\n",
			case_name[what], n, (unsigned long long)(counter_of(ms, what) - ctr0),
			sent - sent0);
		exit(1);
	}
	return (double)(t1 - t0) / n;
}

static void register_all(struct inst *in, struct msg *scratch)
{
	for (unsigned i = 0; i < in->n_sites; i++) {
		build_register(scratch, i);
		ms_on_control(in->ms, &rloc_xtr, LISP_CONTROL_PORT, &rloc_ms, scratch->buf,
			      scratch->len);
	}
	if (in->ms->n_regs != in->n_sites)
		fail("not every site got registered");
}

static long rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, rss = 0;

	if (!f || fscanf(f, "%ld %ld", &size, &rss) != 2)
		fail("cannot read /proc/self/statm");
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

static long heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return (long)(mi.uordblks + mi.hblkhd);
}

int main(int argc, char **argv)
{
	struct bench_args args = { .n = 50000, .batch = 2000, .rounds = 15 };
	unsigned batch, rounds;
	const char *out_path;
	struct inst in[2] = { { .n_sites = BASE_SITES } };
	long rss[3], heap[3];
	struct msg *b;
	FILE *outs[2] = { stdout, NULL };

	bench_name = "bench_ms";
	bench_args_parse(argc, argv, "bench_ms [-n sites] [-b batch] [-r rounds] [-o results-file]",
			 &args);
	batch = args.batch, rounds = args.rounds, out_path = args.out_path;
	in[1].n_sites = args.n;
	max_sites = in[1].n_sites;
	/* Half the sites per family, 4096 free slots for the negative case. */
	if (max_sites <= BASE_SITES || max_sites / 2 + 4096 > V6_SLOTS || !batch || !rounds)
		fail("-n must be in 11..122880, -b and -r above 0");
	lispd_log_set_level(LISPD_LOG_ERR);
	loop = ev_loop_new();
	b = calloc(batch, sizeof(*b));
	if (!loop || !b)
		fail("out of memory");
	io.send = count_send;
	for (int k = 0; k < 2; k++)
		for (int c = 0; c < N_CASES; c++)
			if (!(in[k].ns[c] = calloc(rounds, sizeof(double))))
				fail("out of memory");

	config_make(&in[0]);
	if (!(in[0].ms = ms_new(&in[0].cfg, loop, &io)))
		fail("ms_new failed");
	register_all(&in[0], b);
	/* The big configuration is made before the first reading: what the
	 * MS itself holds is measured, not the parsed file. */
	config_make(&in[1]);
	rss[0] = rss_bytes(), heap[0] = heap_bytes();
	in[1].ms = ms_new(&in[1].cfg, loop, &io);
	if (!in[1].ms)
		fail("ms_new failed");
	rss[1] = rss_bytes(), heap[1] = heap_bytes();
	register_all(&in[1], b);
	rss[2] = rss_bytes(), heap[2] = heap_bytes();

	for (unsigned r = 0; r < rounds; r++)
		for (int c = 0; c < N_CASES; c++)
			for (int k = 0; k < 2; k++) {
				/* Alternate which instance goes first. */
				struct inst *x = &in[(k + r) & 1];

				build_batch(b, batch, c, x->n_sites);
				x->ns[c][r] = run_batch(x->ms, b, batch, c);
			}
	for (int k = 0; k < 2; k++)
		for (int c = 0; c < N_CASES; c++)
			in[k].median[c] = median(in[k].ns[c], rounds);

	if (out_path && !(outs[1] = fopen(out_path, "a")))
		fail(strerror(errno));
	for (int o = 0; o < 2 && outs[o]; o++) {
		FILE *f = outs[o];

		fprintf(f, "\nMap-Server scale (tests/bench/bench_ms.c): median of %u rounds of "
			"%u messages, ns/message\n", rounds, batch);
		char big[24];

		snprintf(big, sizeof(big), "%u sites", in[1].n_sites);
		fprintf(f, "%-50s %10s %12s %7s\n", "message", "10 sites", big, "ratio");
		for (int c = 0; c < N_CASES; c++)
			fprintf(f, "%-50s %10.0f %12.0f %7.2f\n", case_name[c], in[0].median[c],
				in[1].median[c], in[1].median[c] / in[0].median[c]);
		fprintf(f, "memory of the %u-site MS: sites %.0f B/site (RSS %.0f), "
			"registrations %.0f B/registration (RSS %.0f); total RSS +%.1f MiB\n",
			in[1].n_sites, (double)(heap[1] - heap[0]) / in[1].n_sites,
			(double)(rss[1] - rss[0]) / in[1].n_sites,
			(double)(heap[2] - heap[1]) / in[1].n_sites,
			(double)(rss[2] - rss[1]) / in[1].n_sites,
			(double)(rss[2] - rss[0]) / (1024.0 * 1024.0));
	}
	if (outs[1])
		fclose(outs[1]);
	for (int k = 0; k < 2; k++) {
		ms_free(in[k].ms);
		lispd_config_free(&in[k].cfg);
		for (int c = 0; c < N_CASES; c++)
			free(in[k].ns[c]);
	}
	free(b);
	ev_loop_free(loop);
	return 0;
}
