/* What the user-space benchmarks (bench_ms, bench_mapcache) share: failing,
 * a cp_io send that counts, the clock, reproducible picks, the median of
 * rounds, the command line, and EID prefixes spread
 * over test ranges: slot k of IPv4 is a /32 in 198.18.0.0/15, of IPv6 a
 * /64 in 2001:db8:e1d::/48. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lisp_addr.h"

/* Multiplier (odd) of the index-to-address permutations: consecutive sites
 * land far apart in the trie instead of filling one corner of it. */
#define SPREAD 40503u
#define V4_SLOTS (1u << 17)    /* /32s in 198.18.0.0/15 */
#define V6_SLOTS (1u << 16)    /* /64s in 2001:db8:e1d::/48 */

/* The program's name, for fail(). */
static const char *bench_name = "bench";

static inline void fail(const char *what)
{
	fprintf(stderr, "%s: %s\n", bench_name, what);
	exit(1);
}

/* A cp_io send that only counts. */
static unsigned long sent;
static inline int count_send(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
			     uint16_t dport, const uint8_t *buf, size_t len)
{
	(void)ctx, (void)src, (void)dst, (void)dport, (void)buf, (void)len;
	sent++;
	return 0;
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64: reproducible picks, no libc state shared with anything. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static inline unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

/* Slot k of a family: its prefix (with host: an address in it). */
static inline struct lisp_prefix slot_prefix(bool v6, unsigned k, bool host)
{
	struct lisp_prefix p;

	memset(&p, 0, sizeof(p));
	p.addr.kind = LISP_ADDR_IP;
	if (!v6) {
		uint32_t a = (198u << 24) | (18u << 16) | ((k * SPREAD + 12345u) & (V4_SLOTS - 1));

		p.addr.ip.afi = LISP_AFI_IPV4;
		for (int b = 0; b < 4; b++)
			p.addr.ip.bytes[b] = (uint8_t)(a >> (24 - 8 * b));
		p.plen = 32;
		return p;
	}
	uint16_t sub = (uint16_t)((k * SPREAD + 777u) & (V6_SLOTS - 1));
	static const uint8_t pre[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x0e, 0x1d };

	p.addr.ip.afi = LISP_AFI_IPV6;
	memcpy(p.addr.ip.bytes, pre, sizeof(pre));
	p.addr.ip.bytes[6] = (uint8_t)(sub >> 8);
	p.addr.ip.bytes[7] = (uint8_t)sub;
	if (host)
		p.addr.ip.bytes[15] = 1;
	p.plen = host ? 128 : 64;
	return p;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static inline double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The command line: -n (the big instance's size), -b batch, -r rounds,
 * -o results file; fields hold the defaults. Anything else: usage, exit 2. */
struct bench_args {
	unsigned n, batch, rounds;
	const char *out_path;
};

static inline void bench_args_parse(int argc, char **argv, const char *usage,
				    struct bench_args *a)
{
	int opt;

	while ((opt = getopt(argc, argv, "n:b:r:o:")) != -1) {
		switch (opt) {
		case 'n': a->n = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'b': a->batch = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': a->rounds = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'o': a->out_path = optarg; break;
		default:
			fprintf(stderr, "usage: %s\n", usage);
			exit(2);
		}
	}
}

#endif
