#include "token_bucket.h"

static uint64_t cap_of(const struct tb_rate *r)
{
	return (uint64_t)r->burst * r->period_ms;
}

void tb_clamp(struct tbucket *b, const struct tb_rate *r)
{
	if (b->level > cap_of(r))
		b->level = cap_of(r);
}

void tb_fill(struct tbucket *b, const struct tb_rate *r, uint64_t now_ms)
{
	b->level = cap_of(r);
	b->at_ms = now_ms;
}

void tb_refill(struct tbucket *b, const struct tb_rate *r, uint64_t now_ms)
{
	uint64_t cap = cap_of(r), elapsed = now_ms > b->at_ms ? now_ms - b->at_ms : 0;

	if (now_ms > b->at_ms)
		b->at_ms = now_ms;
	/* Over the cap only when the rate changed since: the new one holds. */
	if (b->level >= cap || r->tokens == 0) {
		tb_clamp(b, r);
		return;
	}
	/* elapsed x tokens could overflow after a long sleep: compare first. */
	if (elapsed >= (cap - b->level) / r->tokens + 1)
		b->level = cap;
	else
		b->level += elapsed * r->tokens;
	tb_clamp(b, r);
}

bool tb_ready(const struct tbucket *b, const struct tb_rate *r)
{
	return b->level >= r->period_ms && r->burst > 0;
}

void tb_take(struct tbucket *b, const struct tb_rate *r)
{
	b->level = b->level >= r->period_ms ? b->level - r->period_ms : 0;
}

bool tb_take_now(struct tbucket *b, const struct tb_rate *r, uint64_t now_ms)
{
	tb_refill(b, r, now_ms);
	if (!tb_ready(b, r))
		return false;
	tb_take(b, r);
	return true;
}

uint64_t tb_wait_ms(const struct tbucket *b, const struct tb_rate *r)
{
	uint64_t missing;

	if (tb_ready(b, r))
		return 0;
	if (r->tokens == 0 || r->burst == 0)
		return UINT64_MAX;
	missing = r->period_ms - b->level;
	return (missing + r->tokens - 1) / r->tokens;
}
