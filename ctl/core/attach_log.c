#include "core/attach_log.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dp_link.h"
#include "dp_tc.h"

unsigned attach_log_lines(const char *pin_dir, const char *lmn, const char *const *devs,
			  unsigned n_devs, char lines[ATTACH_LOG_MAX][320])
{
	struct dp_link_info li;
	unsigned n = 0, ifx;

	if (access(pin_dir, F_OK) != 0 && errno == ENOENT)
		snprintf(lines[n++], 320, "pindir %s", pin_dir);
	if (lmn && dp_link_get(lmn, &li) == -ENODEV)
		snprintf(lines[n++], 320, "newlink %s", lmn);
	for (unsigned i = 0; i < n_devs && i < ATTACH_LOG_DEVS; i++) {
		bool seen = false;

		/* One line per interface, even when two hooks share one. */
		for (unsigned j = 0; j < i; j++)
			seen |= !strcmp(devs[i], devs[j]);
		if (seen)
			continue;
		ifx = if_nametoindex(devs[i]);
		if (ifx && dp_link_has_clsact((int)ifx) == 0)
			snprintf(lines[n++], 320, "clsact %s", devs[i]);
	}
	return n;
}

bool attach_log_undo(const char *kw, const char *arg)
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
