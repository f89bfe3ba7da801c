/* Crash safety of the data plane attach (ctl/mn/host.c).
 *
 * dp_attach records what it created (pin directory, lmn, clsact qdisc) in a
 * state record it writes last, inside the pin directory. Killed before that
 * (the programs take most of the attach to load), it leaves pins, the pin
 * directory, and maybe lmn and a qdisc that the next start would then take
 * for the host's own and keep for good. So before attaching, the state file
 * also logs which of them do not exist yet; undoing those lines removes
 * whatever of them exists then, once the attach line was undone. */
#ifndef LISPD_MN_ATTACH_LOG_H
#define LISPD_MN_ATTACH_LOG_H

#include <stdbool.h>
#include <stddef.h>

#define ATTACH_LOG_MAX 3

/* The log lines ("pindir DIR", "newlink NAME", "clsact DEV") for what is
 * missing now; returns how many. */
unsigned attach_log_lines(const char *pin_dir, const char *lmn, const char *phys,
			  char lines[ATTACH_LOG_MAX][320]);

/* Undoes one such line (keyword and its argument); false if the keyword is
 * not one of them. Best effort: gone already is done. */
bool attach_log_undo(const char *kw, const char *arg);

/* Undoes an "attach" line whose dp_detach found no state record. */
void attach_log_undo_partial(const char *pin_dir);

#endif
