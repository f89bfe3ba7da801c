/* Map-Register (3), Map-Notify (4) and Map-Notify-Ack (5), RFC 9301 §5.6-5.7
 * and the NAT-traversal draft, which share one body:
 *
 *   w0 | Nonce(64) | KeyID(8) AlgID(8) AuthDataLen(16) AuthData |
 *   RecCnt x EID record | [I=1: xTR-ID(128) Site-ID(64)]
 *
 * w0 of a Map-Register: Type=3 P(4) S(5) I(6) R(7) Rsvd(8-18) E(19) T(20) a(21)
 * m(22) M(23) RecCnt(24-31). R is the NAT-traversal "built for an RTR" bit
 * (Wireshark shows it there); m is the mobile-node bit OOR and lispers.net set.
 * w0 of a Map-Notify(-Ack): Type I(4) R(5) Rsvd(6-23) RecCnt(24-31).
 *
 * A Map-Notify with R may end, after the trailer, in a second auth field:
 * the MAC a map-server of Open Overlay Router's OLD RTR dialect computes with
 * the RTR's key over the whole message (that field's data zeroed), after
 * signing the rest with the site's key. Its RTR leaves the field empty (4
 * zero bytes) before relaying the Map-Notify to the node. */
#include <string.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

#define BIT(n) (1u << (31 - (n)))
/* The flags of the first word, for decode and encode: X(field, bit). */
#define REGISTER_FLAGS(X) \
	X(proxy_reply, BIT(4)) \
	X(security, BIT(5)) \
	X(xtr_id_present, BIT(6)) \
	X(rtr, BIT(7)) \
	X(merge_ack, BIT(19)) \
	X(ttl_expire, BIT(20)) \
	X(merge, BIT(21)) \
	X(mobile_node, BIT(22)) \
	X(want_notify, BIT(23))
#define NOTIFY_FLAGS(X) \
	X(xtr_id_present, BIT(4)) \
	X(rtr, BIT(5))
#define REGISTER_TYPES \
	(1u << LISP_MAP_REGISTER | 1u << LISP_MAP_NOTIFY | 1u << LISP_MAP_NOTIFY_ACK)

#define XTR_ID_LEN 16

static bool is_register_type(unsigned type)
{
	return type < 32 && (REGISTER_TYPES & (1u << type));
}

static void decode_flags(uint32_t w0, struct lisp_map_register *out)
{
#define FLAG_GET(field, bit) out->field = w0 & (bit);
	if (out->type == LISP_MAP_REGISTER) {
		REGISTER_FLAGS(FLAG_GET)
	} else {
		NOTIFY_FLAGS(FLAG_GET)
	}
#undef FLAG_GET
}

int lisp_map_register_decode(const uint8_t *buf, size_t len, struct lisp_map_register *out,
			     struct lisp_err *err)
{
	struct msg_head h;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	if (msg_head_decode(buf, len, &off, REGISTER_TYPES, 0, "Map-Register header", &h, err))
		return -1;
	out->type = (uint8_t)(h.w0 >> 28);
	decode_flags(h.w0, out);
	out->nonce = h.nonce;
	if (auth_field_decode(buf, len, &off, &out->auth, err))
		return -1;

	for (unsigned i = 0; i < h.n_rec; i++)
		if (lisp_record_decode(buf, len, &off, &out->rec[i], err))
			return -1;
	out->n_rec = (uint8_t)h.n_rec;

	if (out->xtr_id_present &&
	    (get_bytes(buf, len, &off, out->xtr_id, XTR_ID_LEN, err, "xTR-ID") ||
	     get_u64(buf, len, &off, &out->site_id, err, "site-ID")))
		return -1;
	if (out->type == LISP_MAP_NOTIFY && out->rtr && off < len) {
		out->has_rtr_auth = true;
		if (auth_field_decode(buf, len, &off, &out->rtr_auth, err))
			return -1;
	}
	if (off != len)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "trailing bytes", off);
	return 0;
}

static uint32_t encode_w0(const struct lisp_map_register *m)
{
	uint32_t w0 = (uint32_t)m->type << 28 | m->n_rec;

	/* Register-only flags are dropped for a Notify, so an ack can be built
	 * by copying the Register it answers and changing the type. */
#define FLAG_PUT(field, bit) w0 |= m->field ? (bit) : 0;
	if (m->type == LISP_MAP_REGISTER) {
		REGISTER_FLAGS(FLAG_PUT)
	} else {
		NOTIFY_FLAGS(FLAG_PUT)
	}
#undef FLAG_PUT
	return w0;
}

int lisp_map_register_encode(uint8_t *buf, size_t cap, size_t *out_len,
			     const struct lisp_map_register *m,
			     const uint8_t *key, size_t key_len, struct lisp_err *err)
{
	size_t off = 0, signed_len;
	bool sign = key != NULL && m->auth.alg_id != LISP_AUTH_NONE;

	if (!is_register_type(m->type))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "message type", 0);
	if (m->n_rec > LISP_MAX_RECORDS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "record count", 0);
	if (m->has_rtr_auth && !(m->type == LISP_MAP_NOTIFY && m->rtr))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "RTR auth field without Map-Notify R", 0);
	if (put_u32(buf, cap, &off, encode_w0(m), err, "Map-Register header") ||
	    put_u64(buf, cap, &off, m->nonce, err, "nonce") ||
	    auth_field_encode(buf, cap, &off, &m->auth, sign, err))
		return -1;

	for (unsigned i = 0; i < m->n_rec; i++)
		if (lisp_record_encode(buf, cap, &off, &m->rec[i], err))
			return -1;
	if (m->xtr_id_present &&
	    (put_bytes(buf, cap, &off, m->xtr_id, XTR_ID_LEN, err, "xTR-ID") ||
	     put_u64(buf, cap, &off, m->site_id, err, "site-ID")))
		return -1;
	signed_len = off;
	if (m->has_rtr_auth && auth_field_encode(buf, cap, &off, &m->rtr_auth, false, err))
		return -1;
	if (sign && lisp_auth_sign(buf, signed_len, key, key_len, err))
		return -1;
	*out_len = off;
	return 0;
}

size_t lisp_map_notify_rtr_auth_off(const struct lisp_map_register *m, size_t len)
{
	size_t field = 4 + (size_t)m->rtr_auth.len;

	if (!m->has_rtr_auth || len < field)
		return len;
	return len - field;
}
