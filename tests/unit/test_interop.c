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

/* Expected counts, taken from tshark 4.0 on each capture (test data about the
 * captures, independent of our code):
 *   tshark -r F -Y 'udp.port==4342' | wc -l                      -> control
 *   tshark -r F -Y 'udp.port==4341' | wc -l                      -> data
 *   tshark -r F -Y lisp -T fields -e lisp.type -E occurrence=f | sort | uniq -c
 *                                                                 -> per outer type
 *   ... -E occurrence=l                                           -> ECM inner type (1)
 *   tshark -r F -Y lisp-data -T fields -e lisp-data.flags         -> all 0x00 */
struct capture {
	const char *file;
	unsigned control, request, reply, reg, notify, ecm, data;
};

static const struct capture cap_mn = { "final-c-mn.pcap", 6, 0, 2, 1, 1, 2, 14 };
static const struct capture cap_ms = { "final-c-ms.pcap", 34, 0, 4, 5, 5, 20, 0 };
static const struct capture cap_xtr1 = { "oor-reference-flow-xtr1-link.pcap", 16, 0, 6, 2, 2, 6,
					 29 };

/* Lab table of the README: xTR RLOC -> Map-Register key. */
static const struct {
	uint8_t rloc[4];
	const char *key;
} lab_keys[] = {
	{ { 198, 51, 100, 2 }, "key-xtr1" },
	{ { 203, 0, 113, 2 }, "key-xtr2" },
	{ { 192, 0, 2, 66 }, "key-mn" },
};

static const char *const lab_eids[] = {
	"10.1.1.0/24", "2001:db8:1:1::/64", "10.2.2.0/24", "2001:db8:2:2::/64", "10.3.3.0/24",
};

struct seen {
	struct capture got;
	uint64_t reg_nonce[MAX_NONCES];
	unsigned n_reg_nonce;
	uint64_t req_nonce[MAX_NONCES];
	unsigned n_req_nonce;
};

static int key_index(const uint8_t *rloc)
{
	for (size_t i = 0; i < sizeof(lab_keys) / sizeof(lab_keys[0]); i++)
		if (memcmp(lab_keys[i].rloc, rloc, 4) == 0)
			return (int)i;
	return -1;
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

static void check_auth(const struct pcap_udp *u, const struct lisp_map_register *reg)
{
	const uint8_t *msg = u->payload;
	size_t len = u->payload_len;
	/* The xTR's RLOC: source of its register, destination of the notify. */
	int k = key_index(reg->type == LISP_MAP_REGISTER ? u->src : u->dst);
	const char *key, *wrong;
	uint8_t copy[1024];
	struct lisp_err err = { 0 };

	assert_true(k >= 0);
	key = lab_keys[k].key;
	wrong = lab_keys[(k + 1) % 3].key;
	/* OOR: KeyID 0, HMAC-SHA-1 with the full 20-byte digest. */
	assert_int_equal(reg->auth.key_id, 0);
	assert_int_equal(reg->auth.alg_id, LISP_AUTH_HMAC_SHA1_96);
	assert_int_equal(reg->auth.len, 20);

	if (lisp_auth_verify(msg, len, (const uint8_t *)key, strlen(key), &err) != 0) {
		char why[128];

		fail_msg("auth with %s: %s", key, lisp_err_format(&err, why, sizeof(why)));
	}
	memset(&err, 0, sizeof(err));
	assert_int_equal(lisp_auth_verify(msg, len, (const uint8_t *)wrong, strlen(wrong), &err), -1);
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

static void check_register(const struct pcap_udp *u, const struct lisp_map_register *reg,
			   struct seen *s)
{
	uint8_t out[1024];
	size_t out_len = 0;
	int k = key_index(reg->type == LISP_MAP_REGISTER ? u->src : u->dst);
	const char *key = lab_keys[k < 0 ? 0 : k].key;

	check_auth(u, reg);

	/* key == NULL: auth data copied as received. */
	assert_int_equal(lisp_map_register_encode(out, sizeof(out), &out_len, reg, NULL, 0, NULL), 0);
	assert_int_equal(out_len, u->payload_len);
	assert_memory_equal(out, u->payload, out_len);
	/* With the right key our HMAC must equal the one OOR computed. */
	memset(out, 0, sizeof(out));
	assert_int_equal(lisp_map_register_encode(out, sizeof(out), &out_len, reg,
						  (const uint8_t *)key, strlen(key), NULL),
			 0);
	assert_int_equal(out_len, u->payload_len);
	assert_memory_equal(out, u->payload, out_len);

	assert_true(reg->n_rec >= 1);
	if (reg->type == LISP_MAP_REGISTER) {
		/* The xTR registers itself: its source address is one of the locators. */
		bool found = false;

		for (unsigned r = 0; r < reg->n_rec; r++)
			for (unsigned l = 0; l < reg->rec[r].n_loc; l++) {
				const struct lisp_addr *a = &reg->rec[r].loc[l].addr;

				if (a->kind == LISP_ADDR_IP && a->ip.afi == LISP_AFI_IPV4 &&
				    memcmp(a->ip.bytes, u->src, 4) == 0)
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

static void check_ecm(const struct pcap_udp *u, const struct lisp_ecm *ecm, struct seen *s)
{
	uint8_t out[1024];
	size_t out_len = 0;
	struct lisp_msg *inner = calloc(1, sizeof(*inner));
	struct lisp_err err = { 0 };
	const struct lisp_prefix *eid;

	assert_non_null(inner);
	assert_int_equal(lisp_ecm_encode(out, sizeof(out), &out_len, ecm, NULL), 0);
	assert_int_equal(out_len, u->payload_len);
	assert_memory_equal(out, u->payload, out_len);

	assert_non_null(ecm->payload);
	assert_true(ecm->payload > u->payload && ecm->payload + ecm->payload_len ==
						      u->payload + u->payload_len);
	if (lisp_msg_decode(ecm->payload, ecm->payload_len, inner, &err) != 0) {
		char why[128];

		fail_msg("ECM inner message: %s", lisp_err_format(&err, why, sizeof(why)));
	}
	assert_int_equal(inner->type, LISP_MAP_REQUEST);
	check_request(ecm->payload, ecm->payload_len, &inner->u.request, s);
	check_exact_length(ecm->payload, ecm->payload_len);

	/* OOR addresses the inner packet to the EID it asks for, port 4342. */
	eid = &inner->u.request.eid[0];
	assert_true(lisp_ip_equal(&ecm->inner_dst, &eid->addr.ip));
	assert_int_equal(ecm->inner_dport, LISP_CONTROL_PORT);
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
		check_register(u, &m->u.reg, s);
		break;
	case LISP_MAP_NOTIFY:
		s->got.notify++;
		check_register(u, &m->u.reg, s);
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

static bool in_lab_eids(uint16_t afi, const uint8_t *bytes)
{
	struct lisp_ip ip;

	assert_int_equal(lisp_ip_from_bytes(&ip, afi, bytes), 0);
	for (size_t i = 0; i < sizeof(lab_eids) / sizeof(lab_eids[0]); i++) {
		struct lisp_prefix p;

		assert_int_equal(lisp_prefix_parse(lab_eids[i], &p, NULL), 0);
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
	/* tshark: lisp-data.flags 0x00 on every packet. */
	assert_false(h.n || h.l || h.e || h.v || h.i);
	assert_int_equal(h.kk, 0);

	assert_true(u->payload_len > LISP_DATA_HDR_LEN);
	inner_len = u->payload_len - LISP_DATA_HDR_LEN;
	if (inner[0] >> 4 == 4) {
		assert_true(inner_len >= 20);
		assert_int_equal((size_t)((inner[2] << 8) | inner[3]), inner_len);
		assert_true(in_lab_eids(LISP_AFI_IPV4, inner + 12));
		assert_true(in_lab_eids(LISP_AFI_IPV4, inner + 16));
	} else {
		assert_int_equal(inner[0] >> 4, 6);
		assert_true(inner_len >= 40);
		assert_int_equal((size_t)((inner[4] << 8) | inner[5]) + 40, inner_len);
		assert_true(in_lab_eids(LISP_AFI_IPV6, inner + 8));
		assert_true(in_lab_eids(LISP_AFI_IPV6, inner + 24));
	}

	/* The header alone, and any shorter buffer, must not decode past its end. */
	for (size_t n = 0; n < LISP_DATA_HDR_LEN; n++)
		assert_int_equal(lisp_data_hdr_decode(u->payload, n, &h, NULL), -1);
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
	snprintf(path, sizeof(path), DATA_DIR "%s", want->file);
	buf = tu_read_file(path, &len);
	assert_int_equal(pcap_reader_init(&r, buf, len, NULL), 0);
	while ((rc = pcap_reader_next(&r, &rec, NULL)) == 1) {
		struct pcap_udp u;

		if (pcap_frame_udp(rec.linktype, rec.data, rec.cap_len, &u, NULL) != 0)
			continue;
		if (u.sport == LISP_CONTROL_PORT || u.dport == LISP_CONTROL_PORT)
			check_control(&u, s);
		else if (u.dport == LISP_DATA_PORT)
			check_data(&u, s);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(s->got.control, want->control);
	assert_int_equal(s->got.request, want->request);
	assert_int_equal(s->got.reply, want->reply);
	assert_int_equal(s->got.reg, want->reg);
	assert_int_equal(s->got.notify, want->notify);
	assert_int_equal(s->got.ecm, want->ecm);
	assert_int_equal(s->got.data, want->data);
	free(s);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "final-c-mn.pcap", run_capture, NULL, NULL, (void *)&cap_mn },
		{ "final-c-ms.pcap", run_capture, NULL, NULL, (void *)&cap_ms },
		{ "oor-reference-flow-xtr1-link.pcap", run_capture, NULL, NULL, (void *)&cap_xtr1 },
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
