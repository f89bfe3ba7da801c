#include <string.h>

#include "lisp_wire.h"
#include "pcap_file.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_MAGIC_NSEC 0xa1b23c4du

/* pcapng (draft-ietf-opsawg-pcapng) block types and minimum lengths. */
#define NG_SHB_TYPE 0x0a0d0d0au
#define NG_IDB_TYPE 1u
#define NG_EPB_TYPE 6u
#define NG_BYTE_ORDER_MAGIC 0x1a2b3c4du
#define NG_MIN_BLOCK 12
#define NG_SHB_MIN 28
#define NG_IDB_MIN 20
#define NG_EPB_MIN 32
#define NG_OPT_TSRESOL 9

#define ETH_HDR_LEN 14
#define VLAN_TAG_LEN 4
#define SLL_HDR_LEN 16
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define IPV4_MIN_HDR 20
#define IPV6_HDR_LEN 40
#define UDP_HDR_LEN 8
#define IPPROTO_UDP_NUM 17

/* pcap header fields are in the writer's byte order; the magic says which. */
static uint32_t rd32(const uint8_t *p, bool swapped)
{
	uint32_t le = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
		      ((uint32_t)p[3] << 24);
	uint32_t be = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
		      (uint32_t)p[3];
	return swapped ? be : le;
}

static uint16_t rd16(const uint8_t *p, bool swapped)
{
	return swapped ? (uint16_t)((p[0] << 8) | p[1]) : (uint16_t)(p[0] | (p[1] << 8));
}

static void wr32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int classic_init(struct pcap_reader *r, struct lisp_err *err)
{
	const uint8_t *buf = r->buf;
	uint32_t magic;

	if (wire_need(r->len, 0, PCAP_FILE_HDR_LEN, err, "pcap file header"))
		return -1;
	/* Read the magic as little-endian: a big-endian file shows it swapped. */
	magic = rd32(buf, false);
	if (magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC) {
		magic = rd32(buf, true);
		if (magic != PCAP_MAGIC_USEC && magic != PCAP_MAGIC_NSEC)
			return lisp_fail(err, LISP_ERR_BAD_TYPE, "pcap magic", 0);
		r->swapped = true;
	}
	r->nsec = magic == PCAP_MAGIC_NSEC;
	if (rd16(buf + 4, r->swapped) != 2)
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "pcap major version", 4);
	r->snaplen = rd32(buf + 16, r->swapped);
	/* Some writers leave the snap length 0 ("not set"): read that as the maximum. */
	if (r->snaplen == 0)
		r->snaplen = PCAP_MAX_SNAPLEN;
	if (r->snaplen > PCAP_MAX_SNAPLEN)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "pcap snap length", 16);
	r->linktype = rd32(buf + 20, r->swapped) & 0xffff;  /* upper bits: FCS info */
	r->off = PCAP_FILE_HDR_LEN;
	return 0;
}

/* A pcapng block at r->off: checks that both copies of its length agree and
 * that it fits; returns its type and length. */
static int ng_block(const struct pcap_reader *r, uint32_t *type, uint32_t *blen,
		    struct lisp_err *err)
{
	const uint8_t *b = r->buf + r->off;

	if (wire_need(r->len, r->off, NG_MIN_BLOCK, err, "pcapng block header"))
		return -1;
	*type = rd32(b, r->swapped);
	*blen = rd32(b + 4, r->swapped);
	if (*blen < NG_MIN_BLOCK || *blen % 4 != 0)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng block length", r->off + 4);
	if (wire_need(r->len, r->off, *blen, err, "pcapng block"))
		return -1;
	if (rd32(b + *blen - 4, r->swapped) != *blen)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng trailing block length",
				 r->off + *blen - 4);
	return 0;
}

/* Section Header Block at r->off: byte order, version; forgets the interfaces
 * of an earlier section. */
static int ng_section(struct pcap_reader *r, struct lisp_err *err)
{
	uint32_t type, blen;

	if (wire_need(r->len, r->off, NG_SHB_MIN, err, "pcapng section header"))
		return -1;
	if (rd32(r->buf + r->off + 8, false) == NG_BYTE_ORDER_MAGIC)
		r->swapped = false;
	else if (rd32(r->buf + r->off + 8, true) == NG_BYTE_ORDER_MAGIC)
		r->swapped = true;
	else
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "pcapng byte-order magic", r->off + 8);
	if (ng_block(r, &type, &blen, err))
		return -1;
	if (blen < NG_SHB_MIN)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng block length", r->off + 4);
	if (rd16(r->buf + r->off + 12, r->swapped) != 1)
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "pcapng major version", r->off + 12);
	r->n_ifaces = 0;
	r->off += blen;
	return 0;
}

/* if_tsresol: bit 7 clear = 10^-v seconds, set = 2^-v seconds. */
static uint64_t ts_units(uint8_t tsresol)
{
	unsigned v = tsresol & 0x7f;
	uint64_t u = 1;

	if (tsresol & 0x80)
		return v < 64 ? (uint64_t)1 << v : 0;
	if (v > 19)
		return 0;
	while (v--)
		u *= 10;
	return u;
}

static int ng_interface(struct pcap_reader *r, uint32_t blen, struct lisp_err *err)
{
	const uint8_t *b = r->buf + r->off;
	struct pcap_iface *ifc;
	size_t opt = 16, end = blen - 4;

	if (blen < NG_IDB_MIN)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng interface block", r->off + 4);
	if (r->n_ifaces == PCAP_MAX_IFACES)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng interfaces", r->off);
	ifc = &r->ifaces[r->n_ifaces];
	ifc->linktype = rd16(b + 8, r->swapped);
	ifc->snaplen = rd32(b + 12, r->swapped);
	if (ifc->snaplen == 0 || ifc->snaplen > PCAP_MAX_SNAPLEN)
		ifc->snaplen = PCAP_MAX_SNAPLEN;
	ifc->ts_units = 1000000;
	while (end - opt >= 4) {
		uint16_t code = rd16(b + opt, r->swapped);
		uint16_t olen = rd16(b + opt + 2, r->swapped);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;

		if (code == 0)  /* opt_endofopt */
			break;
		if (padded > end - opt - 4)
			return lisp_fail(err, LISP_ERR_TRUNCATED, "pcapng option", r->off + opt);
		if (code == NG_OPT_TSRESOL && olen == 1) {
			ifc->ts_units = ts_units(b[opt + 4]);
			if (ifc->ts_units == 0)
				return lisp_fail(err, LISP_ERR_BAD_ARG, "pcapng if_tsresol",
						 r->off + opt + 4);
		}
		opt += 4 + padded;
	}
	if (r->n_ifaces == 0 && r->linktype == 0) {
		r->linktype = ifc->linktype;
		r->snaplen = ifc->snaplen;
	}
	r->n_ifaces++;
	return 0;
}

static int ng_packet(struct pcap_reader *r, uint32_t blen, struct pcap_record *rec,
		     struct lisp_err *err)
{
	const uint8_t *b = r->buf + r->off;
	const struct pcap_iface *ifc;
	uint32_t ifid, caplen;
	uint64_t ts;

	if (blen < NG_EPB_MIN)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng packet block", r->off + 4);
	ifid = rd32(b + 8, r->swapped);
	if (ifid >= r->n_ifaces)
		return lisp_fail(err, LISP_ERR_BAD_COUNT, "pcapng interface id", r->off + 8);
	ifc = &r->ifaces[ifid];
	caplen = rd32(b + 20, r->swapped);
	if (caplen > ifc->snaplen)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "pcapng captured length", r->off + 20);
	if (caplen > blen - NG_EPB_MIN)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "pcapng packet data", r->off + 28);
	ts = ((uint64_t)rd32(b + 12, r->swapped) << 32) | rd32(b + 16, r->swapped);
	rec->ts_sec = (uint32_t)(ts / ifc->ts_units);
	/* Finer than about 2^-44 s the exact product would overflow: divide first. */
	if (ifc->ts_units <= UINT64_MAX / 1000000)
		rec->ts_usec = (uint32_t)((ts % ifc->ts_units) * 1000000 / ifc->ts_units);
	else
		rec->ts_usec = (uint32_t)((ts % ifc->ts_units) / (ifc->ts_units / 1000000));
	rec->linktype = ifc->linktype;
	rec->orig_len = rd32(b + 24, r->swapped);
	rec->data = b + 28;
	rec->cap_len = caplen;
	return 0;
}

int pcap_reader_init(struct pcap_reader *r, const uint8_t *buf, size_t len,
		     struct lisp_err *err)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	if (len >= 4 && rd32(buf, false) == NG_SHB_TYPE) {
		uint32_t type, blen;

		r->ng = true;
		if (ng_section(r, err))
			return -1;
		/* Interfaces described before the first packet give the file its link type. */
		while (r->off + 4 <= r->len && rd32(r->buf + r->off, r->swapped) == NG_IDB_TYPE) {
			if (ng_block(r, &type, &blen, err) || ng_interface(r, blen, err))
				return -1;
			r->off += blen;
		}
		return 0;
	}
	return classic_init(r, err);
}

static int ng_next(struct pcap_reader *r, struct pcap_record *rec, struct lisp_err *err)
{
	uint32_t type, blen;

	while (r->off < r->len) {
		if (wire_need(r->len, r->off, 4, err, "pcapng block type"))
			return -1;
		if (rd32(r->buf + r->off, r->swapped) == NG_SHB_TYPE) {
			if (ng_section(r, err))
				return -1;
			continue;
		}
		if (ng_block(r, &type, &blen, err))
			return -1;
		if (type == NG_IDB_TYPE && ng_interface(r, blen, err))
			return -1;
		if (type == NG_EPB_TYPE) {
			if (ng_packet(r, blen, rec, err))
				return -1;
			r->off += blen;
			return 1;
		}
		r->off += blen;
	}
	return 0;
}

int pcap_reader_next(struct pcap_reader *r, struct pcap_record *rec, struct lisp_err *err)
{
	const uint8_t *h;
	uint32_t incl, frac;

	if (r->ng)
		return ng_next(r, rec, err);
	if (r->off == r->len)
		return 0;
	if (wire_need(r->len, r->off, PCAP_REC_HDR_LEN, err, "pcap record header"))
		return -1;
	h = r->buf + r->off;
	incl = rd32(h + 8, r->swapped);
	if (incl > r->snaplen)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "pcap record length", r->off + 8);
	if (wire_need(r->len, r->off + PCAP_REC_HDR_LEN, incl, err, "pcap record data"))
		return -1;
	frac = rd32(h + 4, r->swapped);
	rec->ts_sec = rd32(h, r->swapped);
	rec->ts_usec = r->nsec ? frac / 1000 : frac;
	rec->linktype = r->linktype;
	rec->orig_len = rd32(h + 12, r->swapped);
	rec->data = h + PCAP_REC_HDR_LEN;
	rec->cap_len = incl;
	r->off += PCAP_REC_HDR_LEN + (size_t)incl;
	return 1;
}

int pcap_write_header(uint8_t *buf, size_t cap, size_t *off, uint32_t linktype,
		      uint32_t snaplen, struct lisp_err *err)
{
	uint8_t *p;

	if (wire_room(cap, *off, PCAP_FILE_HDR_LEN, err, "pcap file header"))
		return -1;
	p = buf + *off;
	memset(p, 0, PCAP_FILE_HDR_LEN);
	wr32le(p, PCAP_MAGIC_USEC);
	p[4] = 2;  /* version 2.4 */
	p[6] = 4;
	wr32le(p + 16, snaplen);
	wr32le(p + 20, linktype);
	*off += PCAP_FILE_HDR_LEN;
	return 0;
}

int pcap_write_record(uint8_t *buf, size_t cap, size_t *off, uint32_t ts_sec,
		      uint32_t ts_usec, const uint8_t *frame, size_t frame_len,
		      struct lisp_err *err)
{
	uint8_t *p;

	if (frame_len > PCAP_MAX_SNAPLEN)
		return lisp_fail(err, LISP_ERR_TOO_LONG, "pcap record length", *off);
	if (wire_room(cap, *off, PCAP_REC_HDR_LEN + frame_len, err, "pcap record"))
		return -1;
	p = buf + *off;
	wr32le(p, ts_sec);
	wr32le(p + 4, ts_usec);
	wr32le(p + 8, (uint32_t)frame_len);
	wr32le(p + 12, (uint32_t)frame_len);
	memcpy(p + PCAP_REC_HDR_LEN, frame, frame_len);
	*off += PCAP_REC_HDR_LEN + frame_len;
	return 0;
}

/* Offset of the IP header for a link type; -1 if the frame carries no IP. */
static int link_ip_offset(uint32_t linktype, const uint8_t *f, size_t len, size_t *ip_off,
			  struct lisp_err *err)
{
	size_t off = 0;
	uint16_t ethertype = 0;

	switch (linktype) {
	case PCAP_LINKTYPE_RAW:
		*ip_off = 0;
		return 0;
	case PCAP_LINKTYPE_ETHERNET:
		off = 12;
		if (get_u16(f, len, &off, &ethertype, err, "ethertype"))
			return -1;
		if (ethertype == ETHERTYPE_VLAN) {
			off += 2;  /* TCI */
			if (get_u16(f, len, &off, &ethertype, err, "vlan ethertype"))
				return -1;
		}
		break;
	case PCAP_LINKTYPE_LINUX_SLL:
		off = 14;
		if (get_u16(f, len, &off, &ethertype, err, "sll protocol"))
			return -1;
		break;
	default:
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "link type", 0);
	}
	if (ethertype != ETHERTYPE_IPV4 && ethertype != ETHERTYPE_IPV6)
		return lisp_fail(err, LISP_ERR_BAD_TYPE, "ethertype", off - 2);
	*ip_off = off;
	return 0;
}

/* Parses the IP header at ip[0..len); sets the L4 offset and length. */
static int parse_ip(const uint8_t *ip, size_t len, size_t base, struct pcap_udp *out,
		    size_t *l4_off, size_t *l4_len, struct lisp_err *err)
{
	uint8_t version;

	if (len < 1)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "ip version", base);
	version = ip[0] >> 4;
	if (version == 4) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
		size_t total;
		uint16_t frag;

		if (len < IPV4_MIN_HDR)
			return lisp_fail(err, LISP_ERR_TRUNCATED, "ipv4 header", base);
		if (ihl < IPV4_MIN_HDR)
			return lisp_fail(err, LISP_ERR_BAD_IP, "ipv4 header length", base);
		total = (size_t)((ip[2] << 8) | ip[3]);
		if (total < ihl)
			return lisp_fail(err, LISP_ERR_BAD_IP, "ipv4 total length", base + 2);
		if (total > len)
			return lisp_fail(err, LISP_ERR_TRUNCATED, "ipv4 total length", base + 2);
		frag = (uint16_t)((ip[6] << 8) | ip[7]);
		if ((frag & 0x3fff) != 0)  /* MF or an offset: not a whole datagram */
			return lisp_fail(err, LISP_ERR_BAD_TYPE, "ipv4 fragment", base + 6);
		if (ip[9] != IPPROTO_UDP_NUM)
			return lisp_fail(err, LISP_ERR_BAD_TYPE, "ipv4 protocol", base + 9);
		out->ip_version = 4;
		out->ttl = ip[8];
		memcpy(out->src, ip + 12, 4);
		memcpy(out->dst, ip + 16, 4);
		out->ip_len = total;
		*l4_off = ihl;
		*l4_len = total - ihl;
		return 0;
	}
	if (version == 6) {
		size_t plen;

		if (len < IPV6_HDR_LEN)
			return lisp_fail(err, LISP_ERR_TRUNCATED, "ipv6 header", base);
		plen = (size_t)((ip[4] << 8) | ip[5]);
		if (plen > len - IPV6_HDR_LEN)
			return lisp_fail(err, LISP_ERR_TRUNCATED, "ipv6 payload length", base + 4);
		if (ip[6] != IPPROTO_UDP_NUM)
			return lisp_fail(err, LISP_ERR_BAD_TYPE, "ipv6 next header", base + 6);
		out->ip_version = 6;
		out->ttl = ip[7];
		memcpy(out->src, ip + 8, 16);
		memcpy(out->dst, ip + 24, 16);
		out->ip_len = IPV6_HDR_LEN + plen;
		*l4_off = IPV6_HDR_LEN;
		*l4_len = plen;
		return 0;
	}
	return lisp_fail(err, LISP_ERR_BAD_IP, "ip version", base);
}

int pcap_frame_udp(uint32_t linktype, const uint8_t *frame, size_t len,
		   struct pcap_udp *out, struct lisp_err *err)
{
	size_t ip_off = 0, l4_off = 0, l4_len = 0, off;
	uint16_t udp_len;
	const uint8_t *udp;

	memset(out, 0, sizeof(*out));
	if (link_ip_offset(linktype, frame, len, &ip_off, err))
		return -1;
	if (parse_ip(frame + ip_off, len - ip_off, ip_off, out, &l4_off, &l4_len, err))
		return -1;
	udp = frame + ip_off + l4_off;
	off = 0;
	if (l4_len < UDP_HDR_LEN)
		return lisp_fail(err, LISP_ERR_TRUNCATED, "udp header", ip_off + l4_off);
	get_u16(udp, l4_len, &off, &out->sport, err, "udp source port");
	get_u16(udp, l4_len, &off, &out->dport, err, "udp destination port");
	get_u16(udp, l4_len, &off, &udp_len, err, "udp length");
	get_u16(udp, l4_len, &off, &out->checksum, err, "udp checksum");
	if (udp_len < UDP_HDR_LEN || udp_len > l4_len)
		return lisp_fail(err, LISP_ERR_BAD_IP, "udp length", ip_off + l4_off + 4);
	out->ip = frame + ip_off;
	out->payload = udp + UDP_HDR_LEN;
	out->payload_len = (size_t)udp_len - UDP_HDR_LEN;
	return 0;
}

/* Sum of the pseudo-header and the UDP header + payload, checksum field as is. */
static uint32_t udp_sum(uint8_t ip_version, const uint8_t *src, const uint8_t *dst,
			const uint8_t *udp, size_t udp_len)
{
	size_t alen = ip_version == 4 ? 4 : 16;
	uint32_t sum = 0;

	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += IPPROTO_UDP_NUM;
	sum += (uint32_t)(udp_len & 0xffff) + (uint32_t)(udp_len >> 16);
	return csum_add(sum, udp, udp_len);
}

bool pcap_udp_checksum_ok(const struct pcap_udp *u)
{
	const uint8_t *udp;

	if (u->checksum == 0 || !u->payload)
		return false;
	udp = u->payload - UDP_HDR_LEN;
	return csum_fold(udp_sum(u->ip_version, u->src, u->dst, udp,
				 u->payload_len + UDP_HDR_LEN)) == 0;
}

static const uint8_t mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

int pcap_build_udp_frame(uint8_t *buf, size_t cap, size_t *frame_len, uint8_t ip_version,
			 const uint8_t *src, const uint8_t *dst, uint16_t sport,
			 uint16_t dport, const uint8_t *payload, size_t payload_len,
			 struct lisp_err *err)
{
	size_t ip_hdr = ip_version == 4 ? IPV4_MIN_HDR : IPV6_HDR_LEN;
	size_t udp_len = UDP_HDR_LEN + payload_len;
	size_t off = 0, ip_off = ETH_HDR_LEN, udp_off, csum_off;
	uint16_t csum;

	if (ip_version != 4 && ip_version != 6)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "ip version", 0);
	if (udp_len > 0xffff || (ip_version == 4 && udp_len + ip_hdr > 0xffff))
		return lisp_fail(err, LISP_ERR_TOO_LONG, "udp length", 0);
	if (wire_room(cap, 0, ETH_HDR_LEN + ip_hdr + udp_len, err, "frame"))
		return -1;

	put_bytes(buf, cap, &off, mac_dst, 6, err, "eth dst");
	put_bytes(buf, cap, &off, mac_src, 6, err, "eth src");
	put_u16(buf, cap, &off, ip_version == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, err,
		"ethertype");
	if (ip_version == 4) {
		put_u8(buf, cap, &off, 0x45, err, "ipv4");
		put_u8(buf, cap, &off, 0, err, "tos");
		put_u16(buf, cap, &off, (uint16_t)(IPV4_MIN_HDR + udp_len), err, "total length");
		put_u16(buf, cap, &off, 0, err, "id");
		put_u16(buf, cap, &off, 0x4000, err, "DF");
		put_u8(buf, cap, &off, 64, err, "ttl");
		put_u8(buf, cap, &off, IPPROTO_UDP_NUM, err, "protocol");
		put_u16(buf, cap, &off, 0, err, "checksum");
		put_bytes(buf, cap, &off, src, 4, err, "src");
		put_bytes(buf, cap, &off, dst, 4, err, "dst");
		csum = csum_fold(csum_add(0, buf + ip_off, IPV4_MIN_HDR));
		buf[ip_off + 10] = (uint8_t)(csum >> 8);
		buf[ip_off + 11] = (uint8_t)csum;
	} else {
		put_u32(buf, cap, &off, 0x60000000u, err, "ipv6");
		put_u16(buf, cap, &off, (uint16_t)udp_len, err, "payload length");
		put_u8(buf, cap, &off, IPPROTO_UDP_NUM, err, "next header");
		put_u8(buf, cap, &off, 64, err, "hop limit");
		put_bytes(buf, cap, &off, src, 16, err, "src");
		put_bytes(buf, cap, &off, dst, 16, err, "dst");
	}
	udp_off = off;
	put_u16(buf, cap, &off, sport, err, "sport");
	put_u16(buf, cap, &off, dport, err, "dport");
	put_u16(buf, cap, &off, (uint16_t)udp_len, err, "udp length");
	csum_off = off;
	put_u16(buf, cap, &off, 0, err, "udp checksum");
	put_bytes(buf, cap, &off, payload, payload_len, err, "payload");
	csum = csum_fold(udp_sum(ip_version, src, dst, buf + udp_off, udp_len));
	/* RFC 768: a computed 0 goes out as all ones (0 means "no checksum"). */
	if (csum == 0)
		csum = 0xffff;
	buf[csum_off] = (uint8_t)(csum >> 8);
	buf[csum_off + 1] = (uint8_t)csum;
	*frame_len = off;
	return 0;
}
