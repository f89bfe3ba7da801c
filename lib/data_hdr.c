/* The 8-byte LISP data header (RFC 9300 §5.3):
 *   byte 0: N L E V I R K K
 *   bytes 1-3: nonce (N=1) or source/dest map-versions (V=1, N=0)
 *   bytes 4-7: instance-id(24) + LSBs(8) when I=1, else 32 LSBs. */
#include "lisp_msg.h"
#include "lisp_wire.h"

/* The flags of byte 0, for decode and encode: X(field, bit). */
#define DH_FLAGS(X) \
	X(n, 0x80) \
	X(l, 0x40) \
	X(e, 0x20) \
	X(v, 0x10) \
	X(i, 0x08)
#define DH_KK 0x03

int lisp_data_hdr_decode(const uint8_t *buf, size_t len, struct lisp_data_hdr *out,
			 struct lisp_err *err)
{
	uint8_t f;
	uint32_t w1;

	if (wire_need(len, 0, LISP_DATA_HDR_LEN, err, "data header"))
		return -1;
	f = buf[0];
	w1 = ((uint32_t)buf[4] << 24) | ((uint32_t)buf[5] << 16) | ((uint32_t)buf[6] << 8) | buf[7];

	*out = (struct lisp_data_hdr){0};
#define FLAG_GET(field, bit) out->field = f & (bit);
	DH_FLAGS(FLAG_GET)
#undef FLAG_GET
	out->kk = f & DH_KK;
	/* RFC 9300: N and V never both set; a receiver reading both reads a nonce. */
	out->v = out->v && !out->n;
	if (out->n) {
		out->nonce = ((uint32_t)buf[1] << 16) | ((uint32_t)buf[2] << 8) | buf[3];
	} else if (out->v) {
		out->src_version = (uint16_t)((buf[1] << 4) | (buf[2] >> 4));
		out->dst_version = (uint16_t)(((buf[2] & 0x0f) << 8) | buf[3]);
	}
	if (out->i) {
		out->iid = w1 >> 8;
		out->lsb = w1 & 0xff;
	} else {
		out->lsb = w1;
	}
	return 0;
}

int lisp_data_hdr_encode(uint8_t *buf, size_t cap, const struct lisp_data_hdr *h,
			 struct lisp_err *err)
{
	size_t off = 0;
	uint8_t f = 0;
	uint32_t w0, w1;

	if (h->n && h->v)
		return lisp_fail(err, LISP_ERR_BAD_FLAGS, "N and V both set", 0);
	if (h->kk > DH_KK)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "KK", 0);
	if (h->n && h->nonce > 0xffffff)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "nonce", 1);
	if (h->v && (h->src_version > 0xfff || h->dst_version > 0xfff))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "map-version", 1);
	if (h->i && (h->iid > 0xffffff || h->lsb > 0xff))
		return lisp_fail(err, LISP_ERR_BAD_ARG, "instance-id/LSBs", 4);

#define FLAG_PUT(field, bit) f |= h->field ? (bit) : 0;
	DH_FLAGS(FLAG_PUT)
#undef FLAG_PUT
	f |= h->kk;

	w0 = (uint32_t)f << 24;
	if (h->n)
		w0 |= h->nonce;
	else if (h->v)
		w0 |= ((uint32_t)h->src_version << 12) | h->dst_version;
	w1 = h->i ? (h->iid << 8) | h->lsb : h->lsb;

	/* Check the room first so a short buffer is left untouched. */
	if (wire_room(cap, 0, LISP_DATA_HDR_LEN, err, "data header"))
		return -1;
	if (put_u32(buf, cap, &off, w0, err, "data header") ||
	    put_u32(buf, cap, &off, w1, err, "data header"))
		return -1;
	return 0;
}
