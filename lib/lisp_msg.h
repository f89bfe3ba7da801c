/* LISP control messages (RFC 9301, UDP 4342) and the data header (RFC 9300),
 * decoded into and encoded from plain structs.
 *
 * Rules every function here keeps: no I/O, no printing, no abort; every length,
 * count and AFI is checked against the buffer before it is used; on error the
 * function returns -1 and fills `err` (which may be NULL). Decoders reject
 * trailing bytes after a message, except where noted. Encoders write to
 * buf[0..cap) and store the length written in *out_len. */
#ifndef LISP_MSG_H
#define LISP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"
#include "lisp_err.h"

#define LISP_CONTROL_PORT 4342
#define LISP_DATA_PORT 4341

enum lisp_msg_type {
	LISP_MAP_REQUEST = 1,
	LISP_MAP_REPLY = 2,
	LISP_MAP_REGISTER = 3,
	LISP_MAP_NOTIFY = 4,
	LISP_MAP_NOTIFY_ACK = 5,
	LISP_MAP_REFERRAL = 6,
	LISP_INFO = 7,
	LISP_ECM = 8,
};

/* Our limits, below what the wire could express: a message asking for more is
 * refused with LISP_ERR_BAD_COUNT rather than truncated silently. */
#define LISP_MAX_RECORDS 32
#define LISP_MAX_LOCATORS 16
#define LISP_MAX_ITR_RLOCS 32   /* IRC is 5 bits: 1..32 */
#define LISP_MAX_RTRS 8
#define LISP_HOSTNAME_MAX 255  /* bytes of a distinguished name, NUL excluded */
#define LISP_AUTH_MAX 64

/* Map-Reply ACT values (RFC 9301 §5.4). */
enum lisp_act {
	LISP_ACT_NO_ACTION = 0,
	LISP_ACT_NATIVELY_FORWARD = 1,
	LISP_ACT_SEND_MAP_REQUEST = 2,
	LISP_ACT_DROP = 3,
	LISP_ACT_DROP_POLICY = 4,
	LISP_ACT_DROP_AUTH = 5,
};

struct lisp_locator {
	uint8_t priority;
	uint8_t weight;
	uint8_t mpriority;
	uint8_t mweight;
	bool local;      /* L */
	bool probed;     /* p */
	bool reachable;  /* R */
	struct lisp_addr addr;
};

/* EID record: Map-Reply, Map-Register, Map-Notify(-Ack), Map-Request M=1. */
struct lisp_record {
	uint32_t ttl;            /* minutes */
	uint8_t act;             /* enum lisp_act */
	bool authoritative;      /* A */
	uint16_t map_version;    /* 12 bits */
	struct lisp_prefix eid;
	uint8_t n_loc;
	struct lisp_locator loc[LISP_MAX_LOCATORS];
};

struct lisp_map_request {
	bool authoritative;    /* A */
	bool map_data;         /* M: map_reply_record is present */
	bool probe;            /* P */
	bool smr;              /* S */
	bool pitr;             /* p */
	bool smr_invoked;      /* s */
	bool local_rloc;       /* L */
	bool dont_reply;       /* D */
	uint64_t nonce;
	struct lisp_addr source_eid;  /* kind NONE allowed */
	uint8_t n_itr;                /* 1..LISP_MAX_ITR_RLOCS */
	struct lisp_addr itr[LISP_MAX_ITR_RLOCS];
	uint8_t n_eid;                /* 1..LISP_MAX_RECORDS */
	struct lisp_prefix eid[LISP_MAX_RECORDS];
	struct lisp_record map_reply_record;  /* when map_data */
};

struct lisp_map_reply {
	bool probe;     /* P */
	bool echo;      /* E */
	bool security;  /* S */
	uint64_t nonce;
	uint8_t n_rec;
	struct lisp_record rec[LISP_MAX_RECORDS];
};

/* Authentication field shared by Map-Register, Map-Notify(-Ack) and
 * Info-Request/Reply: KeyID(8) AlgID(8) AuthDataLen(16) AuthData. */
struct lisp_auth_field {
	uint8_t key_id;
	uint8_t alg_id;       /* enum lisp_auth_alg */
	uint16_t len;         /* bytes of data; 0 with alg 0 */
	uint8_t data[LISP_AUTH_MAX];
};

/* Map-Register (type 3), Map-Notify (4) and Map-Notify-Ack (5) share a body. */
struct lisp_map_register {
	uint8_t type;          /* LISP_MAP_REGISTER, _NOTIFY or _NOTIFY_ACK */
	bool proxy_reply;      /* P (register) */
	bool security;         /* S (register) */
	bool xtr_id_present;   /* I: trailer present */
	bool rtr;              /* R: built for an RTR (NAT traversal) */
	bool merge_ack;        /* E (register) */
	bool ttl_expire;       /* T (register) */
	bool merge;            /* a (register) */
	bool mobile_node;      /* bit 22 (register): OOR/lispers.net mobile-node bit */
	bool want_notify;      /* M (register) */
	uint64_t nonce;
	struct lisp_auth_field auth;
	uint8_t n_rec;
	struct lisp_record rec[LISP_MAX_RECORDS];
	uint8_t xtr_id[16];
	uint64_t site_id;
	/* Map-Notify with R (NAT traversal, Open Overlay Router's OLD RTR
	 * dialect): a second auth field after the trailer, the MAC the map-server
	 * computed with the RTR's key. Absent when nothing follows the trailer. */
	bool has_rtr_auth;
	struct lisp_auth_field rtr_auth;
};

/* An IPv4 (no options) or IPv6 (no extension headers) + UDP packet carried
 * inside a LISP message: the ECM's inner packet and the Data-Map-Notify's.
 * One field list for both, so the ECM keeps its flat inner_* names. */
#define LISP_INNER_UDP_FIELDS                                                                   \
	struct lisp_ip inner_src;                                                               \
	struct lisp_ip inner_dst;                                                               \
	uint8_t inner_ttl;        /* TTL / hop limit */                                         \
	uint8_t inner_tos;        /* TOS / traffic class */                                     \
	uint16_t inner_ip_id;     /* IPv4 only */                                               \
	bool inner_df;            /* IPv4 only */                                               \
	uint32_t inner_flow;      /* IPv6 only, 20 bits */                                      \
	uint16_t inner_sport;                                                                   \
	uint16_t inner_dport;                                                                   \
	bool inner_udp_csum_zero; /* IPv4 only: sender left the UDP checksum 0 */               \
	bool inner_ip_csum_zero;  /* IPv4 only: sender left the header checksum 0 (seen) */     \
	const uint8_t *payload;   /* decode: points into the input buffer */                    \
	size_t payload_len;

struct lisp_inner_udp {
	LISP_INNER_UDP_FIELDS
};

/* ECM authentication data type 2 (NAT traversal): the MS-RTR authentication
 * of a Map-Notify a map-server sends an RTR. */
#define LISP_ECM_AD_RTR 2

/* Encapsulated Control Message (type 8): LISP header, with S its
 * authentication data, inner IP + UDP, then a control message. */
struct lisp_ecm {
	bool security;   /* S */
	bool ddt;        /* D */
	bool to_etr;     /* E: forwarded by the MS to the ETR */
	bool to_ms;      /* M: for the MS (NAT traversal) */
	bool rtr;        /* R (NAT traversal): to be processed by an RTR */
	bool nat;        /* N (NAT traversal): a Map-Register relayed by an RTR */
	/* With S: LISP_ECM_AD_RTR and the map-server's MAC of the payload with
	 * the RTR's key (lisp_ecm_rtr_auth_sign/_verify). 0: S without
	 * authentication data, as some senders set it. */
	uint8_t ad_type;
	struct lisp_auth_field rtr_auth;
	union {
		struct lisp_inner_udp inner;
		struct {
			LISP_INNER_UDP_FIELDS
		};
	};
};

/* Info-Request / Info-Reply (type 7, NAT traversal). */
struct lisp_info {
	bool reply;    /* R */
	uint64_t nonce;
	struct lisp_auth_field auth;
	uint32_t ttl;  /* minutes */
	struct lisp_prefix eid;
	/* Reply only: NAT-Traversal LCAF (type 7). */
	uint16_t ms_port;
	uint16_t etr_port;
	struct lisp_addr global_etr;
	struct lisp_addr ms;
	struct lisp_addr private_etr;
	uint8_t n_rtr;
	struct lisp_addr rtr[LISP_MAX_RTRS];  /* an AFI 0 entry means none (lispers.net) */
	/* Request only: lispers.net closes it with its hostname, a distinguished
	 * name (AFI 17), where the draft has AFI 0. Empty when absent. */
	char hostname[LISP_HOSTNAME_MAX + 1];
};

/* The 8-byte LISP data header (RFC 9300 §5.3). */
struct lisp_data_hdr {
	bool n, l, e, v, i;
	uint8_t kk;           /* key id, 2 bits */
	uint32_t nonce;       /* 24 bits, N=1 */
	uint16_t src_version; /* 12 bits, V=1 */
	uint16_t dst_version; /* 12 bits, V=1 */
	uint32_t iid;         /* 24 bits, I=1 */
	uint32_t lsb;         /* 32 bits if I=0, low 8 bits if I=1 */
};

#define LISP_DATA_HDR_LEN 8

/* The instance-id that marks a data packet as a control message for the
 * receiving xTR (NAT traversal): the RTR's Data-Map-Notify. */
#define LISP_IID_DATA_MAP_NOTIFY 0xffffffu

/* Data-Map-Notify (NAT traversal): what an RTR sends a node behind a NAT
 * from its port 4342 to the node's mapped port, through the node's one NAT
 * binding: a data header with I and instance-id 0xFFFFFF, then an IPv4/IPv6
 * + UDP packet (map-server -> the node's local RLOC, 4342 -> 4342) whose
 * payload is the Map-Notify. The codec does not judge the payload: decode
 * it with lisp_map_register_decode. */
struct lisp_data_map_notify {
	struct lisp_data_hdr hdr;
	struct lisp_inner_udp inner;
};

/* Type from the first byte; -1 if len == 0. */
int lisp_msg_type(const uint8_t *buf, size_t len);
const char *lisp_msg_type_name(int type);

int lisp_map_request_decode(const uint8_t *buf, size_t len, struct lisp_map_request *out,
			    struct lisp_err *err);
int lisp_map_request_encode(uint8_t *buf, size_t cap, size_t *out_len,
			    const struct lisp_map_request *m, struct lisp_err *err);

int lisp_map_reply_decode(const uint8_t *buf, size_t len, struct lisp_map_reply *out,
			  struct lisp_err *err);
int lisp_map_reply_encode(uint8_t *buf, size_t cap, size_t *out_len,
			  const struct lisp_map_reply *m, struct lisp_err *err);

/* Decodes type 3, 4 or 5. The auth data is copied out as received; check it
 * with lisp_auth_verify() on the raw buffer. */
int lisp_map_register_decode(const uint8_t *buf, size_t len, struct lisp_map_register *out,
			     struct lisp_err *err);
/* Encodes m->type. With key != NULL and m->auth.alg_id != 0, the auth data
 * (m->auth.len bytes, or the algorithm's full digest length when 0) is
 * computed over the message (before the RTR auth field, which is written as
 * is); with key == NULL, m->auth.data is written as is. */
int lisp_map_register_encode(uint8_t *buf, size_t cap, size_t *out_len,
			     const struct lisp_map_register *m,
			     const uint8_t *key, size_t key_len, struct lisp_err *err);

/* Where the OLD RTR dialect's auth field starts in a Map-Notify encoded
 * into len bytes: the site's MAC (byte 12) covers the bytes before it, the
 * RTR's MAC (lisp_auth_sign_at/_verify_at there) the whole message. len
 * when the message has no such field. */
size_t lisp_map_notify_rtr_auth_off(const struct lisp_map_register *m, size_t len);

int lisp_ecm_decode(const uint8_t *buf, size_t len, struct lisp_ecm *out, struct lisp_err *err);
/* Writes ECM header, authentication data (ad_type LISP_ECM_AD_RTR; as is),
 * inner IP (checksum computed for IPv4), inner UDP with a correct checksum
 * (or 0 when inner_udp_csum_zero on IPv4), then the payload. */
int lisp_ecm_encode(uint8_t *buf, size_t cap, size_t *out_len, const struct lisp_ecm *m,
		    struct lisp_err *err);
/* MS-RTR authentication: sets S and AD type 2 and computes rtr_auth.data,
 * the MAC of the payload (the Map-Notify) with the key m->rtr_auth.alg_id
 * names (m->rtr_auth.len bytes, or the full digest when 0). */
int lisp_ecm_rtr_auth_sign(struct lisp_ecm *m, const uint8_t *key, size_t key_len,
			   struct lisp_err *err);
/* 0 when m carries MS-RTR authentication data that matches its payload. */
int lisp_ecm_rtr_auth_verify(const struct lisp_ecm *m, const uint8_t *key, size_t key_len,
			     struct lisp_err *err);

int lisp_info_decode(const uint8_t *buf, size_t len, struct lisp_info *out, struct lisp_err *err);
/* Auth handled as in lisp_map_register_encode. */
int lisp_info_encode(uint8_t *buf, size_t cap, size_t *out_len, const struct lisp_info *m,
		     const uint8_t *key, size_t key_len, struct lisp_err *err);

/* Decodes the first 8 bytes (trailing bytes are the inner packet). N and V
 * both set is read as N, as RFC 9300 says. KK is returned, not judged. */
int lisp_data_hdr_decode(const uint8_t *buf, size_t len, struct lisp_data_hdr *out,
			 struct lisp_err *err);
int lisp_data_hdr_encode(uint8_t *buf, size_t cap, const struct lisp_data_hdr *h,
			 struct lisp_err *err);

/* True for the header of a Data-Map-Notify (I set, instance-id 0xFFFFFF):
 * a control message for the daemon, not a packet for the host. */
bool lisp_data_hdr_is_map_notify(const struct lisp_data_hdr *h);
/* The whole UDP 4341 payload: header (it must be a Data-Map-Notify's, KK 0)
 * and the inner packet, which must fill the rest exactly (as in an ECM). */
int lisp_data_map_notify_decode(const uint8_t *buf, size_t len, struct lisp_data_map_notify *out,
				struct lisp_err *err);
/* Writes header and inner packet (checksums as lisp_ecm_encode). */
int lisp_data_map_notify_encode(uint8_t *buf, size_t cap, size_t *out_len,
				const struct lisp_data_map_notify *m, struct lisp_err *err);

/* Any control message, dispatched on type (1, 2, 3, 4, 5, 7, 8). */
struct lisp_msg {
	uint8_t type;
	union {
		struct lisp_map_request request;
		struct lisp_map_reply reply;
		struct lisp_map_register reg;  /* types 3, 4, 5 */
		struct lisp_info info;
		struct lisp_ecm ecm;
	} u;
};
int lisp_msg_decode(const uint8_t *buf, size_t len, struct lisp_msg *out, struct lisp_err *err);

/* Record codec shared by the message codecs (also used by tests). */
int lisp_record_decode(const uint8_t *buf, size_t len, size_t *off, struct lisp_record *out,
		       struct lisp_err *err);
int lisp_record_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_record *r,
		       struct lisp_err *err);

#endif
