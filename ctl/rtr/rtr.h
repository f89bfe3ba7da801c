/* The RTR role (operating-mode = RTR): the re-encapsulating tunnel router
 * of NAT traversal (docs/NAT.md 4.2), on the BPF data plane of
 * bpf/lispd_rtr.bpf.c (lib/dp_attach.h's dp_rtr_attach puts it on the
 * host, pinned under its own directory).
 *
 * Relay: a node behind a NAT sends its Map-Register in an ECM with R from
 * its data port to one of our RLOCs; the register goes on to the
 * map-server the node addressed, only when it is one of ours
 * (rtr-ms-node: no open relay), by that map-server's dialect (NEW: an ECM
 * with N, the node's inner packet untouched; OLD: the bare register). The
 * register is remembered by nonce (the NAT's public address and port it
 * came from, our RLOC it reached, the node's private RLOC, its xTR-ID)
 * for a while and a bounded number of them.
 * Commit: the map-server's answer, authenticated with the key we share
 * with it (NEW: ECM S with AD Type 2; OLD: the Map-Notify's second auth
 * field), for a remembered nonce and the same xTR-ID, commits each EID
 * record into the data plane's NAT table (lib/dp_nat.h: a changed
 * address or port replaces the old one, a NAT rebinding) and goes back to
 * the node as a Data-Map-Notify through its NAT. A committed node expires
 * 3 min 30 s after its last confirmed register.
 * ITR: the data plane relays a committed node's traffic as its ITR; its
 * misses are resolved through the map-resolvers into the RTR's map-cache
 * (ctl/itr, shared code; static-map-cache entries too). A Map-Reply never
 * replaces a committed node and one naming our own RLOC is refused, an SMR
 * for a committed node is ignored (docs/NAT.md 3.6: Open Overlay Router's
 * race).
 *
 * No sockets here: packets come in through rtr_on_control() and leave
 * through struct cp_io, always from the RLOC they concern. The role's
 * table entry (rtr/rtr_role.c) runs it over the data plane rtr/rtr_host
 * attached. The configuration is copied: cfg may be freed after
 * rtr_new/rtr_reload. */
#ifndef RTR_RTR_H
#define RTR_RTR_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "core/cp_io.h"
#include "itr/itr.h"
#include "lisp_addr.h"

struct dp_handle;
struct dp_miss;
struct ev_loop;
struct json;
struct rtr;

#define RTR_MAX_RLOCS LISPD_CFG_MAX_RTR_IFACES
/* Registers waiting for their map-server's answer: a flood of them evicts
 * the oldest, it cannot grow memory. */
#define RTR_PENDING_MAX 1024
/* Committed nodes, as many as the data plane's NAT table holds. */
#define RTR_NAT_MAX 16384

/* An RLOC of the RTR: the address an rtr-iface had at start. */
struct rtr_rloc {
	struct lisp_ip addr;
	char ifname[IF_NAMESIZE];
	uint8_t priority;
	uint8_t weight;
};

/* Timers. Zero fields take the value shown; tests shrink them. */
struct rtr_timing {
	uint32_t pending_ms;       /* 10000: a relayed register waits for its answer */
	uint32_t nat_lifetime_ms;  /* 210000: a node lives after its last confirmed register */
};

struct rtr_opts {
	const struct dp_handle *dp;           /* NULL: no data plane */
	const struct itr_timing *itr_timing;  /* NULL: protocol values */
	const struct rtr_timing *timing;      /* NULL: protocol values */
	unsigned n_rlocs;                     /* at least one */
	const struct rtr_rloc *rlocs;
};

/* NULL (and logs why) when cfg is not an RTR configuration, there is no
 * RLOC or memory runs out. io and loop must outlive it. Installs the
 * static map-cache entries. */
struct rtr *rtr_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
		    const struct rtr_opts *opts);

/* The role table's callbacks (core/role.h) take their struct rtr as void *. */
/* One control datagram received on UDP 4342 (src/sport the sender, dst our
 * address it arrived at). */
void rtr_on_control(void *rtr, const struct lisp_ip *src, uint16_t sport,
		    const struct lisp_ip *dst, const uint8_t *buf, size_t len);
/* One event from the data plane's miss ring buffer. */
void rtr_on_miss(void *rtr, const struct dp_miss *ev);
/* SIGHUP: resolvers, retries, map-servers (keys, dialects) and static
 * entries from cfg; committed nodes and waiting registers stay. The
 * rtr-ifaces must not change (the data plane would need re-attaching). 0,
 * or -1 with nothing changed. */
int rtr_reload(void *rtr, const struct lispd_config *cfg);

/* The control socket's answers: status, counters (the role's part of
 * them), nat (the committed nodes, each with what the data plane's NAT
 * table holds for it); map-cache and pending are the ITR's. */
void rtr_json_status(void *rtr, struct json *j);
void rtr_json_counters(void *rtr, struct json *j);
void rtr_json_nat(void *rtr, struct json *j);

/* Stops every timer; leaves the BPF maps as they are (the data plane's
 * detach takes them). NULL is fine. */
void rtr_free(struct rtr *rtr);

#endif
