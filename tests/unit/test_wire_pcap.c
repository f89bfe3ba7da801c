/* Builds one packet of every kind we send or answer, with our encoders, and
 * writes them to $BUILD/wire/ours.pcap for tests/wire/test_tshark.sh, which
 * has tshark (an independent dissector) judge them. Beside the capture it
 * writes ours.expect: "frame<TAB>tshark field<TAB>value" lines stating what
 * each packet was built to carry, from the structs handed to the encoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "pcap_file.h"

#define MAX_FRAMES 32
#define FILE_CAP (MAX_FRAMES * 2048)

static const char key1[] = "wire-test-key-sha1";
static const char key256[] = "wire-test-key-sha256";

struct out {
	uint8_t *file;
	size_t off;
	unsigned frames;
	FILE *expect;
};

static struct out o;

/* Documentation addresses: MN RLOCs, Map-Server/Resolver, a peer xTR; EIDs. */
#define MN4 "192.0.2.10"
#define MN6 "2001:db8:0:1::10"
#define MS4 "198.51.100.1"
#define MS6 "2001:db8:0:2::1"
#define PEER4 "203.0.113.5"
#define MN_EID4 "198.18.0.10"
#define MN_EID6 "2001:db8:e1d::10"
#define PEER_EID4 "198.18.10.20"
#define PEER_EID6 "2001:db8:e1d:10::20"

static struct lisp_ip ip(const char *s)
{
	struct lisp_ip a;

	assert_int_equal(lisp_ip_parse(s, &a, NULL), 0);
	return a;
}

static struct lisp_addr addr(const char *s)
{
	struct lisp_ip a = ip(s);
	struct lisp_addr out;

	lisp_addr_from_ip(&out, &a);
	return out;
}

static struct lisp_prefix prefix(const char *s)
{
	struct lisp_prefix p;

	assert_int_equal(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

static void expect(const char *field, const char *fmt, ...)
{
	va_list ap;

	fprintf(o.expect, "%u\t%s\t", o.frames, field);
	va_start(ap, fmt);
	vfprintf(o.expect, fmt, ap);
	va_end(ap);
	fputc('\n', o.expect);
}

/* Appends one frame; later expect() calls refer to it. */
static void emit(const char *src, const char *dst, uint16_t sport, uint16_t dport,
		 const uint8_t *payload, size_t len)
{
	struct lisp_ip s = ip(src), d = ip(dst);
	uint8_t frame[2048];
	size_t flen = 0;
	struct lisp_err err = { 0 };

	assert_int_equal(s.afi, d.afi);
	if (pcap_build_udp_frame(frame, sizeof(frame), &flen, s.afi == LISP_AFI_IPV4 ? 4 : 6,
				 s.bytes, d.bytes, sport, dport, payload, len, &err) != 0)
		fail_msg("frame: %s", lisp_err_name(err.code));
	o.frames++;  /* tshark numbers frames from 1 */
	assert_int_equal(pcap_write_record(o.file, FILE_CAP, &o.off, 1700000000 + o.frames,
					   o.frames * 1000, frame, flen, NULL),
			 0);
}

static void encoded(int rc, const struct lisp_err *err)
{
	char why[128];

	if (rc != 0)
		fail_msg("encode: %s", lisp_err_format(err, why, sizeof(why)));
}

static void request_common(struct lisp_map_request *m, uint64_t nonce, const char *src_eid,
			   const char *itr, const char *eid)
{
	memset(m, 0, sizeof(*m));
	m->nonce = nonce;
	if (src_eid)
		m->source_eid = addr(src_eid);
	m->n_itr = 1;
	m->itr[0] = addr(itr);
	m->n_eid = 1;
	m->eid[0] = prefix(eid);
}

static size_t encode_request(const struct lisp_map_request *m, uint8_t *buf, size_t cap)
{
	struct lisp_err err = { 0 };
	size_t len = 0;

	encoded(lisp_map_request_encode(buf, cap, &len, m, &err), &err);
	return len;
}

static void expect_nonce(uint64_t nonce)
{
	expect("lisp.nonce", "0x%016llx", (unsigned long long)nonce);
}

static void build_requests(void)
{
	struct lisp_map_request *m = calloc(1, sizeof(*m));
	uint8_t buf[512];
	size_t len;

	assert_non_null(m);
	/* Plain Map-Request, sent directly (e.g. by lig). */
	request_common(m, 0x1111222233334444ull, MN_EID4, MN4, PEER_EID4 "/32");
	len = encode_request(m, buf, sizeof(buf));
	emit(MN4, PEER4, 4342, 4342, buf, len);
	expect("lisp.type", "1");
	expect_nonce(m->nonce);
	expect("lisp.mreq.srceid.ipv4", MN_EID4);
	expect("lisp.mreq.itr_rloc_ipv4", MN4);
	expect("lisp.mreq.record.prefix.ipv4", PEER_EID4);
	expect("lisp.mreq.record.prefix.length", "32");
	expect("lisp.mreq.flags.smr", "0");

	/* SMR after an RLOC change: our EID as source, the new RLOCs as ITR-RLOCs. */
	request_common(m, 0x5555666677778888ull, MN_EID4, MN4, "198.18.10.0/24");
	m->smr = true;
	m->n_itr = 2;
	m->itr[1] = addr(MN6);
	len = encode_request(m, buf, sizeof(buf));
	emit(MN4, PEER4, 4342, 4342, buf, len);
	expect("lisp.mreq.flags.smr", "1");
	expect("lisp.mreq.flags.probe", "0");
	expect("lisp.irc", "1");
	expect("lisp.mreq.itr_rloc_ipv6", MN6);
	expect("lisp.mreq.record.prefix.length", "24");

	/* RLOC probe: no source EID, P set. */
	request_common(m, 0x0123456789abcdefull, NULL, MN6, "2001:db8:e1d:10::/64");
	m->probe = true;
	len = encode_request(m, buf, sizeof(buf));
	emit(MN6, "2001:db8:0:3::5", 4342, 4342, buf, len);
	expect("lisp.mreq.flags.probe", "1");
	expect("lisp.mreq.srceid.afi", "0");
	expect("lisp.mreq.record.prefix.ipv6", "2001:db8:e1d:10::");
	expect_nonce(m->nonce);
	free(m);
}

static void locator(struct lisp_locator *l, const char *a, uint8_t prio, uint8_t weight)
{
	memset(l, 0, sizeof(*l));
	l->priority = prio;
	l->weight = weight;
	l->mpriority = 255;
	l->reachable = true;
	l->addr = addr(a);
}

static void build_replies(void)
{
	struct lisp_map_reply *m = calloc(1, sizeof(*m));
	struct lisp_err err = { 0 };
	uint8_t buf[512];
	size_t len = 0;

	assert_non_null(m);
	/* Positive: the peer's /24 with an IPv4 and an IPv6 locator. */
	m->nonce = 0x1111222233334444ull;
	m->n_rec = 1;
	m->rec[0].ttl = 1440;
	m->rec[0].authoritative = true;
	m->rec[0].eid = prefix("198.18.10.0/24");
	m->rec[0].n_loc = 2;
	locator(&m->rec[0].loc[0], PEER4, 1, 100);
	locator(&m->rec[0].loc[1], "2001:db8:0:3::5", 2, 50);
	encoded(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), &err);
	emit(PEER4, MN4, 4342, 4342, buf, len);
	expect("lisp.type", "2");
	expect_nonce(m->nonce);
	expect("lisp.records", "1");
	expect("lisp.mapping.ttl", "1440");
	expect("lisp.mapping.loccnt", "2");
	expect("lisp.mapping.eid.ipv4", "198.18.10.0");
	expect("lisp.mapping.eid.masklen", "24");
	expect("lisp.loc.priority", "1,2");
	expect("lisp.loc.weight", "100,50");
	expect("lisp.loc.locator", PEER4 ",2001:db8:0:3::5");

	/* Negative: non-EID space, natively forward, 15 minutes. */
	memset(m, 0, sizeof(*m));
	m->nonce = 0xfedcba9876543210ull;
	m->n_rec = 1;
	m->rec[0].ttl = 15;
	m->rec[0].act = LISP_ACT_NATIVELY_FORWARD;
	m->rec[0].eid = prefix("192.0.0.0/8");
	encoded(lisp_map_reply_encode(buf, sizeof(buf), &len, m, &err), &err);
	emit(MS4, MN4, 4342, 4342, buf, len);
	expect("lisp.mapping.loccnt", "0");
	expect("lisp.mapping.act", "1");
	expect("lisp.mapping.ttl", "15");
	expect("lisp.mapping.eid.masklen", "8");
	free(m);
}

static void register_body(struct lisp_map_register *m, uint8_t type, uint64_t nonce,
			  const char *eid, const char *rloc)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->nonce = nonce;
	m->n_rec = 1;
	m->rec[0].ttl = 3;
	m->rec[0].authoritative = true;
	m->rec[0].eid = prefix(eid);
	m->rec[0].n_loc = 1;
	locator(&m->rec[0].loc[0], rloc, 1, 100);
	m->rec[0].loc[0].local = true;
}

static size_t encode_register(const struct lisp_map_register *m, const char *key, uint8_t *buf,
			      size_t cap)
{
	struct lisp_err err = { 0 };
	size_t len = 0;

	encoded(lisp_map_register_encode(buf, cap, &len, m, (const uint8_t *)key, strlen(key),
					 &err),
		&err);
	/* Our own signature verifies, and only with our key. */
	assert_int_equal(lisp_auth_verify(buf, len, (const uint8_t *)key, strlen(key), NULL), 0);
	assert_int_equal(lisp_auth_verify(buf, len, (const uint8_t *)"other", 5, &err), -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);
	return len;
}

static void build_registration(void)
{
	struct lisp_map_register *m = calloc(1, sizeof(*m));
	uint8_t buf[512];
	size_t len;

	assert_non_null(m);
	/* HMAC-SHA-1, full 20-byte digest (what deployed Map-Servers expect). */
	register_body(m, LISP_MAP_REGISTER, 0x0000000100000001ull, MN_EID4 "/32", MN4);
	m->want_notify = true;
	m->proxy_reply = true;
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	len = encode_register(m, key1, buf, sizeof(buf));
	emit(MN4, MS4, 4342, 4342, buf, len);
	expect("lisp.type", "3");
	expect_nonce(m->nonce);
	expect("lisp.authlen", "20");
	expect("lisp.mreg.flags.wmn", "1");
	expect("lisp.mreg.flags.pmr", "1");
	expect("lisp.mreg.flags.xtrid", "0");
	expect("lisp.mapping.eid.ipv4", MN_EID4);
	expect("lisp.loc.flags.local", "1");
	expect("lisp.loc.flags.reach", "1");

	/* HMAC-SHA-256 over IPv6, with the xTR-ID/Site-ID trailer (I bit). */
	register_body(m, LISP_MAP_REGISTER, 0x0000000100000002ull, MN_EID6 "/128", MN6);
	m->want_notify = true;
	m->xtr_id_present = true;
	for (int i = 0; i < 16; i++)
		m->xtr_id[i] = (uint8_t)(0xa0 + i);
	m->site_id = 0x0102030405060708ull;
	m->auth.alg_id = LISP_AUTH_HMAC_SHA256_128;
	len = encode_register(m, key256, buf, sizeof(buf));
	emit(MN6, MS6, 4342, 4342, buf, len);
	expect("lisp.authlen", "32");
	expect("lisp.mreg.flags.xtrid", "1");
	expect("lisp.xtrid", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	expect("lisp.siteid", "0102030405060708");
	expect("lisp.mapping.eid.ipv6", MN_EID6);
	expect("lisp.mapping.eid.masklen", "128");

	/* Map-Notify from the MS, then our Map-Notify-Ack. */
	register_body(m, LISP_MAP_NOTIFY, 0x0000000100000001ull, MN_EID4 "/32", MN4);
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	len = encode_register(m, key1, buf, sizeof(buf));
	emit(MS4, MN4, 4342, 4342, buf, len);
	expect("lisp.type", "4");
	expect_nonce(m->nonce);
	expect("lisp.records", "1");

	register_body(m, LISP_MAP_NOTIFY_ACK, 0x0000000200000007ull, MN_EID4 "/32", MN4);
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	len = encode_register(m, key1, buf, sizeof(buf));
	emit(MN4, MS4, 4342, 4342, buf, len);
	/* tshark 4.0 names type 5 "Unknown LISP Control Packet" and stops after
	 * the type: only the type can be checked there. */
	expect("lisp.type", "5");
	free(m);
}

static void build_ecms(void)
{
	struct lisp_map_request *req = calloc(1, sizeof(*req));
	struct lisp_ecm ecm;
	struct lisp_err err = { 0 };
	uint8_t inner[512], buf[1024];
	size_t len = 0;

	assert_non_null(req);
	/* Cache miss: Map-Request for the destination /32 through the MR. */
	request_common(req, 0xaaaabbbbccccddddull, MN_EID4, MN4, PEER_EID4 "/32");
	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = ip(MN_EID4);
	ecm.inner_dst = ip(PEER_EID4);
	ecm.inner_ttl = 255;
	ecm.inner_df = true;
	ecm.inner_sport = 4342;
	ecm.inner_dport = 4342;
	ecm.payload = inner;
	ecm.payload_len = encode_request(req, inner, sizeof(inner));
	encoded(lisp_ecm_encode(buf, sizeof(buf), &len, &ecm, &err), &err);
	emit(MN4, MS4, 4342, 4342, buf, len);
	expect("lisp.type", "8,1");
	expect("ip.dst", MS4 "," PEER_EID4);
	expect("ip.ttl", "64,255");
	expect("udp.dstport", "4342,4342");
	expect_nonce(req->nonce);
	expect("lisp.mreq.record.prefix.ipv4", PEER_EID4);

	/* IPv6 inner and outer, SMR-invoked. */
	request_common(req, 0x1234123412341234ull, MN_EID6, MN6, PEER_EID6 "/128");
	req->smr_invoked = true;
	memset(&ecm, 0, sizeof(ecm));
	ecm.inner_src = ip(MN_EID6);
	ecm.inner_dst = ip(PEER_EID6);
	ecm.inner_ttl = 255;
	ecm.inner_sport = 61000;
	ecm.inner_dport = 4342;
	ecm.payload = inner;
	ecm.payload_len = encode_request(req, inner, sizeof(inner));
	encoded(lisp_ecm_encode(buf, sizeof(buf), &len, &ecm, &err), &err);
	emit(MN6, MS6, 4342, 4342, buf, len);
	expect("lisp.type", "8,1");
	expect("ipv6.dst", MS6 "," PEER_EID6);
	expect("udp.srcport", "4342,61000");
	expect("lisp.mreq.flags.smri", "1");
	expect("lisp.mreq.record.prefix.ipv6", PEER_EID6);
	free(req);
}

static void build_info(void)
{
	struct lisp_info *m = calloc(1, sizeof(*m));
	struct lisp_err err = { 0 };
	uint8_t buf[512];
	size_t len = 0;

	assert_non_null(m);
	m->nonce = 0x00000000cafef00dull;
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	m->ttl = 0;
	m->eid = prefix(MN_EID4 "/32");
	encoded(lisp_info_encode(buf, sizeof(buf), &len, m, (const uint8_t *)key1, strlen(key1),
				 &err),
		&err);
	assert_int_equal(lisp_auth_verify(buf, len, (const uint8_t *)key1, strlen(key1), NULL), 0);
	emit(MN4, MS4, 4342, 4342, buf, len);
	expect("lisp.type", "7");
	expect("lisp.info.r", "0");
	expect_nonce(m->nonce);
	expect("lisp.info.prefix.ipv4", MN_EID4);

	/* Reply: the MN seen behind a NAT at 203.0.113.99:40000. */
	m->reply = true;
	m->ttl = 1440;
	m->ms_port = 4342;
	m->etr_port = 40000;
	m->global_etr = addr("203.0.113.99");
	m->ms = addr(MS4);
	m->private_etr = addr(MN4);
	m->n_rtr = 1;
	m->rtr[0] = addr("198.51.100.7");
	encoded(lisp_info_encode(buf, sizeof(buf), &len, m, (const uint8_t *)key1, strlen(key1),
				 &err),
		&err);
	assert_int_equal(lisp_auth_verify(buf, len, (const uint8_t *)key1, strlen(key1), NULL), 0);
	emit(MS4, "203.0.113.99", 4342, 40000, buf, len);
	expect("lisp.info.r", "1");
	expect("lisp.info.ttl", "1440");
	expect("lisp.lcaf.type", "7");
	expect("lisp.lcaf.natt.msport", "4342");
	expect("lisp.lcaf.natt.etrport", "40000");
	expect("lisp.lcaf.natt.rloc.ipv4", "203.0.113.99," MS4 "," MN4 ",198.51.100.7");
	free(m);
}

/* NAT traversal (docs/NAT.md): the node's Map-Register to its RTR, the RTR's
 * relay to the map-server, the map-server's authenticated answer to the RTR,
 * the Data-Map-Notify as the node receives it, and the OLD dialect's
 * Map-Notify with its RTR auth field. */
#define RTR4 "203.0.113.66"
static const char key_rtr[] = "wire-test-key-ms-rtr";

static size_t encode_ecm(const struct lisp_ecm *ecm, uint8_t *buf, size_t cap)
{
	struct lisp_err err = { 0 };
	size_t len = 0;

	encoded(lisp_ecm_encode(buf, cap, &len, ecm, &err), &err);
	return len;
}

/* An ECM for an RTR (R) around a control message, inner UDP 4342 -> 4342. */
static struct lisp_ecm rtr_ecm(const char *src, const char *dst, const uint8_t *msg, size_t len)
{
	struct lisp_ecm ecm = { .rtr = true, .inner_ttl = 255, .inner_sport = 4342,
				.inner_dport = 4342, .payload = msg, .payload_len = len };

	ecm.inner_src = ip(src);
	ecm.inner_dst = ip(dst);
	return ecm;
}

static void build_nat(void)
{
	struct lisp_map_register *m = calloc(1, sizeof(*m));
	struct lisp_data_map_notify dmn;
	struct lisp_ecm ecm;
	struct lisp_err err = { 0 };
	uint8_t inner[512], buf[1024];
	size_t len;

	assert_non_null(m);
	/* The register through the RTR: P, I, M and R; the RTR reachable, the
	 * private RLOC local and unreachable. */
	register_body(m, LISP_MAP_REGISTER, 0x0000000100000003ull, MN_EID4 "/32", RTR4);
	m->rec[0].loc[0].local = false;
	m->rec[0].n_loc = 2;
	locator(&m->rec[0].loc[1], MN4, 1, 100);
	m->rec[0].loc[1].local = true;
	m->rec[0].loc[1].reachable = false;
	m->proxy_reply = m->want_notify = m->xtr_id_present = m->rtr = true;
	memset(m->xtr_id, 0x5c, sizeof(m->xtr_id));
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	ecm = rtr_ecm(MN4, MS4, inner, encode_register(m, key1, inner, sizeof(inner)));
	len = encode_ecm(&ecm, buf, sizeof(buf));
	emit(MN4, RTR4, 4341, 4342, buf, len);
	expect("lisp.type", "8,3");
	expect("ip.dst", RTR4 "," MS4);
	expect("udp.srcport", "4341,4342");
	expect("lisp.mreg.flags.rtr", "1");
	expect("lisp.mreg.flags.xtrid", "1");
	expect("lisp.loc.locator", RTR4 "," MN4);
	expect("lisp.loc.flags.reach", "1,0");

	/* The RTR relays it: N instead of R, the inner packet untouched. */
	ecm.rtr = false;
	ecm.nat = true;
	len = encode_ecm(&ecm, buf, sizeof(buf));
	emit(RTR4, MS4, 4342, 4342, buf, len);
	expect("lisp.type", "8,3");
	expect("ip.src", RTR4 "," MN4);
	expect_nonce(m->nonce);

	/* The map-server's Map-Notify to the RTR: ECM with S and R, MS-RTR
	 * authentication data over the Map-Notify. */
	register_body(m, LISP_MAP_NOTIFY, 0x0000000100000003ull, MN_EID4 "/32", RTR4);
	m->xtr_id_present = true;
	memset(m->xtr_id, 0x5c, sizeof(m->xtr_id));
	m->auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	ecm = rtr_ecm(MS4, MN4, inner, encode_register(m, key1, inner, sizeof(inner)));
	ecm.rtr_auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	encoded(lisp_ecm_rtr_auth_sign(&ecm, (const uint8_t *)key_rtr, strlen(key_rtr), &err), &err);
	assert_int_equal(lisp_ecm_rtr_auth_verify(&ecm, (const uint8_t *)key_rtr, strlen(key_rtr),
						  NULL),
			 0);
	len = encode_ecm(&ecm, buf, sizeof(buf));
	emit(MS4, RTR4, 4342, 4342, buf, len);
	expect("lisp.type", "8");
	expect("lisp.ecm.flags.sec", "1");

	/* What the node receives: the same inner packet as LISP data, instance-id
	 * 0xFFFFFF, from the RTR's port 4342 (to the NAT's port, 4341 after it). */
	memset(&dmn, 0, sizeof(dmn));
	dmn.hdr.i = true;
	dmn.hdr.iid = LISP_IID_DATA_MAP_NOTIFY;
	dmn.inner = ecm.inner;
	encoded(lisp_data_map_notify_encode(buf, sizeof(buf), &len, &dmn, &err), &err);
	emit(RTR4, MN4, 4342, 4341, buf, len);
	expect("lisp-data.flags.iid", "1");
	expect("lisp-data.iid", "%u", LISP_IID_DATA_MAP_NOTIFY);
	expect("ip.src", RTR4 "," MS4);
	expect("udp.srcport", "4342,4342");
	expect("lisp.type", "4");
	expect("lisp.mnot.flags.xtrid", "1");
	expect_nonce(m->nonce);

	/* OLD dialect: the Map-Notify to the RTR itself carries R and, after the
	 * trailer, the MS-RTR auth field. */
	m->rtr = true;
	m->has_rtr_auth = true;
	m->rtr_auth.key_id = 0;
	m->rtr_auth.alg_id = LISP_AUTH_HMAC_SHA1_96;
	m->rtr_auth.len = 20;
	encoded(lisp_map_register_encode(buf, sizeof(buf), &len, m, (const uint8_t *)key1,
					 strlen(key1), &err),
		&err);
	encoded(lisp_auth_sign_at(buf, len, lisp_map_notify_rtr_auth_off(m, len),
				  (const uint8_t *)key_rtr, strlen(key_rtr), &err),
		&err);
	assert_int_equal(lisp_auth_verify(buf, lisp_map_notify_rtr_auth_off(m, len),
					  (const uint8_t *)key1, strlen(key1), NULL),
			 0);
	emit(MS4, RTR4, 4342, 4342, buf, len);
	expect("lisp.type", "4");
	expect("lisp.mnot.flags.rtr", "1");
	expect("lisp.msrtr.authlen", "20");
	free(m);
}

/* An inner IP/UDP packet: a frame from the builder without its Ethernet header. */
static size_t inner_packet(uint8_t *buf, size_t cap, const char *src, const char *dst)
{
	static const uint8_t app[] = "inner application payload";
	struct lisp_ip s = ip(src), d = ip(dst);
	uint8_t frame[256];
	size_t flen = 0;

	assert_int_equal(pcap_build_udp_frame(frame, sizeof(frame), &flen,
					      s.afi == LISP_AFI_IPV4 ? 4 : 6, s.bytes, d.bytes,
					      40001, 5001, app, sizeof(app), NULL),
			 0);
	assert_true(flen - 14 <= cap);
	memcpy(buf, frame + 14, flen - 14);
	return flen - 14;
}

static void build_data(void)
{
	struct lisp_data_hdr h;
	struct lisp_err err = { 0 };
	uint8_t buf[512];
	size_t len;

	/* IPv4 in IPv4, nonce present. UDP checksum: the builder fills it in,
	 * which RFC 9300 allows (non-zero must be correct). */
	memset(&h, 0, sizeof(h));
	h.n = true;
	h.nonce = 0xabcdef;
	encoded(lisp_data_hdr_encode(buf, sizeof(buf), &h, &err), &err);
	len = LISP_DATA_HDR_LEN + inner_packet(buf + 8, sizeof(buf) - 8, MN_EID4, PEER_EID4);
	emit(MN4, PEER4, 61001, 4341, buf, len);
	expect("lisp-data.flags.nonce", "1");
	expect("lisp-data.nonce", "%u", h.nonce);
	expect("ip.src", MN4 "," MN_EID4);
	expect("udp.dstport", "4341,5001");

	/* IPv6 in IPv6 with instance-id 7 and LSBs 0x01. */
	memset(&h, 0, sizeof(h));
	h.i = true;
	h.l = true;
	h.iid = 7;
	h.lsb = 0x01;
	encoded(lisp_data_hdr_encode(buf, sizeof(buf), &h, &err), &err);
	len = LISP_DATA_HDR_LEN + inner_packet(buf + 8, sizeof(buf) - 8, MN_EID6, PEER_EID6);
	emit(MN6, "2001:db8:0:3::5", 61002, 4341, buf, len);
	expect("lisp-data.flags.iid", "1");
	expect("lisp-data.iid", "%u", h.iid);
	expect("lisp-data.lsb8", "0x%02x", h.lsb);
	expect("ipv6.src", MN6 "," MN_EID6);
}

static void test_write_ours_pcap(void **state)
{
	const char *build = getenv("BUILD");
	char dir[512], path[600];
	FILE *f;
	(void)state;

	snprintf(dir, sizeof(dir), "%s/wire", build && *build ? build : "build");
	mkdir(build && *build ? build : "build", 0755);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/ours.expect", dir);
	o.expect = fopen(path, "w");
	assert_non_null(o.expect);
	o.file = malloc(FILE_CAP);
	assert_non_null(o.file);
	o.off = 0;
	o.frames = 0;
	assert_int_equal(pcap_write_header(o.file, FILE_CAP, &o.off, PCAP_LINKTYPE_ETHERNET,
					   65535, NULL),
			 0);

	build_requests();   /* 1-3 */
	build_replies();    /* 4-5 */
	build_registration(); /* 6-9 */
	build_ecms();       /* 10-11 */
	build_info();       /* 12-13 */
	build_data();       /* 14-15 */
	build_nat();        /* 16-20 */
	assert_int_equal(o.frames, 20);
	fprintf(o.expect, "frames\t%u\n", o.frames);
	assert_int_equal(fclose(o.expect), 0);

	snprintf(path, sizeof(path), "%s/ours.pcap", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(o.file, 1, o.off, f), o.off);
	assert_int_equal(fclose(f), 0);

	/* Read back: the file holds exactly those frames, each a UDP datagram on
	 * a LISP port whose payload decodes with our own decoders too. */
	struct pcap_reader r;
	struct pcap_record rec;
	unsigned n = 0;
	struct lisp_msg *m = malloc(sizeof(*m));

	assert_non_null(m);
	assert_int_equal(pcap_reader_init(&r, o.file, o.off, NULL), 0);
	while (pcap_reader_next(&r, &rec, NULL) == 1) {
		struct pcap_udp u;
		struct lisp_data_hdr h;

		n++;
		assert_int_equal(pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL), 0);
		assert_true(pcap_udp_checksum_ok(&u));
		if (u.dport == LISP_DATA_PORT) {
			struct lisp_data_map_notify dmn;

			assert_int_equal(lisp_data_hdr_decode(u.payload, u.payload_len, &h, NULL), 0);
			if (lisp_data_hdr_is_map_notify(&h))
				assert_int_equal(lisp_data_map_notify_decode(u.payload, u.payload_len,
									     &dmn, NULL),
						 0);
		} else
			assert_int_equal(lisp_msg_decode(u.payload, u.payload_len, m, NULL), 0);
	}
	assert_int_equal(n, 20);
	free(m);
	free(o.file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_ours_pcap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
