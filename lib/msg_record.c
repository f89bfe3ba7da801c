/* EID record and its locator records (RFC 9301 §5.4), shared by Map-Reply,
 * Map-Register, Map-Notify(-Ack) and the Map-Request's Map-Reply record.
 *
 *   TTL(32)
 *   LocCount(8) EID-mask-len(8) ACT(3) A(1) Rsvd(12)
 *   Rsvd(4) Map-Version(12) EID-Prefix-AFI(16) EID-Prefix
 *   per locator:
 *     Priority(8) Weight(8) M-Priority(8) M-Weight(8)
 *     Unused(13) L(1) p(1) R(1) Loc-AFI(16) Locator */
#include <string.h>

#include "lisp_msg.h"
#include "lisp_wire.h"

#define REC_ACT_SHIFT 13
#define REC_ACT_MASK 0x7
#define REC_A_BIT 0x1000
#define REC_VERSION_MASK 0x0fff
#define LOC_L_BIT 0x4
#define LOC_P_BIT 0x2
#define LOC_R_BIT 0x1

static int decode_locator(const uint8_t *buf, size_t len, size_t *off, struct lisp_locator *l,
			  struct lisp_err *err)
{
	uint16_t flags;
	size_t at;

	if (get_u8(buf, len, off, &l->priority, err, "locator priority") ||
	    get_u8(buf, len, off, &l->weight, err, "locator weight") ||
	    get_u8(buf, len, off, &l->mpriority, err, "locator m-priority") ||
	    get_u8(buf, len, off, &l->mweight, err, "locator m-weight") ||
	    get_u16(buf, len, off, &flags, err, "locator flags"))
		return -1;
	l->local = flags & LOC_L_BIT;
	l->probed = flags & LOC_P_BIT;
	l->reachable = flags & LOC_R_BIT;
	at = *off;
	if (lisp_addr_decode(buf, len, off, &l->addr, err))
		return -1;
	/* A locator is where packets go: "no address" cannot be one. */
	if (l->addr.kind == LISP_ADDR_NONE)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "locator AFI", at);
	return 0;
}

int lisp_record_decode(const uint8_t *buf, size_t len, size_t *off, struct lisp_record *out,
		       struct lisp_err *err)
{
	uint8_t n_loc, plen;
	uint16_t act_a, version;
	size_t pos = *off, count_at, eid_at;
	unsigned bits;

	memset(out, 0, sizeof(*out));
	if (get_u32(buf, len, &pos, &out->ttl, err, "record TTL"))
		return -1;
	count_at = pos;
	if (get_u8(buf, len, &pos, &n_loc, err, "locator count") ||
	    get_u8(buf, len, &pos, &plen, err, "EID mask length") ||
	    get_u16(buf, len, &pos, &act_a, err, "record ACT/A") ||
	    get_u16(buf, len, &pos, &version, err, "map-version"))
		return -1;
	if (n_loc > LISP_MAX_LOCATORS)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "locator count", count_at);
	out->act = (act_a >> REC_ACT_SHIFT) & REC_ACT_MASK;
	out->authoritative = act_a & REC_A_BIT;
	out->map_version = version & REC_VERSION_MASK;

	eid_at = pos;
	if (lisp_addr_decode(buf, len, &pos, &out->eid.addr, err))
		return -1;
	if (out->eid.addr.kind != LISP_ADDR_IP)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "EID prefix AFI", eid_at);
	bits = lisp_afi_bits(out->eid.addr.ip.afi);
	if (plen > bits)
		return lisp_fail(err, LISP_ERR_BAD_PREFIX, "EID mask length", count_at + 1);
	out->eid.plen = plen;

	for (unsigned i = 0; i < n_loc; i++)
		if (decode_locator(buf, len, &pos, &out->loc[i], err))
			return -1;
	out->n_loc = n_loc;
	*off = pos;
	return 0;
}

static int encode_locator(uint8_t *buf, size_t cap, size_t *off, const struct lisp_locator *l,
			  struct lisp_err *err)
{
	uint16_t flags = (uint16_t)((l->local ? LOC_L_BIT : 0) | (l->probed ? LOC_P_BIT : 0) |
				    (l->reachable ? LOC_R_BIT : 0));

	if (l->addr.kind == LISP_ADDR_NONE)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "locator without address", *off);
	if (put_u8(buf, cap, off, l->priority, err, "locator priority") ||
	    put_u8(buf, cap, off, l->weight, err, "locator weight") ||
	    put_u8(buf, cap, off, l->mpriority, err, "locator m-priority") ||
	    put_u8(buf, cap, off, l->mweight, err, "locator m-weight") ||
	    put_u16(buf, cap, off, flags, err, "locator flags"))
		return -1;
	return lisp_addr_encode(buf, cap, off, &l->addr, err);
}

int lisp_record_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_record *r,
		       struct lisp_err *err)
{
	size_t pos = *off;
	uint16_t act_a;

	if (r->n_loc > LISP_MAX_LOCATORS)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "locator count", pos);
	if (r->act > REC_ACT_MASK)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "record ACT", pos);
	if (r->map_version > REC_VERSION_MASK)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "map-version", pos);
	if (r->eid.addr.kind != LISP_ADDR_IP)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "EID prefix kind", pos);
	if (r->eid.plen > lisp_afi_bits(r->eid.addr.ip.afi))
		return lisp_fail(err, LISP_ERR_BAD_PREFIX, "EID mask length", pos);

	act_a = (uint16_t)((r->act << REC_ACT_SHIFT) | (r->authoritative ? REC_A_BIT : 0));
	if (put_u32(buf, cap, &pos, r->ttl, err, "record TTL") ||
	    put_u8(buf, cap, &pos, r->n_loc, err, "locator count") ||
	    put_u8(buf, cap, &pos, r->eid.plen, err, "EID mask length") ||
	    put_u16(buf, cap, &pos, act_a, err, "record ACT/A") ||
	    put_u16(buf, cap, &pos, r->map_version, err, "map-version") ||
	    lisp_addr_encode(buf, cap, &pos, &r->eid.addr, err))
		return -1;
	for (unsigned i = 0; i < r->n_loc; i++)
		if (encode_locator(buf, cap, &pos, &r->loc[i], err))
			return -1;
	*off = pos;
	return 0;
}
