/* The mobile node's host setup: lmn0 (through lib/dp_attach), the EIDs on
 * it, its MTU, and the routes and rules of the LISPmob README:
 *
 *   default dev lmn0 metric 0                (EID traffic into the data plane)
 *   default via GW dev PHYS metric 100       (the physical default, demoted)
 *   from RLOC lookup TABLE                   (our own outer traffic ...)
 *   default via GW dev PHYS table TABLE      (... leaves by the physical link)
 *
 * Every change is appended to the MN's journal (core/journal.h,
 * state_dir/host.state) before it is made, so host_restore() undoes exactly
 * that, in this process or in the next one after a crash
 * (host_cleanup_stale()). host.c sets the host up, host_journal.c writes
 * and undoes the journal's entries, host_update.c follows the RLOC
 * interfaces.
 *
 * Host setup works from a host_plan, not the configuration: rlocs.c turns
 * the configuration into one, so this module stays about the host. */
#ifndef MN_HOST_H
#define MN_HOST_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"
#include "mn/locset.h"

struct dp_handle;   /* lib/dp_maps.h */

#define MN_HOST_MAX_EIDS 16
#define MN_HOST_MAX_PETRS 8
#define MN_HOST_TABLE_DEFAULT 4342u   /* routing table of `from RLOC lookup` */
#define MN_HOST_RULE_PRIO 4342u
#define MN_HOST_PHYS_METRIC 100u

/* What the daemon wants on the host (built from the configuration and the
 * discovered RLOCs). With several RLOC interfaces, phys_name is the one
 * sending now (best priority), rlocs the sending RLOCs, and ifaces every
 * configured RLOC interface with its usable addresses now. */
struct host_plan_iface {
	struct mn_iface_conf conf;
	unsigned n_rlocs;                 /* usable now, at most one per family */
	struct lisp_ip rlocs[2];
};

struct host_plan {
	char pin_dir[108];
	char phys_name[IF_NAMESIZE];
	unsigned n_ifaces;                /* configuration order; table = table + index */
	struct host_plan_iface ifaces[MN_MAX_IFACES];
	char lmn_name[IF_NAMESIZE];       /* "" = DP_LMN_DEFAULT */
	unsigned n_eids;
	struct lisp_ip eids[MN_HOST_MAX_EIDS];
	unsigned n_rlocs;                 /* at most one per family */
	struct lisp_ip rlocs[2];
	bool use_iid;
	uint32_t iid;
	bool decap_src_check;             /* decap-source-check */
	unsigned n_petrs;
	struct lisp_ip petrs[MN_HOST_MAX_PETRS];
	uint32_t table;                   /* 0 = MN_HOST_TABLE_DEFAULT */
};

/* One RLOC interface on the host: its routing table (`from RLOC lookup
 * table`, default via its gateway) and what is installed for it now. */
struct mn_host_iface {
	struct mn_iface_conf conf;
	int ifindex;                      /* 0: absent at start, not used */
	unsigned mtu;                     /* its link MTU as last seen (0: unknown) */
	uint32_t table;
	uint32_t phys_metric;             /* its demoted main-table defaults */
	unsigned n_rlocs;                 /* the RLOCs with a rule now */
	struct lisp_ip rlocs[2];
	bool has_gw[3];                   /* by AFI: the default route of table */
	struct lisp_ip gw[3];
};

/* What the protocol modules learn about the host once it is set up. Owned
 * by the daemon; valid until mn_free(). phys_* name the interface sending
 * at start; n_rlocs/rlocs are the sending RLOCs now; locs the whole
 * advertised locator set. */
struct mn_host {
	char pin_dir[108];                /* where the data plane is pinned */
	const struct dp_handle *dp;       /* its maps, opened by host_setup */
	char lmn_name[IF_NAMESIZE];
	char phys_name[IF_NAMESIZE];
	int lmn_ifindex;
	int phys_ifindex;
	unsigned phys_mtu;
	unsigned lmn_mtu;                 /* follows the interfaces in use (host_update_iface) */
	bool lmn_mtu_journaled;           /* attach's MTU is in the journal */
	unsigned n_rlocs;                 /* our sending RLOCs, at most one per family */
	struct lisp_ip rlocs[2];
	uint32_t table;                   /* of the first interface */
	unsigned n_ifaces;
	struct mn_host_iface ifs[MN_MAX_IFACES];
	unsigned n_locs;
	struct mn_locator locs[MN_MAX_LOCS];
	/* The decap program, kept only while a configured RLOC interface is
	 * absent (host_add_iface puts it there when it appears); else -1. */
	int decap_fd;
};

/* Applies plan and opens dp over the attached data plane's maps (the
 * caller closes it). On failure everything done so far is undone and errbuf
 * says what failed. */
int host_setup(const struct host_plan *plan, const char *state_dir, struct dp_handle *dp,
	       struct mn_host *out, char *errbuf, size_t errlen);

/* Undoes host_setup by replaying its journal; 0, or -1 when some step
 * failed (all steps are attempted; errbuf names the first failure). */
int host_restore(const char *state_dir, char *errbuf, size_t errlen);

/* Interface idx of host moved: its usable RLOCs are now rlocs (at most
 * one per family, may be none), its gateways gw (by AFI, where has_gw) and
 * its link MTU mtu (0: unchanged). Its table's default routes and `from
 * RLOC` rules follow (each change journaled first so host_restore()
 * still undoes exactly what is on the host); a new
 * main-table default via it is demoted; lmn's MTU becomes the smallest the
 * interfaces with RLOCs leave (mn_locset_lmn_mtu). The data plane is
 * host_apply_locators()'s. 0, or -1 with errbuf filled. */
int host_update_iface(const char *state_dir, struct mn_host *host, unsigned idx, unsigned n,
		      const struct lisp_ip *rlocs, const bool has_gw[3],
		      const struct lisp_ip gw[3], unsigned mtu, char *errbuf, size_t errlen);

/* Interface idx of host, absent at setup, exists now: decap goes onto it
 * (recorded in the attach state, so restore removes it) and it gets its
 * ifindex and MTU; its table and rules follow its first host_update_iface.
 * 0, or -1 with errbuf filled. */
int host_add_iface(struct mn_host *host, unsigned idx, char *errbuf, size_t errlen);

/* The locator set is now locs (mn_locset_build): the data plane accepts
 * every one of them and sends from the best of each family, switched by
 * one config map update (make-before-break, lib/dp_config). host->rlocs,
 * locs are updated. 0, or -1 with errbuf filled. */
int host_apply_locators(struct mn_host *host, unsigned n, const struct mn_locator *locs,
			char *errbuf, size_t errlen);

/* At start: if the journal of an earlier run exists (a crash), replays
 * it. Returns 1 when it was, 0 when there was none, -1. */
int host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen);

#endif
