/* PxTR host setup: a record written before the attach: the pin directory
 * and clsact qdiscs that do not exist yet (core/attach_log.h), then
 * "attach PIN_DIR". Restoring undoes the lines last to first: detaches that
 * pin directory (or unpins what an attach cut short pinned), then removes
 * what of the rest exists, and drops the record. */
#include "pxtr/pxtr_host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "core/attach_log.h"
#include "dp_attach.h"
#include "dp_maps.h"

#define RECORD_FILE "pxtr.state"
#define RECORD_LINES (ATTACH_LOG_MAX + 1)
#define RECORD_LINE_MAX 4200

static void record_path(char *buf, size_t len, const char *dir)
{
	snprintf(buf, len, "%s/%s", dir, RECORD_FILE);
}

/* All lines in one write, then fsync: a crash leaves them all or a torn
 * last line, which restore ignores. */
static int write_record(const char *path, const char *pin_dir, const struct dp_pxtr_opts *o,
			char *errbuf, size_t errlen)
{
	char pre[ATTACH_LOG_MAX][320], text[RECORD_LINES * 330 + RECORD_LINE_MAX];
	const char *devs[2] = { o->rloc_dev, o->native_dev };
	unsigned n_pre;
	size_t len = 0;
	int fd, n;

	n_pre = attach_log_lines(pin_dir, NULL, devs, 2, pre);
	for (unsigned i = 0; i < n_pre; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", pre[i]);
	n = snprintf(text + len, sizeof(text) - len, "attach %s\n", pin_dir);
	if (n <= 0 || (size_t)n >= sizeof(text) - len) {
		snprintf(errbuf, errlen, "%s: pin directory name too long", path);
		return -1;
	}
	len += (size_t)n;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(errbuf, errlen, "%s exists: stale PxTR state, clean it first", path);
		else
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd)) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

static bool attached_at(const char *pin_dir)
{
	char path[4096];

	dp_pin_path(path, sizeof(path), pin_dir, DP_PXTR_STATE_MAP);
	return access(path, F_OK) == 0;
}

int pxtr_host_setup(const struct lispd_config *cfg, const char *pin_dir, const char *state_dir,
		    struct dp_handle *dp, char *errbuf, size_t errlen)
{
	const struct lispd_cfg_pxtr *c = &cfg->pxtr;
	struct dp_pxtr_opts o;
	struct dp_err err;
	char path[4096];

	if (attached_at(pin_dir)) {
		snprintf(errbuf, errlen, "a PxTR data plane is already attached at %s (another "
			 "lispd, or lispd-bpf pxtr attach?); detach it first", pin_dir);
		return -1;
	}
	if (mkdir(state_dir, 0700) && errno != EEXIST) {
		snprintf(errbuf, errlen, "%s: %s", state_dir, strerror(errno));
		return -1;
	}
	memset(&o, 0, sizeof(o));
	o.pin_dir = pin_dir;
	o.rloc_dev = c->rloc_iface;
	o.native_dev = c->native_iface;
	o.n_rlocs = c->n_rlocs;
	memcpy(o.rlocs, c->rlocs, sizeof(o.rlocs));
	o.iid = c->iid;
	o.n_eid_space = c->n_eid_space;
	o.eid_space = c->eid_space;
	record_path(path, sizeof(path), state_dir);
	if (write_record(path, pin_dir, &o, errbuf, errlen))
		return -1;
	if (dp_pxtr_attach(&o, &err)) {
		/* A first attach that fails leaves nothing behind. */
		snprintf(errbuf, errlen, "attaching the PxTR data plane: %s", err.msg);
		unlink(path);
		return -1;
	}
	if (dp_open(dp, pin_dir, &err)) {
		char ignored[256];

		snprintf(errbuf, errlen, "%s", err.msg);
		pxtr_host_restore(state_dir, ignored, sizeof(ignored));
		return -1;
	}
	return 0;
}

/* Undoes one record line; false (errbuf filled) when a detach failed. */
static bool undo_line(char *line, char *errbuf, size_t errlen)
{
	struct dp_err err;
	char *arg = strchr(line, ' ');

	if (!arg)
		return true;
	*arg++ = '\0';
	if (strcmp(line, "attach")) {
		attach_log_undo(line, arg);   /* unknown keywords: not ours, left */
		return true;
	}
	if (dp_pxtr_detach(arg, &err) == 0)
		return true;
	if (err.errnum == ENOENT) {   /* attach cut short: no state record */
		dp_pxtr_unpin_partial(arg);
		return true;
	}
	snprintf(errbuf, errlen, "detaching the PxTR data plane at %s: %s", arg, err.msg);
	return false;
}

int pxtr_host_restore(const char *state_dir, char *errbuf, size_t errlen)
{
	char path[4096], lines[RECORD_LINES][RECORD_LINE_MAX];
	unsigned n = 0;
	int rc = 0;
	FILE *fp;

	record_path(path, sizeof(path), state_dir);
	fp = fopen(path, "re");
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A line torn by a crash (no newline) was written before the attach
	 * started, like every line after it would have been. */
	while (n < RECORD_LINES && fgets(lines[n], sizeof(lines[n]), fp) && strchr(lines[n], '\n')) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		n++;
	}
	fclose(fp);
	while (n--)
		if (!undo_line(lines[n], errbuf, errlen))
			rc = -1;
	/* Every step was tried; another attempt would meet the same errors. */
	unlink(path);
	return rc;
}

int pxtr_host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen)
{
	char path[4096];

	record_path(path, sizeof(path), state_dir);
	if (access(path, F_OK))
		return 0;
	return pxtr_host_restore(state_dir, errbuf, errlen) ? -1 : 1;
}

static bool sysctl_on(const char *path)
{
	char c = '0';
	FILE *fp = fopen(path, "re");

	if (!fp)
		return false;
	if (fread(&c, 1, 1, fp) != 1)
		c = '0';
	fclose(fp);
	return c != '0';
}

int pxtr_host_forwarding_ok(const struct lispd_config *cfg, char *what, size_t len)
{
	static const char *const paths[3] = {
		NULL, "/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding",
	};
	bool want[3] = { false, false, false };

	for (unsigned i = 0; i < cfg->pxtr.n_eid_space; i++)
		want[cfg->pxtr.eid_space[i].addr.ip.afi == LISP_AFI_IPV6 ? 2 : 1] = true;
	for (unsigned f = 1; f <= 2; f++) {
		if (want[f] && !sysctl_on(paths[f])) {
			snprintf(what, len, "%s", paths[f]);
			return 0;
		}
	}
	return 1;
}
