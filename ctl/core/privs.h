/* Privileges of the running daemon. lispd starts as root (or with the
 * capabilities its role's host setup needs); once the role is set up it
 * keeps only the capabilities the rest of its life needs -- answering,
 * moving, reloading on SIGHUP, restoring the host on SIGTERM -- and drops
 * every other one from its effective, permitted, inheritable, ambient and
 * bounding sets, with no_new_privs set so that no execve can give any back.
 * The table of what each role keeps, and why, is in privs.c. */
#ifndef CORE_PRIVS_H
#define CORE_PRIVS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* The capabilities (bit n = capability n) the role keeps after set-up. */
uint64_t privs_kept(enum lispd_cfg_mode mode);

/* Drops to privs_kept(mode). Without CAP_SETPCAP the bounding set cannot
 * shrink: that is said once as a warning (no_new_privs still keeps execve
 * from gaining anything). 0, or -1 with errbuf filled (a capability could
 * not be dropped: the caller must not go on running). */
int privs_drop(enum lispd_cfg_mode mode, char *errbuf, size_t errlen);

/* "cap_net_admin,cap_bpf" (or "none"): capability names as capsh and
 * systemd spell them, for logs. */
const char *privs_names(uint64_t caps, char *buf, size_t len);

#endif
