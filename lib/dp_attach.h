/* Putting the TC data plane on a host and taking it off again: load the
 * programs with their maps pinned by name under a pin directory, fill the
 * runtime config and local EIDs, create the lmn veth if needed, attach TC
 * egress on lmn and TC ingress on the physical interface; and the exact
 * reverse. What attach created is recorded in a pinned map (bpffs holds no
 * regular files), so detach removes that and nothing else.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_ATTACH_H
#define DP_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "dp_tc.h"
#include "lisp_addr.h"
#include "lispd_maps.h"

#define DP_LMN_DEFAULT "lmn0"
#define DP_MAX_EIDS 16
#define DP_MAX_PETRS LISPD_MAX_LOCATORS
#define DP_MAX_DECAP_DEVS 7       /* RLOC interfaces besides phys_dev */

/* Name of the extra pinned map that records what attach made. */
#define DP_STATE_MAP "lispd_attach"

struct dp_attach_opts {
	const char *pin_dir;      /* NULL: LISPD_PIN_DIR_DEFAULT */
	const char *phys_dev;     /* required */
	const char *lmn_dev;      /* NULL: DP_LMN_DEFAULT; created when missing */
	unsigned n_eids;
	struct lisp_ip eids[DP_MAX_EIDS];
	unsigned n_rlocs;         /* at most one per family */
	struct lisp_ip rlocs[2];
	bool use_iid;
	uint32_t iid;             /* 24 bits */
	unsigned n_petrs;
	struct lisp_ip petrs[DP_MAX_PETRS];
	uint8_t miss_policy;      /* enum lispd_miss_policy */
	bool decap_src_check;     /* LISPD_CFG_DECAP_SRC_CHECK: outer source a locator of
				   * the inner source's map-cache entry */
	bool force;               /* replace another program at our handle/prio */
	/* Further RLOC interfaces (multihoming): TC decap at their ingress
	 * too. Which one sends is the config's (lib/dp_rlocs). */
	unsigned n_decap_devs;
	const char *decap_devs[DP_MAX_DECAP_DEVS];
	/* When set, gets a new fd of the decap program (or -1), for
	 * dp_attach_decap_dev once an RLOC interface appears: a daemon that
	 * dropped CAP_SYS_ADMIN cannot get it back by id. */
	int *decap_fd_out;
};

/* flags of struct dp_state */
#define DP_ST_CREATED_LMN 0x01
#define DP_ST_CREATED_QDISC_LMN 0x02
#define DP_ST_CREATED_QDISC_PHYS 0x04
#define DP_ST_CREATED_PIN_DIR 0x08
#define DP_ST_LMN_FLAGS_SAVED 0x10   /* lmn existed: restore flags/MTU/MAC */

/* Value of the DP_STATE_MAP entry. Plain bytes: user space only. */
struct dp_state {
	uint32_t version;
	uint32_t flags;               /* DP_ST_* */
	int32_t lmn_ifindex;
	int32_t phys_ifindex;
	char lmn_name[16];
	char phys_name[16];
	uint32_t encap_prog_id;
	uint32_t decap_prog_id;
	/* Only when lmn existed before attach: */
	uint32_t lmn_old_flags;
	uint32_t lmn_old_mtu;
	uint8_t lmn_old_mac[6];
	uint8_t pad[2];
	uint32_t n_added;             /* addresses attach put on an existing lmn */
	struct lisp_ip added[DP_MAX_EIDS];
	/* The further RLOC interfaces carrying our decap filter. */
	uint32_t n_decap;
	struct dp_state_dev {
		int32_t ifindex;
		char name[16];
		uint32_t prog_id;
		uint32_t created_qdisc;
	} decap[DP_MAX_DECAP_DEVS];
};

#define DP_STATE_VERSION 2

void dp_attach_opts_init(struct dp_attach_opts *o);

/* MTU for lmn: the physical MTU minus the overhead of the largest outer
 * header among our RLOCs (IPv6 if any RLOC is IPv6). */
unsigned dp_lmn_mtu(unsigned phys_mtu, const struct lisp_ip *rlocs, unsigned n_rlocs);

/* Idempotent: attaching again with the same or new options reloads the
 * programs against the same pinned maps (map-cache kept) and replaces our
 * filters in place. Refuses (-EBUSY) when another program holds our
 * handle/priority, unless opts->force. 0 or -1 with err filled. */
int dp_attach(const struct dp_attach_opts *opts, struct dp_err *err);

/* Puts decap (prog_fd, from decap_fd_out) at the ingress of dev, an RLOC
 * interface that appeared after attach, and records it in the attach
 * state so detach removes it. Already recorded: 0. 0 or -1 with err. */
int dp_attach_decap_dev(const char *pin_dir, int prog_fd, const char *dev, struct dp_err *err);

/* Removes our filters, the clsact qdiscs and lmn only if attach created
 * them, addresses it added, the pins and the pin directory if it made it.
 * -1 with err->errnum ENOENT when nothing is attached there. */
int dp_detach(const char *pin_dir, struct dp_err *err);

/* What a dp_attach cut short before it wrote its state record (a SIGKILL
 * while the programs load) leaves in pin_dir: the maps it pinned. Unpins
 * them; the directory, lmn and qdiscs are the caller's to judge. */
void dp_unpin_partial(const char *pin_dir);

/* Reads the state record. 0, or -1 (ENOENT: not attached). */
int dp_state_read(const char *pin_dir, struct dp_state *st, struct dp_err *err);

#endif
