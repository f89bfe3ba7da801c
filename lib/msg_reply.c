/* Map-Reply (type 2, RFC 9301 §5.4):
 *
 *   Type=2(0-3) P(4) E(5) S(6) Rsvd(7-23) RecCnt(24-31) | Nonce(64) | records
 *
 * A negative reply is an ordinary record with LocCount 0 and an ACT. */
#include <string.h>

#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

#define BIT(n) (1u << (31 - (n)))
#define REP_P BIT(4)
#define REP_E BIT(5)
#define REP_S BIT(6)

int lisp_map_reply_decode(const uint8_t *buf, size_t len, struct lisp_map_reply *out,
			  struct lisp_err *err)
{
	struct msg_head h;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	/* A reply without a record answers nothing. */
	if (msg_head_decode(buf, len, &off, 1u << LISP_MAP_REPLY, 1, "Map-Reply header", &h, err))
		return -1;
	out->probe = h.w0 & REP_P;
	out->echo = h.w0 & REP_E;
	out->security = h.w0 & REP_S;
	out->nonce = h.nonce;
	for (unsigned i = 0; i < h.n_rec; i++)
		if (lisp_record_decode(buf, len, &off, &out->rec[i], err))
			return -1;
	out->n_rec = (uint8_t)h.n_rec;
	if (off != len)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "trailing bytes", off);
	return 0;
}

int lisp_map_reply_encode(uint8_t *buf, size_t cap, size_t *out_len,
			  const struct lisp_map_reply *m, struct lisp_err *err)
{
	size_t off = 0;
	uint32_t w0;

	if (m->n_rec == 0 || m->n_rec > LISP_MAX_RECORDS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "record count", 0);
	w0 = (uint32_t)LISP_MAP_REPLY << 28;
	w0 |= (m->probe ? REP_P : 0) | (m->echo ? REP_E : 0) | (m->security ? REP_S : 0);
	w0 |= m->n_rec;
	if (put_u32(buf, cap, &off, w0, err, "Map-Reply header") ||
	    put_u64(buf, cap, &off, m->nonce, err, "nonce"))
		return -1;
	for (unsigned i = 0; i < m->n_rec; i++)
		if (lisp_record_encode(buf, cap, &off, &m->rec[i], err))
			return -1;
	*out_len = off;
	return 0;
}
