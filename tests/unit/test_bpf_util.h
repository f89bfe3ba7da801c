/* Shared by the BPF_PROG_TEST_RUN tests: a freshly loaded, unpinned copy of
 * the TC data plane per test, map fillers, packet builders and parsers.
 * Header-only (static inline) because every test_*.c links on its own.
 *
 * Nothing is attached anywhere: programs only run through
 * bpf_prog_test_run_opts. The process moves into a private network
 * namespace first (tb_enter_netns), so the MTU it gives to that namespace's
 * loopback never touches the host. */
#ifndef TEST_BPF_UTIL_H
#define TEST_BPF_UTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_layout.h"
#include "lisp_msg.h"
#include "lisp_wire.h"
#include "lispd_maps.h"
#include "lispd_tc.skel.h"

#define TB_ACT_OK 0
#define TB_ACT_SHOT 2
#define TB_ACT_REDIRECT 7
#define TB_XDP_DROP 1
#define TB_XDP_PASS 2
#define TB_PKT_MAX 2048
#define TB_PHYS_MTU 1500
#define TB_LMN_IFINDEX 7   /* only a number to redirect to; never resolved */

/* ---- environment ----------------------------------------------------------- */

/* Private netns whose loopback (ifindex 1) stands in for the physical
 * interface: bpf_check_mtu reads its MTU. Returns 0 or -1. */
/* Sets the MTU bpf_check_mtu reads (the namespace's loopback). 0 or -1. */
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

static inline int tb_enter_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return tb_set_phys_mtu(TB_PHYS_MTU);
}

struct tb {
	struct lispd_tc *skel;
	int encap_fd, decap_fd, decap_xdp_fd;
	bool xdp;            /* decap tests: run the XDP variant */
	struct lispd_dp_config cfg;
};

static inline void tb_addr(uint8_t *out, uint8_t family, const char *text)
{
	memset(out, 0, 16);
	if (inet_pton(family == LISPD_AF_INET ? AF_INET : AF_INET6, text, out) != 1) {
		fprintf(stderr, "bad address %s\n", text);
		abort();
	}
}

/* Opens and loads the skeleton with every map's pinning cleared; a
 * map-cache of mcache_max entries instead of LISPD_MCACHE_MAX when not 0
 * (the benchmark's large map-caches). */
static inline struct tb *tb_new_sized(uint32_t mcache_max)
{
	struct tb *t = calloc(1, sizeof(*t));
	struct bpf_map *m;

	if (!t)
		return NULL;
	t->skel = lispd_tc__open();
	if (!t->skel)
		goto fail;
	bpf_object__for_each_map(m, t->skel->obj)
		if (bpf_map__set_pin_path(m, NULL))
			goto fail;
	if (mcache_max && bpf_map__set_max_entries(t->skel->maps.lispd_mcache, mcache_max))
		goto fail;
	if (lispd_tc__load(t->skel))
		goto fail;
	t->encap_fd = bpf_program__fd(t->skel->progs.lispd_encap);
	t->decap_fd = bpf_program__fd(t->skel->progs.lispd_decap);
	t->decap_xdp_fd = bpf_program__fd(t->skel->progs.lispd_decap_xdp);
	t->cfg.lmn_ifindex = TB_LMN_IFINDEX;
	t->cfg.phys_ifindex = 1;
	t->cfg.miss_interval_ms = 1000;
	t->cfg.miss_rate = 100;
	t->cfg.miss_burst = 100;
	return t;
fail:
	lispd_tc__destroy(t->skel);
	free(t);
	return NULL;
}

static inline struct tb *tb_new(void)
{
	return tb_new_sized(0);
}

static inline void tb_free(struct tb *t)
{
	if (!t)
		return;
	lispd_tc__destroy(t->skel);
	free(t);
}

static inline int tb_push_cfg(struct tb *t)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.lispd_cfg), &zero, &t->cfg, BPF_ANY);
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
	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.lispd_eids), &k, &v, BPF_ANY);
}

static inline int tb_add_mc(struct tb *t, uint32_t iid, uint8_t family, const char *prefix,
			    unsigned plen, const struct lispd_mc_value *v)
{
	struct lispd_mc_key k;
	uint8_t a[16];

	tb_addr(a, family, prefix);
	if (dp_mc_key(&k, iid, family, a, plen))
		return -1;
	return bpf_map_update_elem(bpf_map__fd(t->skel->maps.lispd_mcache), &k, v, BPF_ANY);
}

/* A value whose locators are given as "addr" strings with one priority/weight
 * per locator; all up. */
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

/* Sum over CPUs of one counter. */
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
	rb = ring_buffer__new(bpf_map__fd(t->skel->maps.lispd_miss_rb), tb_on_event, e, NULL);
	if (!rb)
		return -1;
	rc = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return rc < 0 || e->bad_len ? -1 : 0;
}

static inline uint64_t tb_stat(struct tb *t, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[256], sum = 0;

	if (ncpu <= 0 || ncpu > 256)
		abort();
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.lispd_stats), &idx, vals))
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

/* ---- packets ------------------------------------------------------------- */

struct tb_ip {
	uint8_t family;
	uint8_t src[16], dst[16];
	uint8_t proto;       /* 6 TCP, 17 UDP, anything else: raw payload */
	uint8_t ttl, tos;
	uint16_t sport, dport;
	uint16_t payload;    /* bytes after the L4 header */
	uint16_t frag;       /* IPv4 flags+offset field */
};

static inline void tb_ip_init(struct tb_ip *p, uint8_t family, const char *src, const char *dst)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	tb_addr(p->src, family, src);
	tb_addr(p->dst, family, dst);
	p->proto = 17;
	p->ttl = 64;
	p->sport = 40000;
	p->dport = 53;
	p->payload = 32;
}

static inline uint16_t tb_csum(const uint8_t *b, size_t n, uint32_t sum)
{
	return csum_fold(csum_add(sum, b, n));
}

static inline uint32_t tb_pseudo(const struct tb_ip *p, size_t l4len)
{
	uint8_t ph[40];
	size_t alen = p->family == LISPD_AF_INET ? 4 : 16;

	memcpy(ph, p->src, alen);
	memcpy(ph + alen, p->dst, alen);
	return csum_add((uint32_t)p->proto + (uint32_t)l4len, ph, 2 * alen);
}

/* An IP packet with a valid header and L4 checksum; returns its length. */
static inline size_t tb_build_ip(uint8_t *b, const struct tb_ip *p)
{
	size_t hl = p->family == LISPD_AF_INET ? 20 : 40, l4h = p->proto == 6 ? 20 : 8, l4len, off;

	if (p->proto != 6 && p->proto != 17)
		l4h = 0;
	l4len = l4h + p->payload;
	memset(b, 0, hl + l4len);
	for (size_t i = 0; i < p->payload; i++)
		b[hl + l4h + i] = (uint8_t)(i * 7 + 1);
	if (p->family == LISPD_AF_INET) {
		off = 0;
		put_u8(b, 20, &off, 0x45, NULL, "v");
		put_u8(b, 20, &off, p->tos, NULL, "tos");
		put_u16(b, 20, &off, (uint16_t)(20 + l4len), NULL, "len");
		put_u16(b, 20, &off, 0x1234, NULL, "id");
		put_u16(b, 20, &off, p->frag, NULL, "frag");
		put_u8(b, 20, &off, p->ttl, NULL, "ttl");
		put_u8(b, 20, &off, p->proto, NULL, "proto");
		off += 2;
		memcpy(b + 12, p->src, 4);
		memcpy(b + 16, p->dst, 4);
		off = 10;
		put_u16(b, 20, &off, tb_csum(b, 20, 0), NULL, "csum");
	} else {
		b[0] = (uint8_t)(0x60 | (p->tos >> 4));
		b[1] = (uint8_t)(p->tos << 4);
		off = 4;
		put_u16(b, 40, &off, (uint16_t)l4len, NULL, "plen");
		b[6] = p->proto;
		b[7] = p->ttl;
		memcpy(b + 8, p->src, 16);
		memcpy(b + 24, p->dst, 16);
	}
	if (l4h) {
		uint8_t *l4 = b + hl;
		size_t csum_at = p->proto == 6 ? 16 : 6;

		off = 0;
		put_u16(l4, l4len, &off, p->sport, NULL, "sport");
		put_u16(l4, l4len, &off, p->dport, NULL, "dport");
		if (p->proto == 17)
			put_u16(l4, l4len, &off, (uint16_t)l4len, NULL, "ulen");
		else
			l4[12] = 0x50;
		off = csum_at;
		put_u16(l4, l4len, &off, tb_csum(l4, l4len, tb_pseudo(p, l4len)), NULL, "l4csum");
	}
	return hl + l4len;
}

static const uint8_t TB_MAC_DST[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t TB_MAC_SRC[6] = { 0x02, 0, 0, 0, 0, 0x02 };

/* Ethernet frame around l3[0..len). */
static inline size_t tb_build_eth(uint8_t *b, uint16_t type, const uint8_t *l3, size_t len)
{
	memcpy(b, TB_MAC_DST, 6);
	memcpy(b + 6, TB_MAC_SRC, 6);
	b[12] = (uint8_t)(type >> 8);
	b[13] = (uint8_t)type;
	memcpy(b + 14, l3, len);
	return 14 + len;
}

static inline uint16_t tb_ethertype(uint8_t family)
{
	return family == LISPD_AF_INET ? 0x0800 : 0x86DD;
}

/* Ethernet frame of an IP packet described by p. */
static inline size_t tb_frame(uint8_t *b, const struct tb_ip *p)
{
	uint8_t l3[TB_PKT_MAX];
	size_t n = tb_build_ip(l3, p);

	return tb_build_eth(b, tb_ethertype(p->family), l3, n);
}

/* A LISP data frame: outer IP (family/addresses/ttl/tos from outer, its
 * proto/ports ignored) + UDP sport->dport + LISP header + inner[0..len). */
static inline size_t tb_lisp_frame(uint8_t *b, const struct tb_ip *outer, uint16_t dport,
				   const struct lisp_data_hdr *h, const uint8_t *inner, size_t len)
{
	uint8_t l3[TB_PKT_MAX];
	size_t hl = outer->family == LISPD_AF_INET ? 20 : 40, off;
	struct tb_ip o = *outer;

	o.proto = 250;  /* build the IP header only, payload filled below */
	o.payload = (uint16_t)(8 + 8 + len);
	tb_build_ip(l3, &o);
	l3[outer->family == LISPD_AF_INET ? 9 : 6] = 17;
	if (outer->family == LISPD_AF_INET) {
		l3[10] = l3[11] = 0;
		off = 10;
		put_u16(l3, 20, &off, tb_csum(l3, 20, 0), NULL, "csum");
	}
	off = hl;
	put_u16(l3, sizeof(l3), &off, outer->sport, NULL, "sport");
	put_u16(l3, sizeof(l3), &off, dport, NULL, "dport");
	put_u16(l3, sizeof(l3), &off, (uint16_t)(16 + len), NULL, "ulen");
	put_u16(l3, sizeof(l3), &off, 0, NULL, "ucsum");
	if (lisp_data_hdr_encode(l3 + off, 8, h, NULL)) {
		fprintf(stderr, "lisp header encode failed\n");
		abort();
	}
	memcpy(l3 + off + 8, inner, len);
	return tb_build_eth(b, tb_ethertype(outer->family), l3, hl + 16 + len);
}

#endif
