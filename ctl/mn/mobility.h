/* The mobile node following its own moves: one netlink watcher
 * (mn/rlocwatch) per RLOC interface drives, in order, the host (that
 * interface's source rules and table default: mn/host), the locator set
 * of every interface (mn/locset) and from it the data plane (accepted
 * RLOCs, then sources, in one config update), the control sockets' default
 * sources (core/cp_sock), and the protocol (Map-Register of the new set
 * and SMRs: mn_moved). Only the daemon creates one. */
#ifndef MN_MOBILITY_H
#define MN_MOBILITY_H

struct ev_loop;
struct cp_sock;
struct mn;
struct mn_host;
struct mn_mobility;

/* host, cs and mn must outlive the returned object. NULL (logged). */
struct mn_mobility *mn_mobility_start(struct ev_loop *loop, const char *state_dir,
				      struct mn_host *host, struct cp_sock *cs, struct mn *mn);
void mn_mobility_stop(struct mn_mobility *m);

#endif
