/* What the files of the MN's host share: host.c (setup), host_journal.c
 * (the journal's entries and their undo), host_update.c (following the
 * interfaces). */
#ifndef MN_HOST_PRIV_H
#define MN_HOST_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "core/journal.h"
#include "core/nl_route.h"
#include "mn/host.h"

/* The journal's file in the state directory (the name every lispd used). */
#define HOST_JOURNAL "host.state"

struct nl_sock;

/* Fills errbuf; returns -1. host.c */
int host_fail(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Journal entries (host_journal.c): "route" (a route we added) or "demote"
 * (a physical default moved to metric extra) with r, "rule SRC PRIO TABLE".
 * 0, or -1 with errbuf filled. */
int host_journal_route(struct journal *j, const char *kw, const struct nl_droute *r,
		       uint32_t extra, char *errbuf, size_t errlen);
int host_journal_rule(struct journal *j, const struct lisp_ip *src, uint32_t table,
		      char *errbuf, size_t errlen);
/* The text of a rule entry, as host_journal_rule writes it. */
void host_rule_entry(char *buf, size_t len, const struct lisp_ip *src, uint32_t table);
/* The arguments of a "route" or "demote" entry into r and extra. 0 or -1. */
int host_parse_route(const char *args, struct nl_droute *r, uint32_t *extra);

/* Physical defaults of afi via phys below MN_HOST_PHYS_METRIC move to
 * metric (one per RLOC interface, MN_HOST_PHYS_METRIC + its index, so that
 * two interfaces' defaults never collide at one metric). host.c */
int host_demote_defaults(struct nl_sock *sk, struct journal *j, uint16_t afi, int phys,
			 uint32_t metric, char *errbuf, size_t errlen);

/* The interfaces as set up or last updated, for mn/locset. host_update.c */
void host_now(const struct mn_host *host, struct mn_iface_now now[MN_MAX_IFACES]);

/* lmn's MTU follows the interfaces in use (host_update.c). */
int host_update_lmn_mtu(struct journal *j, struct mn_host *host, char *errbuf, size_t errlen);

#endif
