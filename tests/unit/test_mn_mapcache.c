/* Mobile node map-cache mirrored into a real BPF LPM map (needs CAP_BPF;
 * skipped without it): static entries, installed replies, negative entries,
 * expiry, reload, LRU eviction when full (a small table and the default
 * bound), the answer of a deferred SMR, the listing's order; and miss
 * events from the data plane's ring format. */

#include "config.h"
#include "dp_layout.h"
#include "dp_miss.h"
#include "test_mn_util.h"

#include <bpf/bpf.h>
#include <unistd.h>

#define STATIC_CFG                                     \
	"static-map-cache {\n"                         \
	"    eid-prefix = 198.19.9.0/24\n"             \
	"    rloc-address {\n"                         \
	"        address = 203.0.113.20\n"             \
	"        priority = 1\n"                       \
	"        weight = 60\n"                        \
	"    }\n"                                      \
	"    rloc-address {\n"                         \
	"        address = 2001:db8:0:3::20\n"         \
	"        priority = 1\n"                       \
	"        weight = 40\n"                        \
	"    }\n"                                      \
	"}\n"

static int new_map(void)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "mn_test_mc", sizeof(struct lispd_mc_key),
				sizeof(struct lispd_mc_value), 1024, &o);

	if (fd < 0)
		skip();
	return fd;
}

/* The BPF entry of exactly prefix (an LPM lookup would also answer with a
 * covering prefix, so the keys are walked). */
static bool dp_get(int fd, const char *prefix, struct lispd_mc_value *v)
{
	struct lisp_prefix p = tu_prefix(prefix);
	struct lispd_mc_key want, k, next;
	void *prev = NULL;

	assert_int_equal(dp_mc_key_of(&want, p.addr.has_iid ? p.addr.iid : 0, &p), 0);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (memcmp(&k, &want, sizeof(k)) == 0)
			return bpf_map_lookup_elem(fd, &k, v) == 0;
	}
	return false;
}

static unsigned dp_count(int fd)
{
	struct lispd_mc_key k, next;
	unsigned n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

static void test_static_entries(void **state)
{
	int fd = new_map();
	struct fx *f = fx_new_fd(MN_CFG_BASE STATIC_CFG, NULL, fd);
	struct lispd_mc_value v;
	struct lisp_ip want4 = fx_ip("203.0.113.20");

	(void)state;
	mn_start(f->mn);
	assert_int_equal(dp_count(fd), 1);
	assert_true(dp_get(fd, "198.19.9.0/24", &v));
	assert_int_equal(v.action, LISPD_ACT_ENCAP);
	assert_int_equal(v.ls.n_locators, 2);
	assert_int_equal(v.ls.loc[0].family, LISPD_AF_INET);
	assert_memory_equal(v.ls.loc[0].addr, want4.bytes, 4);
	assert_int_equal(v.ls.loc[0].weight, 60);
	assert_true(v.ls.loc[0].flags & LISPD_LOC_UP);
	assert_int_equal(v.ls.loc[1].family, LISPD_AF_INET6);
	assert_int_equal(v.ls.n_slots, LISPD_SLOTS);  /* usable: weights spread over slots */
	fx_free(f);
	close(fd);
}

static void test_reply_negative_and_expiry(void **state)
{
	int fd = new_map();
	struct fx *f = fx_new_fd(MN_CFG_BASE "map-request-retries = 0\n", NULL, fd);
	static const char *const locs[] = { "203.0.113.50", "203.0.113.51" };
	static const uint8_t prio[] = { 1, 1 };
	static const bool up[] = { true, false };
	struct lispd_mc_value v;
	struct lisp_prefix p;
	struct lisp_ip ip = fx_ip("198.19.7.7"), ip2 = fx_ip("2001:db8:e1d:77::1");

	(void)state;
	itr_prefix_host(&p, 0, &ip);
	itr_resolve(&f->mn->itr, &p, NULL, ITR_REQ_MISS);
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.7.0/24", 1, 0, 2, locs, prio, up);
	assert_true(dp_get(fd, "198.19.7.0/24", &v));
	assert_int_equal(v.action, LISPD_ACT_ENCAP);
	assert_int_equal(v.ls.n_locators, 2);
	assert_false(v.ls.loc[1].flags & LISPD_LOC_UP);
	/* Only the reachable locator gets slots. */
	for (unsigned i = 0; i < v.ls.n_slots; i++)
		assert_int_equal(v.ls.slot[i], 0);

	itr_prefix_host(&p, 0, &ip2);
	itr_resolve(&f->mn->itr, &p, NULL, ITR_REQ_MISS);
	fx_send_reply(f, fx_ecm_request(f, 1)->nonce, "2001:db8:e1d:77::/64", 1, LISP_ACT_DROP,
		      0, NULL, NULL, NULL);
	assert_true(dp_get(fd, "2001:db8:e1d:77::/64", &v));
	assert_int_equal(v.action, LISPD_ACT_DROP);
	assert_int_equal(v.ls.n_locators, 0);
	assert_int_equal(dp_count(fd), 2);

	/* TTL 1 = 100 ms here: both leave the data plane on time. */
	fx_run(f, 150);
	assert_int_equal(dp_count(fd), 0);
	assert_int_equal(f->mn->itr.ctr.mc_expired, 2);
	assert_int_equal(f->mn->itr.ctr.dp_errors, 0);
	fx_free(f);
	close(fd);
}

static void test_reload_statics(void **state)
{
	int fd = new_map();
	struct fx *f = fx_new_fd(MN_CFG_BASE STATIC_CFG, NULL, fd);
	static const char *const locs[] = { "203.0.113.50" };
	static const uint8_t prio[] = { 1 };
	static const bool up[] = { true };
	struct lispd_config next;
	struct lispd_mc_value v;
	struct lisp_prefix p;
	struct lisp_ip ip = fx_ip("198.19.7.7");
	char err[512];

	(void)state;
	mn_start(f->mn);
	itr_prefix_host(&p, 0, &ip);
	itr_resolve(&f->mn->itr, &p, NULL, ITR_REQ_MISS);
	fx_send_reply(f, fx_ecm_request(f, 1)->nonce, "198.19.7.0/24", 10, 0, 1, locs, prio, up);
	assert_int_equal(dp_count(fd), 2);

	/* The static entry is gone from the new file, another one arrives. */
	assert_int_equal(lispd_config_load_string(MN_CFG_BASE
						  "static-map-cache {\n"
						  " eid-prefix = 198.19.10.0/24\n"
						  " rloc-address {\n  address = 203.0.113.21\n }\n"
						  "}\n",
						  "next.conf", &next, err, sizeof(err)), 0);
	f->n = 0;
	assert_int_equal(mn_reload(f->mn, &next), 0);
	lispd_config_free(&next);
	assert_false(dp_get(fd, "198.19.9.0/24", &v));
	assert_true(dp_get(fd, "198.19.10.0/24", &v));
	assert_true(dp_get(fd, "198.19.7.0/24", &v));  /* dynamic entries stay */
	assert_int_equal(dp_count(fd), 2);
	/* And the node re-registers with the new configuration. */
	assert_int_equal(f->n, 1);
	assert_int_equal(fx_register(f, 0)->type, LISP_MAP_REGISTER);
	fx_free(f);
	close(fd);
}

/* One record of the data plane's ring buffer, as miss_rb hands it on. */
static void miss_record(struct fx *f, const struct lispd_miss_event *ev)
{
	struct dp_miss m;

	assert_int_equal(dp_miss_decode(ev, sizeof(*ev), &m), 0);
	mn_on_miss(f->mn, &m);
}

static void test_miss_event(void **state)
{
	struct fx *f = fx_new(MN_CFG_BASE);
	struct lispd_miss_event ev;
	struct dp_miss m;
	struct lisp_ip dst = fx_ip("198.19.7.7"), src = fx_ip(MN_EID4);
	const struct lisp_map_request *q;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.family = LISPD_AF_INET;
	ev.reason = LISPD_MISS_NO_ENTRY;
	memcpy(ev.dst, dst.bytes, 4);
	memcpy(ev.src, src.bytes, 4);
	miss_record(f, &ev);
	assert_int_equal(f->n, 1);
	q = fx_ecm_request(f, 0);
	assert_ip(&q->eid[0].addr.ip, "198.19.7.7");
	assert_int_equal(q->eid[0].plen, 32);
	assert_ip(&f->ecm.inner_src, MN_EID4);
	/* A duplicate event for the same destination: suppressed. */
	miss_record(f, &ev);
	assert_int_equal(f->n, 1);
	ev.family = 7;
	miss_record(f, &ev);
	assert_int_equal(f->mn->ctr.miss_events, 3);
	assert_int_equal(f->mn->ctr.miss_bad, 1);
	/* A record of another size is no miss event (miss_rb counts it). */
	assert_int_equal(dp_miss_decode(&ev, sizeof(ev) - 1, &m), -1);
	fx_free(f);
}

/* A dynamic record for prefix with one locator, straight into the table. */
static int put_dynamic(struct fx *f, const char *prefix)
{
	static struct lisp_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.ttl = 10;
	rec.eid = tu_prefix(prefix);
	rec.n_loc = 1;
	rec.loc[0].addr.kind = LISP_ADDR_IP;
	rec.loc[0].addr.ip = fx_ip("203.0.113.50");
	rec.loc[0].priority = 1;
	rec.loc[0].weight = 100;
	rec.loc[0].reachable = true;
	return itr_mc_put_record(&f->mn->itr, &rec, false);
}

/* A full map-cache makes room by evicting the least recently used dynamic
 * entry, from the data plane too (counted); static entries stay; a table
 * of static entries only refuses the new one (counted). */
static void test_full_table_evicts_lru(void **state)
{
	int fd = new_map();
	struct fx *f = fx_new_fd(MN_CFG_BASE STATIC_CFG, NULL, fd);
	struct itr *itr = &f->mn->itr;
	struct lispd_mc_value v;
	struct lisp_prefix gone;

	(void)state;
	mn_start(f->mn);
	itr->mc_max = 4;   /* the static entry + 3 dynamic ones */
	assert_int_equal(put_dynamic(f, "198.18.1.0/24"), 0);
	fx_run(f, 5);
	assert_int_equal(put_dynamic(f, "198.18.2.0/24"), 0);
	fx_run(f, 5);
	assert_int_equal(put_dynamic(f, "198.18.3.0/24"), 0);
	fx_run(f, 5);
	/* A new reply for 198.18.1.0/24 makes it the most recently used. */
	assert_int_equal(put_dynamic(f, "198.18.1.0/24"), 0);
	fx_run(f, 5);
	assert_int_equal(itr->ctr.mc_evicted, 0);
	assert_int_equal(dp_count(fd), 4);

	assert_int_equal(put_dynamic(f, "198.18.4.0/24"), 0);
	assert_int_equal(itr->ctr.mc_evicted, 1);
	assert_int_equal(itr->mc_n, 4);
	gone = tu_prefix("198.18.2.0/24");
	assert_null(itr_mc_find(itr, &gone));
	assert_false(dp_get(fd, "198.18.2.0/24", &v));
	assert_true(dp_get(fd, "198.18.1.0/24", &v));
	assert_true(dp_get(fd, "198.18.4.0/24", &v));
	assert_true(dp_get(fd, "198.19.9.0/24", &v));
	assert_int_equal(dp_count(fd), 4);

	/* Many more: the table and the BPF map stay at the bound, the static
	 * entry survives every eviction. */
	for (unsigned i = 0; i < 200; i++) {
		char pfx[32];

		snprintf(pfx, sizeof(pfx), "198.18.%u.%u/32", 10 + i / 250, i % 250);
		assert_int_equal(put_dynamic(f, pfx), 0);
	}
	assert_int_equal(itr->ctr.mc_evicted, 201);
	assert_int_equal(itr->mc_n, 4);
	assert_int_equal(dp_count(fd), 4);
	assert_true(dp_get(fd, "198.19.9.0/24", &v));
	/* Put within the same millisecond: the oldest went first. */
	assert_true(dp_get(fd, "198.18.10.197/32", &v));
	assert_true(dp_get(fd, "198.18.10.198/32", &v));
	assert_true(dp_get(fd, "198.18.10.199/32", &v));
	assert_int_equal(itr->ctr.mc_full, 0);

	/* Only static entries left room for nothing: refused, counted. */
	itr->mc_max = 1;
	assert_int_equal(put_dynamic(f, "198.18.5.0/24"), -1);
	assert_int_equal(itr->ctr.mc_full, 1);
	assert_int_equal(itr->mc_n, 1);
	assert_int_equal(dp_count(fd), 1);
	assert_int_equal(itr->ctr.dp_errors, 0);
	fx_free(f);
	close(fd);
}

/* Whether the BPF map-cache holds host (an IPv4 /32 entry, or a covering
 * one: none covers 198.18.0.0/16 here). An LPM lookup, not a key walk: the
 * table below is large. */
static bool dp_has_host(int fd, const char *host)
{
	struct lisp_prefix p = tu_prefix(host);
	struct lispd_mc_key k;
	struct lispd_mc_value v;

	assert_int_equal(dp_mc_key_of(&k, 0, &p), 0);
	return bpf_map_lookup_elem(fd, &k, &v) == 0;
}

static void host_n(char *buf, size_t cap, unsigned i)
{
	snprintf(buf, cap, "198.18.%u.%u/32", i / 256, i % 256);
}

/* At the default bound (ITR_MC_MAX entries, the static one among them) a
 * new entry evicts the dynamic entry least recently installed, refreshed or
 * SMRed, from the data plane too; the static entry stays. */
static void test_full_table_at_default_bound(void **state)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "mn_test_mc_big",
				sizeof(struct lispd_mc_key), sizeof(struct lispd_mc_value),
				ITR_MC_MAX + 16, &o);
	struct fx *f;
	struct itr *itr;
	struct lisp_prefix p;
	char pfx[32];

	(void)state;
	if (fd < 0)
		skip();
	f = fx_new_fd(MN_CFG_BASE STATIC_CFG, NULL, fd);
	itr = &f->mn->itr;
	mn_start(f->mn);
	assert_int_equal(itr->mc_max, ITR_MC_MAX);
	for (unsigned i = 0; i + 1 < ITR_MC_MAX; i++) {
		host_n(pfx, sizeof(pfx), i);
		assert_int_equal(put_dynamic(f, pfx), 0);
	}
	assert_int_equal(itr->mc_n, ITR_MC_MAX);
	assert_int_equal(itr->ctr.mc_evicted, 0);

	/* Entry 0 refreshed by a reply, entry 1 SMRed by its peer: 2 is now
	 * the least recently used, then 3. */
	assert_int_equal(put_dynamic(f, "198.18.0.0/32"), 0);
	fx_rx_smr(f, "203.0.113.50", "198.18.0.1");
	assert_int_equal(itr->ctr.smr_invoked_sent, 1);
	host_n(pfx, sizeof(pfx), ITR_MC_MAX);
	assert_int_equal(put_dynamic(f, pfx), 0);
	host_n(pfx, sizeof(pfx), ITR_MC_MAX + 1);
	assert_int_equal(put_dynamic(f, pfx), 0);
	assert_int_equal(itr->ctr.mc_evicted, 2);
	assert_int_equal(itr->mc_n, ITR_MC_MAX);
	for (unsigned i = 0; i < 5; i++) {
		host_n(pfx, sizeof(pfx), i);
		p = tu_prefix(pfx);
		assert_int_equal(itr_mc_find(itr, &p) != NULL, i != 2 && i != 3);
		assert_int_equal(dp_has_host(fd, pfx), i != 2 && i != 3);
	}
	assert_true(dp_has_host(fd, "198.19.9.1/32"));
	p = tu_prefix("198.19.9.0/24");
	assert_int_equal(itr_mc_find(itr, &p)->origin, ITR_MC_STATIC);

	/* Entries 4 to the last put first replaced; then the refreshed one,
	 * then the SMRed one; the static one never. */
	for (unsigned i = 0; i + 5 < ITR_MC_MAX; i++) {
		host_n(pfx, sizeof(pfx), ITR_MC_MAX + 2 + i);
		assert_int_equal(put_dynamic(f, pfx), 0);
	}
	assert_int_equal(itr->ctr.mc_evicted, ITR_MC_MAX - 3);
	host_n(pfx, sizeof(pfx), ITR_MC_MAX - 2);
	assert_false(dp_has_host(fd, pfx));
	assert_true(dp_has_host(fd, "198.18.0.0/32"));
	assert_true(dp_has_host(fd, "198.18.0.1/32"));
	assert_int_equal(put_dynamic(f, "198.18.200.0/32"), 0);
	assert_false(dp_has_host(fd, "198.18.0.0/32"));
	assert_true(dp_has_host(fd, "198.18.0.1/32"));
	assert_true(dp_has_host(fd, "198.19.9.1/32"));
	assert_int_equal(itr->mc_n, ITR_MC_MAX);
	assert_int_equal(itr->ctr.mc_full, 0);
	assert_int_equal(itr->ctr.dp_errors, 0);
	fx_free(f);
	close(fd);
}

/* `lispd -q map-cache` lists the entries in prefix order (instance-id,
 * family, address, length), static and dynamic alike, whatever the order
 * they came in. */
static void test_json_in_prefix_order(void **state)
{
	static const char *const order[] = {
		"198.18.1.0/24", "198.19.9.0/24", "198.19.9.128/25", "198.19.10.0/24",
		"2001:db8:e1d:77::/64", "[7]198.18.0.0/16",
	};
	struct fx *f = fx_new(MN_CFG_BASE STATIC_CFG);
	const char *at, *prev = NULL;
	struct tu_json t;
	char *text, want[64];

	(void)state;
	mn_start(f->mn);
	assert_int_equal(put_dynamic(f, "2001:db8:e1d:77::/64"), 0);
	assert_int_equal(put_dynamic(f, "[7]198.18.0.0/16"), 0);
	assert_int_equal(put_dynamic(f, "198.19.10.0/24"), 0);
	assert_int_equal(put_dynamic(f, "198.19.9.128/25"), 0);
	assert_int_equal(put_dynamic(f, "198.18.1.0/24"), 0);
	itr_json_map_cache(f->mn, tu_json_open(&t));
	text = tu_json_text(&t);
	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		snprintf(want, sizeof(want), "{\"eid\":\"%s\"", order[i]);
		at = strstr(text, want);
		assert_non_null(at);
		assert_true(!prev || at > prev);
		prev = at;
	}
	free(text);
	fx_free(f);
}

/* True when v's slot table sends flows to every one of its locators. */
static bool every_locator_slotted(const struct lispd_mc_value *v)
{
	bool seen[LISPD_MAX_LOCATORS] = { false };

	for (unsigned i = 0; i < v->ls.n_slots; i++)
		if (v->ls.slot[i] < LISPD_MAX_LOCATORS)
			seen[v->ls.slot[i]] = true;
	for (unsigned i = 0; i < v->ls.n_locators; i++)
		if (!seen[i])
			return false;
	return v->ls.n_locators > 0;
}

/* A peer changes its IPv4, then its IPv6 locator, and SMRs after each: the
 * first SMR's answer has the new IPv4 locator only, the second SMR comes
 * inside the interval and its trailing request's answer must reach the
 * data plane whole (both locators, both carrying flows). */
static void test_deferred_smr_answer_in_data_plane(void **state)
{
	int fd = new_map();
	struct fx *f = fx_new_fd(MN_CFG_BASE, NULL, fd);
	static const char *const old[] = { "203.0.113.50" };
	static const char *const half[] = { "203.0.113.60" };
	static const char *const full[] = { "203.0.113.60", "2001:db8:0:6::60" };
	static const uint8_t prio[] = { 1, 1 };
	static const bool up[] = { true, true };
	struct lisp_ip ip = fx_ip("198.19.7.7"), want6 = fx_ip(full[1]);
	struct lispd_mc_value v;
	struct lisp_prefix p;

	(void)state;
	itr_prefix_host(&p, 0, &ip);
	itr_resolve(&f->mn->itr, &p, NULL, ITR_REQ_MISS);
	fx_send_reply(f, fx_ecm_request(f, 0)->nonce, "198.19.7.0/24", 10, 0, 1, old, prio, up);
	fx_run(f, 60);   /* past the per-prefix request interval */
	fx_rx_smr(f, "203.0.113.50", "198.19.7.7");
	assert_int_equal(f->n, 2);
	fx_send_reply(f, fx_ecm_request(f, 1)->nonce, "198.19.7.0/24", 10, 0, 1, half, prio, up);
	assert_true(dp_get(fd, "198.19.7.0/24", &v));
	assert_int_equal(v.ls.n_locators, 1);
	fx_rx_smr(f, "203.0.113.60", "198.19.7.7");
	assert_int_equal(f->n, 2);
	fx_run_until(f, 3, 500);
	assert_true(fx_ecm_request(f, 2)->smr_invoked);
	fx_send_reply(f, f->req.nonce, "198.19.7.0/24", 10, 0, 2, full, prio, up);
	assert_true(dp_get(fd, "198.19.7.0/24", &v));
	assert_int_equal(v.action, LISPD_ACT_ENCAP);
	assert_int_equal(v.ls.n_locators, 2);
	assert_int_equal(v.ls.loc[1].family, LISPD_AF_INET6);
	assert_memory_equal(v.ls.loc[1].addr, want6.bytes, 16);
	assert_true(v.ls.loc[0].flags & LISPD_LOC_UP);
	assert_true(v.ls.loc[1].flags & LISPD_LOC_UP);
	assert_true(every_locator_slotted(&v));
	assert_int_equal(dp_count(fd), 1);
	assert_int_equal(f->mn->itr.ctr.dp_errors, 0);
	fx_free(f);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_entries),
		cmocka_unit_test(test_reply_negative_and_expiry),
		cmocka_unit_test(test_reload_statics),
		cmocka_unit_test(test_miss_event),
		cmocka_unit_test(test_full_table_evicts_lru),
		cmocka_unit_test(test_full_table_at_default_bound),
		cmocka_unit_test(test_json_in_prefix_order),
		cmocka_unit_test(test_deferred_smr_answer_in_data_plane),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
