/* The part of the configuration the protocol modules use, copied out of
 * struct lispd_config (lib/config.h) by mn.c: the modules see what they use
 * and a reload swaps one struct. */
#ifndef MN_CONF_H
#define MN_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "itr/itr.h"
#include "lisp_addr.h"
#include "lisp_msg.h"

#define MN_MAX_MS 16
#define MN_MAX_MR ITR_MAX_MR
#define MN_MAX_PITR 16
#define MN_MAX_MAPPINGS LISP_MAX_RECORDS  /* all go into one Map-Register */

struct mn_ms_conf {
	struct lisp_ip addr;
	uint8_t alg;         /* enum lisp_auth_alg */
	bool proxy_reply;
	uint8_t *key;        /* heap copy, wiped on free; never logged */
	size_t key_len;
};

/* One database-mapping: our EID prefix and, per family, whether and how our
 * RLOC of that family is advertised. */
struct mn_map_conf {
	struct lisp_prefix eid;   /* has_iid only when iid != 0 */
	uint32_t ttl_min;
	bool use[3];              /* indexed by AFI: 1 IPv4, 2 IPv6 */
	uint8_t priority[3];
	uint8_t weight[3];
};

struct mn_static_conf {
	struct lisp_prefix eid;
	unsigned n_loc;
	struct itr_loc loc[ITR_MAX_LOC];
};

struct mn_conf {
	unsigned n_ms;
	struct mn_ms_conf ms[MN_MAX_MS];
	unsigned n_mr;
	struct lisp_ip mr[MN_MAX_MR];
	unsigned retries;          /* map-request-retries: 0 = one try only */
	unsigned n_map;
	struct mn_map_conf map[MN_MAX_MAPPINGS];
	unsigned n_pitr;           /* proxy-itrs: told by SMR when we move */
	struct lisp_ip pitr[MN_MAX_PITR];
	unsigned n_static;
	struct mn_static_conf *statics;
	bool nat_traversal;        /* nat_traversal_support / nat_aware */
};

void mn_conf_free(struct mn_conf *c);

#endif
