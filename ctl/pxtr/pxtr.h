/* The PxTR role (operating-mode = PxTR; RFC 6832): proxy ITR and proxy ETR
 * on the same BPF data plane as the mobile node, configured for the role
 * (bpf/lispd_pxtr.bpf.c: lispd_petr_decap on the RLOC interface's ingress,
 * lispd_pitr_encap on the non-LISP interface's ingress; lib/dp_attach.h's
 * dp_pxtr_attach puts them on the host).
 *
 * PETR: no control plane beyond the configuration. The data plane admits
 * LISP data whose inner source is in the configured eid-space (the
 * lispd_eid_space trie, which this module rewrites on reload) and hands it
 * to the stack to forward natively.
 * PITR: resolves like an ITR through the map-resolvers (ctl/itr, shared
 * code: this role has no file of its own for it): data-plane misses ->
 * ECM Map-Requests with the p bit -> Map-Replies into the map-cache (user
 * table + lispd_mcache). SMRs from mobile nodes that moved trigger
 * SMR-invoked requests through the resolver. Nothing else is answered: a
 * PxTR is no ETR for any EID.
 *
 * No sockets here: packets come in through pxtr_on_control() and leave
 * through struct cp_io. The role's table entry (pxtr/pxtr_role.c) runs it:
 * the data plane attached by pxtr/pxtr_host (journaled for exact restore
 * and crash recovery, the handle of its maps opened), pxtr_new() over that
 * handle (its map-cache and EID space), misses into pxtr_on_miss(), SIGHUP
 * into pxtr_reload() (a change of rloc-iface, native-iface, rloc-address or
 * iid needs a re-attach: refused).
 *
 * The configuration is copied: cfg may be freed after pxtr_new/pxtr_reload. */
#ifndef PXTR_PXTR_H
#define PXTR_PXTR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/cp_io.h"
#include "itr/itr.h"
#include "lisp_addr.h"

struct json;

struct ev_loop;
struct lispd_config;
struct dp_handle;
struct dp_miss;
struct pxtr;

struct pxtr_opts {
	const struct dp_handle *dp;       /* its map-cache and EID space; NULL = none */
	const struct itr_timing *timing;  /* NULL = protocol values */
};

/* NULL (and logs why) when cfg is not a PxTR configuration, memory runs out
 * or the data-plane maps cannot be written. io and loop must outlive it.
 * opts NULL = no data plane. Installs the static map-cache entries. */
struct pxtr *pxtr_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
		      const struct pxtr_opts *opts);

/* The role table's callbacks (core/role.h) take their struct pxtr as void *:
 * pxtr_on_control, pxtr_on_miss, pxtr_reload and the pxtr_json_*
 * answers. */
/* One control datagram received on UDP 4342 (src/sport the sender, dst our
 * address it arrived at): Map-Replies to our requests and SMRs. */
void pxtr_on_control(void *pxtr, const struct lisp_ip *src, uint16_t sport,
		     const struct lisp_ip *dst, const uint8_t *buf, size_t len);

/* One event from the data plane's miss ring buffer. */
void pxtr_on_miss(void *pxtr, const struct dp_miss *ev);

/* SIGHUP: resolvers, retries, static entries and eid-space from cfg;
 * dynamic map-cache entries stay. Interfaces and RLOCs must not change (the
 * data plane would need re-attaching). 0, or -1 with nothing changed. */
int pxtr_reload(void *pxtr, const struct lispd_config *cfg);

/* The control socket's answers: status, counters (the role's part of
 * them); map-cache and pending are the ITR's. */
void pxtr_json_status(void *pxtr, struct json *j);
void pxtr_json_counters(void *pxtr, struct json *j);

/* Stops every timer; leaves the BPF maps as they are. NULL is fine. */
void pxtr_free(struct pxtr *px);

#endif
