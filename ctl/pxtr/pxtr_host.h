/* The PxTR's host setup: the PxTR data plane put on the host through
 * lib/dp_attach, journaled (core/dp_journal.h, STATE_DIR/pxtr.state) before
 * the attach, so that a clean exit and the next start after a crash both
 * take off exactly what this daemon put on. Forwarding is the router's
 * policy: checked and reported, never changed. */
#ifndef PXTR_PXTR_HOST_H
#define PXTR_PXTR_HOST_H

#include <stddef.h>

struct dp_handle;
struct lispd_config;

/* Attaches the data plane for cfg's pxtr section under pin_dir and opens
 * dp over its maps (the caller closes it). Refuses a data plane already
 * attached there that we have no record of (another lispd, or lispd-bpf).
 * 0, or -1 with errbuf filled and nothing left. */
int pxtr_host_setup(const struct lispd_config *cfg, const char *pin_dir, const char *state_dir,
		    struct dp_handle *dp, char *errbuf, size_t errlen);

/* Takes off what the journal says was put on, then removes the journal;
 * logs how that went. */
void pxtr_host_stop(const char *state_dir);

/* At start: replays a journal left by a crash. 1 when it was, 0 when there
 * was none, -1. */
int pxtr_host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen);

/* Whether the host forwards the families of cfg's EID space (decapsulated
 * traffic and the replies to PITR traffic are routed by the stack);
 * names the first sysctl that is off in what (for a warning). */
int pxtr_host_forwarding_ok(const struct lispd_config *cfg, char *what, size_t len);

#endif
