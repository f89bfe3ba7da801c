#include "dp_tc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_link.h"

static void hook_init(struct bpf_tc_hook *h, int ifindex, bool ingress)
{
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = ifindex;
	h->attach_point = ingress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

static void opts_init(struct bpf_tc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = DP_TC_HANDLE;
	o->priority = DP_TC_PRIO;
}

int dp_tc_prog_at(int ifindex, bool ingress, uint32_t *prog_id, struct dp_err *err)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	int rc;

	*prog_id = 0;
	/* Asking a device without clsact makes the kernel complain through
	 * libbpf's log; there is nothing to find there anyway. */
	rc = dp_link_has_clsact(ifindex);
	if (rc < 0)
		return dp_fail(err, rc, "listing qdiscs of ifindex %d: %s", ifindex, strerror(-rc));
	if (rc == 0)
		return 0;
	hook_init(&h, ifindex, ingress);
	opts_init(&o);
	rc = bpf_tc_query(&h, &o);
	if (rc == -ENOENT || rc == -EINVAL)   /* no filter there, or no clsact at all */
		return 0;
	if (rc)
		return dp_fail(err, rc, "querying TC filters on ifindex %d: %s", ifindex,
			       strerror(-rc));
	*prog_id = o.prog_id;
	return 0;
}

static bool prog_named(uint32_t id, const char *name)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	bool same = false;

	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		same = !strcmp(info.name, name);
	close(fd);
	return same;
}

int dp_tc_attach(int ifindex, const char *dev, bool ingress, int prog_fd, const char *name,
		 uint32_t prev_id, bool force, bool *created_qdisc, uint32_t *new_id,
		 struct dp_err *err)
{
	const char *where = ingress ? "ingress" : "egress";
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	uint32_t cur = 0;
	int rc;

	hook_init(&h, ifindex, ingress);
	*created_qdisc = false;
	/* Creating only when absent keeps the kernel's "exclusivity flag on"
	 * complaint out of libbpf's log. */
	rc = dp_link_has_clsact(ifindex);
	if (rc < 0)
		return dp_fail(err, rc, "listing qdiscs of %s: %s", dev, strerror(-rc));
	rc = rc ? -EEXIST : bpf_tc_hook_create(&h);
	if (rc == 0)
		*created_qdisc = true;
	else if (rc == -EOPNOTSUPP || rc == -ENOENT)
		return dp_fail(err, rc, "kernel lacks feature: clsact qdisc on %s "
			       "(CONFIG_NET_SCH_INGRESS)", dev);
	else if (rc != -EEXIST)
		return dp_fail(err, rc, "creating clsact qdisc on %s: %s", dev, strerror(-rc));

	/* A qdisc just made holds no filter (and asking makes the kernel log
	 * a complaint through libbpf). */
	if (!*created_qdisc && dp_tc_prog_at(ifindex, ingress, &cur, err))
		return -1;
	if (cur && cur != prev_id && !prog_named(cur, name) && !force)
		return dp_fail(err, EBUSY, "another BPF program (id %u) is attached at %s of %s "
			       "(handle 0x%x priority 0x%x); use force to replace it",
			       cur, where, dev, DP_TC_HANDLE, DP_TC_PRIO);
	opts_init(&o);
	o.prog_fd = prog_fd;
	o.flags = cur ? BPF_TC_F_REPLACE : 0;
	rc = bpf_tc_attach(&h, &o);
	if (rc == -EOPNOTSUPP)
		return dp_fail(err, rc, "kernel lacks feature: BPF TC classifier (CONFIG_NET_CLS_BPF)");
	if (rc)
		return dp_fail(err, rc, "attaching %s at %s of %s: %s", name, where, dev,
			       strerror(-rc));
	*new_id = o.prog_id;
	return 0;
}

int dp_tc_detach(int ifindex, const char *dev, bool ingress, uint32_t our_id,
		 const char *name, struct dp_err *err)
{
	struct bpf_tc_hook h;
	struct bpf_tc_opts o;
	uint32_t cur;
	int rc;

	if (dp_tc_prog_at(ifindex, ingress, &cur, err))
		return -1;
	if (!cur || (cur != our_id && !prog_named(cur, name)))
		return 0;
	hook_init(&h, ifindex, ingress);
	opts_init(&o);
	rc = bpf_tc_detach(&h, &o);
	if (rc && rc != -ENOENT)
		return dp_fail(err, rc, "removing %s from %s: %s", name, dev, strerror(-rc));
	return 0;
}

int dp_tc_qdisc_destroy(int ifindex)
{
	struct bpf_tc_hook h;

	hook_init(&h, ifindex, false);
	/* Both points together name the clsact qdisc itself. */
	h.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	return bpf_tc_hook_destroy(&h);
}
