#include "core/privs.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define CAP(n) PRIVS_CAP(n)

/* What a role keeps once it is set up is its table entry's caps_kept
 * (core/role.h), with its reasons beside it. Everything a role does only at
 * start (loading and attaching the BPF programs, creating lmn0, binding UDP
 * 4342, SO_BINDTODEVICE, cleaning a crashed run's state) is done before the
 * drop and needs nothing kept. lispd stays uid 0, so the files it made at
 * start (state directory, pins, control socket, pid file) remain its own
 * without CAP_DAC_OVERRIDE. Nobody keeps CAP_NET_RAW (no raw socket;
 * SO_BINDTODEVICE is set once, at start), CAP_NET_BIND_SERVICE (4342 >
 * 1023) or CAP_SYS_ADMIN. */

static const char *const cap_names[] = {
	"cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid",
	"cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable",
	"cap_net_bind_service", "cap_net_broadcast", "cap_net_admin", "cap_net_raw",
	"cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot",
	"cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
	"cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
	"cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override",
	"cap_mac_admin", "cap_syslog", "cap_wake_alarm", "cap_block_suspend", "cap_audit_read",
	"cap_perfmon", "cap_bpf", "cap_checkpoint_restore",
};

const char *privs_names(uint64_t caps, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned c = 0; c < 64 && off < len; c++) {
		if (!(caps & CAP(c)))
			continue;
		if (c < sizeof(cap_names) / sizeof(cap_names[0]))
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "",
						cap_names[c]);
		else
			off += (size_t)snprintf(buf + off, len - off, "%scap_%u", off ? "," : "", c);
	}
	if (!caps)
		snprintf(buf, len, "none");
	return buf;
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(d, 0, 2 * sizeof(*d));
	return (int)syscall(SYS_capget, &h, d);
}

static uint64_t caps_of(const struct __user_cap_data_struct d[2], size_t field)
{
	uint32_t lo, hi;

	memcpy(&lo, (const char *)&d[0] + field, sizeof(lo));
	memcpy(&hi, (const char *)&d[1] + field, sizeof(hi));
	return (uint64_t)hi << 32 | lo;
}

#define PERMITTED offsetof(struct __user_cap_data_struct, permitted)
#define EFFECTIVE offsetof(struct __user_cap_data_struct, effective)

/* Every capability the kernel knows that is not in keep leaves the
 * bounding set (dropping needs CAP_SETPCAP, so this comes before capset).
 * Returns how many could not be dropped for want of CAP_SETPCAP, or -1. */
static int drop_bounding(uint64_t keep, bool can_setpcap, char *errbuf, size_t errlen)
{
	int left = 0;

	for (unsigned c = 0; c < 64; c++) {
		int in = prctl(PR_CAPBSET_READ, c, 0, 0, 0);

		if (in < 0)
			break;   /* EINVAL: past the last capability this kernel has */
		if (!in || (keep & CAP(c)))
			continue;
		if (!can_setpcap) {
			left++;
			continue;
		}
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0)) {
			snprintf(errbuf, errlen, "dropping capability %u from the bounding set: %s",
				 c, strerror(errno));
			return -1;
		}
	}
	return left;
}

int privs_drop(uint64_t keep, char *errbuf, size_t errlen)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	uint64_t want;
	char names[512];
	int left;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(errbuf, errlen, "setting no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (caps_get(d)) {
		snprintf(errbuf, errlen, "reading capabilities: %s", strerror(errno));
		return -1;
	}
	left = drop_bounding(keep, caps_of(d, EFFECTIVE) & CAP(CAP_SETPCAP), errbuf, errlen);
	if (left < 0)
		return -1;
	/* Kernels before 4.3 have no ambient set; nothing to clear there. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) {
		snprintf(errbuf, errlen, "clearing the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	/* A capability we were never given stays absent: keep only narrows. */
	want = keep & caps_of(d, PERMITTED);
	memset(d, 0, sizeof(d));
	for (unsigned i = 0; i < 2; i++) {
		d[i].effective = d[i].permitted = (uint32_t)(want >> (32 * i));
		d[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &h, d)) {
		snprintf(errbuf, errlen, "dropping capabilities: %s", strerror(errno));
		return -1;
	}
	if (caps_get(d) || caps_of(d, PERMITTED) != want || caps_of(d, EFFECTIVE) != want) {
		snprintf(errbuf, errlen, "capabilities after the drop are not %s",
			 privs_names(want, names, sizeof(names)));
		return -1;
	}
	if (left)
		log_warn("privileges: no CAP_SETPCAP, so %d capabilities stay in the bounding "
			 "set (no_new_privs keeps execve from gaining them)", left);
	log_info("privileges: keeping %s; no_new_privs set", privs_names(want, names,
									   sizeof(names)));
	return 0;
}
