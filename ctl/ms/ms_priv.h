/* Internals of the Map-Server role shared by the files of ctl/ms. */
#ifndef MS_PRIV_H
#define MS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cp_io.h"
#include "core/evloop.h"
#include "core/rx_errs.h"
#include "lisp_msg.h"
#include "config.h"
#include "prefix_index.h"
#include "ms/ms.h"
#include "ms/ratelimit.h"
#include "ms/replay.h"

/* Every drop has its own counter. X(name, "json-name") */
#define MS_COUNTERS(X)                                                          \
	X(rx_packets, "rx-packets")                                             \
	X(rx_map_register, "rx-map-register")                                   \
	X(rx_ecm, "rx-ecm")                                                     \
	X(drop_direct_map_request, "drop-direct-map-request")                   \
	X(drop_other_type, "drop-other-type")                                   \
	X(drop_decode, "drop-decode")                                           \
	X(drop_no_records, "drop-no-records")                                   \
	X(drop_bad_prefix, "drop-bad-prefix")                                   \
	X(drop_no_site, "drop-no-site")                                         \
	X(drop_more_specific, "drop-more-specific")                             \
	X(drop_static_site, "drop-static-site")                                 \
	X(drop_alg_mismatch, "drop-alg-mismatch")                               \
	X(drop_auth, "drop-auth")                                               \
	X(drop_replay, "drop-replay")                                           \
	X(drop_no_memory, "drop-no-memory")                                     \
	X(registers_accepted, "registers-accepted")                             \
	X(records_registered, "records-registered")                             \
	X(records_deregistered, "records-deregistered")                         \
	X(registrations_expired, "registrations-expired")                       \
	X(reload_dropped, "registrations-dropped-on-reload")                    \
	X(notifies_sent, "map-notifies-sent")                                   \
	X(drop_ecm_decode, "drop-ecm-decode")                                   \
	X(drop_ecm_to_etr, "drop-ecm-to-etr")                                   \
	X(drop_ecm_not_request, "drop-ecm-not-map-request")                     \
	X(drop_request_decode, "drop-request-decode")                           \
	X(drop_request_probe, "drop-request-probe")                             \
	X(drop_no_itr_rloc, "drop-no-itr-rloc")                                 \
	X(drop_no_reply_port, "drop-no-reply-port")                             \
	X(drop_no_etr_rloc, "drop-no-etr-rloc")                                 \
	X(drop_request_rate_limited, "drop-request-rate-limited")               \
	X(drop_request_rate_total, "drop-request-rate-limited-total")           \
	X(request_sources_evicted, "request-sources-evicted")                   \
	X(drop_register_limit, "drop-register-over-limit")                      \
	X(replies_proxy, "map-replies-proxy")                                   \
	X(replies_negative, "map-replies-negative")                             \
	X(requests_forwarded, "map-requests-forwarded")                         \
	X(encode_failed, "encode-failed")                                       \
	X(send_failed, "send-failed")                                           \
	X(rx_info, "rx-info")                                                   \
	X(drop_info_decode, "drop-info-decode")                                 \
	X(drop_info_reply, "drop-info-reply")                                   \
	X(drop_info_rate_limited, "drop-info-rate-limited")                     \
	X(drop_info_rate_total, "drop-info-rate-limited-total")                 \
	X(drop_info_no_site, "drop-info-no-site")                               \
	X(drop_info_static_site, "drop-info-static-site")                       \
	X(drop_info_auth, "drop-info-auth")                                     \
	X(info_replies, "info-replies-sent")                                    \
	X(rx_relayed, "rx-ecm-relayed-register")                                \
	X(drop_relay_unknown_rtr, "drop-relay-unknown-rtr")                     \
	X(drop_relay_not_register, "drop-relay-not-map-register")               \
	X(registers_via_rtr, "registers-via-rtr")                               \
	X(notifies_via_rtr, "map-notifies-via-rtr")

struct ms_counters {
#define MS_CTR_FIELD(name, json) uint64_t name;
	MS_COUNTERS(MS_CTR_FIELD)
#undef MS_CTR_FIELD
};

struct ms_site {
	struct lisp_prefix eid;     /* has_iid only when iid != 0 */
	uint8_t key_type;           /* enum lisp_auth_alg; 0 for a static site */
	uint8_t *key;               /* heap copy, wiped on free; never logged */
	size_t key_len;
	bool accept_more_specifics;
	bool proxy_reply;
	bool is_static;             /* ms-static-registered-site */
	unsigned n_regs;            /* registrations inside the site */
	uint64_t registers;         /* accepted Map-Registers naming the site */
	uint64_t auth_failures;
};

/* One xTR's registration of a prefix; the prefix's mapping is the union of
 * its contributions. */
struct ms_contrib {
	struct ms_contrib *next;
	struct ms_reg *reg;
	struct ms *ms;
	bool has_xtr_id;            /* identity: the xTR-ID, else the source RLOC */
	uint8_t xtr_id[16];
	uint64_t site_id;
	struct lisp_ip src;
	uint16_t sport;
	bool is_static;
	bool proxy_reply;           /* P bit of its Map-Register */
	char rtr[LISPD_CFG_NAME_MAX];  /* the ms-rtr-node that relayed it; "" when direct */
	bool rtr_old;               /* relayed in the OLD dialect */
	uint32_t ttl;               /* minutes */
	uint16_t map_version;
	uint8_t n_loc;
	struct lisp_locator *loc;
	uint64_t registered_ms;
	uint64_t expires_ms;        /* 0: never (static) */
	struct ev_timer timer;
};

struct ms_reg {
	struct lisp_prefix eid;
	struct ms_site *site;
	struct prefix_trie_node *node;  /* in ms->db.index */
	struct ms_contrib *contribs;  /* most recently refreshed first */
	struct ms_reg *prev, *next;   /* ms->regs, for the control socket */
	struct ms_site *new_site;     /* during a reload */
	struct prefix_trie_node *new_node;
	const char *drop_reason;      /* during a reload: why it goes */
};

/* What the index holds at a prefix: the site configured with it and/or
 * the registration of it. */
struct ms_prefix {
	struct ms_site *site;
	struct ms_reg *reg;
};

/* Sites, and the index of sites and registrations by prefix (values:
 * struct ms_prefix). */
struct ms_db {
	unsigned n_sites;
	struct ms_site *sites;
	struct prefix_index index;
};

/* An RTR the MS knows (ms-rtr-node): registrations it relays are taken,
 * and the Map-Notify goes back to it signed with its key. */
struct ms_rtr {
	char name[LISPD_CFG_NAME_MAX];
	struct lisp_ip addr;
	uint8_t *key;               /* heap copy, wiped on free; never logged */
	size_t key_len;
};

/* The RTRs, and what Info-Replies offer (ms-advertised-rtrs-set). */
struct ms_rtrs {
	unsigned n;
	struct ms_rtr *rtr;
	uint32_t ttl_min;           /* Info-Reply TTL */
	uint8_t n_offer;
	struct lisp_addr offer[LISP_MAX_RTRS];
};

/* How a Map-Register reached the MS, hence where its Map-Notify goes. */
struct ms_via {
	const struct ms_rtr *rtr;   /* NULL: from the xTR itself */
	const struct lisp_ecm *ecm; /* NEW dialect: the RTR's ECM (N); NULL: OLD */
};

struct ms {
	struct ev_loop *loop;
	struct cp_io *io;
	struct ms_timing timing;
	struct ms_db db;
	struct ms_reg *regs;
	size_t n_regs;
	struct ms_replay replay;
	struct lispd_cfg_ms_limits limits;  /* ms-limits */
	struct ms_rl rl;                    /* Map-Request and Info-Request buckets */
	struct ms_rtrs rtrs;                /* NAT traversal */
	struct ev_timer sweep;
	struct ms_counters ctr;
	struct rx_errs rx_errs;  /* drop-decode, drop-ecm-decode, drop-request-decode,
				  * drop-info-decode by reason */
};

/* site.c: sites and registrations. */
int ms_db_build(struct ms_db *db, const struct lispd_config *cfg);
void ms_db_free(struct ms_db *db);
/* Deepest site and registration covering p (either may be NULL). */
void ms_db_match(const struct ms_db *db, const struct lisp_prefix *p, struct ms_site **site,
		 struct ms_reg **reg);
/* Length of the least-specific prefix of p's address that covers no site
 * and no registration, site's own prefix excepted (site: the deepest
 * covering p, or NULL); for a negative Map-Reply. */
unsigned ms_db_negative_len(const struct ms_db *db, const struct lisp_prefix *p,
			    const struct ms_site *site);
/* Whether site accepts a registration of p (p inside it). */
bool ms_site_accepts(const struct ms_site *site, const struct lisp_prefix *p);
/* The registration of exactly p (created in site when create). */
struct ms_reg *ms_reg_get(struct ms *ms, struct ms_site *site, const struct lisp_prefix *p,
			  bool create);
/* Contribution of one xTR (created when create). */
struct ms_contrib *ms_contrib_get(struct ms *ms, struct ms_reg *reg, bool has_xtr_id,
				  const uint8_t *xtr_id, const struct lisp_ip *src, bool create);
/* Replaces the contribution's mapping from a record; arms its expiry
 * (lifetime_ms 0: never). Returns 0 or -1 (memory). */
int ms_contrib_update(struct ms *ms, struct ms_contrib *c, const struct lisp_record *rec,
		      uint64_t lifetime_ms);
/* Removes a contribution, and its registration when it was the last. */
void ms_contrib_remove(struct ms *ms, struct ms_contrib *c);
/* Removes a registration left without contributions (allocation failure). */
void ms_reg_drop_if_empty(struct ms *ms, struct ms_reg *reg);
/* Static sites' registrations (ms_new, ms_reload). */
int ms_install_statics(struct ms *ms, const struct lispd_config *cfg);
/* The merged mapping of a registration as a record; proxy: whether the
 * site or any contribution asked for proxy replies. */
void ms_reg_record(const struct ms_reg *reg, struct lisp_record *out, bool *proxy);
void ms_reg_free_all(struct ms *ms);
/* Replaces the sites with cfg's. A registration is kept only when the
 * site it was authenticated by is still there, with the same key-type and
 * key, and still accepts its prefix; the others are dropped (counted,
 * logged). Returns 0, or -1 with nothing changed. */
int ms_db_reload(struct ms *ms, const struct lispd_config *cfg);

/* map_register.c: via NULL for a bare Map-Register (OLD from a known RTR
 * when it carries R). */
void ms_handle_register(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
			const struct lisp_ip *dst, const uint8_t *buf, size_t len,
			const struct ms_via *via);
/* resolver.c */
void ms_handle_ecm(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len);
/* info.c: Info-Request -> Info-Reply. */
void ms_handle_info(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
		    const struct lisp_ip *dst, const uint8_t *buf, size_t len);

/* rtr.c: the RTR table of cfg into t; -1: out of memory (t left empty). */
int ms_rtrs_build(struct ms_rtrs *t, const struct lispd_config *cfg);
void ms_rtrs_free(struct ms_rtrs *t);
const struct ms_rtr *ms_rtr_find(const struct ms *ms, const struct lisp_ip *addr);
/* An ECM with N: its Map-Register, relayed by an RTR. */
void ms_handle_relayed(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
		       const struct lisp_ip *dst, const struct lisp_ecm *ecm);
/* Sends the Map-Notify of a register that came through via->rtr (NEW: an
 * ECM R, S; OLD: the notify with R and the RTR's auth field) to src:sport
 * from dst, signed with the site's key and the RTR's. */
void ms_notify_via_rtr(struct ms *ms, const struct ms_via *via, struct lisp_map_register *notify,
		       const struct ms_site *site, const struct lisp_ip *src, uint16_t sport,
		       const struct lisp_ip *dst);

/* ms.c: a message that did not decode: counted in *drop and by the
 * codec's reason, logged as "ms: <what> from <src>: <reason>". */
void ms_decode_failed(struct ms *ms, uint64_t *drop, const char *what, const struct lisp_ip *src,
		      const struct lisp_err *err);
/* ms.c: sends through io; counts a failure. src: our address of dst's
 * family, or NULL. */
int ms_send(struct ms *ms, const struct lisp_ip *src, const struct lisp_ip *dst, uint16_t dport,
	    const uint8_t *buf, size_t len);

#endif
