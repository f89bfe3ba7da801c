/* Token buckets bounding how many Map-Requests the Map-Resolver answers:
 * one per source address in a fixed-size table (the least recently seen
 * source is replaced when it is full), plus one for every source together.
 * A spoofed Map-Request makes the MS send a Map-Reply or an ECM to an
 * address of the sender's choosing; these buckets bound how much of that
 * one source, and everybody together, can cause.
 *
 * The buckets are lib/token_bucket's (rates per second, on the caller's
 * millisecond clock). */
#ifndef MS_RATELIMIT_H
#define MS_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "lisp_addr.h"
#include "token_bucket.h"

#define MS_RL_SOURCES 4096   /* sources remembered (the table never grows) */
#define MS_RL_MAX_KEYS 2     /* sources charged per request; cap must be >= */

struct ms_rl_entry {
	struct lisp_ip key;
	struct tbucket b;
	uint32_t hnext;          /* hash chain; MS_RL_NONE ends it */
	uint32_t newer, older;   /* recency list */
};

struct ms_rl {
	struct tb_rate per_source;       /* rate tokens a second, burst */
	struct tb_rate all;              /* every source: rate_total a second */
	unsigned cap, n;
	struct ms_rl_entry *e;
	uint32_t *heads;                 /* cap hash chains */
	uint32_t newest, oldest;
	struct tbucket total;
	uint64_t evicted;                /* sources replaced in a full table */
};

enum ms_rl_verdict {
	MS_RL_PASS = 0,
	MS_RL_SOURCE,   /* a source's bucket is empty */
	MS_RL_TOTAL,    /* the global bucket is empty */
};

/* cap entries (MS_RL_SOURCES in the daemon; tests take fewer, at least
 * MS_RL_MAX_KEYS). Buckets start
 * full. Returns 0 or -1 (memory). */
int ms_rl_init(struct ms_rl *rl, unsigned cap, uint32_t rate, uint32_t burst,
	       uint32_t rate_total, uint64_t now_ms);
/* New rates (SIGHUP); sources are kept, buckets capped at the new sizes. */
void ms_rl_set(struct ms_rl *rl, uint32_t rate, uint32_t burst, uint32_t rate_total);
/* One request charged to each of the n (<= MS_RL_MAX_KEYS) sources (NULL
 * entries skipped, a repeated address charged once) and to the total; all
 * must have a token, else nothing is taken. Every source named becomes the
 * most recently seen. */
enum ms_rl_verdict ms_rl_take(struct ms_rl *rl, const struct lisp_ip *const *src, unsigned n,
			      uint64_t now_ms);
/* Whether src is in the table (tests). */
bool ms_rl_knows(const struct ms_rl *rl, const struct lisp_ip *src);
void ms_rl_free(struct ms_rl *rl);

#endif
