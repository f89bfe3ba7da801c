/* A role's data plane attached under its journal (core/journal.h), for
 * the roles whose only host change is the attach (the PxTR, the RTR): the
 * journal gets the entries of what the attach is about to create and
 * "attach PIN_DIR" before it; replaying it detaches that pin directory, or
 * unpins what an attach cut short pinned, then removes what of the rest
 * exists. The role names its journal, its attach record and its detach. */
#ifndef CORE_DP_JOURNAL_H
#define CORE_DP_JOURNAL_H

#include <stddef.h>

#include "dp_err.h"

struct dp_handle;

struct dp_journal {
	const char *file;        /* in the state directory: "pxtr.state", "rtr.state" */
	const char *what;        /* "PxTR", "RTR": in messages */
	const char *state_map;   /* the attach's record in the pin directory */
	const char *attached_by; /* who else attaches there, for the refusal */
	int (*detach)(const char *pin_dir, struct dp_err *err);
	void (*unpin_partial)(const char *pin_dir);
};

/* The role's attach of opts (its dp_*_attach). */
typedef int (*dp_journal_attach_fn)(const void *opts, struct dp_err *err);

/* Refuses a data plane already attached at pin_dir that we have no record
 * of; makes the state directory, writes the journal whole, attaches
 * (devs[0..n_devs), at most JOURNAL_ATTACH_DEVS: the interfaces it puts
 * programs on) and opens dp over the maps (the caller closes it). 0, or
 * -1 with errbuf filled and nothing left. */
int dp_journal_setup(const struct dp_journal *dj, const char *state_dir, const char *pin_dir,
		     const char *const *devs, unsigned n_devs, dp_journal_attach_fn attach,
		     const void *opts, struct dp_handle *dp, char *errbuf, size_t errlen);

/* Takes off what the journal says was put on, then removes the journal. 0
 * also when there is none; -1 with errbuf filled. */
int dp_journal_restore(const struct dp_journal *dj, const char *state_dir, char *errbuf,
		       size_t errlen);

/* At stop: dp_journal_restore, its outcome logged. */
void dp_journal_stop(const struct dp_journal *dj, const char *state_dir);

/* At start: replays a journal left by a crash. 1 when it was, 0 when there
 * was none, -1. */
int dp_journal_cleanup_stale(const struct dp_journal *dj, const char *state_dir, char *errbuf,
			     size_t errlen);

#endif
