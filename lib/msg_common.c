/* Message type of a control packet, dispatch to the decoder for it, and the
 * head most message types begin with. */
#include <string.h>

#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

int lisp_msg_type(const uint8_t *buf, size_t len)
{
	if (len == 0)
		return -1;
	return buf[0] >> 4;
}

const char *lisp_msg_type_name(int type)
{
	switch (type) {
	case LISP_MAP_REQUEST:
		return "map-request";
	case LISP_MAP_REPLY:
		return "map-reply";
	case LISP_MAP_REGISTER:
		return "map-register";
	case LISP_MAP_NOTIFY:
		return "map-notify";
	case LISP_MAP_NOTIFY_ACK:
		return "map-notify-ack";
	case LISP_MAP_REFERRAL:
		return "map-referral";
	case LISP_INFO:
		return "info";
	case LISP_ECM:
		return "ecm";
	default:
		return "unknown";
	}
}

int lisp_msg_decode(const uint8_t *buf, size_t len, struct lisp_msg *out, struct lisp_err *err)
{
	int type = lisp_msg_type(buf, len);

	memset(out, 0, sizeof(*out));
	if (type < 0)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "message type", 0);
	out->type = (uint8_t)type;
	switch (type) {
	case LISP_MAP_REQUEST:
		return lisp_map_request_decode(buf, len, &out->u.request, err);
	case LISP_MAP_REPLY:
		return lisp_map_reply_decode(buf, len, &out->u.reply, err);
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		return lisp_map_register_decode(buf, len, &out->u.reg, err);
	case LISP_INFO:
		return lisp_info_decode(buf, len, &out->u.info, err);
	case LISP_ECM:
		return lisp_ecm_decode(buf, len, &out->u.ecm, err);
	default:
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "message type", 0);
	}
}

int msg_head_decode(const uint8_t *buf, size_t len, size_t *off, unsigned types,
		    unsigned min_rec, const char *what, struct msg_head *h, struct lisp_err *err)
{
	if (get_u32(buf, len, off, &h->w0, err, what))
		return -1;
	if (!(types & (1u << (h->w0 >> 28))))
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "message type", 0);
	h->n_rec = h->w0 & 0xff;
	if (h->n_rec < min_rec || h->n_rec > LISP_MAX_RECORDS)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "record count", 3);
	return get_u64(buf, len, off, &h->nonce, err, "nonce");
}
