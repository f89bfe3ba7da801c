/* Map-Request (type 1, RFC 9301 §5.2):
 *
 *   Type=1(0-3) A(4) M(5) P(6) S(7) p(8) s(9) R(10-11) Rsvd(12-16) L(17) D(18)
 *   IRC(19-23) RecCnt(24-31) | Nonce(64) | Source-EID-AFI Source-EID |
 *   (IRC+1) x ITR-RLOC-AFI ITR-RLOC |
 *   RecCnt x { Rsvd(8) EID-mask-len(8) EID-Prefix-AFI EID-Prefix } |
 *   Map-Reply record when M=1 */
#include <string.h>

#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

#define BIT(n) (1u << (31 - (n)))  /* bit n counted from the MSB, as in the RFC */
/* The flags of the first word, for decode and encode: X(field, bit). */
#define REQ_FLAGS(X) \
	X(authoritative, BIT(4)) \
	X(map_data, BIT(5)) \
	X(probe, BIT(6)) \
	X(smr, BIT(7)) \
	X(pitr, BIT(8)) \
	X(smr_invoked, BIT(9)) \
	X(local_rloc, BIT(17)) \
	X(dont_reply, BIT(18))
#define REQ_IRC_SHIFT 8
#define REQ_IRC_MASK 0x1f

static int decode_eid_prefix(const uint8_t *buf, size_t len, size_t *off, struct lisp_prefix *p,
			     struct lisp_err *err)
{
	uint8_t rsvd, plen;
	size_t plen_at, eid_at;

	if (get_u8(buf, len, off, &rsvd, err, "request record reserved"))
		return -1;
	plen_at = *off;
	if (get_u8(buf, len, off, &plen, err, "request EID mask length"))
		return -1;
	eid_at = *off;
	if (lisp_addr_decode(buf, len, off, &p->addr, err))
		return -1;
	if (p->addr.kind != LISP_ADDR_IP)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "request EID prefix AFI", eid_at);
	if (plen > lisp_afi_bits(p->addr.ip.afi))
		return lisp_fail(err, LISP_ERR_BAD_PREFIX, "request EID mask length", plen_at);
	p->plen = plen;
	return 0;
}

int lisp_map_request_decode(const uint8_t *buf, size_t len, struct lisp_map_request *out,
			    struct lisp_err *err)
{
	struct msg_head h;
	size_t off = 0, at;

	memset(out, 0, sizeof(*out));
	/* A request asks for at least one EID; more than we keep is refused
	 * whole rather than answered in part. */
	if (msg_head_decode(buf, len, &off, 1u << LISP_MAP_REQUEST, 1, "Map-Request header", &h,
			    err))
		return -1;
#define FLAG_GET(field, bit) out->field = h.w0 & (bit);
	REQ_FLAGS(FLAG_GET)
#undef FLAG_GET
	out->nonce = h.nonce;

	at = off;
	if (lisp_addr_decode(buf, len, &off, &out->source_eid, err))
		return -1;
	if (out->source_eid.kind == LISP_ADDR_AFI_LIST)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "source EID AFI", at);

	out->n_itr = (uint8_t)(((h.w0 >> REQ_IRC_SHIFT) & REQ_IRC_MASK) + 1);
	for (unsigned i = 0; i < out->n_itr; i++) {
		at = off;
		if (lisp_addr_decode(buf, len, &off, &out->itr[i], err))
			return -1;
		if (out->itr[i].kind != LISP_ADDR_IP)
			return lisp_fail(err, LISP_ERR_BAD_AFI, "ITR-RLOC AFI", at);
	}

	for (unsigned i = 0; i < h.n_rec; i++)
		if (decode_eid_prefix(buf, len, &off, &out->eid[i], err))
			return -1;
	out->n_eid = (uint8_t)h.n_rec;

	if (out->map_data && lisp_record_decode(buf, len, &off, &out->map_reply_record, err))
		return -1;
	if (off != len)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "trailing bytes", off);
	return 0;
}

int lisp_map_request_encode(uint8_t *buf, size_t cap, size_t *out_len,
			    const struct lisp_map_request *m, struct lisp_err *err)
{
	size_t off = 0;
	uint32_t w0;

	if (m->n_itr == 0 || m->n_itr > LISP_MAX_ITR_RLOCS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "ITR-RLOC count", 0);
	if (m->n_eid == 0 || m->n_eid > LISP_MAX_RECORDS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "record count", 0);
	if (m->source_eid.kind == LISP_ADDR_AFI_LIST)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "source EID kind", 0);

	w0 = (uint32_t)LISP_MAP_REQUEST << 28;
#define FLAG_PUT(field, bit) w0 |= m->field ? (bit) : 0;
	REQ_FLAGS(FLAG_PUT)
#undef FLAG_PUT
	w0 |= (uint32_t)(m->n_itr - 1) << REQ_IRC_SHIFT;
	w0 |= m->n_eid;
	if (put_u32(buf, cap, &off, w0, err, "Map-Request header") ||
	    put_u64(buf, cap, &off, m->nonce, err, "nonce") ||
	    lisp_addr_encode(buf, cap, &off, &m->source_eid, err))
		return -1;
	for (unsigned i = 0; i < m->n_itr; i++) {
		if (m->itr[i].kind != LISP_ADDR_IP)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "ITR-RLOC kind", off);
		if (lisp_addr_encode(buf, cap, &off, &m->itr[i], err))
			return -1;
	}
	for (unsigned i = 0; i < m->n_eid; i++) {
		const struct lisp_prefix *p = &m->eid[i];

		if (p->addr.kind != LISP_ADDR_IP)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "request EID kind", off);
		if (p->plen > lisp_afi_bits(p->addr.ip.afi))
			return lisp_fail(err, LISP_ERR_BAD_PREFIX, "request EID mask length", off);
		if (put_u8(buf, cap, &off, 0, err, "request record reserved") ||
		    put_u8(buf, cap, &off, p->plen, err, "request EID mask length") ||
		    lisp_addr_encode(buf, cap, &off, &p->addr, err))
			return -1;
	}
	if (m->map_data && lisp_record_encode(buf, cap, &off, &m->map_reply_record, err))
		return -1;
	*out_len = off;
	return 0;
}
