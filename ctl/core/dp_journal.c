/* A role's data plane attached under its journal (core/dp_journal.h). */
#include "core/dp_journal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal.h"
#include "dp_maps.h"
#include "log.h"

static bool attached_at(const struct dp_journal *dj, const char *pin_dir)
{
	char path[4096];

	dp_pin_path(path, sizeof(path), pin_dir, dj->state_map);
	return access(path, F_OK) == 0;
}

/* The journal, written whole before the attach. */
static int journal_before(const struct dp_journal *dj, const char *state_dir,
			  const char *pin_dir, const char *const *devs, unsigned n_devs,
			  char *errbuf, size_t errlen)
{
	struct journal j;

	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		snprintf(errbuf, errlen, "%s: %s", state_dir, strerror(errno));
		return -1;
	}
	journal_init(&j, state_dir, dj->file);
	if (journal_create(&j, errbuf, errlen)) {
		if (errno == EEXIST)
			snprintf(errbuf, errlen, "%s exists: the journal of an earlier %s run, "
				 "replay it first", j.path, dj->what);
		return -1;
	}
	if (journal_attach(&j, pin_dir, NULL, devs, n_devs)) {
		if (errno == EOVERFLOW)
			snprintf(errbuf, errlen, "%s: pin directory name too long", j.path);
		else
			snprintf(errbuf, errlen, "%s: %s", j.path, strerror(errno));
		journal_remove(&j);
		return -1;
	}
	journal_close(&j);
	return 0;
}

int dp_journal_setup(const struct dp_journal *dj, const char *state_dir, const char *pin_dir,
		     const char *const *devs, unsigned n_devs, dp_journal_attach_fn attach,
		     const void *opts, struct dp_handle *dp, char *errbuf, size_t errlen)
{
	struct journal j;
	struct dp_err err;

	if (attached_at(dj, pin_dir)) {
		snprintf(errbuf, errlen, "a %s data plane is already attached at %s (%s); detach "
			 "it first", dj->what, pin_dir, dj->attached_by);
		return -1;
	}
	if (journal_before(dj, state_dir, pin_dir, devs, n_devs, errbuf, errlen))
		return -1;
	if (attach(opts, &err)) {
		/* A first attach that fails leaves nothing behind. */
		snprintf(errbuf, errlen, "attaching the %s data plane: %s", dj->what, err.msg);
		journal_init(&j, state_dir, dj->file);
		journal_remove(&j);
		return -1;
	}
	if (dp_open(dp, pin_dir, &err)) {
		char ignored[256];

		snprintf(errbuf, errlen, "%s", err.msg);
		dp_journal_restore(dj, state_dir, ignored, sizeof(ignored));
		return -1;
	}
	return 0;
}

/* Undoes the one entry of ours: unknown keywords are left. */
static int undo_entry(void *ctx, const char *kw, char *arg, char *errbuf, size_t errlen)
{
	const struct dp_journal *dj = ctx;
	struct dp_err err;

	if (strcmp(kw, "attach") || dj->detach(arg, &err) == 0)
		return 0;
	if (err.errnum == ENOENT) {   /* attach cut short: no state record */
		dj->unpin_partial(arg);
		return 0;
	}
	snprintf(errbuf, errlen, "detaching the %s data plane at %s: %s", dj->what, arg, err.msg);
	return -1;
}

int dp_journal_restore(const struct dp_journal *dj, const char *state_dir, char *errbuf,
		       size_t errlen)
{
	struct journal j;

	journal_init(&j, state_dir, dj->file);
	return journal_replay(&j, undo_entry, (void *)dj, errbuf, errlen);
}

void dp_journal_stop(const struct dp_journal *dj, const char *state_dir)
{
	char err[512];

	if (dp_journal_restore(dj, state_dir, err, sizeof(err)))
		log_err("restoring the host: %s", err);
	else
		log_info("%s data plane detached", dj->what);
}

int dp_journal_cleanup_stale(const struct dp_journal *dj, const char *state_dir, char *errbuf,
			     size_t errlen)
{
	struct journal j;

	journal_init(&j, state_dir, dj->file);
	if (!journal_exists(&j))
		return 0;
	return dp_journal_restore(dj, state_dir, errbuf, errlen) ? -1 : 1;
}
