#include "core/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp_link.h"
#include "dp_tc.h"

#define ENTRY_MAX 4200   /* "attach" and a pin directory of up to PATH_MAX */

void journal_init(struct journal *j, const char *state_dir, const char *name)
{
	snprintf(j->path, sizeof(j->path), "%s/%s", state_dir, name);
	j->fd = -1;
}

static int open_with(struct journal *j, int flags, char *errbuf, size_t errlen)
{
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC | flags, 0600);
	if (j->fd < 0) {
		int e = errno;

		snprintf(errbuf, errlen, "%s: %s", j->path, strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int journal_create(struct journal *j, char *errbuf, size_t errlen)
{
	return open_with(j, O_CREAT | O_EXCL, errbuf, errlen);
}

int journal_open(struct journal *j, char *errbuf, size_t errlen)
{
	return open_with(j, 0, errbuf, errlen);
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

int journal_append(struct journal *j, const char *fmt, ...)
{
	char line[ENTRY_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(line) - 1) {
		errno = EOVERFLOW;
		return -1;
	}
	line[n++] = '\n';
	if (write(j->fd, line, (size_t)n) != n || fdatasync(j->fd))
		return -1;
	return 0;
}

bool journal_exists(const struct journal *j)
{
	return access(j->path, F_OK) == 0;
}

/* The copy journal_drop writes before its rename: a kill between the two
 * leaves it, and the journal it was cut from is still whole. */
static void drop_copy_path(const struct journal *j, char *buf, size_t len)
{
	snprintf(buf, len, "%s.new", j->path);
}

void journal_remove(struct journal *j)
{
	char tmp[sizeof(j->path) + 8];

	journal_close(j);
	unlink(j->path);
	drop_copy_path(j, tmp, sizeof(tmp));
	unlink(tmp);
}

int journal_drop(const struct journal *j, journal_match match, const void *ctx)
{
	char tmp[sizeof(j->path) + 8], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool dropped = false;
	FILE *in, *out;
	int rc = 0;

	drop_copy_path(j, tmp, sizeof(tmp));
	in = fopen(j->path, "re");
	if (!in)
		return -1;
	out = fopen(tmp, "we");
	if (!out) {
		fclose(in);
		return -1;
	}
	while ((n = getline(&line, &cap, in)) > 0) {
		bool whole = line[n - 1] == '\n';

		if (whole)
			line[n - 1] = '\0';
		if (!dropped && whole && match(line, ctx)) {
			dropped = true;
			continue;
		}
		if (whole)
			line[n - 1] = '\n';
		if (fwrite(line, 1, (size_t)n, out) != (size_t)n)
			rc = -1;
	}
	free(line);
	fclose(in);
	if (fflush(out) || fdatasync(fileno(out)))
		rc = -1;
	if (fclose(out))
		rc = -1;
	if (rc == 0 && rename(tmp, j->path))
		rc = -1;
	if (rc)
		unlink(tmp);
	return rc;
}

/* ---- replay ----------------------------------------------------------------- */

struct entries {
	char **line;
	unsigned n, cap;
};

static void entries_free(struct entries *e)
{
	for (unsigned i = 0; i < e->n; i++)
		free(e->line[i]);
	free(e->line);
}

/* The whole lines of the journal: a torn last one was never acted upon. */
static int entries_read(const char *path, struct entries *e)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp = fopen(path, "re");

	memset(e, 0, sizeof(*e));
	if (!fp)
		return -1;
	while ((n = getline(&line, &cap, fp)) > 0 && line[n - 1] == '\n') {
		if (e->n == e->cap) {
			unsigned ncap = e->cap ? 2 * e->cap : 32;
			char **more = realloc(e->line, ncap * sizeof(*more));

			if (!more)
				break;
			e->line = more;
			e->cap = ncap;
		}
		line[n - 1] = '\0';
		e->line[e->n] = strdup(line);
		if (e->line[e->n])
			e->n++;
	}
	free(line);
	fclose(fp);
	return 0;
}

/* The entries of journal_attach; false when kw is not one of them. Best
 * effort: gone already is done. */
static bool undo_attach_entry(const char *kw, const char *arg)
{
	struct dp_link_info li;
	unsigned ifx;

	if (!strcmp(kw, "pindir")) {
		/* Empty once the pins are gone; not empty: not ours to judge. */
		rmdir(arg);
	} else if (!strcmp(kw, "newlink")) {
		if (dp_link_get(arg, &li) == 0)
			dp_link_delete(li.ifindex);
	} else if (!strcmp(kw, "clsact")) {
		ifx = if_nametoindex(arg);
		if (ifx && dp_link_has_clsact((int)ifx) > 0)
			dp_tc_qdisc_destroy((int)ifx);
	} else {
		return false;
	}
	return true;
}

int journal_replay(struct journal *j, journal_undo undo, void *ctx, char *errbuf, size_t errlen)
{
	struct entries e;
	char err[512];
	bool failed = false;

	if (entries_read(j->path, &e)) {
		if (errno == ENOENT) {
			journal_remove(j);
			return 0;
		}
		snprintf(errbuf, errlen, "%s: %s", j->path, strerror(errno));
		return -1;
	}
	for (unsigned i = e.n; i-- > 0;) {
		char *kw = e.line[i], *args = strchr(kw, ' ');

		if (!args)
			continue;
		*args++ = '\0';
		if (undo_attach_entry(kw, args) || undo(ctx, kw, args, err, sizeof(err)) == 0)
			continue;
		if (!failed)
			snprintf(errbuf, errlen, "%s", err);
		failed = true;
	}
	entries_free(&e);
	journal_remove(j);
	return failed ? -1 : 0;
}

/* ---- before an attach ------------------------------------------------------------ */

int journal_attach(struct journal *j, const char *pin_dir, const char *lmn,
		   const char *const *devs, unsigned n_devs)
{
	struct dp_link_info li;
	unsigned ifx;

	if (access(pin_dir, F_OK) != 0 && errno == ENOENT && journal_append(j, "pindir %s", pin_dir))
		return -1;
	if (lmn && dp_link_get(lmn, &li) == -ENODEV && journal_append(j, "newlink %s", lmn))
		return -1;
	for (unsigned i = 0; i < n_devs && i < JOURNAL_ATTACH_DEVS; i++) {
		bool seen = false;

		/* One entry per interface, even when two hooks share one. */
		for (unsigned k = 0; k < i; k++)
			seen |= !strcmp(devs[i], devs[k]);
		if (seen)
			continue;
		ifx = if_nametoindex(devs[i]);
		if (ifx && dp_link_has_clsact((int)ifx) == 0 && journal_append(j, "clsact %s", devs[i]))
			return -1;
	}
	return journal_append(j, "attach %s", pin_dir);
}
