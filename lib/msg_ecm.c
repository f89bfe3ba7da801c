/* Encapsulated Control Message (type 8, RFC 9301 §5.8):
 *   LISP header w0 | [S: authentication data] | inner IP + UDP (msg_inner.c)
 *   | control message.
 *
 * w0 bits: S(4) D(5) E(6) M(7) from RFC 9301; R(9) and N(10) from the NAT
 * traversal draft, where Open Overlay Router puts them (its header reads
 * |Type=8|S|D|E|M|-|R|N|) and where its capture shows R. The draft's text
 * ("the 6th bit", "the 7th bit") would put them on E and M; docs/NAT.md.
 *
 * Authentication data (S), only the draft's AD Type 2 (MS-RTR):
 *   AD Type(8) Reserved(24) | Key ID(16) AuthDataLen(16) | AuthData
 * The 16-bit Key ID splits as RFC 9301 splits a Map-Register's (KeyID 8,
 * AlgID 8): Open Overlay Router's value 1 is HMAC-SHA-1. An AD Type is below
 * 0x10 while an inner IP header starts 0x4_ or 0x6_, so S without
 * authentication data, as some senders set it, reads unambiguously. */
#include "lisp_auth.h"
#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

/* The flags of w0, for decode and encode: X(field, bit). */
#define ECM_FLAGS(X) \
	X(security, 0x08000000u) \
	X(ddt, 0x04000000u) \
	X(to_etr, 0x02000000u) \
	X(to_ms, 0x01000000u) \
	X(rtr, 0x00400000u)  /* bit 9 */ \
	X(nat, 0x00200000u)  /* bit 10 */

#define ECM_HDR_LEN 4
#define ECM_AD_HDR_LEN 4   /* AD Type and its reserved bytes */
#define AUTH_FIELD_HDR_LEN 4

static int decode_auth_data(const uint8_t *buf, size_t len, size_t *off, struct lisp_ecm *out,
			    struct lisp_err *err)
{
	if (wire_need(len, *off, ECM_AD_HDR_LEN, err, "ECM authentication data"))
		return -1;
	out->ad_type = buf[*off];
	if (out->ad_type != LISP_ECM_AD_RTR)
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "ECM AD Type", *off);
	*off += ECM_AD_HDR_LEN;
	return auth_field_decode(buf, len, off, &out->rtr_auth, err);
}

int lisp_ecm_decode(const uint8_t *buf, size_t len, struct lisp_ecm *out, struct lisp_err *err)
{
	size_t off = 0;
	uint32_t w0;

	*out = (struct lisp_ecm){0};
	if (get_u32(buf, len, &off, &w0, err, "ECM header"))
		return -1;
	if ((w0 >> 28) != LISP_ECM)
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "ECM type", 0);
#define FLAG_GET(field, bit) out->field = w0 & (bit);
	ECM_FLAGS(FLAG_GET)
#undef FLAG_GET
	if (out->security && off < len && buf[off] >> 4 == 0 &&
	    decode_auth_data(buf, len, &off, out, err))
		return -1;
	return inner_udp_decode(buf, len, off, &out->inner, err);
}

int lisp_ecm_encode(uint8_t *buf, size_t cap, size_t *out_len, const struct lisp_ecm *m,
		    struct lisp_err *err)
{
	size_t off = 0, ad_len = 0, inner_len = 0;
	uint32_t w0 = (uint32_t)LISP_ECM << 28;

	if (m->ad_type != 0) {
		if (m->ad_type != LISP_ECM_AD_RTR || !m->security)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "ECM AD Type", 0);
		ad_len = ECM_AD_HDR_LEN + AUTH_FIELD_HDR_LEN + m->rtr_auth.len;
	}
	if (inner_udp_len(&m->inner, &inner_len, err) ||
	    wire_room(cap, 0, ECM_HDR_LEN + ad_len + inner_len, err, "ECM"))
		return -1;

#define FLAG_PUT(field, bit) w0 |= m->field ? (bit) : 0;
	ECM_FLAGS(FLAG_PUT)
#undef FLAG_PUT
	put_u32(buf, cap, &off, w0, err, "ECM header");
	if (ad_len > 0 &&
	    (put_u32(buf, cap, &off, (uint32_t)m->ad_type << 24, err, "ECM AD Type") ||
	     auth_field_encode(buf, cap, &off, &m->rtr_auth, false, err)))
		return -1;
	if (inner_udp_encode(buf, cap, &off, &m->inner, err))
		return -1;
	*out_len = off;
	return 0;
}

int lisp_ecm_rtr_auth_sign(struct lisp_ecm *m, const uint8_t *key, size_t key_len,
			   struct lisp_err *err)
{
	size_t n = m->rtr_auth.len ? m->rtr_auth.len : lisp_auth_digest_len(m->rtr_auth.alg_id);

	if (lisp_auth_mac(m->payload, m->payload_len, m->rtr_auth.alg_id, key, key_len,
			  m->rtr_auth.data, n, err))
		return -1;
	m->rtr_auth.len = (uint16_t)n;
	m->security = true;
	m->ad_type = LISP_ECM_AD_RTR;
	return 0;
}

int lisp_ecm_rtr_auth_verify(const struct lisp_ecm *m, const uint8_t *key, size_t key_len,
			     struct lisp_err *err)
{
	if (!m->security || m->ad_type != LISP_ECM_AD_RTR)
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "no MS-RTR authentication data", 0);
	return lisp_auth_mac_verify(m->payload, m->payload_len, m->rtr_auth.alg_id, key, key_len,
				    m->rtr_auth.data, m->rtr_auth.len, err);
}
