/* The mobile node's state, shared by its protocol files (mn.c, mn_rx.c,
 * mn_miss.c, mn_json.c, register.c, resolve.c, mapcache.c, etr.c). */
#ifndef MN_PRIV_H
#define MN_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cp_io.h"
#include "core/evloop.h"
#include "lisp_msg.h"
#include "mn/counters.h"
#include "mn/etr.h"
#include "mn/mapcache.h"
#include "mn/mn.h"
#include "mn/mn_conf.h"
#include "mn/register.h"
#include "mn/resolve.h"

/* Largest control message we build: within the IPv6 minimum MTU less
 * IPv6 + UDP, so nothing we send needs fragmenting (IPv4 paths fragment). */
#define MN_TX_MAX 1232

struct mn {
	struct ev_loop *loop;
	struct cp_io *io;
	struct mn_timing t;
	struct mn_conf conf;

	unsigned n_rlocs;
	struct lisp_ip rlocs[2];

	int mcache_fd;
	uint64_t (*next_nonce)(void *ctx);
	void *nonce_ctx;
	uint8_t xtr_id[16];
	uint64_t site_id;

	struct mn_counters ctr;
	unsigned n_reg;
	struct mn_reg *reg;
	struct mn_resolver res;
	struct mn_mcache mc;
	struct mn_etr etr;

	/* Decode scratch: the decoded forms are tens of kilobytes. */
	struct lisp_msg rx;
	struct lisp_map_request rx_inner;
	/* Encode scratch, distinct from the decode scratch: an SMR being handled
	 * sends a Map-Request. */
	struct lisp_map_register tx_reg;
	struct lisp_map_request tx_req;
	struct lisp_map_reply tx_rep;
	uint8_t tx[MN_TX_MAX];
	uint8_t tx2[MN_TX_MAX];
};

uint64_t mn_now(struct mn *mn);
/* Our current RLOC of a family, or NULL. */
const struct lisp_ip *mn_rloc_of(const struct mn *mn, uint16_t afi);
/* Our EID address of a family (first database-mapping of it), or NULL. */
const struct lisp_ip *mn_eid_of(const struct mn *mn, uint16_t afi);
/* Index of the database-mapping covering p, or -1. */
int mn_map_covering(const struct mn *mn, const struct lisp_prefix *p);
uint32_t mn_prefix_iid(const struct lisp_prefix *p);
/* p = ip/full length in iid (has_iid only when iid != 0). */
void mn_prefix_host(struct lisp_prefix *p, uint32_t iid, const struct lisp_ip *ip);
/* Same prefix with the iid representation made canonical (mask len 32). */
void mn_prefix_canon(struct lisp_prefix *p);
/* The locator set we advertise for database-mapping i: our current RLOCs of
 * the families it uses. probed (may be NULL) gets p=1. Returns the count. */
unsigned mn_our_locators(const struct mn *mn, unsigned i, const struct lisp_ip *probed,
			 struct lisp_locator *out, unsigned cap);

#endif
