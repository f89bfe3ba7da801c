/* PxTR host setup: the PxTR data plane attached under its journal
 * (core/dp_journal.h), STATE_DIR/pxtr.state. */
#include "pxtr/pxtr_host.h"

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "core/dp_journal.h"
#include "dp_attach.h"

/* The journal's file in the state directory (the name every lispd used). */
static const struct dp_journal journal = {
	.file = "pxtr.state",
	.what = "PxTR",
	.state_map = DP_PXTR_STATE_MAP,
	.attached_by = "another lispd, or lispd-bpf pxtr attach?",
	.detach = dp_pxtr_detach,
	.unpin_partial = dp_pxtr_unpin_partial,
};

static int attach(const void *opts, struct dp_err *err)
{
	return dp_pxtr_attach(opts, err);
}

int pxtr_host_setup(const struct lispd_config *cfg, const char *pin_dir, const char *state_dir,
		    struct dp_handle *dp, char *errbuf, size_t errlen)
{
	const struct lispd_cfg_pxtr *c = &cfg->pxtr;
	const char *devs[2] = { c->rloc_iface, c->native_iface };
	struct dp_pxtr_opts o;

	memset(&o, 0, sizeof(o));
	o.pin_dir = pin_dir;
	o.rloc_dev = c->rloc_iface;
	o.native_dev = c->native_iface;
	o.n_rlocs = c->n_rlocs;
	memcpy(o.rlocs, c->rlocs, sizeof(o.rlocs));
	o.iid = c->iid;
	o.n_eid_space = c->n_eid_space;
	o.eid_space = c->eid_space;
	return dp_journal_setup(&journal, state_dir, pin_dir, devs, 2, attach, &o, dp, errbuf,
				errlen);
}

void pxtr_host_stop(const char *state_dir)
{
	dp_journal_stop(&journal, state_dir);
}

int pxtr_host_cleanup_stale(const char *state_dir, char *errbuf, size_t errlen)
{
	return dp_journal_cleanup_stale(&journal, state_dir, errbuf, errlen);
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
