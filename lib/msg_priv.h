/* Pieces of wire layout that several message codecs share. Internal to lib/. */
#ifndef MSG_PRIV_H
#define MSG_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"
#include "lisp_msg.h"

/* LCAF header after its AFI: Rsvd1(8) Flags(8) Type(8) Rsvd2(8) Length(16). */
struct lcaf_hdr {
	uint8_t type;
	uint8_t rsvd2;
	uint16_t body_len;  /* bytes after the header */
};

/* Reads the header at *off (just past AFI 16387) and checks the whole body
 * is in the buffer, so a cut buffer reads as truncated and only a Length
 * that disagrees with the content reads as bad-lcaf. */
int lcaf_hdr_decode(const uint8_t *buf, size_t len, size_t *off, struct lcaf_hdr *h,
		    struct lisp_err *err);
/* Writes AFI 16387 and the header for a body of body_len bytes. */
int lcaf_hdr_encode(uint8_t *buf, size_t cap, size_t *off, uint8_t type, uint8_t rsvd2,
		    size_t body_len, struct lisp_err *err);

/* The auth field at byte 12 of Map-Register/Notify/Notify-Ack and Info:
 * KeyID(8) AlgID(8) AuthDataLen(16) AuthData. The length must be one the
 * algorithm defines (0 for no algorithm); it is judged before the data is
 * read, so a lying length never sizes a copy. */
int auth_field_decode(const uint8_t *buf, size_t len, size_t *off, struct lisp_auth_field *a,
		      struct lisp_err *err);
/* Writes the field. When `sign`, the data is zeroed for lisp_auth_sign() to
 * fill once the whole message is written, and a length of 0 means the
 * algorithm's full digest; otherwise a->data is written as is. */
int auth_field_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_auth_field *a,
		      bool sign, struct lisp_err *err);

/* The inner IP + UDP packet of an ECM or a Data-Map-Notify (msg_inner.c),
 * from buf[off] to the end of buf, which it must fill exactly. Checksums are
 * verified (a zero IPv4 header or UDP checksum reads as "not computed");
 * out->payload points into buf. */
int inner_udp_decode(const uint8_t *buf, size_t len, size_t off, struct lisp_inner_udp *out,
		     struct lisp_err *err);
/* Bytes it takes encoded (IP + UDP headers + payload); refuses what cannot be encoded. */
int inner_udp_len(const struct lisp_inner_udp *in, size_t *len, struct lisp_err *err);
/* Writes it at buf[*off] with computed checksums (unless left zero), advances *off. */
int inner_udp_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_inner_udp *in,
		     struct lisp_err *err);

/* The head of a Map-Request, a Map-Reply and a Map-Register/Notify/Notify-Ack:
 *   Type(0-3) flags RecCnt(24-31) | Nonce(64) */
struct msg_head {
	uint32_t w0;        /* the whole first word: the caller reads its flags */
	unsigned n_rec;
	uint64_t nonce;
};

/* Reads the head at the start of buf (*off is 0). The type must be one of
 * `types` (a mask of 1 << type) and the record count from min_rec to
 * LISP_MAX_RECORDS; `what` names the first word in errors. */
int msg_head_decode(const uint8_t *buf, size_t len, size_t *off, unsigned types,
		    unsigned min_rec, const char *what, struct msg_head *h, struct lisp_err *err);

#endif
