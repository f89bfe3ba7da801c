/* Counters of the mobile node's own control plane (registration, ETR,
 * dispatch), one list so the struct and the JSON names cannot drift apart.
 * Every drop of remote input has one. Resolution, map-cache and SMR
 * counters are the ITR's (ctl/itr/itr.h); the JSON view merges both into
 * one object. */
#ifndef MN_COUNTERS_H
#define MN_COUNTERS_H

#include <stdint.h>

#define MN_COUNTERS(X)                                                           \
	X(rx_packets)            /* control datagrams handed to mn_on_control */  \
	X(rx_malformed)          /* failed to decode: dropped */                  \
	X(rx_unexpected)         /* a type an MN does not take */                  \
	X(reg_sent)              /* Map-Registers, retransmissions included */    \
	X(reg_send_errors)                                                        \
	X(reg_encode_errors)                                                      \
	X(reg_no_source)         /* no RLOC of the map-server's family: not sent */ \
	X(reg_rate_limited)      /* a new round within reg_min_interval: deferred */ \
	X(reg_behind_nat)        /* every RLOC behind a NAT: nothing to send */   \
	X(notify_accepted)       /* right nonce, right auth */                    \
	X(notify_bad_auth)       /* dropped */                                    \
	X(notify_unknown)        /* no outstanding nonce, sender not a map-server */ \
	X(notify_stale)          /* nonce of a register already acknowledged */   \
	X(notify_unsolicited)    /* valid auth, no register: acked */             \
	X(notify_ack_sent)                                                        \
	X(etr_requests)          /* Map-Requests for us, direct or ECM */          \
	X(etr_replies)                                                            \
	X(etr_rate_limited)                                                       \
	X(etr_not_ours)          /* asked for an EID that is not ours */          \
	X(etr_no_itr_rloc)       /* no ITR-RLOC of a family we have */            \
	X(etr_probe_in_ecm)      /* RLOC-probe inside an ECM: dropped */          \
	X(etr_send_errors)                                                        \
	X(probe_replies)                                                          \
	X(miss_events)                                                            \
	X(miss_bad)              /* event with an unknown family */                \
	X(moves)                 /* locator set changes (mn_moved) */             \
	X(smr_sent)              /* SMRs we sent after a move */                  \
	X(smr_tx_rate_limited)   /* an RLOC told within the interval: deferred */  \
	X(smr_tx_deferred)       /* owed SMRs sent at the end of an interval */   \
	X(smr_no_source)         /* no RLOC of the peer RLOC's family */         \
	X(smr_send_errors)                                                        \
	X(info_tx)               /* Info-Requests (NAT detection), retries included */ \
	X(info_send_errors)                                                       \
	X(info_rate_limited)     /* an RLOC back within the interval: deferred */ \
	X(info_encode_errors)                                                     \
	X(info_rx_ok)            /* Info-Replies taken: nonce, auth, EID right */ \
	X(info_rx_bad_nonce)     /* no Info-Request of ours with that nonce */    \
	X(info_rx_bad_auth)      /* does not verify with the map-server's key */  \
	X(info_rx_stale)         /* for a request already answered */             \
	X(info_rx_bad_eid)       /* names another EID than we asked about */      \
	X(info_rx_bad_reply)     /* no IPv4 global address in the reply */

struct mn_counters {
#define MN_COUNTER_FIELD(name) uint64_t name;
	MN_COUNTERS(MN_COUNTER_FIELD)
#undef MN_COUNTER_FIELD
};

#endif
