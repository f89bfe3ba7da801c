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
	struct lispd_encap_pkt p;
	int rc = lispd_encap_start(skb, LISPD_ENCAP_PITR, &p);

	if (rc != LISPD_GO_ON)
		return rc;
	return lispd_encap_admitted(skb, LISPD_ENCAP_PITR, &p,
				    lispd_in_eid_space(p.iid, p.f.family, p.f.dst));
}

#endif
