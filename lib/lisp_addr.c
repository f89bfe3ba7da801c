/* Address codec: AFI 0/1/2 and the two LCAF types a mobile node meets
 * (RFC 8060 type 1 AFI list, type 2 instance-id), prefixes and their text.
 *
 * Strictness: an LCAF's Length must match its content exactly, LCAFs do not
 * nest, and any AFI or LCAF type we do not understand fails the whole
 * address, because a message we cannot fully parse must be dropped
 * (RFC 9301: unknown AFI -> drop). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisp_addr.h"
#include "lisp_wire.h"
#include "msg_priv.h"

/* Rsvd1(8) Flags(8) Type(8) Rsvd2(8) Length(16), after the 2-byte AFI. */
#define LCAF_HDR_LEN 6
#define IID_MASK_LEN_DEFAULT 32

unsigned lisp_afi_bits(uint16_t afi)
{
	switch (afi) {
	case LISP_AFI_IPV4:
		return 32;
	case LISP_AFI_IPV6:
		return 128;
	default:
		return 0;
	}
}

static size_t ip_wire_len(const struct lisp_ip *ip)
{
	return 2 + lisp_afi_bits(ip->afi) / 8;
}

/* Bytes after the LCAF Length field. */
static size_t lcaf_body_len(const struct lisp_addr *a)
{
	size_t n = 0;

	if (a->kind == LISP_ADDR_AFI_LIST) {
		for (unsigned i = 0; i < a->n_list && i < LISP_AFI_LIST_MAX; i++)
			n += ip_wire_len(&a->list[i]);
		return n;
	}
	return 4 + ip_wire_len(&a->ip);
}

size_t lisp_addr_wire_len(const struct lisp_addr *a)
{
	switch (a->kind) {
	case LISP_ADDR_NONE:
		return 2;
	case LISP_ADDR_IP:
		if (!a->has_iid)
			return ip_wire_len(&a->ip);
		return 2 + LCAF_HDR_LEN + lcaf_body_len(a);
	case LISP_ADDR_AFI_LIST:
		return 2 + LCAF_HDR_LEN + lcaf_body_len(a);
	default:
		return 0;
	}
}

/* An AFI 1/2 address (AFI included) confined to buf[0..end). Anything else,
 * including a nested LCAF, is refused: only IP goes inside our LCAFs. */
static int decode_inner_ip(const uint8_t *buf, size_t end, size_t *off, struct lisp_ip *ip,
			   struct lisp_err *err)
{
	uint16_t afi;
	size_t at = *off;

	if (get_u16(buf, end, off, &afi, err, "LCAF inner AFI"))
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "LCAF inner AFI", at);
	if (afi == LISP_AFI_LCAF)
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "nested LCAF", at);
	if (lisp_afi_bits(afi) == 0)
		return lisp_fail(err, LISP_ERR_BAD_AFI, "LCAF inner AFI", at);
	memset(ip, 0, sizeof(*ip));
	ip->afi = afi;
	if (get_bytes(buf, end, off, ip->bytes, lisp_afi_bits(afi) / 8, err, "LCAF inner address"))
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "LCAF length too short", at);
	return 0;
}

static int decode_lcaf(const uint8_t *buf, size_t len, size_t *off, struct lisp_addr *out,
		       struct lisp_err *err)
{
	struct lcaf_hdr h;
	size_t hdr = *off, end;

	if (lcaf_hdr_decode(buf, len, off, &h, err))
		return -1;
	end = *off + h.body_len;

	switch (h.type) {
	case LISP_LCAF_IID: {
		uint32_t iid;

		if (get_u32(buf, end, off, &iid, err, "LCAF IID"))
			return lisp_fail(err, LISP_ERR_BAD_LCAF, "IID LCAF length too short", hdr);
		out->kind = LISP_ADDR_IP;
		out->has_iid = true;
		out->iid = iid;
		out->iid_mask_len = h.rsvd2;
		if (decode_inner_ip(buf, end, off, &out->ip, err))
			return -1;
		break;
	}
	case LISP_LCAF_AFI_LIST:
		out->kind = LISP_ADDR_AFI_LIST;
		if (h.body_len == 0)
			return lisp_fail(err, LISP_ERR_BAD_LCAF, "empty AFI list", hdr);
		while (*off < end) {
			if (out->n_list >= LISP_AFI_LIST_MAX)
				return lisp_fail(err, LISP_ERR_BAD_COUNT, "AFI list entries", *off);
			if (decode_inner_ip(buf, end, off, &out->list[out->n_list], err))
				return -1;
			out->n_list++;
		}
		break;
	default:
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "LCAF type", hdr + 2);
	}
	if (*off != end)
		return lisp_fail(err, LISP_ERR_BAD_LCAF, "LCAF length too long", hdr);
	return 0;
}

int lisp_addr_decode(const uint8_t *buf, size_t len, size_t *off, struct lisp_addr *out,
		     struct lisp_err *err)
{
	uint16_t afi;
	size_t at = *off, pos = *off;

	memset(out, 0, sizeof(*out));
	if (get_u16(buf, len, &pos, &afi, err, "AFI"))
		return -1;
	switch (afi) {
	case LISP_AFI_NONE:
		out->kind = LISP_ADDR_NONE;
		break;
	case LISP_AFI_IPV4:
	case LISP_AFI_IPV6:
		out->kind = LISP_ADDR_IP;
		out->ip.afi = afi;
		if (get_bytes(buf, len, &pos, out->ip.bytes, lisp_afi_bits(afi) / 8, err,
			      "address"))
			return -1;
		break;
	case LISP_AFI_LCAF:
		if (decode_lcaf(buf, len, &pos, out, err))
			return -1;
		break;
	default:
		return lisp_fail(err, LISP_ERR_BAD_AFI, "AFI", at);
	}
	*off = pos;
	return 0;
}

static int encode_ip(uint8_t *buf, size_t cap, size_t *off, const struct lisp_ip *ip,
		     struct lisp_err *err)
{
	unsigned bits = lisp_afi_bits(ip->afi);

	if (bits == 0)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "address family", *off);
	if (put_u16(buf, cap, off, ip->afi, err, "AFI") ||
	    put_bytes(buf, cap, off, ip->bytes, bits / 8, err, "address"))
		return -1;
	return 0;
}

int lcaf_hdr_decode(const uint8_t *buf, size_t len, size_t *off, struct lcaf_hdr *h,
		    struct lisp_err *err)
{
	uint8_t rsvd1, flags;

	if (get_u8(buf, len, off, &rsvd1, err, "LCAF rsvd1") ||
	    get_u8(buf, len, off, &flags, err, "LCAF flags") ||
	    get_u8(buf, len, off, &h->type, err, "LCAF type") ||
	    get_u8(buf, len, off, &h->rsvd2, err, "LCAF rsvd2") ||
	    get_u16(buf, len, off, &h->body_len, err, "LCAF length"))
		return -1;
	return wire_need(len, *off, h->body_len, err, "LCAF body");
}

int lcaf_hdr_encode(uint8_t *buf, size_t cap, size_t *off, uint8_t type, uint8_t rsvd2,
		    size_t body, struct lisp_err *err)
{
	if (body > 0xffff)
		return lisp_fail(err, LISP_ERR_BAD_ARG, "LCAF length", *off);
	if (put_u16(buf, cap, off, LISP_AFI_LCAF, err, "AFI") ||
	    put_u8(buf, cap, off, 0, err, "LCAF rsvd1") ||
	    put_u8(buf, cap, off, 0, err, "LCAF flags") ||
	    put_u8(buf, cap, off, type, err, "LCAF type") ||
	    put_u8(buf, cap, off, rsvd2, err, "LCAF rsvd2") ||
	    put_u16(buf, cap, off, (uint16_t)body, err, "LCAF length"))
		return -1;
	return 0;
}

int lisp_addr_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_addr *a,
		     struct lisp_err *err)
{
	size_t pos = *off;

	switch (a->kind) {
	case LISP_ADDR_NONE:
		if (a->has_iid)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "instance-id without address", pos);
		if (put_u16(buf, cap, &pos, LISP_AFI_NONE, err, "AFI"))
			return -1;
		break;
	case LISP_ADDR_IP:
		if (a->has_iid) {
			if (lisp_afi_bits(a->ip.afi) == 0)
				return lisp_fail(err, LISP_ERR_BAD_ARG, "address family", pos);
			if (lcaf_hdr_encode(buf, cap, &pos, LISP_LCAF_IID, a->iid_mask_len,
					    lcaf_body_len(a), err) ||
			    put_u32(buf, cap, &pos, a->iid, err, "LCAF IID"))
				return -1;
		}
		if (encode_ip(buf, cap, &pos, &a->ip, err))
			return -1;
		break;
	case LISP_ADDR_AFI_LIST:
		if (a->has_iid)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "instance-id around AFI list", pos);
		if (a->n_list == 0 || a->n_list > LISP_AFI_LIST_MAX)
			return lisp_fail(err, LISP_ERR_BAD_ARG, "AFI list entries", pos);
		for (unsigned i = 0; i < a->n_list; i++)
			if (lisp_afi_bits(a->list[i].afi) == 0)
				return lisp_fail(err, LISP_ERR_BAD_ARG, "address family", pos);
		if (lcaf_hdr_encode(buf, cap, &pos, LISP_LCAF_AFI_LIST, 0, lcaf_body_len(a), err))
			return -1;
		for (unsigned i = 0; i < a->n_list; i++)
			if (encode_ip(buf, cap, &pos, &a->list[i], err))
				return -1;
		break;
	default:
		return lisp_fail(err, LISP_ERR_BAD_ARG, "address kind", pos);
	}
	*off = pos;
	return 0;
}

void lisp_addr_from_ip(struct lisp_addr *a, const struct lisp_ip *ip)
{
	memset(a, 0, sizeof(*a));
	if (ip->afi == LISP_AFI_NONE) {
		a->kind = LISP_ADDR_NONE;
		return;
	}
	a->kind = LISP_ADDR_IP;
	a->ip = *ip;
}

void lisp_addr_set_iid(struct lisp_addr *a, uint32_t iid)
{
	a->has_iid = true;
	a->iid = iid;
	/* What OOR and lispers.net send; kept by the decoder for re-encoding. */
	a->iid_mask_len = IID_MASK_LEN_DEFAULT;
}

int lisp_ip_from_bytes(struct lisp_ip *ip, uint16_t afi, const void *bytes)
{
	unsigned bits = lisp_afi_bits(afi);

	memset(ip, 0, sizeof(*ip));
	if (bits == 0)
		return -1;
	ip->afi = afi;
	memcpy(ip->bytes, bytes, bits / 8);
	return 0;
}

bool lisp_ip_equal(const struct lisp_ip *a, const struct lisp_ip *b)
{
	return a->afi == b->afi &&
	       memcmp(a->bytes, b->bytes, lisp_afi_bits(a->afi) / 8) == 0;
}

bool lisp_addr_equal(const struct lisp_addr *a, const struct lisp_addr *b)
{
	if (a->kind != b->kind || a->has_iid != b->has_iid)
		return false;
	if (a->has_iid && a->iid != b->iid)
		return false;
	switch (a->kind) {
	case LISP_ADDR_IP:
		return lisp_ip_equal(&a->ip, &b->ip);
	case LISP_ADDR_AFI_LIST:
		if (a->n_list != b->n_list || a->n_list > LISP_AFI_LIST_MAX)
			return false;
		for (unsigned i = 0; i < a->n_list; i++)
			if (!lisp_ip_equal(&a->list[i], &b->list[i]))
				return false;
		return true;
	default:
		return true;
	}
}

/* ---- prefixes ------------------------------------------------------------ */

uint32_t lisp_prefix_iid(const struct lisp_prefix *p)
{
	return p->addr.has_iid ? p->addr.iid : 0;
}

void lisp_prefix_normalize(struct lisp_prefix *p)
{
	unsigned bits = lisp_afi_bits(p->addr.ip.afi);
	uint8_t *b = p->addr.ip.bytes;

	for (unsigned i = 0; i < sizeof(p->addr.ip.bytes); i++) {
		unsigned first = i * 8;

		if (first >= bits || first >= p->plen)
			b[i] = 0;
		else if (p->plen - first < 8)
			b[i] &= (uint8_t)(0xff00 >> (p->plen - first));
	}
}

static bool bits_match(const uint8_t *a, const uint8_t *b, unsigned nbits)
{
	unsigned whole = nbits / 8, rest = nbits % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a[whole] ^ b[whole]) & (uint8_t)(0xff00 >> rest)) == 0;
}

int lisp_prefix_cmp(const struct lisp_prefix *a, const struct lisp_prefix *b)
{
	uint32_t ia = lisp_prefix_iid(a), ib = lisp_prefix_iid(b);
	int c;

	if (ia != ib)
		return ia < ib ? -1 : 1;
	if (a->addr.ip.afi != b->addr.ip.afi)
		return a->addr.ip.afi < b->addr.ip.afi ? -1 : 1;
	c = memcmp(a->addr.ip.bytes, b->addr.ip.bytes, lisp_afi_bits(a->addr.ip.afi) / 8);
	if (c)
		return c < 0 ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return 0;
}

bool lisp_prefix_contains(const struct lisp_prefix *outer, const struct lisp_prefix *inner)
{
	unsigned bits = lisp_afi_bits(outer->addr.ip.afi);

	if (lisp_prefix_iid(outer) != lisp_prefix_iid(inner) || outer->addr.ip.afi != inner->addr.ip.afi)
		return false;
	if (bits == 0 || outer->plen > inner->plen || outer->plen > bits)
		return false;
	return bits_match(outer->addr.ip.bytes, inner->addr.ip.bytes, outer->plen);
}

bool lisp_prefix_contains_ip(const struct lisp_prefix *p, uint32_t iid, const struct lisp_ip *ip)
{
	struct lisp_prefix host;

	memset(&host, 0, sizeof(host));
	lisp_addr_from_ip(&host.addr, ip);
	if (iid != 0)
		lisp_addr_set_iid(&host.addr, iid);
	host.plen = (uint8_t)lisp_afi_bits(ip->afi);
	return lisp_prefix_contains(p, &host);
}

/* ---- text ---------------------------------------------------------------- */

const char *lisp_ip_format(const struct lisp_ip *ip, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	int af = ip->afi == LISP_AFI_IPV4 ? AF_INET : ip->afi == LISP_AFI_IPV6 ? AF_INET6 : 0;

	if (len == 0)
		return buf;
	if (af == 0 || !inet_ntop(af, ip->bytes, tmp, sizeof(tmp)))
		snprintf(buf, len, ip->afi == LISP_AFI_NONE ? "none" : "afi-%u", ip->afi);
	else
		snprintf(buf, len, "%s", tmp);
	return buf;
}

static size_t fmt_iid(const struct lisp_addr *a, char *buf, size_t len)
{
	int n;

	if (!a->has_iid)
		return 0;
	n = snprintf(buf, len, "[%u]", a->iid);
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

const char *lisp_addr_format(const struct lisp_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN + 8];
	size_t used;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	switch (a->kind) {
	case LISP_ADDR_NONE:
		snprintf(buf, len, "none");
		break;
	case LISP_ADDR_IP:
		used = fmt_iid(a, buf, len);
		snprintf(buf + used, len - used, "%s", lisp_ip_format(&a->ip, ip, sizeof(ip)));
		break;
	case LISP_ADDR_AFI_LIST:
		used = 0;
		for (unsigned i = 0; i < a->n_list && i < LISP_AFI_LIST_MAX; i++) {
			int n = snprintf(buf + used, len - used, "%s%s", i ? "," : "(",
					 lisp_ip_format(&a->list[i], ip, sizeof(ip)));
			if (n < 0 || (size_t)n >= len - used)
				return buf;
			used += (size_t)n;
		}
		snprintf(buf + used, len - used, ")");
		break;
	default:
		snprintf(buf, len, "?");
	}
	return buf;
}

const char *lisp_prefix_format(const struct lisp_prefix *p, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN + 8];
	size_t used;

	if (len == 0)
		return buf;
	used = fmt_iid(&p->addr, buf, len);
	snprintf(buf + used, len - used, "%s/%u", lisp_ip_format(&p->addr.ip, ip, sizeof(ip)),
		 p->plen);
	return buf;
}

int lisp_ip_parse(const char *s, struct lisp_ip *out, struct lisp_err *err)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->bytes) == 1) {
		out->afi = LISP_AFI_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->bytes) == 1) {
		out->afi = LISP_AFI_IPV6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return lisp_fail(err, LISP_ERR_SYNTAX, "IP address", 0);
}

/* Decimal only, no sign, no blanks: strtoul alone accepts " -1". */
static int parse_uint(const char *s, const char *end, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (s == end)
		return -1;
	for (const char *c = s; c < end; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (unsigned long)(*c - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/* The wire carries a 32-bit instance-id and the text accepts all of it; the
 * data plane only has room for 24 bits, so it is the caller that refuses
 * larger values where they would go into a data header. */
int lisp_prefix_parse(const char *s, struct lisp_prefix *out, struct lisp_err *err)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *p = s, *slash;
	unsigned long v;
	struct lisp_prefix tmp;
	struct lisp_ip ip;
	size_t alen;
	unsigned bits;

	memset(out, 0, sizeof(*out));
	memset(&tmp, 0, sizeof(tmp));
	if (*p == '[') {
		const char *close = strchr(p, ']');

		if (!close || parse_uint(p + 1, close, 0xffffffffUL, &v))
			return lisp_fail(err, LISP_ERR_SYNTAX, "instance-id", 1);
		lisp_addr_set_iid(&tmp.addr, (uint32_t)v);
		p = close + 1;
	}
	slash = strchr(p, '/');
	alen = slash ? (size_t)(slash - p) : strlen(p);
	if (alen == 0 || alen >= sizeof(addr))
		return lisp_fail(err, LISP_ERR_SYNTAX, "prefix address", (size_t)(p - s));
	memcpy(addr, p, alen);
	addr[alen] = '\0';
	if (lisp_ip_parse(addr, &ip, err))
		return lisp_fail(err, LISP_ERR_SYNTAX, "prefix address", (size_t)(p - s));
	tmp.addr.kind = LISP_ADDR_IP;
	tmp.addr.ip = ip;
	bits = lisp_afi_bits(ip.afi);
	if (slash) {
		if (parse_uint(slash + 1, slash + 1 + strlen(slash + 1), 255, &v))
			return lisp_fail(err, LISP_ERR_SYNTAX, "prefix length",
					 (size_t)(slash + 1 - s));
		if (v > bits)
			return lisp_fail(err, LISP_ERR_BAD_PREFIX, "prefix length",
					 (size_t)(slash + 1 - s));
		tmp.plen = (uint8_t)v;
	} else {
		tmp.plen = (uint8_t)bits;
	}
	/* Host bits set usually mean a typo in a configuration: refuse, not mask. */
	{
		struct lisp_prefix norm = tmp;

		lisp_prefix_normalize(&norm);
		if (!lisp_ip_equal(&norm.addr.ip, &tmp.addr.ip))
			return lisp_fail(err, LISP_ERR_BAD_PREFIX, "host bits set", 0);
	}
	*out = tmp;
	return 0;
}
