/* Crash safety of a data plane attach (the MN's ctl/mn/host.c, the PxTR's
 * ctl/pxtr/pxtr_host.c).
 *
 * An attach records what it created (pin directory, lmn, clsact qdiscs) in a
 * state record it writes last, inside the pin directory. Killed before that
 * (the programs take most of the attach to load), it leaves pins, the pin
 * directory, and maybe lmn and qdiscs that the next start would then take
 * for the host's own and keep for good. So before attaching, the role's
 * state file also logs which of them do not exist yet; undoing those lines
 * removes whatever of them exists then, once the attach line was undone
 * (the role unpins what its attach pinned). */
#ifndef LISPD_CORE_ATTACH_LOG_H
#define LISPD_CORE_ATTACH_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "dp_attach.h"

#define ATTACH_LOG_DEVS (1 + DP_MAX_DECAP_DEVS)   /* the MN's most: phys + decap */
#define ATTACH_LOG_MAX (2 + ATTACH_LOG_DEVS)

/* The log lines ("pindir DIR", "newlink NAME", "clsact DEV") for what is
 * missing now: lmn (NULL: the role makes none), a clsact qdisc on each of
 * the n_devs (at most ATTACH_LOG_DEVS) interfaces the attach puts programs
 * on. Returns how many. */
unsigned attach_log_lines(const char *pin_dir, const char *lmn, const char *const *devs,
			  unsigned n_devs, char lines[ATTACH_LOG_MAX][320]);

/* Undoes one such line (keyword and its argument); false if the keyword is
 * not one of them. Best effort: gone already is done. */
bool attach_log_undo(const char *kw, const char *arg);

#endif
