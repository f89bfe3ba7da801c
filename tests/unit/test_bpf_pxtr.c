/* The PxTR data plane (bpf/lispd_pxtr.bpf.c) through BPF_PROG_TEST_RUN:
 * lispd_petr_decap (proxy-ETR: decapsulate LISP data whose inner source is
 * EID space, hand it to the stack; hairpin: re-encapsulate it when its
 * destination is EID space too) and lispd_pitr_encap (proxy-ITR:
 * encapsulate traffic from non-LISP hosts to EID space). Frames are built
 * here (LISP header by the codec) and the results parsed independently:
 * the decapsulated frame compared byte by byte with the inner packet we put
 * in, the encapsulated one read field by field as a receiver would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lispd_pxtr.skel.h"
#include "dp_env.h"
#include "test_bpf_util.h"

#define EID_SPACE4 "198.18.0.0"     /* /15 */
#define EID_SPACE6 "2001:db8:e1d::" /* /48 */
#define MN_EID4 "198.18.0.1"
#define MN_EID6 "2001:db8:e1d::1"
#define HOST4 "203.0.113.50"        /* the non-LISP host */
#define HOST6 "2001:db8:0:77::50"
#define SPOOF4 "198.20.0.9"         /* outside the EID space */
#define SPOOF6 "2001:db8:e1e::9"
#define RLOC4 "192.0.2.1"           /* the PxTR's RLOCs */
#define RLOC6 "2001:db8::1"
#define MN_RLOC4 "198.51.100.10"
#define MN_RLOC6 "2001:db8:0:1::10"
#define MN2_EID4 "198.18.0.2"       /* another mobile node: EID to EID */
#define MN2_EID6 "2001:db8:e1d::2"
#define MN2_RLOC4 "203.0.113.11"
#define MN2_RLOC6 "2001:db8:0:2::11"

struct px {
	struct lispd_pxtr *skel;
	int petr_fd, pitr_fd;
	struct lispd_dp_config cfg;
};

/* ---- fixtures --------------------------------------------------------------- */

/* 1 when the kernel has bpf_skb_adjust_room's DECAP_L3 flags (6.3+); without
 * them a family-changing PETR decap re-injects the frame into the ingress. */
static int decap_l3_flags;

static int group_setup(void **state)
{
	(void)state;
	if (tb_enter_netns()) {
		fprintf(stderr, "# cannot create a network namespace (root needed): %s\n",
			strerror(errno));
		return -1;
	}
	decap_l3_flags = dp_probe_adj_room_decap_l3();
	if (decap_l3_flags < 0) {
		fprintf(stderr, "# DECAP_L3 probe failed: %s\n", strerror(-decap_l3_flags));
		return -1;
	}
	return 0;
}

static int px_push_cfg(struct px *p)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(bpf_map__fd(p->skel->maps.lispd_cfg), &zero, &p->cfg, BPF_ANY);
}

static void px_space(struct px *p, uint32_t iid, uint8_t family, const char *prefix, unsigned plen)
{
	struct lispd_eid_space_val v = { 0 };
	struct lispd_mc_key k;
	uint8_t a[16];

	tb_addr(a, family, prefix);
	assert_int_equal(dp_mc_key(&k, iid, family, a, plen), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(p->skel->maps.lispd_eid_space), &k, &v,
					     BPF_ANY), 0);
}

static void px_mc(struct px *p, uint32_t iid, uint8_t family, const char *prefix, unsigned plen,
		  const struct lispd_mc_value *v)
{
	struct lispd_mc_key k;
	uint8_t a[16];

	tb_addr(a, family, prefix);
	assert_int_equal(dp_mc_key(&k, iid, family, a, plen), 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(p->skel->maps.lispd_mcache), &k, v,
					     BPF_ANY), 0);
}

static uint64_t px_stat(struct px *p, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[256], sum = 0;

	assert_true(ncpu > 0 && ncpu <= 256);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.lispd_stats), &idx, vals), 0);
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static void set_rloc(struct lispd_dp_config *c, uint8_t family, const char *text)
{
	uint8_t a[16];

	tb_addr(a, family, text);
	if (family == LISPD_AF_INET) {
		memcpy(c->rloc4, a, 4);
		c->flags |= LISPD_CFG_RLOC4;
	} else {
		memcpy(c->rloc6, a, 16);
		c->flags |= LISPD_CFG_RLOC6;
	}
}

static int setup(void **state)
{
	struct px *p = calloc(1, sizeof(*p));
	struct bpf_map *m;

	assert_non_null(p);
	p->skel = lispd_pxtr__open();
	assert_non_null(p->skel);
	bpf_object__for_each_map(m, p->skel->obj)
		assert_int_equal(bpf_map__set_pin_path(m, NULL), 0);
	if (lispd_pxtr__load(p->skel)) {
		fprintf(stderr, "# cannot load the PxTR BPF object (root / CAP_BPF needed)\n");
		lispd_pxtr__destroy(p->skel);
		free(p);
		return -1;
	}
	p->petr_fd = bpf_program__fd(p->skel->progs.lispd_petr_decap);
	p->pitr_fd = bpf_program__fd(p->skel->progs.lispd_pitr_encap);
	p->cfg.phys_ifindex = 1;   /* the namespace's loopback: bpf_check_mtu reads its MTU */
	p->cfg.miss_policy = LISPD_MISS_DROP;
	p->cfg.miss_interval_ms = 1000;
	p->cfg.miss_rate = 100;
	p->cfg.miss_burst = 100;
	set_rloc(&p->cfg, LISPD_AF_INET, RLOC4);
	set_rloc(&p->cfg, LISPD_AF_INET6, RLOC6);
	assert_int_equal(px_push_cfg(p), 0);
	px_space(p, 0, LISPD_AF_INET, EID_SPACE4, 15);
	px_space(p, 0, LISPD_AF_INET6, EID_SPACE6, 48);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct px *p = *state;

	lispd_pxtr__destroy(p->skel);
	free(p);
	return 0;
}

/* ---- PETR ------------------------------------------------------------------- */

/* The MN's packet to a non-LISP host, encapsulated to the PETR. */
struct lisp_pkt {
	struct tb_ip inner, outer;
	struct lisp_data_hdr lh;
	uint16_t dport;
};

static void lisp_pkt_init(struct lisp_pkt *l, uint8_t inner, uint8_t outer)
{
	memset(l, 0, sizeof(*l));
	if (inner == LISPD_AF_INET)
		tb_ip_init(&l->inner, inner, MN_EID4, HOST4);
	else
		tb_ip_init(&l->inner, inner, MN_EID6, HOST6);
	if (outer == LISPD_AF_INET)
		tb_ip_init(&l->outer, outer, MN_RLOC4, RLOC4);
	else
		tb_ip_init(&l->outer, outer, MN_RLOC6, RLOC6);
	l->outer.sport = 0xC321;
	l->outer.ttl = 200;
	l->lh.n = true;
	l->lh.nonce = 0x123456;
	l->dport = LISPD_DATA_PORT;
}

/* Runs the PETR on l; returns the verdict, the output frame in out and the
 * input frame in in (both TB_PKT_MAX). */
static uint32_t petr(struct px *p, const struct lisp_pkt *l, uint8_t *in, size_t *in_len,
		     uint8_t *inner, size_t *inner_len, uint8_t *out, size_t *out_len)
{
	*inner_len = tb_build_ip(inner, &l->inner);
	*in_len = tb_lisp_frame(in, &l->outer, l->dport, &l->lh, inner, *inner_len);
	return tb_run(p->petr_fd, in, *in_len, out, out_len);
}

/* Decapsulated: same MACs as arrived (the frame was for this interface),
 * the inner EtherType, then exactly the inner packet. */
static void check_decapsulated(const uint8_t *out, size_t out_len, const uint8_t *inner,
			       size_t inner_len, uint8_t family)
{
	assert_int_equal(out_len, 14 + inner_len);
	assert_memory_equal(out, TB_MAC_DST, 6);
	assert_memory_equal(out + 6, TB_MAC_SRC, 6);
	assert_int_equal((out[12] << 8) | out[13], tb_ethertype(family));
	assert_memory_equal(out + 14, inner, inner_len);
}

static void check_petr_ok(struct px *p, uint8_t inner_family, uint8_t outer_family)
{
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;

	uint32_t want = TB_ACT_OK;

	/* Without the DECAP_L3 flags skb->protocol still names the outer family
	 * after a family change, so the PETR re-injects the frame (redirect into
	 * its own ingress) for the stack to classify it again. */
	if (inner_family != outer_family && !decap_l3_flags)
		want = TB_ACT_REDIRECT;
	lisp_pkt_init(&l, inner_family, outer_family);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), want);
	check_decapsulated(out, out_len, inner, inner_len, inner_family);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 0);
}

static void test_petr_4in4(void **state) { check_petr_ok(*state, LISPD_AF_INET, LISPD_AF_INET); }
static void test_petr_6in6(void **state) { check_petr_ok(*state, LISPD_AF_INET6, LISPD_AF_INET6); }
/* A family change: TC_ACT_OK (not the re-injection) where the kernel has the
 * DECAP_L3 flags proves it updated skb->protocol along with them. */
static void test_petr_6in4(void **state) { check_petr_ok(*state, LISPD_AF_INET6, LISPD_AF_INET); }
static void test_petr_4in6(void **state) { check_petr_ok(*state, LISPD_AF_INET, LISPD_AF_INET6); }

/* A source outside the EID space (a spoofer, or a site the PETR does not
 * serve) is dropped and counted, both families, and nothing is forwarded. */
static void test_petr_spoofed_source(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, SPOOF4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET6, SPOOF6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	/* The RLOC of the sender is no EID either: an outer-looking source. */
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, MN_RLOC4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 3);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
}

/* The edges of the allowed prefix: the last address inside, the first
 * after it. */
static void test_petr_prefix_edges(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, "198.19.255.255");
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	tb_addr(l.inner.src, LISPD_AF_INET, "198.20.0.0");
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	tb_addr(l.inner.src, LISPD_AF_INET, "198.17.255.255");
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 2);
}

/* With instance-ids the space is per instance: the same source in another
 * instance is not allowed, and the instance-id check of every ETR holds. */
static void test_petr_instance(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;

	p->cfg.flags |= LISPD_CFG_USE_IID;
	p->cfg.iid = 77;
	assert_int_equal(px_push_cfg(p), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 77;
	/* The space was configured for instance 0 only. */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 1);
	px_space(p, 77, LISPD_AF_INET, EID_SPACE4, 15);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	check_decapsulated(out, out_len, inner, inner_len, LISPD_AF_INET);
	l.lh.iid = 78;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_DECAP_IID), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
}

/* Inner TTL = min(inner, outer), with a valid IPv4 header checksum. */
static void test_petr_ttl(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.outer.ttl = 5;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, 14 + inner_len);
	assert_int_equal(out[14 + 8], 5);
	assert_int_equal(tb_csum(out + 14, 20, 0), 0);
	assert_memory_equal(out + 14 + 20, inner + 20, inner_len - 20);
}

/* What is not LISP data for our RLOC passes untouched; bad LISP headers
 * are dropped by the checks every ETR shares. */
static void test_petr_pass_and_header_checks(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;
	struct tb_ip plain;

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.outer.dst, LISPD_AF_INET, "192.0.2.99");   /* another RLOC */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.dport = LISPD_CTRL_PORT;                           /* control: for the daemon */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	tb_ip_init(&plain, LISPD_AF_INET, HOST4, RLOC4);     /* native traffic to us */
	in_len = tb_frame(in, &plain);
	assert_int_equal(tb_run(p->petr_fd, in, in_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	assert_int_equal(px_stat(p, LISPD_STAT_DECAP_PASS), 3);

	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.kk = 1;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_DECAP_KEY_ID), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);

	/* An inner IPv6 payload length beyond the datagram (found by
	 * fuzz_bpf): dropped, not forwarded truncated. */
	lisp_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	in[14 + 40 + 16 + 4] = 0xaf;
	assert_int_equal(tb_run(p->petr_fd, in, in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_DECAP_TRUNC), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
}

/* ---- PITR ------------------------------------------------------------------- */

/* The non-LISP host's packet to the MN's EID, as it arrives on the
 * non-LISP-facing interface. */
static void host_packet(struct tb_ip *ip, uint8_t family)
{
	if (family == LISPD_AF_INET)
		tb_ip_init(ip, family, HOST4, MN_EID4);
	else
		tb_ip_init(ip, family, HOST6, MN_EID6);
}

static void map_mn(struct px *p, uint8_t eid_family, uint8_t loc_family)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, loc_family, loc_family == LISPD_AF_INET ? MN_RLOC4 : MN_RLOC6, 1, 100, true);
	if (eid_family == LISPD_AF_INET)
		px_mc(p, 0, eid_family, MN_EID4, 32, &v);
	else
		px_mc(p, 0, eid_family, MN_EID6, 128, &v);
}

static uint32_t pitr(struct px *p, const struct tb_ip *ip, uint8_t *in, size_t *in_len,
		     uint8_t *out, size_t *out_len)
{
	*in_len = tb_frame(in, ip);
	return tb_run(p->pitr_fd, in, *in_len, out, out_len);
}

/* The encapsulated frame, read as the MN would: outer addresses, UDP 4341,
 * LISP header (codec), then the host's packet unchanged. */
static void check_encapsulated(const uint8_t *out, size_t n, const uint8_t *in, size_t in_len,
			       uint8_t outer_family)
{
	size_t hl = outer_family == LISPD_AF_INET ? 20 : 40, off = 14 + hl;
	const uint8_t *ip = out + 14;
	uint8_t want[16];
	uint16_t sport, dport, ulen;
	struct lisp_data_hdr h;

	assert_int_equal(n, in_len + hl + 16);
	assert_int_equal((out[12] << 8) | out[13], tb_ethertype(outer_family));
	if (outer_family == LISPD_AF_INET) {
		assert_int_equal(tb_csum(ip, 20, 0), 0);
		assert_int_equal(ip[9], 17);
		tb_addr(want, LISPD_AF_INET, RLOC4);
		assert_memory_equal(ip + 12, want, 4);
		tb_addr(want, LISPD_AF_INET, MN_RLOC4);
		assert_memory_equal(ip + 16, want, 4);
	} else {
		assert_int_equal(ip[6], 17);
		tb_addr(want, LISPD_AF_INET6, RLOC6);
		assert_memory_equal(ip + 8, want, 16);
		tb_addr(want, LISPD_AF_INET6, MN_RLOC6);
		assert_memory_equal(ip + 24, want, 16);
	}
	assert_int_equal(get_u16(out, n, &off, &sport, NULL, "sport"), 0);
	assert_int_equal(get_u16(out, n, &off, &dport, NULL, "dport"), 0);
	assert_int_equal(get_u16(out, n, &off, &ulen, NULL, "ulen"), 0);
	off += 2;
	assert_int_equal(dport, LISPD_DATA_PORT);
	assert_true(sport >= 0xC000);
	assert_int_equal(ulen, n - 14 - hl);
	assert_int_equal(lisp_data_hdr_decode(out + off, n - off, &h, NULL), 0);
	assert_true(h.n);
	assert_false(h.i);
	assert_memory_equal(out + off + 8, in + 14, in_len - 14);
}

/* A hit: the host (no EID, no local-EID entry anywhere) reaches the MN. The
 * mobile node's "source must be a local EID" rule does not apply here. */
static void check_pitr_hit(struct px *p, uint8_t inner, uint8_t outer)
{
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, out_len;
	struct tb_ip ip;

	map_mn(p, inner, outer);
	host_packet(&ip, inner);
	ip.proto = 6;
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_REDIRECT);
	check_encapsulated(out, out_len, in, in_len, outer);
	assert_int_equal(px_stat(p, LISPD_STAT_ENCAP_OK), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_MISS), 0);
}

static void test_pitr_hit_4in4(void **state) { check_pitr_hit(*state, LISPD_AF_INET, LISPD_AF_INET); }
static void test_pitr_hit_6in4(void **state) { check_pitr_hit(*state, LISPD_AF_INET6, LISPD_AF_INET); }
static void test_pitr_hit_4in6(void **state) { check_pitr_hit(*state, LISPD_AF_INET, LISPD_AF_INET6); }
static void test_pitr_hit_6in6(void **state) { check_pitr_hit(*state, LISPD_AF_INET6, LISPD_AF_INET6); }

struct events {
	int n;
	struct lispd_miss_event ev[8];
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct events *e = ctx;

	assert_int_equal(len, sizeof(struct lispd_miss_event));
	if (e->n < 8)
		memcpy(&e->ev[e->n], data, sizeof(e->ev[0]));
	e->n++;
	return 0;
}

static void drain(struct px *p, struct events *e)
{
	struct ring_buffer *rb;

	memset(e, 0, sizeof(*e));
	rb = ring_buffer__new(bpf_map__fd(p->skel->maps.lispd_miss_rb), on_event, e, NULL);
	assert_non_null(rb);
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
}

/* A miss is dropped, counted, and raises one event naming the destination
 * EID and the non-LISP source, for the daemon to resolve. */
static void test_pitr_miss(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX], want[16];
	size_t in_len, out_len;
	struct events e;
	struct tb_ip ip;

	host_packet(&ip, LISPD_AF_INET6);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_MISS), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_MISS_POLICY), 1);
	drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[0].family, LISPD_AF_INET6);
	tb_addr(want, LISPD_AF_INET6, MN_EID6);
	assert_memory_equal(e.ev[0].dst, want, 16);
	tb_addr(want, LISPD_AF_INET6, HOST6);
	assert_memory_equal(e.ev[0].src, want, 16);
	/* Resolved: the next packet goes out. */
	map_mn(p, LISPD_AF_INET6, LISPD_AF_INET);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_REDIRECT);
	check_encapsulated(out, out_len, in, in_len, LISPD_AF_INET);
}

/* Negative entries: drop actions drop (counted per reason);
 * send-map-request drops and notifies; natively-forward leaves the packet
 * to the stack untouched (at a PITR it means "not LISP after all"). */
static void test_pitr_negative(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, out_len;
	struct events e;
	struct tb_ip ip;

	host_packet(&ip, LISPD_AF_INET);
	v.action = LISPD_ACT_DROP;
	px_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_NEG_DROP), 1);
	v.action = LISPD_ACT_DROP_POLICY;
	px_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_NEG_POLICY), 1);

	v.action = LISPD_ACT_SEND_MAP_REQUEST;
	px_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_NEG_SEND_MAP_REQUEST), 1);
	drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NEG_SMR);

	v.action = LISPD_ACT_NATIVE_FORWARD;
	px_mc(p, 0, LISPD_AF_INET, "198.18.0.0", 24, &v);
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
	assert_int_equal(px_stat(p, LISPD_STAT_PITR_NATIVE_FORWARD), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_ENCAP_PETR), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_ENCAP_OK), 0);
}

/* Destinations outside the EID space are native traffic: untouched even
 * when a map-cache entry would cover them (the PITR takes only EID space),
 * and so is what is not IP. */
static void test_pitr_not_eid_space(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, out_len;
	struct tb_ip ip;
	uint8_t arp[28] = { 0 };

	tb_loc(&v.ls, LISPD_AF_INET, MN_RLOC4, 1, 100, true);
	px_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v);
	tb_ip_init(&ip, LISPD_AF_INET, HOST4, "198.20.0.1");
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len);
	tb_ip_init(&ip, LISPD_AF_INET6, HOST6, "2001:db8:e1e::1");
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	in_len = tb_build_eth(in, 0x0806, arp, sizeof(arp));
	assert_int_equal(tb_run(p->pitr_fd, in, in_len, out, &out_len), TB_ACT_OK);
	assert_int_equal(px_stat(p, LISPD_STAT_PITR_PASS), 3);
	assert_int_equal(px_stat(p, LISPD_STAT_ENCAP_OK), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_MISS), 0);
}

/* Too big once encapsulated: the ICMP answer goes back toward the sender,
 * addressed to the sender's MAC (the frame's source), from the EID it
 * wanted to reach, announcing the MTU left inside the tunnel. */
static void test_pitr_too_big(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], out[TB_PKT_MAX], want[16];
	size_t in_len, out_len;
	struct tb_ip ip;

	map_mn(p, LISPD_AF_INET, LISPD_AF_INET);
	host_packet(&ip, LISPD_AF_INET);
	ip.frag = 0x4000;
	ip.payload = 1465 - 28;
	assert_int_equal(pitr(p, &ip, in, &in_len, out, &out_len), TB_ACT_REDIRECT);
	assert_memory_equal(out, TB_MAC_SRC, 6);
	assert_memory_equal(out + 6, TB_MAC_DST, 6);
	assert_int_equal((out[12] << 8) | out[13], 0x0800);
	assert_int_equal(out[14 + 9], 1);
	tb_addr(want, LISPD_AF_INET, MN_EID4);
	assert_memory_equal(out + 14 + 12, want, 4);
	tb_addr(want, LISPD_AF_INET, HOST4);
	assert_memory_equal(out + 14 + 16, want, 4);
	assert_int_equal(out[34], 3);
	assert_int_equal(out[35], 4);
	assert_int_equal((out[34 + 6] << 8) | out[34 + 7], 1500 - 36);
	assert_int_equal(tb_csum(out + 34, out_len - 34, 0), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_ICMP_FRAG_NEEDED), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_ENCAP_OK), 0);
}

/* ---- PETR hairpin: EID to EID --------------------------------------------- */

/* The MN's packet to another MN's EID, sent to the PETR on a map-cache miss. */
static void eid_pkt_init(struct lisp_pkt *l, uint8_t inner, uint8_t outer)
{
	lisp_pkt_init(l, inner, outer);
	tb_addr(l->inner.dst, inner, inner == LISPD_AF_INET ? MN2_EID4 : MN2_EID6);
}

static void map_mn2(struct px *p, uint32_t iid, uint8_t eid_family, const char *loc,
		    uint8_t loc_family)
{
	struct lispd_mc_value v = { 0 };

	tb_loc(&v.ls, loc_family, loc, 1, 100, true);
	if (eid_family == LISPD_AF_INET)
		px_mc(p, iid, eid_family, MN2_EID4, 32, &v);
	else
		px_mc(p, iid, eid_family, MN2_EID6, 128, &v);
}

/* The re-encapsulated frame, read as the destination MN would: outer from
 * our RLOC to want_rloc, lengths and IPv4 checksum right, outer TTL = the
 * inner one, UDP 4341, LISP header (codec), then exactly want_inner. */
static void check_hairpinned(const uint8_t *out, size_t n, const uint8_t *want_inner,
			     size_t inner_len, uint8_t outer_family, const char *want_rloc,
			     uint8_t ttl, uint32_t iid)
{
	size_t hl = outer_family == LISPD_AF_INET ? 20 : 40, off = 14 + hl;
	const uint8_t *ip = out + 14;
	uint8_t want[16];
	uint16_t sport, dport, ulen, ucsum;
	struct lisp_data_hdr h;

	assert_int_equal(n, 14 + hl + 16 + inner_len);
	assert_int_equal((out[12] << 8) | out[13], tb_ethertype(outer_family));
	if (outer_family == LISPD_AF_INET) {
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(tb_csum(ip, 20, 0), 0);
		assert_int_equal((ip[2] << 8) | ip[3], n - 14);
		assert_int_equal(ip[8], ttl);
		assert_int_equal(ip[9], 17);
		tb_addr(want, LISPD_AF_INET, RLOC4);
		assert_memory_equal(ip + 12, want, 4);
		tb_addr(want, LISPD_AF_INET, want_rloc);
		assert_memory_equal(ip + 16, want, 4);
	} else {
		assert_int_equal(ip[0] >> 4, 6);
		assert_int_equal((ip[4] << 8) | ip[5], n - 14 - 40);
		assert_int_equal(ip[6], 17);
		assert_int_equal(ip[7], ttl);
		tb_addr(want, LISPD_AF_INET6, RLOC6);
		assert_memory_equal(ip + 8, want, 16);
		tb_addr(want, LISPD_AF_INET6, want_rloc);
		assert_memory_equal(ip + 24, want, 16);
	}
	assert_int_equal(get_u16(out, n, &off, &sport, NULL, "sport"), 0);
	assert_int_equal(get_u16(out, n, &off, &dport, NULL, "dport"), 0);
	assert_int_equal(get_u16(out, n, &off, &ulen, NULL, "ulen"), 0);
	assert_int_equal(get_u16(out, n, &off, &ucsum, NULL, "ucsum"), 0);
	assert_int_equal(dport, LISPD_DATA_PORT);
	assert_true(sport >= 0xC000);
	assert_int_equal(ulen, n - 14 - hl);
	assert_int_equal(ucsum, 0);
	assert_int_equal(lisp_data_hdr_decode(out + off, n - off, &h, NULL), 0);
	assert_true(h.n);
	assert_int_equal(h.i, iid != 0);
	if (iid)
		assert_int_equal(h.iid, iid);
	assert_memory_equal(out + off + 8, want_inner, inner_len);
}

/* What the destination must receive: the inner packet with its TTL (and
 * IPv4 checksum) as a router one hop further would leave them. */
static size_t inner_after(uint8_t *b, const struct lisp_pkt *l, uint8_t ttl)
{
	struct tb_ip ip = l->inner;

	ip.ttl = ttl;
	return tb_build_ip(b, &ip);
}

/* A hit: sent on to the other MN's RLOC, from ours, inner TTL one lower,
 * whatever the families in and out. Nothing reaches the stack. The
 * source's mapping was missing: asked for, for the way back. */
static void check_hairpin(struct px *p, uint8_t inner_family, uint8_t outer_in, uint8_t outer_out)
{
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX], a[16];
	size_t in_len, inner_len, out_len, want_len;
	struct events e;
	struct lisp_pkt l;

	map_mn2(p, 0, inner_family, outer_out == LISPD_AF_INET ? MN2_RLOC4 : MN2_RLOC6, outer_out);
	eid_pkt_init(&l, inner_family, outer_in);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = inner_after(want, &l, 63);   /* min(64, outer 200) - 1 */
	assert_int_equal(want_len, inner_len);
	check_hairpinned(out, out_len, want, want_len, outer_out,
			 outer_out == LISPD_AF_INET ? MN2_RLOC4 : MN2_RLOC6, 63, 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_MISS), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_SRC_MISS), 1);
	drain(p, &e);
	assert_int_equal(e.n, 1);
	tb_addr(a, inner_family, inner_family == LISPD_AF_INET ? MN_EID4 : MN_EID6);
	assert_memory_equal(e.ev[0].dst, a, 16);

	/* Source mapped now: no further request, same result. */
	map_mn(p, inner_family, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	check_hairpinned(out, out_len, want, want_len, outer_out,
			 outer_out == LISPD_AF_INET ? MN2_RLOC4 : MN2_RLOC6, 63, 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 2);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_SRC_MISS), 1);
}

static void test_hairpin_4in4(void **state)
{
	check_hairpin(*state, LISPD_AF_INET, LISPD_AF_INET, LISPD_AF_INET);
}
static void test_hairpin_6in6(void **state)
{
	check_hairpin(*state, LISPD_AF_INET6, LISPD_AF_INET6, LISPD_AF_INET6);
}
static void test_hairpin_6in4(void **state)
{
	check_hairpin(*state, LISPD_AF_INET6, LISPD_AF_INET, LISPD_AF_INET);
}
/* The destination's locator of the other family: the outer header grows
 * or shrinks by 20 bytes. */
static void test_hairpin_4in4_to_4in6(void **state)
{
	check_hairpin(*state, LISPD_AF_INET, LISPD_AF_INET, LISPD_AF_INET6);
}
static void test_hairpin_6in6_to_6in4(void **state)
{
	check_hairpin(*state, LISPD_AF_INET6, LISPD_AF_INET6, LISPD_AF_INET);
}

/* A miss: dropped and counted, never sent to a PETR; events for the
 * destination (to forward the next packets) and for the source (the way
 * back); once resolved, the next packet is hairpinned. */
static void test_hairpin_miss(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[16];
	size_t in_len, inner_len, out_len;
	struct events e;
	struct lisp_pkt l;

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_MISS), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_SRC_MISS), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_ENCAP_PETR), 0);
	drain(p, &e);
	assert_int_equal(e.n, 2);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NO_ENTRY);
	assert_int_equal(e.ev[0].family, LISPD_AF_INET);
	tb_addr(want, LISPD_AF_INET, MN2_EID4);
	assert_memory_equal(e.ev[0].dst, want, 16);
	assert_memory_equal(e.ev[1].src, want, 16);
	tb_addr(want, LISPD_AF_INET, MN_EID4);
	assert_memory_equal(e.ev[0].src, want, 16);
	assert_memory_equal(e.ev[1].dst, want, 16);
	assert_int_equal(e.ev[1].reason, LISPD_MISS_NO_ENTRY);

	/* Within the miss interval: dropped again, no new events. */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 2);
	drain(p, &e);
	assert_int_equal(e.n, 0);

	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 1);
}

/* Destinations outside the EID space keep the native path, even with a
 * map-cache entry covering them; a spoofed source is refused before any
 * hairpin, even toward a mapped EID. */
static void test_hairpin_only_eid_to_eid(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, inner_len, out_len;
	struct events e;
	struct lisp_pkt l;

	tb_loc(&v.ls, LISPD_AF_INET, MN2_RLOC4, 1, 100, true);
	px_mc(p, 0, LISPD_AF_INET, "0.0.0.0", 0, &v);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);    /* to HOST4 */
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	check_decapsulated(out, out_len, inner, inner_len, LISPD_AF_INET);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET, SPOOF4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	eid_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	tb_addr(l.inner.src, LISPD_AF_INET6, SPOOF6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_SRC_NOT_EID), 2);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 0);
	drain(p, &e);
	assert_int_equal(e.n, 0);
}

/* Never back to ourselves: not for a packet claiming to come from our own
 * RLOC, not toward a destination mapped to our RLOC. */
static void test_hairpin_loop(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct lisp_pkt l;

	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	tb_addr(l.outer.src, LISPD_AF_INET, RLOC4);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET6);
	tb_addr(l.outer.src, LISPD_AF_INET6, RLOC6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_LOOP), 2);

	map_mn2(p, 0, LISPD_AF_INET, RLOC4, LISPD_AF_INET);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	map_mn2(p, 0, LISPD_AF_INET, RLOC6, LISPD_AF_INET6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_LOOP), 4);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 0);
}

/* TTL = min(inner, outer) - 1, written into both headers; a packet that
 * would leave with 0 is dropped. */
static void test_hairpin_ttl(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
	size_t in_len, inner_len, out_len, want_len;
	struct lisp_pkt l;

	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	map_mn2(p, 0, LISPD_AF_INET6, MN2_RLOC4, LISPD_AF_INET);
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.outer.ttl = 2;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = inner_after(want, &l, 1);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 1, 0);
	eid_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	l.inner.ttl = 9;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = inner_after(want, &l, 8);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 8, 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 2);

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.inner.ttl = 1;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	eid_pkt_init(&l, LISPD_AF_INET6, LISPD_AF_INET);
	l.outer.ttl = 1;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_TTL), 2);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 2);
}

/* Negative entries: natively-forward means "not LISP": the native path
 * (decapsulated, TTL as on any PETR decap); drop actions drop, counted;
 * send-map-request drops and notifies. */
static void test_hairpin_negative(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	struct lispd_mc_value v = { 0 };
	size_t in_len, inner_len, out_len;
	struct events e;
	struct lisp_pkt l;

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	v.action = LISPD_ACT_NATIVE_FORWARD;
	px_mc(p, 0, LISPD_AF_INET, MN2_EID4, 32, &v);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_OK);
	check_decapsulated(out, out_len, inner, inner_len, LISPD_AF_INET);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);

	v.action = LISPD_ACT_DROP;
	px_mc(p, 0, LISPD_AF_INET, MN2_EID4, 32, &v);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_NEG_DROP), 1);

	v.action = LISPD_ACT_SEND_MAP_REQUEST;
	px_mc(p, 0, LISPD_AF_INET, MN2_EID4, 32, &v);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_MISS_POLICY), 1);
	drain(p, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.ev[0].reason, LISPD_MISS_NEG_SMR);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_DECAP_OK), 1);
}

/* A packet that arrived as large as the RLOC interface allows fits again
 * with the same outer family, not with a 20 bytes longer IPv6 header:
 * dropped, counted (an ICMP answer would go to an EID nobody here routes). */
static void test_hairpin_too_big(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
	size_t in_len, inner_len, out_len, want_len;
	struct lisp_pkt l;

	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.inner.payload = TB_PHYS_MTU - 36 - 28;
	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC6, LISPD_AF_INET6);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(in_len, 14 + TB_PHYS_MTU);
	assert_int_equal(px_stat(p, LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG), 1);
	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = inner_after(want, &l, 63);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 63, 0);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN), 1);
	assert_int_equal(px_stat(p, LISPD_STAT_ICMP_FRAG_NEEDED), 0);
}

/* With instance-ids: looked up and sent on in our instance. */
static void test_hairpin_instance(void **state)
{
	struct px *p = *state;
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX], want[TB_PKT_MAX];
	size_t in_len, inner_len, out_len, want_len;
	struct lisp_pkt l;

	p->cfg.flags |= LISPD_CFG_USE_IID;
	p->cfg.iid = 77;
	assert_int_equal(px_push_cfg(p), 0);
	px_space(p, 77, LISPD_AF_INET, EID_SPACE4, 15);
	map_mn2(p, 0, LISPD_AF_INET, MN2_RLOC6, LISPD_AF_INET6);   /* another instance */
	eid_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	l.lh.i = true;
	l.lh.iid = 77;
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len), TB_ACT_SHOT);
	assert_int_equal(px_stat(p, LISPD_STAT_PETR_HAIRPIN_MISS), 1);
	map_mn2(p, 77, LISPD_AF_INET, MN2_RLOC4, LISPD_AF_INET);
	assert_int_equal(petr(p, &l, in, &in_len, inner, &inner_len, out, &out_len),
			 TB_ACT_REDIRECT);
	want_len = inner_after(want, &l, 63);
	check_hairpinned(out, out_len, want, want_len, LISPD_AF_INET, MN2_RLOC4, 63, 77);
}

/* No config entry yet (the daemon has not filled it): everything passes. */
static void test_no_config_passes(void **state)
{
	struct lispd_pxtr *skel = lispd_pxtr__open();
	uint8_t in[TB_PKT_MAX], inner[TB_PKT_MAX], out[TB_PKT_MAX];
	size_t in_len, inner_len, out_len;
	struct bpf_map *m;
	struct lisp_pkt l;
	struct tb_ip ip;
	uint32_t zero = 0;
	struct lispd_dp_config empty;

	(void)state;
	assert_non_null(skel);
	bpf_object__for_each_map(m, skel->obj)
		assert_int_equal(bpf_map__set_pin_path(m, NULL), 0);
	assert_int_equal(lispd_pxtr__load(skel), 0);
	/* An ARRAY entry always exists: all zeroes = no RLOC, nothing for us. */
	memset(&empty, 0, sizeof(empty));
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.lispd_cfg), &zero, &empty,
					     BPF_ANY), 0);
	lisp_pkt_init(&l, LISPD_AF_INET, LISPD_AF_INET);
	inner_len = tb_build_ip(inner, &l.inner);
	in_len = tb_lisp_frame(in, &l.outer, l.dport, &l.lh, inner, inner_len);
	assert_int_equal(tb_run(bpf_program__fd(skel->progs.lispd_petr_decap), in, in_len, out,
				&out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	host_packet(&ip, LISPD_AF_INET);
	in_len = tb_frame(in, &ip);
	assert_int_equal(tb_run(bpf_program__fd(skel->progs.lispd_pitr_encap), in, in_len, out,
				&out_len), TB_ACT_OK);
	assert_memory_equal(out, in, in_len);
	lispd_pxtr__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_petr_4in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_6in6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_6in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_4in6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_spoofed_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_prefix_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_instance, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_petr_pass_and_header_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_hit_4in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_hit_6in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_hit_4in6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_hit_6in6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_negative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_not_eid_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pitr_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_4in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_6in6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_6in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_4in4_to_4in6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_6in6_to_6in4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_miss, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_only_eid_to_eid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_negative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_too_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hairpin_instance, setup, teardown),
		cmocka_unit_test(test_no_config_passes),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
