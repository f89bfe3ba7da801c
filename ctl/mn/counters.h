/* Counters of the mobile node's control plane, one list so the struct and
 * the JSON names cannot drift apart. Every drop of remote input has one. */
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
	X(notify_accepted)       /* right nonce, right auth */                    \
	X(notify_bad_auth)       /* dropped */                                    \
	X(notify_unknown)        /* no outstanding nonce, sender not a map-server */ \
	X(notify_stale)          /* nonce of a register already acknowledged */   \
	X(notify_unsolicited)    /* valid auth, no register: acked */             \
	X(notify_ack_sent)                                                        \
	X(req_sent)              /* Map-Requests, retries included */             \
	X(req_retries)                                                            \
	X(req_send_errors)                                                        \
	X(req_timeouts)          /* a try without a reply */                      \
	X(req_rate_limited)      /* same prefix within the interval, or in flight */ \
	X(req_held)              /* prefix paused after too many unanswered */    \
	X(req_gave_up)           /* retries exhausted */                          \
	X(req_table_full)                                                         \
	X(req_no_resolver)                                                        \
	X(req_no_source)         /* no RLOC or no EID to send from */             \
	X(resolver_failovers)                                                     \
	X(reply_accepted)                                                         \
	X(reply_unknown_nonce)   /* dropped */                                    \
	X(reply_record_foreign)  /* record not covering what we asked: skipped */ \
	X(mc_installed)          /* positive entries installed or replaced */    \
	X(mc_negative)           /* negative entries installed or replaced */    \
	X(mc_expired)                                                             \
	X(mc_deleted_ttl0)                                                        \
	X(mc_refresh_requests)                                                    \
	X(mc_static_kept)        /* reply for a static prefix: static wins */     \
	X(mc_full)                                                                \
	X(dp_errors)             /* BPF map-cache update failed */                \
	X(etr_requests)          /* Map-Requests for us, direct or ECM */          \
	X(etr_replies)                                                            \
	X(etr_rate_limited)                                                       \
	X(etr_not_ours)          /* asked for an EID that is not ours */          \
	X(etr_no_itr_rloc)       /* no ITR-RLOC of a family we have */            \
	X(etr_probe_in_ecm)      /* RLOC-probe inside an ECM: dropped */          \
	X(etr_send_errors)                                                        \
	X(probe_replies)                                                          \
	X(smr_received)                                                           \
	X(smr_ignored)           /* not cached (or static): nothing to refresh */ \
	X(smr_rate_limited)                                                       \
	X(smr_invoked_sent)                                                       \
	X(miss_events)                                                            \
	X(miss_bad)              /* event with an unknown family */

struct mn_counters {
#define MN_COUNTER_FIELD(name) uint64_t name;
	MN_COUNTERS(MN_COUNTER_FIELD)
#undef MN_COUNTER_FIELD
};

#endif
