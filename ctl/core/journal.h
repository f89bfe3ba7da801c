/* The undo journal of a role's host changes: every change is appended to it
 * (and synced) before it is made, so that replaying the entries backwards
 * takes off exactly what is on the host: at a clean exit, at the next start
 * after a crash at any point (a journal left in the state directory is
 * replayed first), and when replayed twice (an undo treats "already gone"
 * as done).
 *
 * One file per role in the state directory (host.state for the mobile
 * node, pxtr.state for the PxTR: the names a journal left by any build of
 * lispd is found under), one entry per line, "KEYWORD ARGUMENTS". A last
 * line without its newline was torn by a crash while being written, before
 * its change was made: replay ignores it.
 *
 * The journal undoes some entries itself: those of the pin directory, lmn
 * and the clsact qdiscs that a data-plane attach is about to create
 * (journal_attach). An attach records what it created in the data plane's
 * own record, written last; killed before that (the programs take most of
 * the attach to load), it leaves them behind, and the next start would
 * take them for the host's own. The role undoes the rest, "attach PIN_DIR"
 * included (its detach, or the unpinning of an attach cut short). */
#ifndef CORE_JOURNAL_H
#define CORE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "dp_attach.h"

struct journal {
	char path[4096];
	int fd;                  /* -1: closed */
};

/* The journal state_dir/name (not opened yet). */
void journal_init(struct journal *j, const char *state_dir, const char *name);

/* Creates it for appending. -1 with errbuf filled; errno EEXIST when there
 * is one already: an earlier run's, to replay first. */
int journal_create(struct journal *j, char *errbuf, size_t errlen);

/* Opens the existing journal for appending more entries. -1 with errbuf. */
int journal_open(struct journal *j, char *errbuf, size_t errlen);

void journal_close(struct journal *j);

/* Appends one entry and syncs it. 0, or -1 with errno set. */
int journal_append(struct journal *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether there is a journal. */
bool journal_exists(const struct journal *j);

/* Removes the journal (after a setup that failed and left nothing). */
void journal_remove(struct journal *j);

/* Removes the first whole entry match accepts (written aside, synced,
 * renamed over), so that the journal of a node that keeps moving holds
 * only what is on the host now. j must be closed. 0, or -1. */
typedef bool (*journal_match)(const char *entry, const void *ctx);
int journal_drop(const struct journal *j, journal_match match, const void *ctx);

/* Undoes one entry: keyword and arguments (args may be modified). 0, or -1
 * with err filled. */
typedef int (*journal_undo)(void *ctx, const char *kw, char *args, char *err, size_t errlen);

/* Undoes every whole entry, last first: the journal's own (journal_attach),
 * the rest through undo. Every entry is tried; then the journal is removed,
 * since another attempt would meet the same errors. 0 also when there is no
 * journal; -1 with errbuf naming the first failure (or why the journal could
 * not be read). */
int journal_replay(struct journal *j, journal_undo undo, void *ctx, char *errbuf, size_t errlen);

/* Before an attach at pin_dir: one entry for each of the pin directory,
 * lmn (NULL: the role makes none) and a clsact qdisc on each of the n_devs
 * (at most JOURNAL_ATTACH_DEVS) interfaces that does not exist yet, then
 * "attach PIN_DIR". 0, or -1 with errno set. */
#define JOURNAL_ATTACH_DEVS (1 + DP_MAX_DECAP_DEVS)   /* the MN's most: phys + decap */
int journal_attach(struct journal *j, const char *pin_dir, const char *lmn,
		   const char *const *devs, unsigned n_devs);

#endif
