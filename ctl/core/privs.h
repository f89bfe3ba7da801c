/* Privileges of the running daemon. lispd starts as root (or with the
 * capabilities its role's host setup needs); once the role is set up it
 * keeps only the capabilities the rest of its life needs -- answering,
 * moving, reloading on SIGHUP, restoring the host on SIGTERM -- and drops
 * every other one from its effective, permitted, inheritable, ambient and
 * bounding sets, with no_new_privs set so that no execve can give any back.
 * What each role keeps, and why, is in its role table entry (core/role.h). */
#ifndef CORE_PRIVS_H
#define CORE_PRIVS_H

#include <linux/capability.h>
#include <stddef.h>
#include <stdint.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* A set of capabilities: bit n is capability n. */
#define PRIVS_CAP(n) (UINT64_C(1) << (n))

/* Drops every capability but those in keep. Without CAP_SETPCAP the
 * bounding set cannot shrink: that is said once as a warning (no_new_privs still keeps execve
 * from gaining anything). 0, or -1 with errbuf filled (a capability could
 * not be dropped: the caller must not go on running). */
int privs_drop(uint64_t keep, char *errbuf, size_t errlen);

/* "cap_net_admin,cap_bpf" (or "none"): capability names as capsh and
 * systemd spell them, for logs. */
const char *privs_names(uint64_t caps, char *buf, size_t len);

#endif
