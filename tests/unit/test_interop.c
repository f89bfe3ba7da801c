/* Real-world vectors: every LISP packet captured from Open Overlay Router 1.3
 * (tests/interop/data/, see the README there) must decode, authenticate with
 * the lab keys, and re-encode to the same bytes. Runs from the repo root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "pcap_file.h"
#include "../common/testutil.h"

#define DATA_DIR "tests/interop/data/"
#define MAX_NONCES 64

/* A lab of the README: which key an xTR RLOC registers with, the EIDs its
 * data packets carry, and for the NAT lab the addresses an Info-Reply and
 * the registration through the RTR must name. */
struct lab_key {
	uint8_t rloc[4];
	const char *key;
};

struct lab {
	const struct lab_key *keys;
	size_t n_keys;
	const char *const *eids;
	size_t n_eids;
	const char *nat_public;  /* NAT lab: the NAT's public address */
	const char *ms;          /* NAT lab: map-server */
	const char *rtr;         /* NAT lab: the one RTR offered */
};

static const struct lab_key oor_keys[] = {
	{ { 198, 51, 100, 2 }, "key-xtr1" },
	{ { 203, 0, 113, 2 }, "key-xtr2" },
	{ { 192, 0, 2, 66 }, "key-mn" },
};

static const char *const oor_eids[] = {
	"10.1.1.0/24", "2001:db8:1:1::/64", "10.2.2.0/24", "2001:db8:2:2::/64", "10.3.3.0/24",
};

static const struct lab lab_oor = { oor_keys, 3, oor_eids, 5, NULL, NULL, NULL };

/* The NAT lab: the mobile node signs with k-mn from its private RLOC; the
 * map-server sees its Info-Request from the NAT's public address. */
static const struct lab_key nat_keys[] = {
	{ { 198, 51, 100, 130 }, "k-mn" },
	{ { 198, 51, 100, 2 }, "k-mn" },
};

static const char *const nat_eids[] = { "198.18.1.1/32", "198.18.10.0/24" };

static const struct lab lab_nat = { nat_keys, 2, nat_eids, 2, "198.51.100.2", "192.0.2.2",
				    "192.0.2.66" };

/* Expected counts, taken from tshark 4.0 on each capture (test data about the
 * captures, independent of our code):
 *   tshark -r F -Y 'udp.port==4342 && udp.dstport!=4341' | wc -l -> control
 *   tshark -r F -Y 'udp.dstport==4341 && frame.cap_len==frame.len' | wc -l
 *                                                                 -> data
 *   tshark -r F -Y 'udp.dstport==4341 && frame.cap_len<frame.len' | wc -l
 *                                     -> cut (by the capture's snap length)
 *   tshark -r F -Y lisp -T fields -e lisp.type -E occurrence=f | sort | uniq -c
 *                                                                 -> per outer type
 *   ... -E occurrence=l                                           -> ECM inner type
 *   tshark -r F -Y lisp-data -T fields -e lisp-data.flags -e lisp-data.iid
 *                     -> 0x00, or 0x08 with 16777215 (Data-Map-Notify, dmn) */
struct capture {
	const char *file;
	const struct lab *lab;
	unsigned control, request, reply, reg, notify, ecm, info, data, dmn, cut;
};

static const struct capture cap_mn = { "final-c-mn.pcap", &lab_oor, 6, 0, 2, 1, 1, 2, 0, 14, 0,
				       0 };
static const struct capture cap_ms = { "final-c-ms.pcap", &lab_oor, 34, 0, 4, 5, 5, 20, 0, 0, 0,
				       0 };
static const struct capture cap_xtr1 = { "oor-reference-flow-xtr1-link.pcap", &lab_oor, 16, 0, 6,
					 2, 2, 6, 0, 29, 0, 0 };
/* Info-Request and Info-Reply, the ECM Map-Register to the RTR, the SMR to
 * the RTR; then the Data-Map-Notify and 35 data packets through the RTR, 14
 * of them (full-size TCP segments) cut at 256 bytes by the capture. */
static const struct capture cap_nat = { "oor-nat-mn-outside.pcap", &lab_nat, 4, 1, 0, 0, 0, 1, 2,
					22, 1, 14 };

struct seen {
	const struct lab *lab;
	struct capture got;
	uint64_t reg_nonce[MAX_NONCES];
	unsigned n_reg_nonce;
	uint64_t req_nonce[MAX_NONCES];
	unsigned n_req_nonce;
	uint64_t info_nonce[MAX_NONCES];
	unsigned n_info_nonce;
	struct lisp_map_register last_reg;  /* NAT lab: the registration through the RTR */
	struct lisp_inner_udp last_reg_ip;  /* and its inner packet */
};

static const char *lab_key(const struct lab *lab, const uint8_t *rloc)
{
	for (size_t i = 0; i < lab->n_keys; i++)
		if (memcmp(lab->keys[i].rloc, rloc, 4) == 0)
			return lab->keys[i].key;
	fail_msg("no lab key for %u.%u.%u.%u", rloc[0], rloc[1], rloc[2], rloc[3]);
	return NULL;
}

static bool is_ipv4(const struct lisp_addr *a, const char *text)
{
	struct lisp_addr want = tu_addr(text);

	return lisp_addr_equal(a, &want);
}

static bool ip_is(const struct lisp_ip *ip, const char *text)
{
	struct lisp_addr a;

	lisp_addr_from_ip(&a, ip);
	return is_ipv4(&a, text);
}

static bool bytes_are(const uint8_t *v4, const char *text)
{
	struct lisp_ip ip;

	assert_int_equal(lisp_ip_from_bytes(&ip, LISP_AFI_IPV4, v4), 0);
	return ip_is(&ip, text);
}

static bool nonce_in(const uint64_t *list, unsigned n, uint64_t nonce)
{
	for (unsigned i = 0; i < n; i++)
		if (list[i] == nonce)
			return true;
	return false;
}

/* Decoders reject any strict prefix of a message and any trailing byte. */
static void check_exact_length(const uint8_t *msg, size_t len)
{
	uint8_t longer[2048];
	struct lisp_msg *m = malloc(sizeof(*m));
	struct lisp_err err;

	assert_non_null(m);
	for (size_t n = 0; n < len; n++) {
		memset(&err, 0, sizeof(err));
		if (lisp_msg_decode(msg, n, m, &err) == 0)
			fail_msg("type %u: %zu-byte prefix of a %zu-byte message decoded", msg[0] >> 4,
				 n, len);
		assert_int_not_equal(err.code, LISP_OK);
	}
	assert_true(len < sizeof(longer));
	memcpy(longer, msg, len);
	longer[len] = 0;
	memset(&err, 0, sizeof(err));
	if (lisp_msg_decode(longer, len + 1, m, &err) == 0)
		fail_msg("type %u: message with one trailing byte decoded", msg[0] >> 4);
	free(m);
}

/* msg carries its auth field at byte 12 (Map-Register, Map-Notify, Info):
 * it verifies with key, fails with another, and with any one bit flipped. */
static void check_auth(const uint8_t *msg, size_t len, const struct lisp_auth_field *auth,
		       const char *key)
{
	static const char wrong[] = "not-the-lab-key";
	uint8_t copy[1024];
	struct lisp_err err = { 0 };

	/* OOR: KeyID 0, HMAC-SHA-1 with the full 20-byte digest. */
	assert_int_equal(auth->key_id, 0);
	assert_int_equal(auth->alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(auth->len, 20);

	if (lisp_auth_verify(msg, len, (const uint8_t *)key, strlen(key), &err) != 0) {
		char why[128];

		fail_msg("auth with %s: %s", key, lisp_err_format(&err, why, sizeof(why)));
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(lisp_auth_verify(msg, len, (const uint8_t *)wrong, strlen(wrong), &err),
			 -1);
	assert_int_equal(err.code, LISP_ERR_AUTH_FAILED);

	/* One flipped bit anywhere (auth data or covered bytes) must fail. */
	assert_true(len <= sizeof(copy));
	for (size_t i = 0; i < len; i++) {
		memcpy(copy, msg, len);
		copy[i] ^= 0x01;
		assert_int_equal(lisp_auth_verify(copy, len, (const uint8_t *)key, strlen(key), NULL),
				 -1);
	}
}

/* A Map-Register or Map-Notify; xtr is the RLOC of the xTR it is from or for
 * (the one the lab keys by). */
static void check_register(const uint8_t *msg, size_t len, const uint8_t *xtr,
			   const struct lisp_map_register *reg, struct seen *s)
{
	uint8_t out[1024];
	size_t out_len = 0;
	const char *key = lab_key(s->lab, xtr);

	check_auth(msg, len, &reg->auth, key);

	/* key == NULL: auth data copied as received. */
	assert_int_equal(lisp_map_register_encode(out, sizeof(out), &out_len, reg, NULL, 0, NULL), 0);
	tu_assert_bytes(out, out_len, msg, len);
	/* With the right key our HMAC must equal the one OOR computed. */
	memset(out, 0, sizeof(out));
	assert_int_equal(lisp_map_register_encode(out, sizeof(out), &out_len, reg,
						  (const uint8_t *)key, strlen(key), NULL),
			 0);
	tu_assert_bytes(out, out_len, msg, len);

	assert_true(reg->n_rec >= 1);
	if (reg->type == LISP_MAP_REGISTER) {
		/* The xTR registers itself: its source address is one of the locators. */
		bool found = false;

		for (unsigned r = 0; r < reg->n_rec; r++)
			for (unsigned l = 0; l < reg->rec[r].n_loc; l++) {
				const struct lisp_addr *a = &reg->rec[r].loc[l].addr;

				if (a->kind == LISP_ADDR_IP && a->ip.afi == LISP_AFI_IPV4 &&
				    memcmp(a->ip.bytes, xtr, 4) == 0)
					found = true;
			}
		assert_true(found);
		assert_true(reg->want_notify);
		assert_true(s->n_reg_nonce < MAX_NONCES);
		s->reg_nonce[s->n_reg_nonce++] = reg->nonce;
	} else {
		/* The MS answers with the register's nonce. */
		assert_true(nonce_in(s->reg_nonce, s->n_reg_nonce, reg->nonce));
	}
}

static void check_request(const uint8_t *msg, size_t len, const struct lisp_map_request *req,
			  struct seen *s)
{
	uint8_t out[1024];
	size_t out_len = 0;

	assert_int_equal(lisp_map_request_encode(out, sizeof(out), &out_len, req, NULL), 0);
	assert_int_equal(out_len, len);
	assert_memory_equal(out, msg, len);
	assert_true(req->n_itr >= 1);
	assert_true(req->n_eid == 1);
	assert_true(s->n_req_nonce < MAX_NONCES);
	s->req_nonce[s->n_req_nonce++] = req->nonce;
}

/* The NAT lab's Map-Register through the RTR (draft-ermagan-lisp-nat-
 * traversal 5.1.1): ECM with R to the RTR's port 4342 from the data port;
 * inner packet from the node's private RLOC to the map-server; P, I, M and
 * the register's own R set; the RTR as a reachable locator, the private
 * RLOC as a local, unreachable one. */
static void check_register_via_rtr(const struct pcap_udp *u, const struct lisp_ecm *ecm,
				   const struct lisp_map_register *reg, struct seen *s)
{
	const struct lab *lab = s->lab;
	const struct lisp_record *rec = &reg->rec[0];

	assert_true(ecm->rtr);
	assert_false(ecm->nat || ecm->security || ecm->to_etr || ecm->to_ms || ecm->ddt);
	assert_int_equal(u->sport, LISP_DATA_PORT);
	assert_int_equal(u->dport, LISP_CONTROL_PORT);
	assert_true(bytes_are(u->src, lab->nat_public));
	assert_true(bytes_are(u->dst, lab->rtr));
	assert_true(ip_is(&ecm->inner_dst, lab->ms));
	assert_int_equal(ecm->inner_dport, LISP_CONTROL_PORT);

	assert_true(reg->proxy_reply && reg->xtr_id_present && reg->rtr && reg->want_notify);
	assert_int_equal(reg->n_rec, 1);
	assert_true(is_ipv4(&rec->eid.addr, "198.18.1.1"));
	assert_int_equal(rec->n_loc, 2);
	assert_true(is_ipv4(&rec->loc[0].addr, lab->rtr));
	assert_true(rec->loc[0].reachable && !rec->loc[0].local);
	assert_true(lisp_addr_equal(&rec->loc[1].addr, &(struct lisp_addr){
		.kind = LISP_ADDR_IP, .ip = ecm->inner_src }));
	assert_true(rec->loc[1].local && !rec->loc[1].reachable);

	s->last_reg = *reg;
	s->last_reg_ip = ecm->inner;
	s->last_reg_ip.payload = NULL;  /* it points into the capture being read */
}

static void check_ecm(const struct pcap_udp *u, const struct lisp_ecm *ecm, struct seen *s)
{
	uint8_t out[1024];
	size_t out_len = 0;
	struct lisp_msg *inner = calloc(1, sizeof(*inner));
	struct lisp_err err = { 0 };

	assert_non_null(inner);
	assert_int_equal(lisp_ecm_encode(out, sizeof(out), &out_len, ecm, NULL), 0);
	tu_assert_bytes(out, out_len, u->payload, u->payload_len);

	assert_non_null(ecm->payload);
	assert_true(ecm->payload > u->payload && ecm->payload + ecm->payload_len ==
						      u->payload + u->payload_len);
	if (lisp_msg_decode(ecm->payload, ecm->payload_len, inner, &err) != 0) {
		char why[128];

		fail_msg("ECM inner message: %s", lisp_err_format(&err, why, sizeof(why)));
	}
	switch (inner->type) {
	case LISP_MAP_REQUEST: {
		const struct lisp_prefix *eid = &inner->u.request.eid[0];

		check_request(ecm->payload, ecm->payload_len, &inner->u.request, s);
		check_exact_length(ecm->payload, ecm->payload_len);
		/* OOR addresses the inner packet to the EID it asks for, port 4342. */
		assert_true(lisp_ip_equal(&ecm->inner_dst, &eid->addr.ip));
		assert_int_equal(ecm->inner_dport, LISP_CONTROL_PORT);
		break;
	}
	case LISP_MAP_REGISTER:
		check_register(ecm->payload, ecm->payload_len, ecm->inner_src.bytes, &inner->u.reg, s);
		check_exact_length(ecm->payload, ecm->payload_len);
		check_register_via_rtr(u, ecm, &inner->u.reg, s);
		break;
	default:
		fail_msg("ECM carries type %u", inner->type);
	}
	free(inner);
}

static void check_reply(const struct pcap_udp *u, const struct lisp_map_reply *rep,
			struct seen *s)
{
	uint8_t out[1024];
	size_t out_len = 0;

	assert_int_equal(lisp_map_reply_encode(out, sizeof(out), &out_len, rep, NULL), 0);
	assert_int_equal(out_len, u->payload_len);
	assert_memory_equal(out, u->payload, out_len);
	/* Every reply answers a Map-Request seen earlier on the same link. */
	assert_true(nonce_in(s->req_nonce, s->n_req_nonce, rep->nonce));
	assert_true(rep->n_rec >= 1);
}

/* Info-Request from the node, Info-Reply from the map-server: signed with the
 * site key; the reply names what the map-server saw (the request's source
 * as the global ETR RLOC and port, its own address and port) and the RTR. */
static void check_info(const struct pcap_udp *u, const struct lisp_info *info, struct seen *s)
{
	const struct lab *lab = s->lab;
	const char *key = lab_key(lab, info->reply ? u->dst : u->src);
	uint8_t out[256];
	size_t out_len = 0;

	check_auth(u->payload, u->payload_len, &info->auth, key);
	assert_int_equal(lisp_info_encode(out, sizeof(out), &out_len, info, NULL, 0, NULL), 0);
	tu_assert_bytes(out, out_len, u->payload, u->payload_len);
	assert_int_equal(lisp_info_encode(out, sizeof(out), &out_len, info, (const uint8_t *)key,
					  strlen(key), NULL),
			 0);
	tu_assert_bytes(out, out_len, u->payload, u->payload_len);
	assert_true(is_ipv4(&info->eid.addr, "198.18.1.1"));
	assert_int_equal(info->eid.plen, 32);
	assert_int_equal(info->hostname[0], '\0');

	if (!info->reply) {
		assert_int_equal(info->ttl, 0);
		assert_int_equal(info->n_rtr, 0);
		assert_true(s->n_info_nonce < MAX_NONCES);
		s->info_nonce[s->n_info_nonce++] = info->nonce;
		return;
	}
	assert_true(nonce_in(s->info_nonce, s->n_info_nonce, info->nonce));
	assert_true(info->ttl > 0);
	assert_true(bytes_are(u->dst, lab->nat_public));
	assert_true(is_ipv4(&info->global_etr, lab->nat_public));
	assert_int_equal(info->etr_port, u->dport);
	assert_true(is_ipv4(&info->ms, lab->ms));
	assert_true(bytes_are(u->src, lab->ms));
	assert_int_equal(info->ms_port, u->sport);
	assert_int_equal(info->private_etr.kind, LISP_ADDR_NONE);
	assert_int_equal(info->n_rtr, 1);
	assert_true(is_ipv4(&info->rtr[0], lab->rtr));
}

static void check_control(const struct pcap_udp *u, struct seen *s)
{
	struct lisp_msg *m = calloc(1, sizeof(*m));
	struct lisp_err err = { 0 };

	assert_non_null(m);
	s->got.control++;
	if (lisp_msg_decode(u->payload, u->payload_len, m, &err) != 0) {
		char why[128];

		fail_msg("control packet %u (type %d): %s", s->got.control,
			 lisp_msg_type(u->payload, u->payload_len),
			 lisp_err_format(&err, why, sizeof(why)));
	}
	assert_int_equal(m->type, u->payload[0] >> 4);
	switch (m->type) {
	case LISP_MAP_REQUEST:
		s->got.request++;
		check_request(u->payload, u->payload_len, &m->u.request, s);
		break;
	case LISP_MAP_REPLY:
		s->got.reply++;
		check_reply(u, &m->u.reply, s);
		break;
	case LISP_MAP_REGISTER:
		s->got.reg++;
		check_register(u->payload, u->payload_len, u->src, &m->u.reg, s);
		break;
	case LISP_MAP_NOTIFY:
		s->got.notify++;
		check_register(u->payload, u->payload_len, u->dst, &m->u.reg, s);
		break;
	case LISP_INFO:
		s->got.info++;
		check_info(u, &m->u.info, s);
		break;
	case LISP_ECM:
		s->got.ecm++;
		check_ecm(u, &m->u.ecm, s);
		break;
	default:
		fail_msg("unexpected type %u", m->type);
	}
	check_exact_length(u->payload, u->payload_len);
	free(m);
}

static int decode_dmn(const uint8_t *buf, size_t len, void *ctx, struct lisp_err *err)
{
	struct lisp_data_map_notify m;

	(void)ctx;
	return lisp_data_map_notify_decode(buf, len, &m, err);
}

/* The Map-Notify that answers the registration through the RTR, relayed by
 * the RTR as LISP data (draft-ermagan-lisp-nat-traversal 4.5): from the
 * RTR's port 4342 to the node's mapped port, inner packet from the
 * map-server to the node's private RLOC, signed with the node's key. */
static void check_data_map_notify(const struct pcap_udp *u, struct seen *s)
{
	struct lisp_data_map_notify dmn;
	struct lisp_map_register *notify = calloc(1, sizeof(*notify));
	struct lisp_err err = { 0 };
	uint8_t out[1024];
	size_t out_len = 0;

	assert_non_null(notify);
	s->got.dmn++;
	if (lisp_data_map_notify_decode(u->payload, u->payload_len, &dmn, &err) != 0) {
		char why[128];

		fail_msg("Data-Map-Notify: %s", lisp_err_format(&err, why, sizeof(why)));
	}
	assert_int_equal(lisp_data_map_notify_encode(out, sizeof(out), &out_len, &dmn, NULL), 0);
	tu_assert_bytes(out, out_len, u->payload, u->payload_len);
	tu_assert_truncations_fail(u->payload, u->payload_len, decode_dmn, NULL);

	assert_true(bytes_are(u->src, s->lab->rtr));
	assert_int_equal(u->sport, LISP_CONTROL_PORT);
	assert_true(bytes_are(u->dst, s->lab->nat_public));
	assert_true(lisp_ip_equal(&dmn.inner.inner_src, &s->last_reg_ip.inner_dst));
	assert_true(lisp_ip_equal(&dmn.inner.inner_dst, &s->last_reg_ip.inner_src));
	assert_int_equal(dmn.inner.inner_sport, LISP_CONTROL_PORT);
	assert_int_equal(dmn.inner.inner_dport, LISP_CONTROL_PORT);

	assert_int_equal(lisp_map_register_decode(dmn.inner.payload, dmn.inner.payload_len, notify,
						  &err),
			 0);
	assert_int_equal(notify->type, LISP_MAP_NOTIFY);
	check_register(dmn.inner.payload, dmn.inner.payload_len, dmn.inner.inner_dst.bytes, notify,
		       s);
	check_exact_length(dmn.inner.payload, dmn.inner.payload_len);
	assert_true(notify->nonce == s->last_reg.nonce);
	assert_true(notify->xtr_id_present && !notify->rtr && !notify->has_rtr_auth);
	assert_memory_equal(notify->xtr_id, s->last_reg.xtr_id, sizeof(notify->xtr_id));
	free(notify);
}

static bool in_lab_eids(const struct lab *lab, uint16_t afi, const uint8_t *bytes)
{
	struct lisp_ip ip;

	assert_int_equal(lisp_ip_from_bytes(&ip, afi, bytes), 0);
	for (size_t i = 0; i < lab->n_eids; i++) {
		struct lisp_prefix p;

		assert_int_equal(lisp_prefix_parse(lab->eids[i], &p, NULL), 0);
		if (lisp_prefix_contains_ip(&p, 0, &ip))
			return true;
	}
	return false;
}

static void check_data(const struct pcap_udp *u, struct seen *s)
{
	struct lisp_data_hdr h;
	const uint8_t *inner = u->payload + LISP_DATA_HDR_LEN;
	size_t inner_len;

	s->got.data++;
	memset(&h, 0xa5, sizeof(h));
	assert_int_equal(lisp_data_hdr_decode(u->payload, u->payload_len, &h, NULL), 0);
	if (lisp_data_hdr_is_map_notify(&h)) {
		check_data_map_notify(u, s);
		return;
	}
	/* tshark: lisp-data.flags 0x00 on every other packet. */
	assert_false(h.n || h.l || h.e || h.v || h.i);
	assert_int_equal(h.kk, 0);

	assert_true(u->payload_len > LISP_DATA_HDR_LEN);
	inner_len = u->payload_len - LISP_DATA_HDR_LEN;
	if (inner[0] >> 4 == 4) {
		assert_true(inner_len >= 20);
		assert_int_equal((size_t)((inner[2] << 8) | inner[3]), inner_len);
		assert_true(in_lab_eids(s->lab, LISP_AFI_IPV4, inner + 12));
		assert_true(in_lab_eids(s->lab, LISP_AFI_IPV4, inner + 16));
	} else {
		assert_int_equal(inner[0] >> 4, 6);
		assert_true(inner_len >= 40);
		assert_int_equal((size_t)((inner[4] << 8) | inner[5]) + 40, inner_len);
		assert_true(in_lab_eids(s->lab, LISP_AFI_IPV6, inner + 8));
		assert_true(in_lab_eids(s->lab, LISP_AFI_IPV6, inner + 24));
	}

	/* The header alone, and any shorter buffer, must not decode past its end. */
	for (size_t n = 0; n < LISP_DATA_HDR_LEN; n++)
		assert_int_equal(lisp_data_hdr_decode(u->payload, n, &h, NULL), -1);
}

/* A frame the capture cut short (snap length): what it holds must still be
 * LISP data between lab EIDs, over IPv4 and Ethernet as in every capture. */
static void check_cut_data(const struct pcap_record *rec, struct seen *s)
{
	const uint8_t *ip = rec->data + 14, *udp, *lisp;
	struct lisp_data_hdr h;

	s->got.cut++;
	assert_int_equal(rec->linktype, 1);
	assert_true(rec->cap_len >= 14 + 20 + 8 + LISP_DATA_HDR_LEN + 20);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[9], 17);
	udp = ip + 20;
	lisp = udp + 8;
	assert_int_equal(udp[2] << 8 | udp[3], LISP_DATA_PORT);
	assert_int_equal(lisp_data_hdr_decode(lisp, LISP_DATA_HDR_LEN, &h, NULL), 0);
	assert_false(h.n || h.l || h.e || h.v || h.i);
	assert_int_equal(lisp[LISP_DATA_HDR_LEN] >> 4, 4);
	assert_true(in_lab_eids(s->lab, LISP_AFI_IPV4, lisp + LISP_DATA_HDR_LEN + 12));
	assert_true(in_lab_eids(s->lab, LISP_AFI_IPV4, lisp + LISP_DATA_HDR_LEN + 16));
}

static void run_capture(void **state)
{
	const struct capture *want = *state;
	char path[256];
	size_t len;
	uint8_t *buf;
	struct pcap_reader r;
	struct pcap_record rec;
	struct seen *s = calloc(1, sizeof(*s));
	int rc;

	assert_non_null(s);
	s->lab = want->lab;
	snprintf(path, sizeof(path), DATA_DIR "%s", want->file);
	buf = tu_read_file(path, &len);
	assert_int_equal(pcap_reader_init(&r, buf, len, NULL), 0);
	while ((rc = pcap_reader_next(&r, &rec, NULL)) == 1) {
		struct pcap_udp u;

		if (rec.cap_len < rec.orig_len) {
			check_cut_data(&rec, s);
			continue;
		}
		if (pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL) != 0)
			continue;
		/* An RTR sends data, and the Data-Map-Notify, from its port 4342. */
		if (u.dport == LISP_DATA_PORT)
			check_data(&u, s);
		else if (u.sport == LISP_CONTROL_PORT || u.dport == LISP_CONTROL_PORT)
			check_control(&u, s);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(s->got.control, want->control);
	assert_int_equal(s->got.request, want->request);
	assert_int_equal(s->got.reply, want->reply);
	assert_int_equal(s->got.reg, want->reg);
	assert_int_equal(s->got.notify, want->notify);
	assert_int_equal(s->got.ecm, want->ecm);
	assert_int_equal(s->got.info, want->info);
	assert_int_equal(s->got.data, want->data);
	assert_int_equal(s->got.dmn, want->dmn);
	assert_int_equal(s->got.cut, want->cut);
	free(s);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "final-c-mn.pcap", run_capture, NULL, NULL, (void *)&cap_mn },
		{ "final-c-ms.pcap", run_capture, NULL, NULL, (void *)&cap_ms },
		{ "oor-reference-flow-xtr1-link.pcap", run_capture, NULL, NULL, (void *)&cap_xtr1 },
		{ "oor-nat-mn-outside.pcap", run_capture, NULL, NULL, (void *)&cap_nat },
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
