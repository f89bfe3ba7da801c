/* A token bucket on the caller's millisecond clock: `tokens` earned every
 * `period_ms`, at most `burst` kept, the fraction of a token earned so far
 * kept too (a steady trickle at the rate always passes). One piece for the
 * rate limits of log lines, Map-Requests at the Map-Resolver and
 * registration rounds of the mobile node. */
#ifndef LISPD_TOKEN_BUCKET_H
#define LISPD_TOKEN_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct tb_rate {
	uint32_t tokens;      /* earned each period; 0: none ever (burst only) */
	uint32_t period_ms;
	uint32_t burst;       /* at most this many kept */
};

struct tbucket {
	uint64_t level;       /* tokens x period_ms */
	uint64_t at_ms;       /* when level was last brought up to date */
};

/* Full (burst tokens) as of now_ms. */
void tb_fill(struct tbucket *b, const struct tb_rate *r, uint64_t now_ms);

/* Credits what was earned since the last update, up to the burst (the
 * current one: a bucket saved under a larger one is capped). A clock that
 * went back earns nothing. */
void tb_refill(struct tbucket *b, const struct tb_rate *r, uint64_t now_ms);

/* Whether a whole token is there (after tb_refill); tb_take spends it. */
bool tb_ready(const struct tbucket *b, const struct tb_rate *r);
void tb_take(struct tbucket *b, const struct tb_rate *r);

/* tb_refill, then spends a token if one is there: true when it did. */
bool tb_take_now(struct tbucket *b, const struct tb_rate *r, uint64_t now_ms);

/* Milliseconds from the last update until a whole token is there (0 when
 * one is); UINT64_MAX when none will ever be earned. */
uint64_t tb_wait_ms(const struct tbucket *b, const struct tb_rate *r);

/* After the rate or burst changed: no more than the new burst kept. */
void tb_clamp(struct tbucket *b, const struct tb_rate *r);

#endif
