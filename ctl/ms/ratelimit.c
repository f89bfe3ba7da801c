/* Per-source and global token buckets of the Map-Resolver (ratelimit.h).
 * The table is a fixed array with hash chains and a recency list: finding,
 * refreshing and replacing a source are O(1), and a flood of spoofed
 * sources only ever recycles the oldest entries. */
#include "ms/ratelimit.h"

#include <stdlib.h>
#include <string.h>

#define MS_RL_NONE UINT32_MAX

static uint32_t hash_ip(const struct lisp_ip *ip, unsigned cap)
{
	unsigned len = lisp_afi_bits(ip->afi) / 8;
	uint32_t h = 2166136261u ^ ip->afi;   /* FNV-1a */

	for (unsigned i = 0; i < len && i < sizeof(ip->bytes); i++)
		h = (h ^ ip->bytes[i]) * 16777619u;
	return h % cap;
}

static void set_rates(struct ms_rl *rl, uint32_t rate, uint32_t burst, uint32_t rate_total)
{
	rl->per_source = (struct tb_rate){ .tokens = rate, .period_ms = 1000, .burst = burst };
	rl->all = (struct tb_rate){ .tokens = rate_total, .period_ms = 1000, .burst = rate_total };
}

int ms_rl_init(struct ms_rl *rl, unsigned cap, uint32_t rate, uint32_t burst,
	       uint32_t rate_total, uint64_t now_ms)
{
	memset(rl, 0, sizeof(*rl));
	rl->e = calloc(cap, sizeof(*rl->e));
	rl->heads = malloc(cap * sizeof(*rl->heads));
	if (!rl->e || !rl->heads || cap < MS_RL_MAX_KEYS) {
		ms_rl_free(rl);
		return -1;
	}
	for (unsigned i = 0; i < cap; i++)
		rl->heads[i] = MS_RL_NONE;
	rl->cap = cap;
	rl->newest = rl->oldest = MS_RL_NONE;
	set_rates(rl, rate, burst, rate_total);
	tb_fill(&rl->total, &rl->all, now_ms);
	return 0;
}

void ms_rl_set(struct ms_rl *rl, uint32_t rate, uint32_t burst, uint32_t rate_total)
{
	set_rates(rl, rate, burst, rate_total);
	tb_clamp(&rl->total, &rl->all);
	for (unsigned i = 0; i < rl->n; i++)
		tb_clamp(&rl->e[i].b, &rl->per_source);
}

static uint32_t find(const struct ms_rl *rl, const struct lisp_ip *ip)
{
	for (uint32_t i = rl->heads[hash_ip(ip, rl->cap)]; i != MS_RL_NONE; i = rl->e[i].hnext)
		if (lisp_ip_equal(&rl->e[i].key, ip))
			return i;
	return MS_RL_NONE;
}

bool ms_rl_knows(const struct ms_rl *rl, const struct lisp_ip *src)
{
	return find(rl, src) != MS_RL_NONE;
}

static void list_unlink(struct ms_rl *rl, uint32_t i)
{
	struct ms_rl_entry *x = &rl->e[i];

	if (x->newer != MS_RL_NONE)
		rl->e[x->newer].older = x->older;
	else
		rl->newest = x->older;
	if (x->older != MS_RL_NONE)
		rl->e[x->older].newer = x->newer;
	else
		rl->oldest = x->newer;
}

static void list_push_newest(struct ms_rl *rl, uint32_t i)
{
	rl->e[i].newer = MS_RL_NONE;
	rl->e[i].older = rl->newest;
	if (rl->newest != MS_RL_NONE)
		rl->e[rl->newest].newer = i;
	rl->newest = i;
	if (rl->oldest == MS_RL_NONE)
		rl->oldest = i;
}

static void chain_unlink(struct ms_rl *rl, uint32_t i)
{
	uint32_t *p = &rl->heads[hash_ip(&rl->e[i].key, rl->cap)];

	while (*p != i)
		p = &rl->e[*p].hnext;
	*p = rl->e[i].hnext;
}

/* The entry of ip, made (a full bucket) in a free slot or in place of the
 * least recently seen source. */
static uint32_t get(struct ms_rl *rl, const struct lisp_ip *ip, uint64_t now)
{
	uint32_t i = find(rl, ip), h;

	if (i != MS_RL_NONE)
		return i;
	if (rl->n < rl->cap) {
		i = rl->n++;
	} else {
		i = rl->oldest;
		list_unlink(rl, i);
		chain_unlink(rl, i);
		rl->evicted++;
	}
	h = hash_ip(ip, rl->cap);
	rl->e[i].key = *ip;
	tb_fill(&rl->e[i].b, &rl->per_source, now);
	rl->e[i].hnext = rl->heads[h];
	rl->heads[h] = i;
	list_push_newest(rl, i);
	return i;
}

enum ms_rl_verdict ms_rl_take(struct ms_rl *rl, const struct lisp_ip *const *src, unsigned n,
			      uint64_t now_ms)
{
	uint32_t idx[MS_RL_MAX_KEYS];
	unsigned k = 0;

	tb_refill(&rl->total, &rl->all, now_ms);
	for (unsigned j = 0; j < n && k < MS_RL_MAX_KEYS; j++) {
		uint32_t i;
		bool dup = false;

		if (!src[j])
			continue;
		i = get(rl, src[j], now_ms);
		/* Seen now: the most recent, whatever the verdict. */
		list_unlink(rl, i);
		list_push_newest(rl, i);
		for (unsigned m = 0; m < k; m++)
			dup |= idx[m] == i;
		if (dup)
			continue;
		tb_refill(&rl->e[i].b, &rl->per_source, now_ms);
		idx[k++] = i;
	}
	for (unsigned m = 0; m < k; m++)
		if (!tb_ready(&rl->e[idx[m]].b, &rl->per_source))
			return MS_RL_SOURCE;
	if (!tb_ready(&rl->total, &rl->all))
		return MS_RL_TOTAL;
	for (unsigned m = 0; m < k; m++)
		tb_take(&rl->e[idx[m]].b, &rl->per_source);
	tb_take(&rl->total, &rl->all);
	return MS_RL_PASS;
}

void ms_rl_free(struct ms_rl *rl)
{
	free(rl->e);
	free(rl->heads);
	rl->e = NULL;
	rl->heads = NULL;
	rl->n = rl->cap = 0;
}
