/* The inner IPv4 (no options) or IPv6 (no extension headers) + UDP packet
 * that an ECM (RFC 9301 §5.8) and a Data-Map-Notify (NAT traversal) carry.
 * The IP length must cover exactly the rest of the message and the UDP
 * length must match it: a packet whose lengths disagree was built wrong or
 * tampered with, and the message inside cannot be trusted to be complete. */
#include <string.h>

#include "lisp_msg.h"
#include "lisp_wire.h"
#include "msg_priv.h"

#define IPV4_HDR_LEN 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN 8
#define IPPROTO_UDP_NUM 17

#define IPV4_FLAG_RESERVED 0x8000
#define IPV4_FLAG_DF 0x4000
#define IPV4_FLAG_MF 0x2000
#define IPV4_FRAG_OFF_MASK 0x1fff

/* Sum of the UDP pseudo header (RFC 768 / RFC 8200 §8.1). */
static uint32_t udp_pseudo_sum(const struct lisp_ip *src, const struct lisp_ip *dst,
			       size_t udp_len)
{
	size_t alen = src->afi == LISP_AFI_IPV4 ? 4 : 16;
	uint8_t tail[8];
	uint32_t sum = 0;

	sum = csum_add(sum, src->bytes, alen);
	sum = csum_add(sum, dst->bytes, alen);
	if (alen == 4) {
		tail[0] = 0;
		tail[1] = IPPROTO_UDP_NUM;
		tail[2] = (uint8_t)(udp_len >> 8);
		tail[3] = (uint8_t)udp_len;
		return csum_add(sum, tail, 4);
	}
	tail[0] = (uint8_t)(udp_len >> 24);
	tail[1] = (uint8_t)(udp_len >> 16);
	tail[2] = (uint8_t)(udp_len >> 8);
	tail[3] = (uint8_t)udp_len;
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = IPPROTO_UDP_NUM;
	return csum_add(sum, tail, 8);
}

/* IPv4 header at buf[off]; on success *ip_payload_len is what follows it. */
static int decode_ipv4(const uint8_t *buf, size_t len, size_t off, struct lisp_inner_udp *out,
		       size_t *ip_payload_len, struct lisp_err *err)
{
	const uint8_t *h = buf + off;
	uint16_t total, frag, csum;

	if (wire_need(len, off, IPV4_HDR_LEN, err, "inner IPv4 header"))
		return -1;
	if ((h[0] & 0x0f) < 5)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IPv4 IHL", off);
	/* Options are legal IPv4 but no LISP implementation sends them here;
	 * refusing them keeps the header fixed-size and re-encodable. */
	if ((h[0] & 0x0f) > 5)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IPv4 options", off);
	total = (uint16_t)((h[2] << 8) | h[3]);
	frag = (uint16_t)((h[6] << 8) | h[7]);
	csum = (uint16_t)((h[10] << 8) | h[11]);
	if (frag & (IPV4_FLAG_RESERVED | IPV4_FLAG_MF | IPV4_FRAG_OFF_MASK))
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IPv4 fragment/flags", off + 6);
	if (h[9] != IPPROTO_UDP_NUM)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IP protocol", off + 9);
	if (total < IPV4_HDR_LEN + UDP_HDR_LEN)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IPv4 total length", off + 2);
	if (total > len - off)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "inner IPv4 total length", off + 2);
	if (total < len - off)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "bytes after inner IPv4 packet",
				 off + total);
	/* A zero checksum is taken as "not computed": some senders leave it so
	 * (one ECM in the interop captures), and the inner header is never
	 * routed, so it protects nothing. Any other value must be right. */
	if (csum != 0 && csum_fold(csum_add(0, h, IPV4_HDR_LEN)) != 0)
		return lisp_fail(err, LISP_ERR_BAD_CHECKSUM, "inner IPv4 header checksum",
				 off + 10);

	out->inner_ip_csum_zero = csum == 0;
	out->inner_tos = h[1];
	out->inner_ip_id = (uint16_t)((h[4] << 8) | h[5]);
	out->inner_df = frag & IPV4_FLAG_DF;
	out->inner_ttl = h[8];
	out->inner_src.afi = LISP_AFI_IPV4;
	memcpy(out->inner_src.bytes, h + 12, 4);
	out->inner_dst.afi = LISP_AFI_IPV4;
	memcpy(out->inner_dst.bytes, h + 16, 4);
	*ip_payload_len = (size_t)total - IPV4_HDR_LEN;
	return 0;
}

static int decode_ipv6(const uint8_t *buf, size_t len, size_t off, struct lisp_inner_udp *out,
		       size_t *ip_payload_len, struct lisp_err *err)
{
	const uint8_t *h = buf + off;
	uint16_t plen;

	if (wire_need(len, off, IPV6_HDR_LEN, err, "inner IPv6 header"))
		return -1;
	plen = (uint16_t)((h[4] << 8) | h[5]);
	/* Extension headers would have to be walked and judged; none is useful here. */
	if (h[6] != IPPROTO_UDP_NUM)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IP protocol", off + 6);
	if (plen < UDP_HDR_LEN)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IPv6 payload length", off + 4);
	if (plen > len - off - IPV6_HDR_LEN)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "inner IPv6 payload length", off + 4);
	if (plen < len - off - IPV6_HDR_LEN)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "bytes after inner IPv6 packet",
				 off + IPV6_HDR_LEN + plen);

	out->inner_tos = (uint8_t)(((h[0] & 0x0f) << 4) | (h[1] >> 4));
	out->inner_flow = ((uint32_t)(h[1] & 0x0f) << 16) | ((uint32_t)h[2] << 8) | h[3];
	out->inner_ttl = h[7];
	out->inner_src.afi = LISP_AFI_IPV6;
	memcpy(out->inner_src.bytes, h + 8, 16);
	out->inner_dst.afi = LISP_AFI_IPV6;
	memcpy(out->inner_dst.bytes, h + 24, 16);
	*ip_payload_len = plen;
	return 0;
}

int inner_udp_decode(const uint8_t *buf, size_t len, size_t off, struct lisp_inner_udp *out,
		     struct lisp_err *err)
{
	size_t ip_payload_len = 0, udp_off;
	uint16_t ulen = 0, csum = 0;
	int rc;

	*out = (struct lisp_inner_udp){0};
	if (wire_need(len, off, 1, err, "inner IP version"))
		return -1;
	switch (buf[off] >> 4) {
	case 4:
		rc = decode_ipv4(buf, len, off, out, &ip_payload_len, err);
		udp_off = off + IPV4_HDR_LEN;
		break;
	case 6:
		rc = decode_ipv6(buf, len, off, out, &ip_payload_len, err);
		udp_off = off + IPV6_HDR_LEN;
		break;
	default:
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner IP version", off);
	}
	if (rc)
		return -1;

	/* The IP decoders proved ip_payload_len (>= 8) bytes follow udp_off. */
	off = udp_off;
	if (get_u16(buf, len, &off, &out->inner_sport, err, "inner UDP") ||
	    get_u16(buf, len, &off, &out->inner_dport, err, "inner UDP") ||
	    get_u16(buf, len, &off, &ulen, err, "inner UDP") ||
	    get_u16(buf, len, &off, &csum, err, "inner UDP"))
		return -1;
	if (ulen != ip_payload_len)
		return lisp_fail(err, LISP_ERR_BAD_IP, "inner UDP length", udp_off + 4);
	if (ulen == UDP_HDR_LEN)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "encapsulated message", off);
	if (csum == 0) {
		/* RFC 8200 §8.1: a zero UDP checksum is not allowed over IPv6. */
		if (out->inner_src.afi == LISP_AFI_IPV6)
			return lisp_fail(err, LISP_ERR_BAD_CHECKSUM, "inner UDP checksum zero",
					 udp_off + 6);
		out->inner_udp_csum_zero = true;
	} else {
		uint32_t sum = udp_pseudo_sum(&out->inner_src, &out->inner_dst, ulen);

		if (csum_fold(csum_add(sum, buf + udp_off, ulen)) != 0)
			return lisp_fail(err, LISP_ERR_BAD_CHECKSUM, "inner UDP checksum",
					 udp_off + 6);
	}
	out->payload = buf + off;
	out->payload_len = ulen - UDP_HDR_LEN;
	return 0;
}

int inner_udp_len(const struct lisp_inner_udp *in, size_t *len, struct lisp_err *err)
{
	if (in->inner_src.afi != in->inner_dst.afi)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "inner address families differ", 0);
	if (in->payload == NULL && in->payload_len > 0)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "payload", 0);
	if (in->payload_len == 0)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "empty payload", 0);
	switch (in->inner_src.afi) {
	case LISP_AFI_IPV4:
		if (in->payload_len > 0xffff - IPV4_HDR_LEN - UDP_HDR_LEN)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "payload too long", 0);
		*len = IPV4_HDR_LEN + UDP_HDR_LEN + in->payload_len;
		return 0;
	case LISP_AFI_IPV6:
		if (in->payload_len > 0xffff - UDP_HDR_LEN)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "payload too long", 0);
		if (in->inner_flow > 0xfffff)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "flow label", 0);
		if (in->inner_udp_csum_zero || in->inner_ip_csum_zero)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "zero checksum over IPv6", 0);
		*len = IPV6_HDR_LEN + UDP_HDR_LEN + in->payload_len;
		return 0;
	default:
		return lisp_fail(err, LISP_ERR_BAD_ARG, "inner address family", 0);
	}
}

int inner_udp_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_inner_udp *in,
		     struct lisp_err *err)
{
	size_t ip_off = *off, total, ip_hdr_len, udp_off, udp_len;
	uint16_t csum;

	if (inner_udp_len(in, &total, err) || wire_room(cap, ip_off, total, err, "inner packet"))
		return -1;
	udp_len = UDP_HDR_LEN + in->payload_len;
	ip_hdr_len = total - udp_len;
	udp_off = ip_off + ip_hdr_len;

	if (in->inner_src.afi == LISP_AFI_IPV4) {
		put_u8(buf, cap, off, 0x45, err, "inner IPv4");
		put_u8(buf, cap, off, in->inner_tos, err, "inner IPv4");
		put_u16(buf, cap, off, (uint16_t)total, err, "inner IPv4");
		put_u16(buf, cap, off, in->inner_ip_id, err, "inner IPv4");
		put_u16(buf, cap, off, in->inner_df ? IPV4_FLAG_DF : 0, err, "inner IPv4");
		put_u8(buf, cap, off, in->inner_ttl, err, "inner IPv4");
		put_u8(buf, cap, off, IPPROTO_UDP_NUM, err, "inner IPv4");
		put_u16(buf, cap, off, 0, err, "inner IPv4");
		put_bytes(buf, cap, off, in->inner_src.bytes, 4, err, "inner IPv4");
		put_bytes(buf, cap, off, in->inner_dst.bytes, 4, err, "inner IPv4");
		if (!in->inner_ip_csum_zero) {
			csum = csum_fold(csum_add(0, buf + ip_off, IPV4_HDR_LEN));
			buf[ip_off + 10] = (uint8_t)(csum >> 8);
			buf[ip_off + 11] = (uint8_t)csum;
		}
	} else {
		uint32_t vtf = (6u << 28) | ((uint32_t)in->inner_tos << 20) | in->inner_flow;

		put_u32(buf, cap, off, vtf, err, "inner IPv6");
		put_u16(buf, cap, off, (uint16_t)udp_len, err, "inner IPv6");
		put_u8(buf, cap, off, IPPROTO_UDP_NUM, err, "inner IPv6");
		put_u8(buf, cap, off, in->inner_ttl, err, "inner IPv6");
		put_bytes(buf, cap, off, in->inner_src.bytes, 16, err, "inner IPv6");
		put_bytes(buf, cap, off, in->inner_dst.bytes, 16, err, "inner IPv6");
	}

	put_u16(buf, cap, off, in->inner_sport, err, "inner UDP");
	put_u16(buf, cap, off, in->inner_dport, err, "inner UDP");
	put_u16(buf, cap, off, (uint16_t)udp_len, err, "inner UDP");
	put_u16(buf, cap, off, 0, err, "inner UDP");
	put_bytes(buf, cap, off, in->payload, in->payload_len, err, "inner message");
	if (!in->inner_udp_csum_zero) {
		uint32_t sum = udp_pseudo_sum(&in->inner_src, &in->inner_dst, udp_len);

		csum = csum_fold(csum_add(sum, buf + udp_off, udp_len));
		/* RFC 768: a computed 0 is sent as all ones, 0 meaning "none". */
		if (csum == 0)
			csum = 0xffff;
		buf[udp_off + 6] = (uint8_t)(csum >> 8);
		buf[udp_off + 7] = (uint8_t)csum;
	}
	return 0;
}
