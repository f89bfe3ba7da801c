#include "dp_stats.h"

#include <stddef.h>

#include "lispd_maps.h"

static const char *const names[LISPD_STAT_MAX] = {
	[LISPD_STAT_DECAP_OK] = "decap_ok",
	[LISPD_STAT_DECAP_PASS] = "decap_pass",
	[LISPD_STAT_DECAP_PUNT_DMN] = "decap_punt_data_map_notify",
	[LISPD_STAT_DECAP_L3_FALLBACK] = "decap_l3_flag_fallback",
	[LISPD_STAT_DROP_DECAP_TRUNC] = "drop_decap_truncated",
	[LISPD_STAT_DROP_DECAP_KEY_ID] = "drop_decap_key_id",
	[LISPD_STAT_DROP_DECAP_IID] = "drop_decap_instance_id",
	[LISPD_STAT_DROP_DECAP_INNER_PROTO] = "drop_decap_inner_proto",
	[LISPD_STAT_DROP_DECAP_NOT_OUR_EID] = "drop_decap_not_our_eid",
	[LISPD_STAT_DROP_DECAP_GSO_FAMILY] = "drop_decap_gso_family",
	[LISPD_STAT_DROP_DECAP_ADJUST] = "drop_decap_adjust",
	[LISPD_STAT_ENCAP_OK] = "encap_ok",
	[LISPD_STAT_ENCAP_PETR] = "encap_petr",
	[LISPD_STAT_ENCAP_PASS] = "encap_pass",
	[LISPD_STAT_MISS] = "miss",
	[LISPD_STAT_NEG_NATIVE_FORWARD] = "neg_natively_forward",
	[LISPD_STAT_NEG_SEND_MAP_REQUEST] = "neg_send_map_request",
	[LISPD_STAT_DROP_NEG_DROP] = "drop_neg_drop",
	[LISPD_STAT_DROP_NEG_POLICY] = "drop_neg_policy_denied",
	[LISPD_STAT_DROP_NEG_AUTH] = "drop_neg_auth_failure",
	[LISPD_STAT_DROP_NEG_UNKNOWN] = "drop_neg_unknown_action",
	[LISPD_STAT_DROP_MISS_POLICY] = "drop_miss_policy",
	[LISPD_STAT_DROP_NO_LOCATOR] = "drop_no_locator",
	[LISPD_STAT_DROP_NO_PETR] = "drop_no_petr",
	[LISPD_STAT_DROP_NO_RLOC] = "drop_no_rloc",
	[LISPD_STAT_DROP_TOO_BIG] = "drop_too_big",
	[LISPD_STAT_DROP_ENCAP_TRUNC] = "drop_encap_truncated",
	[LISPD_STAT_DROP_ENCAP_ADJUST] = "drop_encap_adjust",
	[LISPD_STAT_DROP_NO_CONFIG] = "drop_no_config",
	[LISPD_STAT_MISS_EVENT] = "miss_event",
	[LISPD_STAT_MISS_EVENT_DEDUP] = "miss_event_dedup",
	[LISPD_STAT_MISS_EVENT_RATE] = "miss_event_rate_limited",
	[LISPD_STAT_MISS_EVENT_RB_FULL] = "miss_event_ringbuf_full",
	[LISPD_STAT_ICMP_FRAG_NEEDED] = "icmp_frag_needed",
	[LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF] = "icmp_frag_needed_no_df",
	[LISPD_STAT_ICMP6_PKT_TOO_BIG] = "icmp6_packet_too_big",
	[LISPD_STAT_PETR_DECAP_OK] = "petr_decap_ok",
	[LISPD_STAT_DROP_PETR_SRC_NOT_EID] = "drop_petr_src_not_eid",
	[LISPD_STAT_PITR_PASS] = "pitr_pass",
	[LISPD_STAT_PITR_NATIVE_FORWARD] = "pitr_natively_forward",
	[LISPD_STAT_PETR_HAIRPIN] = "petr_hairpin",
	[LISPD_STAT_PETR_HAIRPIN_MISS] = "petr_hairpin_miss",
	[LISPD_STAT_PETR_HAIRPIN_SRC_MISS] = "petr_hairpin_src_miss",
	[LISPD_STAT_DROP_PETR_HAIRPIN_LOOP] = "drop_petr_hairpin_loop",
	[LISPD_STAT_DROP_PETR_HAIRPIN_TTL] = "drop_petr_hairpin_ttl",
	[LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG] = "drop_petr_hairpin_too_big",
	[LISPD_STAT_DROP_PETR_HAIRPIN_GSO_FAMILY] = "drop_petr_hairpin_gso_family",
	[LISPD_STAT_DROP_DECAP_SRC_UNKNOWN] = "drop_decap_src_unknown",
	[LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC] = "drop_decap_src_not_rloc",
};

const char *dp_stat_name(unsigned idx)
{
	return idx < LISPD_STAT_MAX ? names[idx] : NULL;
}
