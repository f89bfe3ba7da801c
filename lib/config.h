/* lispd.conf: the LISPmob 0.2 / 0.4 and OOR 1.3 (LISPmob 0.5) formats, read
 * with libConfuse into plain structs, for the mobile-node role, the
 * Map-Server/Map-Resolver role (operating-mode = MS), the proxy ITR/ETR
 * role (operating-mode = PxTR, our own `pxtr { }` section: OOR has no PxTR
 * mode to follow) and OOR's NAT-traversal RTR (operating-mode = RTR); see
 * lispd.conf.example.
 *
 * Strict by design: an unknown key, a key of a feature not implemented yet,
 * a value out of range or a missing mandatory item is an error naming the
 * file, the line and the key, e.g.
 *   "lispd.conf:12: map-server: key-type 7 is not 1, 2 or 3".
 * Nothing is silently ignored or replaced. NAT traversal is the exception
 * to refusing what is not implemented: OOR files ask for it where lispd
 * works without it (a node on a public network, a Map-Server's public
 * xTRs), so a valid request is accepted with a note that says what lispd
 * does instead (struct lispd_config's notes). Error messages never contain
 * an authentication key.
 *
 * Not thread-safe: libConfuse's lexer is global. */
#ifndef LISPD_CONFIG_H
#define LISPD_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

#define LISPD_CFG_MAX_MAP_SERVERS 16
#define LISPD_CFG_MAX_MAP_RESOLVERS 16
#define LISPD_CFG_MAX_PROXY_ITRS 16
#define LISPD_CFG_MAX_PETRS 16           /* proxy-etr* sections together */
#define LISPD_CFG_MAX_DB_MAPPINGS 64
#define LISPD_CFG_MAX_STATIC 1024
#define LISPD_CFG_MAX_RLOCS 16           /* per mapping */
#define LISPD_CFG_KEY_MAX 256            /* bytes of a map-server key */
#define LISPD_CFG_MAX_FILE_SIZE (16 * 1024 * 1024)
#define LISPD_CFG_MAX_IID 0xffffffu      /* 24-bit instance-id */
#define LISPD_CFG_MAX_SITES 65536        /* lisp-site sections */
#define LISPD_CFG_MAX_STATIC_SITES 4096  /* ms-static-registered-site sections */
#define LISPD_CFG_MAX_EID_SPACE 256      /* pxtr eid-space prefixes */
#define LISPD_CFG_MAX_MS_RTRS 32         /* ms-rtr-node sections */
#define LISPD_CFG_MAX_RTR_SETS 16        /* ms-rtrs-set sections */
#define LISPD_CFG_MAX_RTR_IFACES 16      /* rtr-iface sections, every rtr-ifaces together */
#define LISPD_CFG_MAX_RTR_MS 16          /* rtr-ms-node sections */
#define LISPD_CFG_NAME_MAX 64            /* bytes of an RTR or RTR set name, with its NUL */
#define LISPD_CFG_MAX_NOTES 4
#define LISPD_CFG_NOTE_MAX 320

#define LISPD_CFG_DEFAULT_RETRIES 3
#define LISPD_CFG_DEFAULT_TTL_MIN 10     /* minutes, as OOR */
#define LISPD_CFG_DEFAULT_PRIORITY 1
#define LISPD_CFG_DEFAULT_WEIGHT 100
/* NAT traversal: a keepalive every 20 s stays below the 30 s after which
 * many NATs (Linux's nf_conntrack_udp_timeout, many home routers) forget
 * an idle UDP binding, and above RFC 8085's 15 s floor. */
#define LISPD_CFG_DEFAULT_NAT_KEEPALIVE 20       /* seconds */
#define LISPD_CFG_DEFAULT_RTR_SET_TTL 1440       /* minutes, as OOR: one day */

/* ms-limits defaults (operating-mode = MS): see lispd.conf.example. */
#define LISPD_CFG_DEFAULT_MR_RATE 100             /* Map-Requests/s per source */
#define LISPD_CFG_DEFAULT_MR_BURST 200
#define LISPD_CFG_DEFAULT_MR_RATE_TOTAL 10000     /* Map-Requests/s, all sources */
#define LISPD_CFG_DEFAULT_MORE_SPECIFICS 1024     /* per lisp-site */
#define LISPD_CFG_DEFAULT_REGISTRATIONS 100000    /* registered prefixes, all sites */

enum lispd_cfg_mode {
	LISPD_MODE_MN = 1,  /* mobile node (the default) */
	LISPD_MODE_MS = 2,  /* Map-Server + Map-Resolver */
	LISPD_MODE_PXTR = 3, /* proxy ITR + proxy ETR (RFC 6832) */
	LISPD_MODE_RTR = 4, /* NAT-traversal re-encapsulating tunnel router */
};

/* An RLOC of a local mapping or static map-cache entry. */
enum lispd_cfg_rloc_kind {
	LISPD_RLOC_ADDRESS = 1,  /* a fixed address (rloc-address, 0.2 `rloc`) */
	LISPD_RLOC_IFACE,        /* the address of one family on an interface */
};

struct lispd_cfg_rloc {
	enum lispd_cfg_rloc_kind kind;
	struct lisp_ip addr;          /* ADDRESS */
	char ifname[IF_NAMESIZE];     /* IFACE */
	uint8_t ip_version;           /* IFACE: 4 or 6 */
	uint8_t priority;
	uint8_t weight;
	bool local;                   /* ADDRESS: configured on this host */
	int line;
};

struct lispd_cfg_mapping {
	struct lisp_prefix eid;       /* has_iid when iid != 0 */
	uint32_t ttl_min;             /* record TTL, minutes (database-mapping) */
	unsigned n_rlocs;
	struct lispd_cfg_rloc rlocs[LISPD_CFG_MAX_RLOCS];
	int line;
	/* RLOCs only from LISPmob's `interface` key: LISPmob multihomes by
	 * repeating such a database-mapping per interface, which the parser
	 * merges into the first one of that eid-prefix. */
	bool legacy_iface;
};

struct lispd_cfg_map_server {
	struct lisp_ip addr;
	uint8_t key_type;             /* enum lisp_auth_alg: 1, 2 or 3 */
	uint8_t *key;                 /* not NUL-terminated; wiped by lispd_config_free */
	size_t key_len;
	bool proxy_reply;
	bool verify;                  /* LISPmob 0.2: check the registration with a lookup */
	int line;
};

enum lispd_cfg_petr_scope {
	LISPD_PETR_ALL = 0,           /* proxy-etr (LISPmob): EIDs of both families */
	LISPD_PETR_IPV4_EIDS = 4,     /* proxy-etr-ipv4 */
	LISPD_PETR_IPV6_EIDS = 6,     /* proxy-etr-ipv6 */
};

struct lispd_cfg_petr {
	struct lisp_ip addr;
	enum lispd_cfg_petr_scope scope;
	uint8_t priority;
	uint8_t weight;
	int line;
};

/* A lisp-site of the Map-Server: the EID space an xTR may register with a key. */
struct lispd_cfg_site {
	struct lisp_prefix eid;       /* has_iid when iid != 0 */
	uint8_t key_type;             /* enum lisp_auth_alg: 1 or 2 */
	uint8_t *key;                 /* not NUL-terminated; wiped by lispd_config_free */
	size_t key_len;
	bool accept_more_specifics;
	bool proxy_reply;             /* answer Map-Requests for the site ourselves */
	int line;
};

/* The pxtr section (operating-mode = PxTR). */
struct lispd_cfg_pxtr {
	char rloc_iface[IF_NAMESIZE];    /* LISP side: PETR decap in, PITR encap out */
	char native_iface[IF_NAMESIZE];  /* non-LISP hosts: PITR encap in */
	unsigned n_rlocs;                /* rloc-address: one or two, one per family */
	struct lisp_ip rlocs[2];
	uint32_t iid;                    /* 0 = instance-ids off */
	unsigned n_eid_space;            /* eid-space: at least one */
	struct lisp_prefix eid_space[LISPD_CFG_MAX_EID_SPACE];  /* has_iid when iid != 0 */
	int line;
};

/* The ms-limits section: bounds on what peers make a Map-Server do. */
struct lispd_cfg_ms_limits {
	uint32_t request_rate;         /* map-request-rate: per source, per second */
	uint32_t request_burst;        /* map-request-burst */
	uint32_t request_rate_total;   /* map-request-rate-total: every source together */
	uint32_t more_specifics;       /* more-specifics-per-site */
	uint32_t registrations;        /* registrations-max */
};

/* NAT traversal of a mobile node: OOR's nat_traversal_support, or
 * LISPmob 0.4's nat-traversal { nat_aware, site_ID, xTR_ID }. */
struct lispd_cfg_nat {
	bool enabled;
	uint32_t keepalive_s;          /* nat-keepalive-interval */
	bool has_site_id;              /* LISPmob 0.4 site_ID */
	uint8_t site_id[8];
	bool has_xtr_id;               /* LISPmob 0.4 xTR_ID */
	uint8_t xtr_id[16];
	int line;                      /* of the key that turned it on */
};

/* An RTR this Map-Server knows (ms-rtr-node): it may relay registrations
 * of xTRs behind a NAT, authenticated with its key. */
struct lispd_cfg_ms_rtr {
	char name[LISPD_CFG_NAME_MAX];
	struct lisp_ip addr;
	uint8_t *key;                  /* not NUL-terminated; wiped by lispd_config_free */
	size_t key_len;
	int line;
};

/* ms-rtrs-set: RTRs offered together in Info-Replies. */
struct lispd_cfg_rtr_set {
	char name[LISPD_CFG_NAME_MAX];
	uint32_t ttl_min;              /* how long an xTR may keep the list */
	unsigned n_rtrs;
	uint8_t rtrs[LISPD_CFG_MAX_MS_RTRS];   /* indexes into ms_rtrs */
	int line;
};

/* The dialect of the NAT-traversal draft a map-server speaks: OLD before
 * draft-ermagan-lisp-nat-traversal-04, NEW from -04 on (OOR's names). */
enum lispd_cfg_nat_draft {
	LISPD_NAT_DRAFT_OLD = 1,
	LISPD_NAT_DRAFT_NEW = 2,
};

/* rtr-ms-node: a map-server the RTR relays registrations to. */
struct lispd_cfg_rtr_ms {
	struct lisp_ip addr;
	uint8_t *key;                  /* not NUL-terminated; wiped by lispd_config_free */
	size_t key_len;
	enum lispd_cfg_nat_draft draft;
	int line;
};

/* rtr-iface: the address of one family on an interface, an RLOC of the RTR. */
struct lispd_cfg_rtr_iface {
	char ifname[IF_NAMESIZE];
	uint8_t ip_version;            /* 4 or 6 */
	uint8_t priority;
	uint8_t weight;
	int line;
};

/* operating-mode = RTR. */
struct lispd_cfg_rtr {
	unsigned n_ifaces;
	struct lispd_cfg_rtr_iface ifaces[LISPD_CFG_MAX_RTR_IFACES];
	unsigned n_ms;
	struct lispd_cfg_rtr_ms ms[LISPD_CFG_MAX_RTR_MS];
};

struct lispd_cfg_rloc_probing {
	bool configured;              /* an rloc-probing section was present */
	uint32_t interval_s;          /* 0 = off */
	uint32_t retries;
	uint32_t retries_interval_s;
};

struct lispd_config {
	char *source;                 /* the name errors use */
	enum lispd_cfg_mode mode;
	int debug;                    /* 0..3 */
	unsigned map_request_retries;
	char *log_file;               /* NULL: not set */

	unsigned n_map_resolvers;
	struct lisp_ip map_resolvers[LISPD_CFG_MAX_MAP_RESOLVERS];
	unsigned n_proxy_itrs;
	struct lisp_ip proxy_itrs[LISPD_CFG_MAX_PROXY_ITRS];
	unsigned n_map_servers;
	struct lispd_cfg_map_server map_servers[LISPD_CFG_MAX_MAP_SERVERS];
	unsigned n_petrs;
	struct lispd_cfg_petr petrs[LISPD_CFG_MAX_PETRS];

	unsigned n_mappings;
	struct lispd_cfg_mapping *mappings;   /* database-mapping */
	unsigned n_statics;
	struct lispd_cfg_mapping *statics;    /* static-map-cache (ttl_min unused) */

	struct lispd_cfg_rloc_probing rloc_probing;
	/* decap-source-check (MN): decapsulate only packets whose outer source
	 * is a locator of the inner source's map-cache entry. Default off. */
	bool decap_src_check;
	struct lispd_cfg_nat nat;

	/* operating-mode = MS only (empty otherwise). */
	unsigned n_sites;
	struct lispd_cfg_site *sites;          /* lisp-site */
	unsigned n_static_sites;
	struct lispd_cfg_mapping *static_sites; /* ms-static-registered-site (ttl_min unused) */
	char control_iface[IF_NAMESIZE];       /* "" = listen on every address */
	struct lispd_cfg_ms_limits ms_limits;  /* defaults when no ms-limits section */
	unsigned n_ms_rtrs;
	struct lispd_cfg_ms_rtr ms_rtrs[LISPD_CFG_MAX_MS_RTRS];  /* ms-rtr-node */
	unsigned n_rtr_sets;
	struct lispd_cfg_rtr_set rtr_sets[LISPD_CFG_MAX_RTR_SETS];  /* ms-rtrs-set */
	bool advertise_rtrs;                   /* ms-advertised-rtrs-set given */
	unsigned advertised_rtr_set;           /* its index in rtr_sets */

	/* operating-mode = PxTR only (zero otherwise). It also uses
	 * map_resolvers, map_request_retries and statics (PITR map-cache). */
	struct lispd_cfg_pxtr pxtr;

	/* operating-mode = RTR only (zero otherwise). It also uses
	 * map_resolvers, map_request_retries, statics and rloc_probing. */
	struct lispd_cfg_rtr rtr;

	/* What the file asks for that lispd does not do yet, one line each
	 * ("FILE:LINE: KEY: what lispd does instead"), for the daemon to log
	 * at start and lispd -t to show: valid, but never silently unused. */
	unsigned n_notes;
	char notes[LISPD_CFG_MAX_NOTES][LISPD_CFG_NOTE_MAX];
};

/* Each returns 0 and fills *out, or -1 with *out empty (nothing to free)
 * and a one-line message in errbuf ("FILE:LINE: KEY: what is wrong").
 * load_string names the text `name` in messages. */
int lispd_config_load_file(const char *path, struct lispd_config *out, char *errbuf,
			   size_t errlen);
int lispd_config_load_string(const char *text, const char *name, struct lispd_config *out,
			     char *errbuf, size_t errlen);
void lispd_config_free(struct lispd_config *c);

/* "MN", "MS", "PxTR" or "RTR". */
const char *lispd_config_mode_name(enum lispd_cfg_mode mode);

#endif
