/* Data-Map-Notify (NAT traversal): a LISP data header with I set and
 * instance-id 0xFFFFFF, then an inner IPv4/IPv6 + UDP packet (msg_inner.c)
 * carrying a Map-Notify. An RTR sends it to a node behind a NAT through the
 * node's one NAT binding; the instance-id tells the node's data plane that
 * the packet is for its daemon, not for the host (docs/NAT.md). */
#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

bool lisp_data_hdr_is_map_notify(const struct lisp_data_hdr *h)
{
	return h->i && h->iid == LISP_IID_DATA_MAP_NOTIFY;
}

int lisp_data_map_notify_decode(const uint8_t *buf, size_t len, struct lisp_data_map_notify *out,
				struct lisp_err *err)
{
	*out = (struct lisp_data_map_notify){0};
	if (lisp_data_hdr_decode(buf, len, &out->hdr, err))
		return -1;
	if (!lisp_data_hdr_is_map_notify(&out->hdr))
		return lisp_fail(err, LISP_ERR_BAD_FLAGS, "Data-Map-Notify instance-id", 0);
	/* A control message is never encrypted (RFC 8061 keys belong to data). */
	if (out->hdr.kk != 0)
		return lisp_fail(err, LISP_ERR_BAD_FLAGS, "Data-Map-Notify KK", 0);
	return inner_udp_decode(buf, len, LISP_DATA_HDR_LEN, &out->inner, err);
}

int lisp_data_map_notify_encode(uint8_t *buf, size_t cap, size_t *out_len,
				const struct lisp_data_map_notify *m, struct lisp_err *err)
{
	size_t off = LISP_DATA_HDR_LEN, inner_len = 0;

	if (!lisp_data_hdr_is_map_notify(&m->hdr) || m->hdr.kk != 0)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "Data-Map-Notify header", 0);
	if (inner_udp_len(&m->inner, &inner_len, err) ||
	    wire_room(cap, 0, LISP_DATA_HDR_LEN + inner_len, err, "Data-Map-Notify") ||
	    lisp_data_hdr_encode(buf, cap, &m->hdr, err) ||
	    inner_udp_encode(buf, cap, &off, &m->inner, err))
		return -1;
	*out_len = off;
	return 0;
}
