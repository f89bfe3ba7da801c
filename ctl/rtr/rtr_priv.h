/* Inside the RTR role: its state and the functions its files share
 * (rtr.c the object and dispatch, relay.c registers in and out, answer.c
 * the map-servers' answers, nat.c the committed nodes, rtr_json.c the
 * answers of the control socket). */
#ifndef RTR_RTR_PRIV_H
#define RTR_RTR_PRIV_H

#include "core/evloop.h"
#include "core/rx_errs.h"
#include "dp_nat.h"
#include "prefix_index.h"
#include "rtr/rtr.h"

#define RTR_TX_MAX 1500
#define RTR_XTR_ID_LEN 16

/* Every refusal has its counter. */
#define RTR_COUNTERS(X)                                                                    \
	X(rx_packets)             /* control datagrams handed to rtr_on_control */          \
	X(rx_malformed)           /* failed to decode: dropped */                            \
	X(rx_unexpected)          /* a type or request an RTR does not take */               \
	X(rx_info)                /* Info-Request/Reply: not answered (as OOR's RTR) */      \
	X(reg_received)           /* ECM Map-Registers from nodes */                         \
	X(reg_relayed)            /* ... sent on to their map-server */                      \
	X(reg_retransmits)        /* a waiting nonce again: its state replaced */            \
	X(drop_reg_not_rtr)       /* neither the ECM's R nor the register's */               \
	X(drop_reg_unknown_ms)    /* inner destination not an rtr-ms-node: no open relay */  \
	X(drop_reg_no_xtr_id)     /* no I bit: nothing to key the node by */                 \
	X(drop_reg_no_notify)     /* no M bit: no answer would confirm it */                 \
	X(drop_reg_old_no_r)      /* for an OLD map-server without the register's R */       \
	X(drop_reg_not_ipv4)      /* outer packet not IPv4 (no NAT to traverse), port 0 */   \
	X(drop_reg_not_rloc)      /* outer destination not one of our RLOCs */               \
	X(drop_ecm_other)         /* an ECM carrying anything else */                        \
	X(relay_send_errors)                                                                 \
	X(pending_evicted)        /* table full: the oldest waiting register forgotten */   \
	X(pending_expired)        /* no answer in time */                                    \
	X(answers_received)       /* Map-Notifies from map-servers (ECM or OLD) */           \
	X(drop_answer_unknown_ms) /* not from an rtr-ms-node */                              \
	X(drop_answer_dialect)    /* the other dialect's form */                             \
	X(drop_answer_unsigned)   /* no MS-RTR authentication (ECM S=0, no OLD field) */     \
	X(drop_answer_auth)       /* MS-RTR MAC wrong */                                     \
	X(drop_answer_unknown_nonce) /* no register waiting for it from that map-server */  \
	X(drop_answer_xtr_id)     /* not the xTR-ID of the register */                       \
	X(nat_committed)          /* new NATed nodes (EID prefixes) */                       \
	X(nat_refreshed)          /* confirmed again, same NAT address and port */           \
	X(nat_rebound)            /* confirmed with a new NAT address or port */             \
	X(nat_expired)                                                                       \
	X(nat_refused_eid)        /* a record the data plane cannot hold (an instance-id) */ \
	X(nat_table_full)                                                                    \
	X(nat_dp_errors)          /* the data plane's NAT table refused an update */         \
	X(dmn_sent)               /* Data-Map-Notifies to nodes */                           \
	X(dmn_send_errors)                                                                   \
	X(reply_refused_self)     /* Map-Reply records naming one of our RLOCs */            \
	X(reply_refused_nat)      /* Map-Reply records for a committed node */               \
	X(smr_refused_nat)        /* SMRs for a committed node: ignored */                   \
	X(miss_events)                                                                       \
	X(miss_bad)               /* event with an unknown family */

struct rtr_counters {
#define RTR_COUNTER_FIELD(name) uint64_t name;
	RTR_COUNTERS(RTR_COUNTER_FIELD)
#undef RTR_COUNTER_FIELD
};

/* A map-server registrations are relayed to (rtr-ms-node). */
struct rtr_ms {
	struct lisp_ip addr;
	uint8_t *key;
	size_t key_len;
	enum lispd_cfg_nat_draft draft;
	uint64_t relayed, confirmed;
};

/* A register relayed, waiting for its map-server's answer. */
struct rtr_pending {
	struct rtr *rtr;
	bool used;
	uint64_t nonce;
	struct lisp_ip ms;            /* the map-server the node addressed */
	struct lisp_ip global;        /* G: the outer source, the node's NAT */
	uint16_t global_port;         /* g1 */
	struct lisp_ip rloc;          /* R: our RLOC it reached */
	struct lisp_ip private_rloc;  /* P: the inner source */
	uint8_t xtr_id[RTR_XTR_ID_LEN];
	uint64_t at_ms;
	struct ev_timer timer;
};

/* A committed node: one EID prefix, as in the data plane's NAT table. */
struct rtr_nat {
	struct prefix_trie_node *node;   /* in rtr->nat */
	struct rtr *rtr;
	struct lisp_prefix eid;          /* canonical, the data plane's instance */
	struct lisp_ip global;
	uint16_t global_port;
	struct lisp_ip rloc;
	struct lisp_ip private_rloc;
	uint8_t xtr_id[RTR_XTR_ID_LEN];
	uint64_t site_id;
	struct lisp_ip ms;               /* the map-server that confirmed it last */
	uint64_t committed_ms, confirmed_ms, expires_ms;
	uint64_t confirmations, rebindings;
	struct ev_timer timer;
	/* What the data plane's NAT table holds for eid, read for status. */
	bool dp_seen;
	struct dp_nat_entry dp_view;
};

struct rtr {
	/* First, so the role table can hand a struct rtr to the ITR's answers. */
	struct itr itr;
	struct ev_loop *loop;
	struct cp_io *io;
	const struct dp_handle *dp;      /* NULL: no data plane */
	struct rtr_timing t;
	unsigned n_rlocs;
	struct rtr_rloc rlocs[RTR_MAX_RLOCS];
	unsigned n_ifaces;               /* the rtr-ifaces the RLOCs came from */
	struct lispd_cfg_rtr_iface ifaces[LISPD_CFG_MAX_RTR_IFACES];
	unsigned n_ms;
	struct rtr_ms ms[LISPD_CFG_MAX_RTR_MS];
	struct rtr_counters ctr;
	struct rx_errs rx_errs;          /* rx_malformed by reason */
	struct rtr_pending pending[RTR_PENDING_MAX];
	unsigned n_pending;
	struct prefix_index nat;         /* committed nodes by EID prefix */
	unsigned n_nat;
	struct lisp_msg rx;              /* decode scratch: tens of kilobytes */
	struct lisp_ecm ecm;
	uint8_t tx[RTR_TX_MAX];
};
_Static_assert(offsetof(struct rtr, itr) == 0, "the ITR first in struct rtr");

uint64_t rtr_now(const struct rtr *r);
bool rtr_is_rloc(const struct rtr *r, const struct lisp_ip *ip);
struct rtr_ms *rtr_ms_find(struct rtr *r, const struct lisp_ip *addr);
/* A control message that failed to decode: counted with its reason. */
void rtr_rx_malformed(struct rtr *r, const struct lisp_err *err);

/* relay.c: an ECM carrying a node's Map-Register; the waiting registers. */
void rtr_relay_register(struct rtr *r, const struct lisp_ip *src, uint16_t sport,
			const struct lisp_ip *dst, const uint8_t *buf, size_t len,
			const struct lisp_ecm *ecm);
/* The register waiting for nonce from map-server ms, or NULL. */
struct rtr_pending *rtr_pending_find(struct rtr *r, uint64_t nonce, const struct lisp_ip *ms);
void rtr_pending_release(struct rtr_pending *p);
void rtr_pending_clear(struct rtr *r);

/* answer.c: a map-server's answer, NEW (an ECM carrying a Map-Notify) or
 * OLD (a Map-Notify with R). */
void rtr_answer_new(struct rtr *r, const struct lisp_ip *src, const struct lisp_ecm *ecm);
void rtr_answer_old(struct rtr *r, const struct lisp_ip *src, const uint8_t *buf, size_t len);

/* nat.c: the committed nodes. Commits every record of notify for the
 * register p; 0 when each was committed, -1 when one was refused. */
int rtr_nat_commit(struct rtr *r, const struct rtr_pending *p,
		   const struct lisp_map_register *notify);
/* The committed node whose prefix covers p, or NULL. */
struct rtr_nat *rtr_nat_covering(const struct rtr *r, const struct lisp_prefix *p);
struct rtr_nat *rtr_nat_first(const struct rtr *r);
struct rtr_nat *rtr_nat_next(const struct rtr *r, const struct rtr_nat *n);
/* Forgets every node (the data plane's table is left to its detach). */
void rtr_nat_clear(struct rtr *r);

#endif
