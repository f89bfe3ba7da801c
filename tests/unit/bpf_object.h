/* A data-plane object loaded for BPF_PROG_TEST_RUN: the mobile node's
 * (lispd_tc: encap, decap, XDP decap), the PxTR's (lispd_pxtr: PETR
 * decap, PITR encap) or the RTR's (lispd_rtr), every map unpinned so
 * nothing is shared with a
 * running lispd; map fillers, counters, miss events, one run of a program.
 * Shared by the BPF program tests, fuzz_bpf and bench_dp. Header-only
 * (static inline): each program links on its own.
 *
 * Nothing is attached anywhere: programs only run through
 * bpf_prog_test_run_opts. The process moves into a private network
 * namespace first (tb_enter_netns), so the MTU it gives to that namespace's
 * loopback never touches the host. */
#ifndef BPF_OBJECT_H
#define BPF_OBJECT_H

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_frame.h"
#include "dp_layout.h"
#include "dp_maps.h"
#include "lispd_pxtr.skel.h"
#include "lispd_rtr.skel.h"
#include "lispd_tc.skel.h"

#define TB_ACT_OK 0
#define TB_ACT_SHOT 2
#define TB_ACT_REDIRECT 7
#define TB_XDP_DROP 1
#define TB_XDP_PASS 2
#define TB_PHYS_MTU 1500
#define TB_LMN_IFINDEX 7   /* only a number to redirect to; never resolved */

/* ---- environment ----------------------------------------------------------- */

/* Sets the MTU bpf_check_mtu reads: the namespace's loopback (ifindex 1)
 * stands in for the physical interface. 0 or -1. */
static inline int tb_set_phys_mtu(int mtu)
{
	struct ifreq ifr;
	int fd, rc;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ifr.ifr_mtu = mtu;
	rc = ioctl(fd, SIOCSIFMTU, &ifr);
	close(fd);
	return rc;
}

/* A private network namespace with the physical MTU set. 0 or -1. */
static inline int tb_enter_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return tb_set_phys_mtu(TB_PHYS_MTU);
}

/* ---- the loaded object ------------------------------------------------------ */

enum tb_object { TB_MN, TB_PXTR, TB_RTR };

/* Map fds of the object; eid_space is -1 but in the PxTR's, nat but in
 * the RTR's. */
struct tb_maps {
	int cfg, mcache, eids, rlocs, stats, miss_rb, eid_space, nat;
};

struct tb {
	struct lispd_tc *tc;       /* TB_MN */
	struct lispd_pxtr *px;     /* TB_PXTR */
	struct lispd_rtr *rtr;     /* TB_RTR */
	struct bpf_object *obj;
	/* Program fds, -1 where the object has no such program. */
	int encap_fd, decap_fd, decap_xdp_fd, petr_fd, pitr_fd, rtr_fd;
	struct tb_maps map;
	bool xdp;                  /* decap tests: run the XDP variant */
	const void *row;           /* table-driven tests: the case this one runs */
	struct lispd_dp_config cfg;
};

static inline void tb_free(struct tb *t)
{
	if (!t)
		return;
	lispd_tc__destroy(t->tc);
	lispd_pxtr__destroy(t->px);
	lispd_rtr__destroy(t->rtr);
	free(t);
}

static inline void tb_find_maps(struct tb *t)
{
	t->map.cfg = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_CONFIG);
	t->map.mcache = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_MCACHE);
	t->map.eids = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_LOCAL_EID);
	t->map.rlocs = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_LOCAL_RLOC);
	t->map.stats = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_STATS);
	t->map.miss_rb = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_MISS_RB);
	t->map.eid_space = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_EID_SPACE);
	t->map.nat = bpf_object__find_map_fd_by_name(t->obj, LISPD_MAP_NAT);
}

/* Opens and loads the object with every map's pinning cleared; a
 * map-cache of mcache_max entries instead of LISPD_MCACHE_MAX when not 0
 * (the benchmark's large map-caches). The config (not pushed yet): the
 * namespace's loopback as physical interface, miss events at 100/s. NULL
 * when the object cannot be loaded (root / CAP_BPF needed). */
static inline struct tb *tb_load(enum tb_object which, uint32_t mcache_max)
{
	struct tb *t = calloc(1, sizeof(*t));
	struct bpf_map *m;

	if (!t)
		return NULL;
	t->encap_fd = t->decap_fd = t->decap_xdp_fd = t->petr_fd = t->pitr_fd = t->rtr_fd = -1;
	if (which == TB_MN) {
		t->tc = lispd_tc__open();
		t->obj = t->tc ? t->tc->obj : NULL;
	} else if (which == TB_PXTR) {
		t->px = lispd_pxtr__open();
		t->obj = t->px ? t->px->obj : NULL;
	} else {
		t->rtr = lispd_rtr__open();
		t->obj = t->rtr ? t->rtr->obj : NULL;
	}
	if (!t->obj)
		goto fail;
	bpf_object__for_each_map(m, t->obj)
		if (bpf_map__set_pin_path(m, NULL))
			goto fail;
	m = bpf_object__find_map_by_name(t->obj, LISPD_MAP_MCACHE);
	if (mcache_max && (!m || bpf_map__set_max_entries(m, mcache_max)))
		goto fail;
	if (t->tc ? lispd_tc__load(t->tc) : t->px ? lispd_pxtr__load(t->px) : lispd_rtr__load(t->rtr))
		goto fail;
	if (t->tc) {
		t->encap_fd = bpf_program__fd(t->tc->progs.lispd_encap);
		t->decap_fd = bpf_program__fd(t->tc->progs.lispd_decap);
		t->decap_xdp_fd = bpf_program__fd(t->tc->progs.lispd_decap_xdp);
		t->cfg.lmn_ifindex = TB_LMN_IFINDEX;
	} else if (t->px) {
		t->petr_fd = bpf_program__fd(t->px->progs.lispd_petr_decap);
		t->pitr_fd = bpf_program__fd(t->px->progs.lispd_pitr_encap);
	} else {
		t->rtr_fd = bpf_program__fd(t->rtr->progs.lispd_rtr);
	}
	tb_find_maps(t);
	t->cfg.phys_ifindex = 1;
	t->cfg.miss_interval_ms = 1000;
	t->cfg.miss_rate = 100;
	t->cfg.miss_burst = 100;
	return t;
fail:
	tb_free(t);
	return NULL;
}

/* The mobile node's object with its default map sizes. */
static inline struct tb *tb_new(void)
{
	return tb_load(TB_MN, 0);
}

/* ---- maps ------------------------------------------------------------------- */

static inline int tb_push_cfg(struct tb *t)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(t->map.cfg, &zero, &t->cfg, BPF_ANY);
}

static inline void tb_set_rloc(struct tb *t, uint8_t family, const char *text)
{
	uint8_t a[16];

	tb_addr(a, family, text);
	if (family == LISPD_AF_INET) {
		memcpy(t->cfg.rloc4, a, 4);
		t->cfg.flags |= LISPD_CFG_RLOC4;
	} else {
		memcpy(t->cfg.rloc6, a, 16);
		t->cfg.flags |= LISPD_CFG_RLOC6;
	}
}

static inline int tb_add_eid(struct tb *t, uint32_t iid, uint8_t family, const char *text)
{
	struct lispd_eid_key k;
	struct lispd_local_eid v = { 0 };
	uint8_t a[16];

	tb_addr(a, family, text);
	if (dp_eid_key(&k, iid, family, a))
		return -1;
	return bpf_map_update_elem(t->map.eids, &k, &v, BPF_ANY);
}

/* A prefix into one of the object's prefix tries (map-cache, EID space). */
static inline int tb_add_prefix(int fd, uint32_t iid, uint8_t family, const char *prefix,
				unsigned plen, const void *v)
{
	struct lispd_mc_key k;
	uint8_t a[16];

	tb_addr(a, family, prefix);
	if (dp_mc_key(&k, iid, family, a, plen))
		return -1;
	return bpf_map_update_elem(fd, &k, v, BPF_ANY);
}

static inline int tb_add_mc(struct tb *t, uint32_t iid, uint8_t family, const char *prefix,
			    unsigned plen, const struct lispd_mc_value *v)
{
	return tb_add_prefix(t->map.mcache, iid, family, prefix, plen, v);
}

/* A prefix of the EID space a PxTR serves. */
static inline int tb_add_space(struct tb *t, uint32_t iid, uint8_t family, const char *prefix,
			       unsigned plen)
{
	struct lispd_eid_space_val v = { 0 };

	return tb_add_prefix(t->map.eid_space, iid, family, prefix, plen, &v);
}

/* An address of ours on interface ifindex (lispd_rlocs), added or
 * removed. */
static inline int tb_local_rloc_on(struct tb *t, uint8_t family, const char *text, bool add,
				   uint32_t ifindex)
{
	struct lispd_rloc_key k = { .family = family };
	struct lispd_local_rloc v = { .ifindex = ifindex };

	tb_addr(k.addr, family, text);
	if (add)
		return bpf_map_update_elem(t->map.rlocs, &k, &v, BPF_ANY);
	return bpf_map_delete_elem(t->map.rlocs, &k);
}

/* An address of another RLOC interface (lispd_rlocs), added or removed. */
static inline int tb_local_rloc(struct tb *t, uint8_t family, const char *text, bool add)
{
	return tb_local_rloc_on(t, family, text, add, 3);
}

/* A handle of the object's maps, for the lib's functions (dp_*.h). */
static inline void tb_handle(const struct tb *t, struct dp_handle *h)
{
	dp_handle_init(h);
	h->config_fd = t->map.cfg;
	h->mcache_fd = t->map.mcache;
	h->eids_fd = t->map.eids;
	h->local_rlocs_fd = t->map.rlocs;
	h->stats_fd = t->map.stats;
	h->miss_rb_fd = t->map.miss_rb;
	h->eid_space_fd = t->map.eid_space;
	h->nat_fd = t->map.nat;
}

/* One more locator, given as text, in ls; the slot table rebuilt. */
static inline void tb_loc(struct lispd_locset *ls, uint8_t family, const char *addr,
			  uint8_t prio, uint8_t weight, bool up)
{
	uint8_t a[16];

	tb_addr(a, family, addr);
	if (dp_locset_add(ls, family, a, prio, weight, up)) {
		fprintf(stderr, "locset full\n");
		abort();
	}
	dp_locset_build(ls);
}

/* ---- what the programs report -------------------------------------------- */

/* Miss events the programs put in the ring buffer (the first 16 kept). */
struct tb_events {
	int n;
	int bad_len;
	struct lispd_miss_event ev[16];
};

static inline int tb_on_event(void *ctx, void *data, size_t len)
{
	struct tb_events *e = ctx;

	if (len != sizeof(struct lispd_miss_event)) {
		e->bad_len++;
		return 0;
	}
	if (e->n < 16)
		memcpy(&e->ev[e->n], data, sizeof(e->ev[0]));
	e->n++;
	return 0;
}

/* Takes every event waiting; 0, or -1 when the buffer could not be read or
 * held an event of the wrong size. */
static inline int tb_drain_misses(struct tb *t, struct tb_events *e)
{
	struct ring_buffer *rb;
	int rc;

	memset(e, 0, sizeof(*e));
	rb = ring_buffer__new(t->map.miss_rb, tb_on_event, e, NULL);
	if (!rb)
		return -1;
	rc = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return rc < 0 || e->bad_len ? -1 : 0;
}

/* Sum over CPUs of one counter. */
static inline uint64_t tb_stat(struct tb *t, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[256], sum = 0;

	if (ncpu <= 0 || ncpu > 256)
		abort();
	if (bpf_map_lookup_elem(t->map.stats, &idx, vals))
		abort();
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

/* Runs prog once on in[0..len); copies the resulting frame to out. Returns
 * the program's return value; aborts the test when the run itself fails. */
static inline uint32_t tb_run(int prog_fd, const uint8_t *in, size_t len, uint8_t *out,
			      size_t *out_len)
{
	static uint8_t scratch[TB_PKT_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)len,
		    .data_out = out ? out : scratch, .data_size_out = TB_PKT_MAX, .repeat = 1);

	if (bpf_prog_test_run_opts(prog_fd, &o)) {
		fprintf(stderr, "test run failed: %s\n", strerror(errno));
		abort();
	}
	if (out_len)
		*out_len = o.data_size_out;
	return o.retval;
}

#endif
