/* The fixed world fuzz_bpf runs the data-plane programs in: one mobile
 * node object (lispd_tc), one PxTR object (lispd_pxtr) and one RTR object
 * (lispd_rtr), loaded unpinned, with the same config, map-cache and EIDs,
 * so that every verdict of every program is reachable from a frame alone.
 * Header-only, included by fuzz_bpf.c only (split for size).
 *
 * The map-cache holds one encap prefix, one prefix per action (negative entries, an entry
 * without locators, one pointing back at our own RLOCs), under instance 0
 * and under BW_IID, so the input's config byte can switch instance-ids on
 * and still hit everything; the RTR serves one NATed node per family
 * there. */
#ifndef FUZZ_BPF_WORLD_H
#define FUZZ_BPF_WORLD_H

#include "../unit/bpf_object.h"

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
#define BW_NAT4 "198.18.10.0"           /* the RTR's NATed node: /24 */
#define BW_NAT6 "2001:db8:e1d:a::"      /* /64 */
#define BW_NAT_G "203.0.113.2"          /* its NAT */
#define BW_NAT_G1 40001
#define BW_NAT_R BW_RLOC4_2             /* the RTR's RLOC it registered through */

/* Config byte of each input (selects one of these variants). */
#define BW_V_IID 0x01        /* instance-ids on, BW_IID */
#define BW_V_MISS_PETR 0x02  /* miss policy PETR */
#define BW_V_NO_RLOC4 0x04
#define BW_V_NO_RLOC6 0x08
#define BW_V_LMN_MAC 0x10

#define BW_NOBJ 3

struct bw {
	struct tb *obj[BW_NOBJ];   /* mobile node, PxTR, RTR */
	int prog_fd[6];
	struct lispd_dp_config cfg;
	int cur_variant;      /* last variant pushed, -1 before any */
};

/* Which program an input runs: its first byte modulo BW_NPROG. */
enum { BW_ENCAP, BW_DECAP, BW_DECAP_XDP, BW_PETR, BW_PITR, BW_RTR, BW_NPROG };

/* The object (index into obj[]) of a program. */
static inline int bw_obj_of(int prog)
{
	return prog >= BW_RTR ? 2 : prog >= BW_PETR ? 1 : 0;
}

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

/* Pushes variant v into every object's config unless it is there already
 * (one syscall per object saved on most inputs). */
static inline void bw_use_variant(struct bw *w, uint8_t v)
{
	struct lispd_dp_config c;
	uint32_t zero = 0;

	v &= 0x1f;
	if (w->cur_variant == v)
		return;
	c = bw_cfg_variant(w, v);
	for (int i = 0; i < BW_NOBJ; i++)
		if (bpf_map_update_elem(w->obj[i]->map.cfg, &zero, &c, BPF_ANY))
			abort();
	w->cur_variant = v;
}

/* Map updates must work: the harness is useless without its world. */
static inline void bw_ok(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "fuzz_bpf: %s: %s\n", what, strerror(errno));
		abort();
	}
}

static inline void bw_mc(const struct bw *w, uint32_t iid, uint8_t fam, const char *pfx,
			 unsigned plen, const struct lispd_mc_value *v)
{
	for (int i = 0; i < BW_NOBJ; i++)
		bw_ok(tb_add_mc(w->obj[i], iid, fam, pfx, plen, v), "map-cache entry");
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

/* The RTR's NATed node of family in instance iid. */
static inline void bw_nat(const struct bw *w, uint32_t iid, uint8_t fam)
{
	struct lispd_nat_entry v = { .global_port = BW_NAT_G1 };
	uint8_t a[16];

	tb_addr(a, LISPD_AF_INET, BW_NAT_G);
	memcpy(v.global_addr, a, 4);
	tb_addr(a, LISPD_AF_INET, BW_NAT_R);
	memcpy(v.rtr_rloc, a, 4);
	bw_ok(tb_add_prefix(w->obj[2]->map.nat, iid, fam, fam == LISPD_AF_INET ? BW_NAT4 : BW_NAT6,
			    fam == LISPD_AF_INET ? 24 : 64, &v),
	      "NATed node");
}

static inline void bw_fill(struct bw *w)
{
	static const uint32_t iids[] = { 0, BW_IID };
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

	for (uint8_t fam = LISPD_AF_INET; fam <= LISPD_AF_INET6; fam++) {
		bool v4 = fam == LISPD_AF_INET;

		for (int i = 0; i < 2; i++)
			bw_ok(tb_local_rloc(w->obj[i], fam, v4 ? BW_RLOC4_2 : BW_RLOC6_2, true),
			      "second RLOC");
		/* The RTR sends from it: on the loopback, whose MTU is checked. */
		bw_ok(tb_local_rloc_on(w->obj[2], fam, v4 ? BW_RLOC4_2 : BW_RLOC6_2, true, 1),
		      "second RLOC");
		for (unsigned j = 0; j < 2; j++) {
			bw_nat(w, iids[j], fam);
			bw_ok(tb_add_eid(w->obj[0], iids[j], fam, v4 ? BW_EID4 : BW_EID6), "local EID");
			bw_ok(tb_add_space(w->obj[1], iids[j], fam, v4 ? "198.18.0.0" : "2001:db8:e1d::",
					   v4 ? 15 : 48), "EID space");
			bw_mcache_family(w, iids[j], fam);
		}
	}
}

/* Loads the objects unpinned and fills them; aborts on any failure (the
 * harness is useless without them). */
static inline void bw_load(struct bw *w)
{
	memset(w, 0, sizeof(*w));
	w->obj[0] = tb_load(TB_MN, 0);
	w->obj[1] = tb_load(TB_PXTR, 0);
	w->obj[2] = tb_load(TB_RTR, 0);
	if (!w->obj[0] || !w->obj[1] || !w->obj[2]) {
		fprintf(stderr, "fuzz_bpf: cannot load the BPF objects (root needed)\n");
		exit(1);
	}
	w->prog_fd[BW_ENCAP] = w->obj[0]->encap_fd;
	w->prog_fd[BW_DECAP] = w->obj[0]->decap_fd;
	w->prog_fd[BW_DECAP_XDP] = w->obj[0]->decap_xdp_fd;
	w->prog_fd[BW_PETR] = w->obj[1]->petr_fd;
	w->prog_fd[BW_PITR] = w->obj[1]->pitr_fd;
	w->prog_fd[BW_RTR] = w->obj[2]->rtr_fd;
	bw_fill(w);
}

#endif
