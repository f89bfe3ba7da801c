/* Telling user space about map-cache misses: at most one event per
 * destination per interval (LRU of last event times) and at most
 * miss_rate events per second overall (token bucket), so a scan of unknown
 * destinations cannot flood the daemon. */
#ifndef LISPD_BPF_MISS_H
#define LISPD_BPF_MISS_H

#include "lib/maps.h"
#include "lib/parse.h"

#define LISPD_NS_PER_MS 1000000ull
#define LISPD_NS_PER_S 1000000000ull
#define LISPD_MISS_RATE_MAX 1000000u   /* keeps the refill product within 64 bits */
#define LISPD_REFILL_CAP_NS (60 * LISPD_NS_PER_S)

/* Takes one token; 0 when the bucket is empty. */
static __always_inline int lispd_miss_take_token(const struct lispd_dp_config *cfg, __u64 now)
{
	__u32 zero = 0;
	struct lispd_token_bucket *tb = bpf_map_lookup_elem(&lispd_miss_tb, &zero);
	__u64 rate = cfg->miss_rate, cap = (__u64)cfg->miss_burst * 1000, elapsed;

	if (!tb || rate == 0)
		return 0;
	if (rate > LISPD_MISS_RATE_MAX)
		rate = LISPD_MISS_RATE_MAX;
	if (cap < 1000)
		cap = 1000;
	elapsed = now - tb->last_ns;
	if (tb->last_ns == 0 || elapsed > LISPD_REFILL_CAP_NS)
		elapsed = LISPD_REFILL_CAP_NS;
	/* tokens_milli grows by rate*1000 per second = rate per ms. */
	tb->tokens_milli += elapsed * rate / LISPD_NS_PER_MS;
	if (tb->tokens_milli > cap)
		tb->tokens_milli = cap;
	tb->last_ns = now;
	if (tb->tokens_milli < 1000)
		return 0;
	tb->tokens_milli -= 1000;
	return 1;
}

static __always_inline void lispd_miss_notify(const struct lispd_dp_config *cfg, __u32 iid,
					      const struct lispd_flow *f, __u8 reason)
{
	struct lispd_eid_key key;
	struct lispd_miss_event *ev;
	__u64 now = bpf_ktime_get_ns();
	__u64 *last;

	__builtin_memset(&key, 0, sizeof(key));
	key.iid = iid;
	key.family = f->family;
	__builtin_memcpy(key.addr, f->dst, sizeof(key.addr));
	last = bpf_map_lookup_elem(&lispd_miss_seen, &key);
	if (last && now - *last < (__u64)cfg->miss_interval_ms * LISPD_NS_PER_MS) {
		lispd_stat_inc(LISPD_STAT_MISS_EVENT_DEDUP);
		return;
	}
	/* A rate-limited destination is not marked seen: its next packet retries. */
	if (!lispd_miss_take_token(cfg, now)) {
		lispd_stat_inc(LISPD_STAT_MISS_EVENT_RATE);
		return;
	}
	bpf_map_update_elem(&lispd_miss_seen, &key, &now, BPF_ANY);
	ev = bpf_ringbuf_reserve(&lispd_miss_rb, sizeof(*ev), 0);
	if (!ev) {
		lispd_stat_inc(LISPD_STAT_MISS_EVENT_RB_FULL);
		return;
	}
	ev->ts_ns = now;
	ev->iid = iid;
	ev->family = f->family;
	ev->reason = reason;
	ev->pad[0] = 0;
	ev->pad[1] = 0;
	__builtin_memcpy(ev->dst, f->dst, sizeof(ev->dst));
	__builtin_memcpy(ev->src, f->src, sizeof(ev->src));
	bpf_ringbuf_submit(ev, 0);
	lispd_stat_inc(LISPD_STAT_MISS_EVENT);
}

#endif
