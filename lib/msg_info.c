/* Info-Request / Info-Reply (type 7, draft-ietf-lisp-nat-traversal):
 *   Type=7 R Reserved | Nonce(64) | KeyID AlgID AuthDataLen AuthData
 *   | TTL(32) | Rsvd(8) EID-mask-len(8) EID-prefix(AFI-tagged)
 * then, in a request, AFI 0; in a reply, a NAT-Traversal LCAF (type 7):
 *   AFI 16387 | Rsvd1 Flags Type=7 Rsvd2 | Length
 *   MS UDP port | ETR UDP port | global ETR RLOC | MS RLOC | private ETR RLOC
 *   | RTR RLOC ... up to Length.
 * The auth field sits at byte 12 as in Map-Register and is signed the same
 * way (lisp_auth_sign over the whole message).
 *
 * lispers.net closes a request with its hostname, AFI 17 and a NUL-terminated
 * string, instead of AFI 0; that is accepted. Its replies are not: their
 * LCAF Length is a constant 16 whatever follows (docs/NAT.md). */
#include <string.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

#define INFO_R 0x08000000u
#define NAT_LCAF_FIXED 4   /* the two ports */

static int check_eid(const struct lisp_prefix *p, size_t at, struct lisp_err *err)
{
	switch (p->addr.kind) {
	case LISP_ADDR_NONE:
		if (p->plen != 0)
			return lisp_fail(err, LISP_ERR_BAD_PREFIX, "EID mask length", at);
		return 0;
	case LISP_ADDR_IP:
		if (p->plen > lisp_afi_bits(p->addr.ip.afi))
			return lisp_fail(err, LISP_ERR_BAD_PREFIX, "EID mask length", at);
		return 0;
	default:
		return lisp_fail(err, LISP_ERR_BAD_AFI, "EID prefix AFI", at);
	}
}

/* One address inside the NAT LCAF, confined to buf[0..end). Running out of
 * LCAF before the message ends means the LCAF Length lies. */
static int decode_lcaf_addr(const uint8_t *buf, size_t end, size_t *off, struct lisp_addr *a,
			    struct lisp_err *err)
{
	struct lisp_err e = {0};

	if (lisp_addr_decode(buf, end, off, a, &e) == 0)
		return 0;
	if (e.code == LISP_ERR_TRUNCATED)
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "NAT LCAF length too short", e.offset);
	return lisp_fail(err, e.code, e.what, e.offset);
}

static int decode_nat_lcaf(const uint8_t *buf, size_t len, size_t *off, struct lisp_info *out,
			   struct lisp_err *err)
{
	uint16_t afi;
	struct lcaf_hdr h;
	size_t at = *off, end;

	if (get_u16(buf, len, off, &afi, err, "NAT LCAF AFI"))
		return -1;
	if (afi != LISP_AFI_LCAF)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "Info-Reply NAT LCAF AFI", at);
	if (lcaf_hdr_decode(buf, len, off, &h, err))
		return -1;
	if (h.type != LISP_LCAF_NAT)
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "LCAF type", at + 4);
	end = *off + h.body_len;
	if (h.body_len < NAT_LCAF_FIXED)
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "NAT LCAF length too short", at + 6);
	get_u16(buf, end, off, &out->ms_port, err, "MS port");
	get_u16(buf, end, off, &out->etr_port, err, "ETR port");
	if (decode_lcaf_addr(buf, end, off, &out->global_etr, err) ||
	    decode_lcaf_addr(buf, end, off, &out->ms, err) ||
	    decode_lcaf_addr(buf, end, off, &out->private_etr, err))
		return -1;
	while (*off < end) {
		if (out->n_rtr >= LISP_MAX_RTRS)
			return lisp_fail(err, LISP_ERR_BAD_COUNT, "RTR RLOCs", *off);
		if (decode_lcaf_addr(buf, end, off, &out->rtr[out->n_rtr], err))
			return -1;
		out->n_rtr++;
	}
	return 0;
}

/* What closes a request: AFI 0, or AFI 17 and a hostname up to its NUL. */
static int decode_request_tail(const uint8_t *buf, size_t len, size_t *off, struct lisp_info *out,
			       struct lisp_err *err)
{
	size_t at = *off, n;
	const uint8_t *nul;
	uint16_t afi;

	if (get_u16(buf, len, off, &afi, err, "Info-Request AFI 0"))
		return -1;
	if (afi == LISP_AFI_NONE)
		return 0;
	if (afi != LISP_AFI_DN)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "Info-Request AFI 0", at);
	n = len - *off;
	nul = memchr(buf + *off, 0, n < LISP_HOSTNAME_MAX + 1 ? n : LISP_HOSTNAME_MAX + 1);
	if (nul == NULL) {
		if (n <= LISP_HOSTNAME_MAX)
			return lisp_fail(err, LISP_ERR_TRUNCATED, "hostname", *off);
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "hostname length", *off);
	}
	n = (size_t)(nul - (buf + *off));
	if (n == 0)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "empty hostname", *off);
	memcpy(out->hostname, buf + *off, n);
	out->hostname[n] = '\0';
	*off += n + 1;
	return 0;
}

int lisp_info_decode(const uint8_t *buf, size_t len, struct lisp_info *out, struct lisp_err *err)
{
	size_t off = 0, at;
	uint8_t rsvd;
	uint32_t w0;

	memset(out, 0, sizeof(*out));
	if (get_u32(buf, len, &off, &w0, err, "Info header"))
		return -1;
	if ((w0 >> 28) != LISP_INFO)
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "Info type", 0);
	out->reply = w0 & INFO_R;
	if (get_u64(buf, len, &off, &out->nonce, err, "nonce") ||
	    auth_field_decode(buf, len, &off, &out->auth, err) ||
	    get_u32(buf, len, &off, &out->ttl, err, "TTL") ||
	    get_u8(buf, len, &off, &rsvd, err, "reserved") ||
	    get_u8(buf, len, &off, &out->eid.plen, err, "EID mask length"))
		return -1;
	at = off;
	if (lisp_addr_decode(buf, len, &off, &out->eid.addr, err) ||
	    check_eid(&out->eid, at, err))
		return -1;

	if (out->reply) {
		if (decode_nat_lcaf(buf, len, &off, out, err))
			return -1;
	} else if (decode_request_tail(buf, len, &off, out, err)) {
		return -1;
	}
	if (off != len)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "bytes after Info message", off);
	return 0;
}

static int encode_nat_lcaf(uint8_t *buf, size_t cap, size_t *off, const struct lisp_info *m,
			   struct lisp_err *err)
{
	size_t body = NAT_LCAF_FIXED + lisp_addr_wire_len(&m->global_etr) +
		      lisp_addr_wire_len(&m->ms) + lisp_addr_wire_len(&m->private_etr);

	if (m->n_rtr > LISP_MAX_RTRS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "RTR count", *off);
	for (unsigned i = 0; i < m->n_rtr; i++)
		body += lisp_addr_wire_len(&m->rtr[i]);
	if (lcaf_hdr_encode(buf, cap, off, LISP_LCAF_NAT, 0, body, err) ||
	    put_u16(buf, cap, off, m->ms_port, err, "MS port") ||
	    put_u16(buf, cap, off, m->etr_port, err, "ETR port") ||
	    lisp_addr_encode(buf, cap, off, &m->global_etr, err) ||
	    lisp_addr_encode(buf, cap, off, &m->ms, err) ||
	    lisp_addr_encode(buf, cap, off, &m->private_etr, err))
		return -1;
	for (unsigned i = 0; i < m->n_rtr; i++)
		if (lisp_addr_encode(buf, cap, off, &m->rtr[i], err))
			return -1;
	return 0;
}

int lisp_info_encode(uint8_t *buf, size_t cap, size_t *out_len, const struct lisp_info *m,
		     const uint8_t *key, size_t key_len, struct lisp_err *err)
{
	bool sign = key != NULL && m->auth.alg_id != LISP_AUTH_NONE;
	size_t name_len = strnlen(m->hostname, sizeof(m->hostname));
	size_t off = 0;

	if (check_eid(&m->eid, 0, err))
		return -1;
	if (name_len == sizeof(m->hostname) || (m->reply && name_len > 0))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "hostname", 0);

	if (put_u32(buf, cap, &off, ((uint32_t)LISP_INFO << 28) | (m->reply ? INFO_R : 0), err,
		    "Info header") ||
	    put_u64(buf, cap, &off, m->nonce, err, "nonce") ||
	    auth_field_encode(buf, cap, &off, &m->auth, sign, err))
		return -1;

	if (put_u32(buf, cap, &off, m->ttl, err, "TTL") ||
	    put_u8(buf, cap, &off, 0, err, "reserved") ||
	    put_u8(buf, cap, &off, m->eid.plen, err, "EID mask length") ||
	    lisp_addr_encode(buf, cap, &off, &m->eid.addr, err))
		return -1;
	if (m->reply) {
		if (encode_nat_lcaf(buf, cap, &off, m, err))
			return -1;
	} else if (name_len > 0) {
		if (put_u16(buf, cap, &off, LISP_AFI_DN, err, "hostname AFI") ||
		    put_bytes(buf, cap, &off, m->hostname, name_len + 1, err, "hostname"))
			return -1;
	} else if (put_u16(buf, cap, &off, LISP_AFI_NONE, err, "Info-Request AFI 0")) {
		return -1;
	}
	if (sign && lisp_auth_sign(buf, off, key, key_len, err))
		return -1;
	*out_len = off;
	return 0;
}
