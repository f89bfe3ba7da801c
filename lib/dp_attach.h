/* Putting a data plane on a host and taking it off again: load a BPF
 * object with its maps pinned by name under a pin directory, fill them,
 * put its programs on the interfaces (dp_tc), and the exact reverse. What
 * an attach created is recorded in a pinned map (bpffs holds no regular
 * files), so the matching detach, a later process, removes that and
 * nothing else.
 *
 * Three data planes, never sharing a pin directory:
 *  - the mobile node's (bpf/lispd_tc.bpf.c, dp_attach.c): creates the lmn
 *    veth if needed, TC egress on lmn, TC ingress on the RLOC interfaces;
 *  - the PxTR's (bpf/lispd_pxtr.bpf.c, dp_attach_pxtr.c): lispd_petr_decap
 *    at TC ingress of the RLOC interface, lispd_pitr_encap at TC ingress of
 *    the non-LISP interface, and the EID space. The host must forward
 *    (net.ipv4.ip_forward, net.ipv6.conf.all.forwarding): decapsulated
 *    PETR traffic is routed by the stack. Not set here: it is the router's
 *    policy, and a test or the daemon sets it deliberately.
 *  - the RTR's (bpf/lispd_rtr.bpf.c, dp_attach_rtr.c): lispd_rtr at TC
 *    ingress of every interface holding one of its RLOCs, and the NATed
 *    nodes it serves (dp_nat.h). Re-encapsulated packets leave by
 *    bpf_redirect_neigh: no forwarding sysctl needed.
 *
 * No printing: every failure fills a struct dp_err naming the cause. */
#ifndef DP_ATTACH_H
#define DP_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_config.h"
#include "dp_err.h"
#include "dp_mcache.h"
#include "dp_tc.h"
#include "lisp_addr.h"

struct bpf_object_skeleton;

/* ---- the mobile node ------------------------------------------------------- */

#define DP_LMN_DEFAULT "lmn0"
#define DP_MAX_EIDS 16
#define DP_MAX_PETRS DP_MAX_LOCATORS
#define DP_MAX_DECAP_DEVS 7       /* RLOC interfaces besides phys_dev */
/* Bytes encapsulation adds: outer IP + UDP + LISP header. */
#define DP_OVERHEAD4 36
#define DP_OVERHEAD6 56

/* Name of the extra pinned map that records what attach made. */
#define DP_STATE_MAP "lispd_attach"

struct dp_attach_opts {
	const char *pin_dir;      /* NULL: DP_PIN_DIR_DEFAULT */
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
	enum dp_miss_policy miss_policy;
	bool decap_src_check;     /* outer source a locator of the inner source's
				   * map-cache entry */
	bool force;               /* replace another program at our handle/prio */
	/* Further RLOC interfaces (multihoming): TC decap at their ingress
	 * too. Which one sends is the config's (dp_rlocs_apply). */
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

/* Value of the DP_STATE_MAP entry. Plain bytes: user space only; a detach
 * reads the records of every build with this version. */
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

/* ---- the PxTR ------------------------------------------------------------------ */

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

/* ---- the RTR --------------------------------------------------------------------- */

#define DP_RTR_STATE_MAP "lispd_rtr_att"
#define DP_RTR_MAX_RLOCS DP_MAX_LOCAL_RLOCS

/* An RLOC of the RTR and the interface holding it. */
struct dp_rtr_rloc {
	struct lisp_ip addr;
	const char *dev;
};

struct dp_rtr_opts {
	const char *pin_dir;        /* NULL: DP_RTR_PIN_DIR_DEFAULT */
	/* Every RLOC of the RTR (at least one; IPv4 for NATed nodes): data to
	 * any of them is taken in, lispd_rtr sits at the ingress of each
	 * interface named. The first of each family is the source toward
	 * mapped destinations (its interface the way out); a NATed node's
	 * packets leave from the RLOC it registered through. */
	unsigned n_rlocs;
	struct dp_rtr_rloc rlocs[DP_RTR_MAX_RLOCS];
	uint32_t iid;               /* 0 = instance-ids off */
	/* Toward a natively-forward entry, and on a miss with DP_MISS_PETR. */
	unsigned n_petrs;
	struct lisp_ip petrs[DP_MAX_PETRS];
	enum dp_miss_policy miss_policy;
	bool force;                 /* replace another program at our handle/prio */
};

/* Idempotent: attaching again (on the same interfaces) reloads the
 * program against the same pinned maps (map-cache and NATed nodes kept),
 * rewrites the config and RLOCs and replaces our filters in place. 0 or
 * -1. */
int dp_rtr_attach(const struct dp_rtr_opts *o, struct dp_err *err);

/* Removes our filters, qdiscs attach created, the pins and the pin
 * directory if attach made it. -1 with ENOENT when nothing is attached. */
int dp_rtr_detach(const char *pin_dir, struct dp_err *err);

/* What a dp_rtr_attach cut short before it wrote its state record leaves
 * in pin_dir: the maps it pinned. Unpins them; the directory and qdiscs
 * are the caller's to judge. */
void dp_rtr_unpin_partial(const char *pin_dir);

/* ---- shared by every attach ------------------------------------------------------ */

/* The attach record: a single-entry array map <pin_dir>/<name>. open
 * creates and pins one of value_size bytes when absent; read copies it
 * into value (sized as the map was created; errno of the failed open:
 * "nothing attached at <pin_dir>", or of the failed read); write replaces
 * it through fd from open. 0 (open: the fd) or -1 with err filled. */
int dp_record_open(const char *pin_dir, const char *name, uint32_t value_size,
		   struct dp_err *err);
int dp_record_read(const char *pin_dir, const char *name, void *value, struct dp_err *err);
int dp_record_write(int fd, const char *name, const void *value, struct dp_err *err);

/* Loads an opened skeleton (skel->skeleton) with its maps pinned under
 * pin_dir; what names the object in the message ("the BPF object", "the
 * PxTR BPF object"). 0, or -1 with err filled: the caller destroys it. */
int dp_skel_load(struct bpf_object_skeleton *s, const char *what, const char *pin_dir,
		 struct dp_err *err);

/* Unlinks <pin_dir>/<names[i]> for each name (missing ones are fine), then
 * the directory itself when rm_dir. Best effort: nothing to report. */
void dp_unpin_all(const char *pin_dir, const char *const *names, size_t n, bool rm_dir);

/* One interface carrying our ingress filter, as recorded (struct
 * dp_state_dev): d for dev, its ifindex resolved, nothing attached yet
 * (ENODEV: "interface not found"). */
int dp_ingress_dev(struct dp_state_dev *d, const char *dev, struct dp_err *err);

/* Puts prog_fd (kernel program name prog) at d's ingress, replacing the
 * program d->prog_id names when ours (or any, force); d->prog_id becomes
 * its id, d->created_qdisc is set when the clsact qdisc was made here. */
int dp_ingress_on(struct dp_state_dev *d, int prog_fd, const char *prog, bool force,
		  struct dp_err *err);

/* Removes our filter (program our_id or named prog) from the ingress of
 * ifindex (dev names it in errors), then the clsact qdisc when
 * destroy_qdisc. An interface gone took both along: 0. 0 or -1. */
int dp_ingress_off(int ifindex, const char *dev, uint32_t our_id, const char *prog,
		   bool destroy_qdisc, struct dp_err *err);

#endif
