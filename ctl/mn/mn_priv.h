/* The mobile node's state, shared by its protocol files (mn.c, mn_rx.c,
 * mn_miss.c, mn_json.c, register.c, etr.c, natdetect.c). Resolution, the
 * map-cache and SMR handling are the shared ITR code (ctl/itr), run with
 * our EIDs as the Map-Request source. */
#ifndef MN_PRIV_H
#define MN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cp_io.h"
#include "core/evloop.h"
#include "core/rx_errs.h"
#include "lisp_msg.h"
#include "itr/itr.h"
#include "mn/counters.h"
#include "mn/etr.h"
#include "mn/mn.h"
#include "mn/mn_conf.h"
#include "mn/natdetect.h"
#include "mn/register.h"
#include "mn/smr.h"

/* Largest control message we build: within the IPv6 minimum MTU less
 * IPv6 + UDP, so nothing we send needs fragmenting (IPv4 paths fragment). */
#define MN_TX_MAX 1232

struct mn {
	/* First, so the role table can hand a struct mn to the ITR's answers. */
	struct itr itr;           /* resolution, map-cache, SMRs */
	struct ev_loop *loop;
	struct cp_io *io;
	struct mn_timing t;
	struct mn_conf conf;

	unsigned n_rlocs;          /* sending RLOCs, one per family */
	struct lisp_ip rlocs[2];
	bool has_locs;             /* locs set by mn_set_locators */
	unsigned n_locs;           /* advertised locator set */
	struct mn_locator locs[MN_MAX_LOCS];

	uint64_t (*next_nonce)(void *ctx);
	void *nonce_ctx;
	uint8_t xtr_id[16];
	uint64_t site_id;

	struct mn_counters ctr;
	struct rx_errs rx_errs;         /* rx_malformed by reason */
	unsigned n_reg;
	struct mn_reg *reg;
	struct mn_etr etr;
	struct mn_smr smr;         /* per-RLOC rate limit of the SMRs we send */
	struct mn_nat nat;         /* NAT detection per map-server and IPv4 RLOC */
	bool smr_pending;          /* moved: SMRs wait for the new registration */
	struct ev_timer smr_hold;  /* ... but no longer than smr_hold_ms */
	struct ev_timer smr_owed;  /* the next end of interval of an owed SMR */

	/* Decode scratch: the decoded forms are tens of kilobytes. */
	struct lisp_msg rx;
	struct lisp_map_request rx_inner;
	/* Encode scratch, distinct from the decode scratch. */
	struct lisp_map_register tx_reg;
	struct lisp_map_reply tx_rep;
	struct lisp_map_request tx_smr;
	uint8_t tx[MN_TX_MAX];
};
_Static_assert(offsetof(struct mn, itr) == 0, "the ITR first in struct mn");

uint64_t mn_now(struct mn *mn);
/* Our current RLOC of a family, or NULL. */
const struct lisp_ip *mn_rloc_of(const struct mn *mn, uint16_t afi);
/* Index of the database-mapping covering p, or -1. */
/* A control message that failed to decode: rx_malformed and its reason
 * (err's, else fallback). mn_rx.c */
void mn_rx_malformed(struct mn *mn, const struct lisp_err *err, enum lisp_err_code fallback);
int mn_map_covering(const struct mn *mn, const struct lisp_prefix *p);
/* The locator set we advertise for database-mapping i: our current RLOCs of
 * the families it uses. probed (may be NULL) gets p=1. Returns the count. */
unsigned mn_our_locators(const struct mn *mn, unsigned i, const struct lisp_ip *probed,
			 struct lisp_locator *out, unsigned cap);

#endif
