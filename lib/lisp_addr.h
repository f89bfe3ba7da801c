/* Addresses as LISP carries them: plain IPv4/IPv6 (AFI 1, 2), optionally
 * qualified by an instance-id (LCAF type 2), or a list of addresses (LCAF
 * type 1). Also EID prefixes with compare/contains and their text form
 * `[iid]prefix/len`. */
#ifndef LISP_ADDR_H
#define LISP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"

#define LISP_AFI_NONE 0
#define LISP_AFI_IPV4 1
#define LISP_AFI_IPV6 2
#define LISP_AFI_DN 17   /* distinguished name: a NUL-terminated string */
#define LISP_AFI_LCAF 16387

#define LISP_LCAF_AFI_LIST 1
#define LISP_LCAF_IID 2
#define LISP_LCAF_NAT 7

#define LISP_AFI_LIST_MAX 4

/* One IP address; afi is LISP_AFI_NONE, _IPV4 or _IPV6. IPv4 uses bytes[0..3]. */
struct lisp_ip {
	uint16_t afi;
	uint8_t bytes[16];
};

enum lisp_addr_kind {
	LISP_ADDR_NONE = 0,  /* AFI 0: no address */
	LISP_ADDR_IP,        /* plain AFI 1/2, or instance-id LCAF around one */
	LISP_ADDR_AFI_LIST,  /* LCAF type 1 */
};

struct lisp_addr {
	uint8_t kind;           /* enum lisp_addr_kind */
	bool has_iid;           /* wrapped in an instance-id LCAF */
	uint8_t iid_mask_len;   /* LCAF Rsvd2 of the IID LCAF, kept for exact re-encoding */
	uint32_t iid;
	struct lisp_ip ip;      /* kind IP */
	uint8_t n_list;         /* kind AFI_LIST */
	struct lisp_ip list[LISP_AFI_LIST_MAX];
};

/* An EID prefix: address plus mask length (the mask length travels beside
 * the address on the wire, not inside it). */
struct lisp_prefix {
	struct lisp_addr addr;  /* kind IP */
	uint8_t plen;
};

/* Bits of an address family: 32, 128, or 0 for anything else. */
unsigned lisp_afi_bits(uint16_t afi);

/* Wire size of an AFI-tagged address, AFI field included. */
size_t lisp_addr_wire_len(const struct lisp_addr *a);

/* Decodes an AFI-tagged address at buf[*off]; advances *off. Accepts AFI
 * 0/1/2 and LCAF types 1 and 2 (IID around AFI 1/2; list of AFI 1/2). */
int lisp_addr_decode(const uint8_t *buf, size_t len, size_t *off,
		     struct lisp_addr *out, struct lisp_err *err);
/* Encodes at buf[*off]; advances *off. */
int lisp_addr_encode(uint8_t *buf, size_t cap, size_t *off,
		     const struct lisp_addr *a, struct lisp_err *err);

/* Convenience constructors. */
void lisp_addr_from_ip(struct lisp_addr *a, const struct lisp_ip *ip);
void lisp_addr_set_iid(struct lisp_addr *a, uint32_t iid);
int lisp_ip_from_bytes(struct lisp_ip *ip, uint16_t afi, const void *bytes);

bool lisp_ip_equal(const struct lisp_ip *a, const struct lisp_ip *b);
/* Same kind, IID and address(es). */
bool lisp_addr_equal(const struct lisp_addr *a, const struct lisp_addr *b);

/* The instance-id of p: an address without an instance-id LCAF belongs to
 * instance 0, as on the data plane, so "[0]p/l" and "p/l" compare equal. */
uint32_t lisp_prefix_iid(const struct lisp_prefix *p);
/* Zeroes the host bits beyond plen. */
void lisp_prefix_normalize(struct lisp_prefix *p);
/* Total order: instance-id, then family, then address, then mask length. */
int lisp_prefix_cmp(const struct lisp_prefix *a, const struct lisp_prefix *b);
/* True when `outer` covers `inner` (same IID and family, outer->plen <= inner->plen,
 * and the first outer->plen bits match). A plain address is a full-length prefix. */
bool lisp_prefix_contains(const struct lisp_prefix *outer, const struct lisp_prefix *inner);
bool lisp_prefix_contains_ip(const struct lisp_prefix *p, uint32_t iid, const struct lisp_ip *ip);

/* Text: "192.0.2.1", "2001:db8::1"; lists as "(a,b)". */
#define LISP_ADDR_STRLEN 256
const char *lisp_ip_format(const struct lisp_ip *ip, char *buf, size_t len);
const char *lisp_addr_format(const struct lisp_addr *a, char *buf, size_t len);
/* "[iid]prefix/len", with "[iid]" only when has_iid. */
const char *lisp_prefix_format(const struct lisp_prefix *p, char *buf, size_t len);

/* Parses "192.0.2.1" / "2001:db8::1". */
int lisp_ip_parse(const char *s, struct lisp_ip *out, struct lisp_err *err);
/* Parses "[iid]prefix/len", "prefix/len" or a bare address (full length).
 * Rejects host bits set beyond len and len beyond the family. The iid takes
 * the full 32-bit wire range; the data plane carries only 24 bits, so code
 * that puts it into a data header must refuse iid > 2^24-1 itself. */
int lisp_prefix_parse(const char *s, struct lisp_prefix *out, struct lisp_err *err);

#endif
