/* PxTR host setup: before the attach, the PxTR's journal (core/journal.h)
 * gets the entries of what the attach is about to create and "attach
 * PIN_DIR"; replaying it detaches that pin directory (or unpins what an
 * attach cut short pinned), then removes what of the rest exists. */
#include "pxtr/pxtr_host.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "core/journal.h"
#include "dp_attach.h"
#include "dp_maps.h"

/* The journal's file in the state directory (the name every lispd used). */
#define PXTR_JOURNAL "pxtr.state"

static bool attached_at(const char *pin_dir)
{
	char path[4096];

	dp_pin_path(path, sizeof(path), pin_dir, DP_PXTR_STATE_MAP);
	return access(path, F_OK) == 0;
}

/* The journal of the attach, written whole before it. */
static int journal_before(const char *state_dir, const char *pin_dir,
			  const struct dp_pxtr_opts *o, char *errbuf, size_t errlen)
{
	const char *devs[2] = { o->rloc_dev, o->native_dev };
	struct journal j;

	journal_init(&j, state_dir, PXTR_JOURNAL);
	if (journal_create(&j, errbuf, errlen)) {
		if (errno == EEXIST)
			snprintf(errbuf, errlen, "%s exists: the journal of an earlier PxTR run, "
				 "replay it first", j.path);
		return -1;
	}
	if (journal_attach(&j, pin_dir, NULL, devs, 2)) {
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

int pxtr_host_setup(const struct lispd_config *cfg, const char *pin_dir, const char *state_dir,
		    struct dp_handle *dp, char *errbuf, size_t errlen)
{
	const struct lispd_cfg_pxtr *c = &cfg->pxtr;
	struct dp_pxtr_opts o;
	struct journal j;
	struct dp_err err;

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
	if (journal_before(state_dir, pin_dir, &o, errbuf, errlen))
		return -1;
	if (dp_pxtr_attach(&o, &err)) {
		/* A first attach that fails leaves nothing behind. */
		snprintf(errbuf, errlen, "attaching the PxTR data plane: %s", err.msg);
		journal_init(&j, state_dir, PXTR_JOURNAL);
		journal_remove(&j);
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

/* Undoes the one entry of ours: unknown keywords are left. */
static int undo_entry(void *ctx, const char *kw, char *arg, char *errbuf, size_t errlen)
{
	struct dp_err err;

	(void)ctx;
	if (strcmp(kw, "attach") || dp_pxtr_detach(arg, &err) == 0)
		return 0;
	if (err.errnum == ENOENT) {   /* attach cut short: no state record */
		dp_pxtr_unpin_partial(arg);
		return 0;
	}
	snprintf(errbuf, errlen, "detaching the PxTR data plane at %s: %s", arg, err.msg);
	return -1;
}

int pxtr_host_restore(const char *state_dir, char *errbuf, size_t errlen)
{
	struct journal j;

	journal_init(&j, state_dir, PXTR_JOURNAL);
	return journal_replay(&j, undo_entry, NULL, errbuf, errlen);
}

int pxtr_host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen)
{
	struct journal j;

	journal_init(&j, state_dir, PXTR_JOURNAL);
	if (!journal_exists(&j))
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
