/* Seeds of fuzz_bpf, written at run time (tests/fuzz/run.sh): for every
 * program, frames that reach each of its verdicts in bpf_world.h's world,
 * built with the BPF tests' packet builders. File = program byte, config
 * variant byte, frame. Included by fuzz_bpf.c only. */
#ifndef FUZZ_BPF_SEEDS_H
#define FUZZ_BPF_SEEDS_H

static int fb_seed_n;

static int fb_save(const char *dir, int prog, uint8_t variant, const uint8_t *frame, size_t len)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/seed-%d-%03d", dir, prog, fb_seed_n++);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fputc(prog, f) != EOF && fputc(variant, f) != EOF && fwrite(frame, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* A plain IP frame src -> dst (UDP, TCP or ICMP by proto), payload bytes. */
static size_t fb_plain(uint8_t *b, uint8_t fam, const char *src, const char *dst, uint8_t proto,
		       uint16_t payload, uint16_t frag)
{
	struct tb_ip p;

	tb_ip_init(&p, fam, src, dst);
	p.proto = proto;
	p.payload = payload;
	p.frag = frag;
	return tb_frame(b, &p);
}

/* A LISP frame: outer ofam to our RLOC (dst), inner ifam src -> dst. */
static uint8_t fb_outer_ttl = 30;    /* of the next fb_lisp frame */
static uint16_t fb_inner_payload = 32;
static const char *fb_outer_src4;    /* the next frame's outer IPv4 source, when set */

static size_t fb_lisp(uint8_t *b, uint8_t ofam, const char *odst, uint8_t ifam, const char *isrc,
		      const char *idst, uint32_t iid, uint8_t kk)
{
	uint8_t inner[TB_PKT_MAX];
	struct tb_lisp l;
	size_t n;

	tb_lisp_init(&l, ifam, isrc, idst, ofam,
		     ofam == LISPD_AF_INET ? (fb_outer_src4 ? fb_outer_src4 : BW_MN_RLOC4) : BW_MN_RLOC6,
		     odst);
	l.inner.payload = fb_inner_payload;
	l.outer.ttl = fb_outer_ttl;
	l.lh.kk = kk;
	if (iid) {
		l.lh.i = true;
		l.lh.iid = iid;
	}
	return tb_lisp_build(&l, b, inner, &n);
}

/* The RTR: to its NATed node from a peer (both outer families, both inner
 * ones), from the node (outer source its NAT) to every map-cache entry and
 * a miss, with TTL 1 and too big; refusals. */
static int fb_write_rtr_seeds(const char *dir)
{
	static const char *const dst4[] = { BW_PEER4, "198.18.1.1", "198.18.2.1", "198.18.3.1",
					    "198.18.7.1", "198.18.8.1", BW_HOST4, BW_MISS4 };
	uint8_t b[TB_PKT_MAX];
	int rc = 0;

	for (int ofam = LISPD_AF_INET; ofam <= LISPD_AF_INET6; ofam++) {
		const char *o = ofam == LISPD_AF_INET ? BW_RLOC4 : BW_RLOC6;

		rc |= fb_save(dir, BW_RTR, 0, b,
			      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, BW_PEER4, "198.18.10.5", 0, 0));
		rc |= fb_save(dir, BW_RTR, BW_V_IID, b,
			      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET6, BW_PEER6, "2001:db8:e1d:a::5",
				      BW_IID, 0));
	}
	fb_outer_src4 = BW_NAT_G;
	for (size_t i = 0; i < sizeof(dst4) / sizeof(dst4[0]); i++)
		rc |= fb_save(dir, BW_RTR, i % 2 ? 0 : BW_V_MISS_PETR, b,
			      fb_lisp(b, LISPD_AF_INET, BW_RLOC4, LISPD_AF_INET, "198.18.10.5", dst4[i],
				      0, 0));
	rc |= fb_save(dir, BW_RTR, 0, b,
		      fb_lisp(b, LISPD_AF_INET, BW_RLOC4_2, LISPD_AF_INET6, "2001:db8:e1d:a::5",
			      BW_PEER6, 0, 0));
	fb_outer_ttl = 1;
	rc |= fb_save(dir, BW_RTR, 0, b,
		      fb_lisp(b, LISPD_AF_INET, BW_RLOC4, LISPD_AF_INET, "198.18.10.5", BW_PEER4, 0, 0));
	fb_outer_ttl = 30;
	fb_inner_payload = 1430;
	rc |= fb_save(dir, BW_RTR, 0, b,
		      fb_lisp(b, LISPD_AF_INET, BW_RLOC4, LISPD_AF_INET, "198.18.10.5", BW_PEER4, 0, 0));
	fb_inner_payload = 32;
	fb_outer_src4 = NULL;
	/* A NATed source from elsewhere; neither address NATed. */
	rc |= fb_save(dir, BW_RTR, 0, b,
		      fb_lisp(b, LISPD_AF_INET, BW_RLOC4, LISPD_AF_INET, "198.18.10.5", BW_PEER4, 0, 0));
	rc |= fb_save(dir, BW_RTR, 0, b,
		      fb_lisp(b, LISPD_AF_INET, BW_RLOC4, LISPD_AF_INET, BW_PEER4, BW_HOST4, 0, 0));
	return rc;
}

static int fb_write_seeds(const char *dir)
{
	static const char *const dst4[] = { BW_PEER4, "198.18.1.1", "198.18.2.1", "198.18.3.1",
					    "198.18.4.1", "198.18.6.1", "198.18.7.1", "198.18.8.1",
					    BW_HOST4, BW_MISS4 };
	static const char *const dst6[] = { BW_PEER6, "2001:db8:e1d:1::1", "2001:db8:e1d:2::1",
					    "2001:db8:e1d:3::1", "2001:db8:e1d:6::1",
					    "2001:db8:e1d:7::1", "2001:db8:e1d:8::1", BW_HOST6,
					    BW_MISS6 };
	uint8_t b[TB_PKT_MAX];
	int rc = 0;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	/* Encap and PITR: every map-cache entry and a miss, per family; too
	 * big (DF and not, IPv6); an ICMP error; a non-IP frame. */
	for (int prog = BW_ENCAP; prog <= BW_PITR; prog += BW_PITR - BW_ENCAP) {
		const char *s4 = prog == BW_ENCAP ? BW_EID4 : BW_HOST4;
		const char *s6 = prog == BW_ENCAP ? BW_EID6 : BW_HOST6;

		for (size_t i = 0; i < sizeof(dst4) / sizeof(dst4[0]); i++)
			rc |= fb_save(dir, prog, i % 3 ? 0 : BW_V_MISS_PETR, b,
				      fb_plain(b, LISPD_AF_INET, s4, dst4[i], 17, 32, 0x4000));
		for (size_t i = 0; i < sizeof(dst6) / sizeof(dst6[0]); i++)
			rc |= fb_save(dir, prog, 0, b,
				      fb_plain(b, LISPD_AF_INET6, s6, dst6[i], 6, 20, 0));
		rc |= fb_save(dir, prog, 0, b, fb_plain(b, LISPD_AF_INET, s4, BW_PEER4, 17, 1460, 0x4000));
		rc |= fb_save(dir, prog, 0, b, fb_plain(b, LISPD_AF_INET, s4, BW_PEER4, 17, 1460, 0));
		rc |= fb_save(dir, prog, 0, b, fb_plain(b, LISPD_AF_INET6, s6, BW_PEER6, 17, 1440, 0));
		rc |= fb_save(dir, prog, BW_V_NO_RLOC4, b,
			      fb_plain(b, LISPD_AF_INET6, s6, BW_PEER6, 17, 100, 0));
		rc |= fb_save(dir, prog, BW_V_IID, b, fb_plain(b, LISPD_AF_INET, s4, BW_PEER4, 1, 60, 0));
		b[12] = 0x08;
		b[13] = 0x06;   /* ARP */
		rc |= fb_save(dir, prog, 0, b, 60);
	}
	/* Decap (TC and XDP) and PETR: every outer/inner family pair, to each
	 * of our RLOCs; instance-ids; Data-Map-Notify; a key id. */
	for (int prog = BW_DECAP; prog <= BW_PETR; prog++) {
		const char *isrc4 = prog == BW_PETR ? BW_EID4 : BW_PEER4;
		const char *isrc6 = prog == BW_PETR ? BW_EID6 : BW_PEER6;
		const char *idst4[] = { prog == BW_PETR ? BW_HOST4 : BW_EID4, BW_PEER4, "198.18.2.9",
					"198.18.8.9", "198.18.9.9", BW_MISS4 };
		const char *idst6[] = { prog == BW_PETR ? BW_HOST6 : BW_EID6, BW_PEER6,
					"2001:db8:e1d:2::9", "2001:db8:e1d:9::9", BW_MISS6 };

		if (prog == BW_PITR)
			break;
		for (int ofam = LISPD_AF_INET; ofam <= LISPD_AF_INET6; ofam++) {
			const char *o = ofam == LISPD_AF_INET ? BW_RLOC4 : BW_RLOC6;
			const char *o2 = ofam == LISPD_AF_INET ? BW_RLOC4_2 : BW_RLOC6_2;

			for (size_t i = 0; i < sizeof(idst4) / sizeof(idst4[0]); i++)
				rc |= fb_save(dir, prog, 0, b,
					      fb_lisp(b, (uint8_t)ofam, i ? o : o2, LISPD_AF_INET,
						      isrc4, idst4[i], 0, 0));
			for (size_t i = 0; i < sizeof(idst6) / sizeof(idst6[0]); i++)
				rc |= fb_save(dir, prog, BW_V_LMN_MAC, b,
					      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET6, isrc6,
						      idst6[i], 0, 0));
			rc |= fb_save(dir, prog, BW_V_IID, b,
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, isrc4, idst4[0],
					      BW_IID, 0));
			rc |= fb_save(dir, prog, 0, b,
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, isrc4, idst4[0],
					      LISPD_IID_DATA_MAP_NOTIFY, 0));
			rc |= fb_save(dir, prog, 0, b,
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET6, isrc6, idst6[0], 0, 1));
			rc |= fb_save(dir, prog, 0, b,   /* an instance-id not ours */
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, isrc4, idst4[0], 7, 0));
			rc |= fb_save(dir, prog, 0, b,   /* a spoofed source */
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, BW_HOST4, idst4[0], 0, 0));
			/* Hairpin (PETR) with TTL 1, and too big once re-encapsulated. */
			fb_outer_ttl = 1;
			rc |= fb_save(dir, prog, 0, b,
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, isrc4, BW_PEER4, 0, 0));
			fb_outer_ttl = 30;
			fb_inner_payload = 1430;
			rc |= fb_save(dir, prog, 0, b,
				      fb_lisp(b, (uint8_t)ofam, o, LISPD_AF_INET, isrc4, BW_PEER4, 0, 0));
			fb_inner_payload = 32;
		}
	}
	return rc | fb_write_rtr_seeds(dir) ? -1 : 0;
}

#endif
