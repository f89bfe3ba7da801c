/* Map-Register (3), Map-Notify (4) and Map-Notify-Ack (5), RFC 9301 §5.6-5.7
 * and the NAT-traversal draft, which share one body:
 *
 *   w0 | Nonce(64) | KeyID(8) AlgID(8) AuthDataLen(16) AuthData |
 *   RecCnt x EID record | [I=1: xTR-ID(128) Site-ID(64)]
 *
 * w0 of a Map-Register: Type=3 P(4) S(5) I(6) R(7) Rsvd(8-18) E(19) T(20) a(21)
 * m(22) M(23) RecCnt(24-31). R is the NAT-traversal "built for an RTR" bit
 * (Wireshark shows it there); m is the mobile-node bit OOR and lispers.net set.
 * w0 of a Map-Notify(-Ack): Type I(4) R(5) Rsvd(6-23) RecCnt(24-31). */
#include <string.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

#define BIT(n) (1u << (31 - (n)))
#define REG_P BIT(4)
#define REG_S BIT(5)
#define REG_I BIT(6)
#define REG_R BIT(7)
#define REG_E BIT(19)
#define REG_T BIT(20)
#define REG_A BIT(21)
#define REG_MN BIT(22)
#define REG_M BIT(23)
#define NOTIFY_I BIT(4)
#define NOTIFY_R BIT(5)

#define XTR_ID_LEN 16

static bool is_register_type(unsigned type)
{
	return type == LISP_MAP_REGISTER || type == LISP_MAP_NOTIFY ||
	       type == LISP_MAP_NOTIFY_ACK;
}

static void decode_flags(uint32_t w0, struct lisp_map_register *out)
{
	if (out->type == LISP_MAP_REGISTER) {
		out->proxy_reply = w0 & REG_P;
		out->security = w0 & REG_S;
		out->xtr_id_present = w0 & REG_I;
		out->rtr = w0 & REG_R;
		out->merge_ack = w0 & REG_E;
		out->ttl_expire = w0 & REG_T;
		out->merge = w0 & REG_A;
		out->mobile_node = w0 & REG_MN;
		out->want_notify = w0 & REG_M;
	} else {
		out->xtr_id_present = w0 & NOTIFY_I;
		out->rtr = w0 & NOTIFY_R;
	}
}

int lisp_map_register_decode(const uint8_t *buf, size_t len, struct lisp_map_register *out,
			     struct lisp_err *err)
{
	size_t off = 0;
	uint32_t w0;
	unsigned n_rec;

	memset(out, 0, sizeof(*out));
	if (get_u32(buf, len, &off, &w0, err, "Map-Register header"))
		return -1;
	if (!is_register_type(w0 >> 28))
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "message type", 0);
	out->type = (uint8_t)(w0 >> 28);
	decode_flags(w0, out);
	n_rec = w0 & 0xff;
	if (n_rec > LISP_MAX_RECORDS)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "record count", 3);

	if (get_u64(buf, len, &off, &out->nonce, err, "nonce") ||
	    auth_field_decode(buf, len, &off, &out->auth, err))
		return -1;

	for (unsigned i = 0; i < n_rec; i++)
		if (lisp_record_decode(buf, len, &off, &out->rec[i], err))
			return -1;
	out->n_rec = (uint8_t)n_rec;

	if (out->xtr_id_present &&
	    (get_bytes(buf, len, &off, out->xtr_id, XTR_ID_LEN, err, "xTR-ID") ||
	     get_u64(buf, len, &off, &out->site_id, err, "site-ID")))
		return -1;
	if (off != len)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "trailing bytes", off);
	return 0;
}

static uint32_t encode_w0(const struct lisp_map_register *m)
{
	uint32_t w0 = (uint32_t)m->type << 28 | m->n_rec;

	/* Register-only flags are dropped for a Notify, so an ack can be built
	 * by copying the Register it answers and changing the type. */
	if (m->type == LISP_MAP_REGISTER)
		w0 |= (m->proxy_reply ? REG_P : 0) | (m->security ? REG_S : 0) |
		      (m->xtr_id_present ? REG_I : 0) | (m->rtr ? REG_R : 0) |
		      (m->merge_ack ? REG_E : 0) | (m->ttl_expire ? REG_T : 0) |
		      (m->merge ? REG_A : 0) | (m->mobile_node ? REG_MN : 0) |
		      (m->want_notify ? REG_M : 0);
	else
		w0 |= (m->xtr_id_present ? NOTIFY_I : 0) | (m->rtr ? NOTIFY_R : 0);
	return w0;
}

int lisp_map_register_encode(uint8_t *buf, size_t cap, size_t *out_len,
			     const struct lisp_map_register *m,
			     const uint8_t *key, size_t key_len, struct lisp_err *err)
{
	size_t off = 0;
	bool sign = key != NULL && m->auth.alg_id != LISP_AUTH_NONE;

	if (!is_register_type(m->type))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "message type", 0);
	if (m->n_rec > LISP_MAX_RECORDS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "record count", 0);
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
	if (sign && lisp_auth_sign(buf, off, key, key_len, err))
		return -1;
	*out_len = off;
	return 0;
}
