#include "dp_env.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

int dp_check_privileges(struct dp_err *err)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return dp_fail(err, errno, "cannot read capabilities: %s", strerror(errno));
	if (!has_cap(d, CAP_NET_ADMIN))
		return dp_fail(err, EPERM,
			       "not permitted: run as root or with CAP_NET_ADMIN and CAP_BPF");
	if (!has_cap(d, CAP_BPF) && !has_cap(d, CAP_SYS_ADMIN))
		return dp_fail(err, EPERM,
			       "not permitted: missing CAP_BPF (or CAP_SYS_ADMIN before Linux 5.8)");
	return 0;
}

int dp_check_btf(struct dp_err *err)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return dp_fail(err, errno,
			       "kernel has no BTF: /sys/kernel/btf/vmlinux: %s "
			       "(needs CONFIG_DEBUG_INFO_BTF=y)", strerror(errno));
	return 0;
}

static int is_bpffs(const char *path)
{
	struct statfs st;

	if (statfs(path, &st))
		return -errno;
	return st.f_type == BPF_FS_MAGIC;
}

int dp_check_bpffs(const char *pin_dir, struct dp_err *err)
{
	char parent[PATH_MAX];
	int rc = is_bpffs(pin_dir);

	if (rc == 1)
		return 0;
	if (rc == 0)
		return dp_fail(err, EINVAL, "%s is not on a bpf filesystem", pin_dir);
	if (rc != -ENOENT)
		return dp_fail(err, -rc, "%s: %s", pin_dir, strerror(-rc));
	snprintf(parent, sizeof(parent), "%s", pin_dir);
	dirname(parent);
	rc = is_bpffs(parent);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return dp_fail(err, -rc, "pin directory parent %s: %s", parent, strerror(-rc));
	return dp_fail(err, ENOTSUP, "bpffs not mounted at %s (mount -t bpf bpf %s)", parent, parent);
}

struct helper_need {
	enum bpf_func_id id;
	const char *name;
	const char *since;
};

static const struct helper_need helpers[] = {
	{ BPF_FUNC_skb_adjust_room, "bpf_skb_adjust_room", "4.13" },
	{ BPF_FUNC_redirect_neigh, "bpf_redirect_neigh", "5.10" },
	{ BPF_FUNC_check_mtu, "bpf_check_mtu", "5.12" },
	{ BPF_FUNC_ringbuf_reserve, "bpf_ringbuf_reserve", "5.8" },
	{ BPF_FUNC_l3_csum_replace, "bpf_l3_csum_replace", "4.1" },
};

int dp_check_kernel_features(struct dp_err *err)
{
	size_t i;
	int rc;

	rc = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SCHED_CLS, NULL);
	if (rc == 0)
		return dp_fail(err, EOPNOTSUPP, "kernel lacks feature: BPF program type sched_cls (TC)");
	if (rc < 0)
		return dp_fail(err, -rc, "cannot probe BPF support: %s", strerror(-rc));
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_LPM_TRIE, NULL) != 1)
		return dp_fail(err, EOPNOTSUPP, "kernel lacks feature: BPF map type LPM trie");
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1)
		return dp_fail(err, EOPNOTSUPP, "kernel lacks feature: BPF ring buffer (Linux 5.8)");
	for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++)
		if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, helpers[i].id, NULL) != 1)
			return dp_fail(err, EOPNOTSUPP, "kernel lacks feature: BPF helper %s (Linux %s)",
				       helpers[i].name, helpers[i].since);
	return 0;
}

int dp_probe_adj_room_decap_l3(void)
{
	/* r0 = bpf_skb_adjust_room(ctx, -20, BPF_ADJ_ROOM_MAC,
	 *                          FIXED_GSO | DECAP_L3_IPV4); return r0.
	 * Kernels before 6.3 refuse the unknown flag with -EINVAL. */
	const struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = -20 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 1 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_4, .imm = 1 | (1 << 7) },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_skb_adjust_room },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* Ethernet + IPv4 header (IHL 5, total length 60) + 40 bytes: the
	 * shrink by 20 leaves a full IPv4 header. */
	unsigned char frame[14 + 60] = { [12] = 0x08, [13] = 0x00, [14] = 0x45, [17] = 60,
					 [22] = 64, [23] = 17 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = sizeof(frame));
	int fd, rc;

	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "lispd_probe", "GPL", prog,
			   sizeof(prog) / sizeof(prog[0]), NULL);
	if (fd < 0)
		return -errno;
	rc = bpf_prog_test_run_opts(fd, &run);
	if (rc)
		rc = -errno;
	close(fd);
	if (rc)
		return rc;
	return run.retval == 0;
}

int dp_check_env(const char *pin_dir, struct dp_err *err)
{
	if (dp_check_privileges(err) || dp_check_btf(err) || dp_check_bpffs(pin_dir, err) ||
	    dp_check_kernel_features(err))
		return -1;
	return 0;
}
