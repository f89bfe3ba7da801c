/* Proxy-ITR encapsulation (RFC 6832 §4), TC ingress of the PxTR's
 * non-LISP-facing interface: a packet whose destination lies inside the EID
 * space we serve is encapsulated like the mobile node's (same map-cache,
 * locator choice, outer headers, MTU handling: lispd_encap_flow), whatever
 * its source — a PITR's senders are exactly the hosts without EIDs. Any
 * other packet (destination outside the EID space, not IP) goes on to the
 * stack untouched (pitr_pass). Misses and send-map-request entries raise
 * miss events for the daemon to resolve, like at the mobile node; the miss
 * policy of a PITR is drop (the daemon configures no PETR). */
#ifndef LISPD_BPF_PITR_H
#define LISPD_BPF_PITR_H

#include "lib/eid_space.h"
#include "lib/encap.h"

static __always_inline int lispd_do_pitr_encap(struct __sk_buff *skb)
{
	struct lispd_dp_config *cfg = lispd_config_get();
	struct lispd_flow f;
	__u32 iid;
	__u8 family;

	if (!cfg)
		return lispd_verdict(LISPD_STAT_PITR_PASS, LISPD_TC_ACT_OK);
	family = lispd_family_of_eth(lispd_eth_proto(skb, LISPD_HOOK_TC));
	if (family == LISPD_AF_NONE)
		return lispd_verdict(LISPD_STAT_PITR_PASS, LISPD_TC_ACT_OK);
	if (lispd_parse_ip(skb, LISPD_HOOK_TC, LISPD_ETH_HLEN, family, &f))
		return lispd_verdict(LISPD_STAT_DROP_ENCAP_TRUNC, LISPD_TC_ACT_SHOT);
	iid = lispd_cfg_iid(cfg);
	if (!lispd_in_eid_space(iid, family, f.dst))
		return lispd_verdict(LISPD_STAT_PITR_PASS, LISPD_TC_ACT_OK);
	return lispd_encap_flow(skb, cfg, &f, iid, LISPD_ENCAP_PITR);
}

#endif
