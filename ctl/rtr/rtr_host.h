/* The RTR's host setup: its RLOCs read from the rtr-ifaces (core/nl: each
 * interface's address of its family, at start), and the RTR data plane put
 * on their interfaces through lib/dp_attach, under its journal
 * (core/dp_journal.h, STATE_DIR/rtr.state), so that a clean exit and the
 * next start after a crash both take off exactly what this daemon put on. */
#ifndef RTR_RTR_HOST_H
#define RTR_RTR_HOST_H

#include <stddef.h>

#include "config.h"
#include "rtr/rtr.h"

struct dp_handle;

/* The RLOC of each rtr-iface of c, in its order, into out (RTR_MAX_RLOCS).
 * Refuses an interface without a usable address of its family, an address
 * given twice and more interfaces than an attach journals. 0, or -1 with
 * errbuf filled. */
int rtr_host_rlocs(const struct lispd_cfg_rtr *c, struct rtr_rloc *out, unsigned *n,
		   char *errbuf, size_t errlen);

/* Attaches the RTR data plane on the RLOCs' interfaces under pin_dir and
 * opens dp over its maps (the caller closes it). Refuses a data plane
 * already attached there that we have no record of (another lispd, or
 * lispd-bpf). 0, or -1 with errbuf filled and nothing left. */
int rtr_host_setup(unsigned n, const struct rtr_rloc *rlocs, const char *pin_dir,
		   const char *state_dir, struct dp_handle *dp, char *errbuf, size_t errlen);

/* Takes off what the journal says was put on, then removes the journal;
 * logs how that went. */
void rtr_host_stop(const char *state_dir);

/* At start: replays a journal left by a crash. 1 when it was, 0 when there
 * was none, -1. */
int rtr_host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen);

#endif
