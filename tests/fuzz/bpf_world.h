/* The fixed world fuzz_bpf runs the data-plane programs in: one mobile
 * node object (lispd_tc) and one PxTR object (lispd_pxtr), both loaded
 * unpinned, with the same config, map-cache and EIDs, so that every verdict
 * of every program is reachable from a frame alone. Header-only, included
 * by fuzz_bpf.c only (split for size).
 *
 * The map-cache holds one encap prefix, one prefix per action (negative entries, an entry
 * without locators, one pointing back at our own RLOCs), under instance 0
 * and under BW_IID, so the input's config byte can switch instance-ids on
 * and still hit everything. */
#ifndef FUZZ_BPF_WORLD_H
#define FUZZ_BPF_WORLD_H

#include "../unit/test_bpf_util.h"
#include "lispd_pxtr.skel.h"

#define BW_IID 5
#define BW_RLOC4 "192.0.2.1"
#define BW_RLOC6 "2001:db8::1"
#define BW_RLOC4_2 "192.0.2.99"         /* lispd_rlocs: a second interface */
#define BW_RLOC6_2 "2001:db8::99"
#define BW_EID4 "198.18.0.1"            /* local EID of the MN */
#define BW_EID6 "2001:db8:e1d::1"
#define BW_PEER4 "198.18.0.2"           /* covered by the encap entries */
#define BW_PEER6 "2001:db8:e1d::2"
#define BW_MISS4 "198.19.0.1"           /* EID space, not in the map-cache */
#define BW_MISS6 "2001:db8:e1d:100::1"
#define BW_LOC4 "203.0.113.11"          /* the peer's locators */
#define BW_LOC6 "2001:db8:0:2::11"
#define BW_PETR4 "192.0.2.200"
#define BW_PETR6 "2001:db8::200"
#define BW_HOST4 "203.0.113.50"         /* neither EID nor RLOC */
#define BW_HOST6 "2001:db8:0:77::50"
#define BW_MN_RLOC4 "198.51.100.10"     /* the outer source of arriving LISP */
#define BW_MN_RLOC6 "2001:db8:0:1::10"
#define BW_LMN_MAC { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }

/* Config byte of each input (selects one of these variants). */
#define BW_V_IID 0x01        /* instance-ids on, BW_IID */
#define BW_V_MISS_PETR 0x02  /* miss policy PETR */
#define BW_V_NO_RLOC4 0x04
#define BW_V_NO_RLOC6 0x08
#define BW_V_LMN_MAC 0x10

/* The fds of one loaded object's maps; eid_space only in the PxTR one. */
struct bw_maps {
	int cfg, mcache, eids, rlocs, stats, miss_rb, eid_space;
};

struct bw {
	struct lispd_tc *tc;
	struct lispd_pxtr *px;
	int prog_fd[5];
	struct bw_maps m[2];  /* [0] mobile node object, [1] PxTR object */
	struct lispd_dp_config cfg;
	int cur_variant;      /* last variant pushed, -1 before any */
};

/* Which program an input runs: its first byte modulo BW_NPROG. */
enum { BW_ENCAP, BW_DECAP, BW_DECAP_XDP, BW_PETR, BW_PITR, BW_NPROG };

static inline struct lispd_dp_config bw_cfg_variant(const struct bw *w, uint8_t v)
{
	struct lispd_dp_config c = w->cfg;
	static const uint8_t mac[6] = BW_LMN_MAC;

	if (v & BW_V_IID) {
		c.flags |= LISPD_CFG_USE_IID;
		c.iid = BW_IID;
	}
	if (v & BW_V_MISS_PETR)
		c.miss_policy = LISPD_MISS_PETR;
	if (v & BW_V_NO_RLOC4)
		c.flags &= ~(uint32_t)LISPD_CFG_RLOC4;
	if (v & BW_V_NO_RLOC6)
		c.flags &= ~(uint32_t)LISPD_CFG_RLOC6;
	if (v & BW_V_LMN_MAC) {
		c.flags |= LISPD_CFG_LMN_MAC;
		memcpy(c.lmn_mac, mac, 6);
	}
	return c;
}

/* Pushes variant v into both objects' config unless it is there already
 * (one syscall per object saved on most inputs). */
static inline void bw_use_variant(struct bw *w, uint8_t v)
{
	struct lispd_dp_config c;
	uint32_t zero = 0;

	v &= 0x1f;
	if (w->cur_variant == v)
		return;
	c = bw_cfg_variant(w, v);
	for (int i = 0; i < 2; i++)
		if (bpf_map_update_elem(w->m[i].cfg, &zero, &c, BPF_ANY))
			abort();
	w->cur_variant = v;
}

static inline void bw_put(int fd, const void *k, const void *v)
{
	if (bpf_map_update_elem(fd, k, v, BPF_ANY)) {
		fprintf(stderr, "fuzz_bpf: map update: %s\n", strerror(errno));
		abort();
	}
}

static inline void bw_mc(const struct bw *w, uint32_t iid, uint8_t fam, const char *pfx,
			 unsigned plen, const struct lispd_mc_value *v)
{
	struct lispd_mc_key k;
	uint8_t a[16];

	tb_addr(a, fam, pfx);
	if (dp_mc_key(&k, iid, fam, a, plen))
		abort();
	for (int i = 0; i < 2; i++)
		bw_put(w->m[i].mcache, &k, v);
}

/* One family's entries: an encap prefix, then one /24 (/64) per negative
 * action, one without locators and one mapped to our own RLOCs. */
static inline void bw_mcache_family(const struct bw *w, uint32_t iid, uint8_t fam)
{
	static const uint8_t actions[] = { LISPD_ACT_DROP, LISPD_ACT_NATIVE_FORWARD,
					   LISPD_ACT_SEND_MAP_REQUEST, LISPD_ACT_DROP_POLICY,
					   LISPD_ACT_DROP_AUTH, 9 /* unknown */ };
	struct lispd_mc_value v;
	char pfx[64];
	bool v4 = fam == LISPD_AF_INET;

	memset(&v, 0, sizeof(v));
	tb_loc(&v.ls, LISPD_AF_INET, BW_LOC4, 1, 50, true);
	tb_loc(&v.ls, LISPD_AF_INET6, BW_LOC6, 1, 50, true);
	/* Narrower than the PxTR's EID space (/15, /48): the rest of it
	 * misses (198.19.0.0/16, 2001:db8:e1d:100::/56 on). */
	bw_mc(w, iid, fam, v4 ? "198.18.0.0" : "2001:db8:e1d::", v4 ? 16 : 56, &v);
	for (unsigned i = 0; i < sizeof(actions); i++) {
		memset(&v, 0, sizeof(v));
		v.action = actions[i];
		snprintf(pfx, sizeof(pfx), v4 ? "198.18.%u.0" : "2001:db8:e1d:%u::", i + 1);
		bw_mc(w, iid, fam, pfx, v4 ? 24 : 64, &v);
	}
	memset(&v, 0, sizeof(v));   /* encap, no usable locator */
	tb_loc(&v.ls, LISPD_AF_INET, BW_LOC4, 255, 0, true);
	bw_mc(w, iid, fam, v4 ? "198.18.7.0" : "2001:db8:e1d:7::", v4 ? 24 : 64, &v);
	memset(&v, 0, sizeof(v));   /* mapped to ourselves: a hairpin loop */
	tb_loc(&v.ls, LISPD_AF_INET, BW_RLOC4, 1, 50, true);
	tb_loc(&v.ls, LISPD_AF_INET6, BW_RLOC6, 1, 50, true);
	bw_mc(w, iid, fam, v4 ? "198.18.8.0" : "2001:db8:e1d:8::", v4 ? 24 : 64, &v);
}

static inline void bw_fill(struct bw *w)
{
	static const uint32_t iids[] = { 0, BW_IID };
	struct lispd_local_eid le = { 0 };
	struct lispd_eid_space_val sv = { 0 };
	struct lispd_local_rloc lr = { .ifindex = 1 };
	struct lispd_rloc_key rk;
	struct lispd_eid_key ek;
	struct lispd_mc_key mk;
	uint8_t a[16];

	w->cfg.lmn_ifindex = TB_LMN_IFINDEX;
	w->cfg.phys_ifindex = 1;   /* the namespace's loopback: bpf_check_mtu reads its MTU */
	w->cfg.miss_interval_ms = 1000;
	w->cfg.miss_rate = 1000;
	w->cfg.miss_burst = 100;
	tb_addr(a, LISPD_AF_INET, BW_RLOC4);
	memcpy(w->cfg.rloc4, a, 4);
	tb_addr(w->cfg.rloc6, LISPD_AF_INET6, BW_RLOC6);
	w->cfg.flags = LISPD_CFG_RLOC4 | LISPD_CFG_RLOC6;
	tb_loc(&w->cfg.petr, LISPD_AF_INET, BW_PETR4, 1, 1, true);
	tb_loc(&w->cfg.petr, LISPD_AF_INET6, BW_PETR6, 1, 1, true);
	w->cur_variant = -1;
	bw_use_variant(w, 0);

	for (int fam = LISPD_AF_INET; fam <= LISPD_AF_INET6; fam++) {
		memset(&rk, 0, sizeof(rk));
		rk.family = (uint8_t)fam;
		tb_addr(rk.addr, (uint8_t)fam, fam == LISPD_AF_INET ? BW_RLOC4_2 : BW_RLOC6_2);
		for (int i = 0; i < 2; i++)
			bw_put(w->m[i].rlocs, &rk, &lr);
		for (unsigned j = 0; j < 2; j++) {
			tb_addr(a, (uint8_t)fam, fam == LISPD_AF_INET ? BW_EID4 : BW_EID6);
			if (dp_eid_key(&ek, iids[j], (uint8_t)fam, a))
				abort();
			bw_put(w->m[0].eids, &ek, &le);
			tb_addr(a, (uint8_t)fam, fam == LISPD_AF_INET ? "198.18.0.0" : "2001:db8:e1d::");
			if (dp_mc_key(&mk, iids[j], (uint8_t)fam, a, fam == LISPD_AF_INET ? 15 : 48))
				abort();
			bw_put(w->m[1].eid_space, &mk, &sv);
			bw_mcache_family(w, iids[j], (uint8_t)fam);
		}
	}
}

static inline void bw_maps_of(struct bw_maps *m, struct bpf_object *obj)
{
	m->cfg = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_CONFIG);
	m->mcache = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_MCACHE);
	m->eids = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_LOCAL_EID);
	m->rlocs = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_LOCAL_RLOC);
	m->stats = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_STATS);
	m->miss_rb = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_MISS_RB);
	m->eid_space = bpf_object__find_map_fd_by_name(obj, LISPD_MAP_EID_SPACE);
}

/* Loads both objects unpinned and fills them; aborts on any failure (the
 * harness is useless without them). */
static inline void bw_load(struct bw *w)
{
	struct bpf_map *m;

	memset(w, 0, sizeof(*w));
	w->tc = lispd_tc__open();
	w->px = lispd_pxtr__open();
	if (!w->tc || !w->px)
		abort();
	bpf_object__for_each_map(m, w->tc->obj)
		bpf_map__set_pin_path(m, NULL);
	bpf_object__for_each_map(m, w->px->obj)
		bpf_map__set_pin_path(m, NULL);
	if (lispd_tc__load(w->tc) || lispd_pxtr__load(w->px)) {
		fprintf(stderr, "fuzz_bpf: cannot load the BPF objects (root needed)\n");
		exit(1);
	}
	w->prog_fd[BW_ENCAP] = bpf_program__fd(w->tc->progs.lispd_encap);
	w->prog_fd[BW_DECAP] = bpf_program__fd(w->tc->progs.lispd_decap);
	w->prog_fd[BW_DECAP_XDP] = bpf_program__fd(w->tc->progs.lispd_decap_xdp);
	w->prog_fd[BW_PETR] = bpf_program__fd(w->px->progs.lispd_petr_decap);
	w->prog_fd[BW_PITR] = bpf_program__fd(w->px->progs.lispd_pitr_encap);
	bw_maps_of(&w->m[0], w->tc->obj);
	bw_maps_of(&w->m[1], w->px->obj);
	bw_fill(w);
}

#endif
