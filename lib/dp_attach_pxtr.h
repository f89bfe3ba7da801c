/* Putting the PxTR data plane (bpf/lispd_pxtr.bpf.c) on a host and taking it
 * off again: load the object with its maps pinned by name under a pin
 * directory of its own, fill the runtime config and the EID-space trie,
 * attach lispd_petr_decap at TC ingress of the RLOC interface and
 * lispd_pitr_encap at TC ingress of the non-LISP interface; and the exact
 * reverse. What attach created (qdiscs, pin directory) is recorded in a
 * pinned map, so detach removes that and nothing else. The mobile node's
 * dp_attach is untouched; the two never share a pin directory.
 *
 * The host must forward (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding):
 * decapsulated PETR traffic is routed by the stack. Not set here: it is the
 * router's policy, and a test or the daemon sets it deliberately.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_ATTACH_PXTR_H
#define DP_ATTACH_PXTR_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"

#define DP_PXTR_PIN_DIR_DEFAULT "/sys/fs/bpf/lispd-pxtr"
#define DP_PXTR_STATE_MAP "lispd_pxtr_att"

struct dp_pxtr_opts {
	const char *pin_dir;        /* NULL: DP_PXTR_PIN_DIR_DEFAULT */
	const char *rloc_dev;       /* required: PETR decap in, encapsulated packets out */
	const char *native_dev;     /* required: PITR encap in */
	unsigned n_rlocs;           /* 1 or 2, one per family */
	struct lisp_ip rlocs[2];
	uint32_t iid;               /* 0 = instance-ids off */
	unsigned n_eid_space;       /* at least one */
	const struct lisp_prefix *eid_space;
	bool force;                 /* replace another program at our handle/prio */
};

/* Idempotent: attaching again reloads the programs against the same pinned
 * maps (map-cache kept) and replaces our filters in place. 0 or -1. */
int dp_pxtr_attach(const struct dp_pxtr_opts *o, struct dp_err *err);

/* Removes our filters, qdiscs attach created, the pins and the pin
 * directory if attach made it. -1 with ENOENT when nothing is attached. */
int dp_pxtr_detach(const char *pin_dir, struct dp_err *err);

/* What a dp_pxtr_attach cut short before it wrote its state record (a
 * SIGKILL while the programs load) leaves in pin_dir: the maps it pinned.
 * Unpins them; the directory and qdiscs are the caller's to judge. */
void dp_pxtr_unpin_partial(const char *pin_dir);

/* Replaces the content of the EID-space trie (fd of LISPD_MAP_EID_SPACE)
 * with these prefixes in instance iid (their own iid is ignored). Adds
 * first, then removes what is gone, so a prefix kept across the change is
 * never missing. 0 or -1. */
int dp_pxtr_set_eid_space(int fd, uint32_t iid, unsigned n, const struct lisp_prefix *p,
			  struct dp_err *err);

#endif
