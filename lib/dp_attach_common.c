/* What every attach (dp_attach.c, dp_attach_pxtr.c, dp_attach_rtr.c)
 * shares: the pinned attach record, loading a skeleton against pinned
 * maps, unpinning, and one ingress filter on one interface. */
#include "dp_attach.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_link.h"
#include "dp_maps.h"

/* ---- the attach record, the pins -------------------------------------------------- */

int dp_record_open(const char *pin_dir, const char *name, uint32_t value_size,
		   struct dp_err *err)
{
	char path[4096];
	int fd;

	dp_pin_path(path, sizeof(path), pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, sizeof(uint32_t), value_size, 1, NULL);
	if (fd < 0)
		return dp_fail(err, errno, "creating map %s: %s", name, strerror(errno));
	if (bpf_obj_pin(fd, path)) {
		int e = errno;

		close(fd);
		return dp_fail(err, e, "pinning %s: %s", path, strerror(e));
	}
	return fd;
}

int dp_record_read(const char *pin_dir, const char *name, void *value, struct dp_err *err)
{
	char path[4096];
	uint32_t zero = 0;
	int fd, rc;

	dp_pin_path(path, sizeof(path), pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return dp_fail(err, errno, "nothing attached at %s", pin_dir);
	rc = bpf_map_lookup_elem(fd, &zero, value);
	if (rc) {
		int e = errno;

		close(fd);
		return dp_fail(err, e, "reading %s: %s", name, strerror(e));
	}
	close(fd);
	return 0;
}

int dp_record_write(int fd, const char *name, const void *value, struct dp_err *err)
{
	uint32_t zero = 0;

	if (bpf_map_update_elem(fd, &zero, value, BPF_ANY))
		return dp_fail(err, errno, "writing %s: %s", name, strerror(errno));
	return 0;
}

void dp_unpin_all(const char *pin_dir, const char *const *names, size_t n, bool rm_dir)
{
	char path[4096];

	for (size_t i = 0; i < n; i++) {
		dp_pin_path(path, sizeof(path), pin_dir, names[i]);
		unlink(path);
	}
	if (rm_dir)
		rmdir(pin_dir);
}

/* ---- loading --------------------------------------------------------------------- */

int dp_skel_load(struct bpf_object_skeleton *s, const char *what, const char *pin_dir,
		 struct dp_err *err)
{
	int rc = bpf_object__load_skeleton(s);

	if (rc)
		return dp_fail(err, rc, "loading %s failed: %s (pinned maps under %s from "
			       "another build? detach first; libbpf logged details)", what,
			       strerror(-rc), pin_dir);
	return 0;
}

/* ---- one ingress filter ---------------------------------------------------------- */

int dp_ingress_dev(struct dp_state_dev *d, const char *dev, struct dp_err *err)
{
	struct dp_link_info li;
	int rc = dp_link_get(dev, &li);

	if (rc == -ENODEV)
		return dp_fail(err, ENODEV, "interface %s not found", dev);
	if (rc)
		return dp_fail(err, -rc, "%s: %s", dev, strerror(-rc));
	memset(d, 0, sizeof(*d));
	d->ifindex = li.ifindex;
	snprintf(d->name, sizeof(d->name), "%s", dev);
	return 0;
}

int dp_ingress_on(struct dp_state_dev *d, int prog_fd, const char *prog, bool force,
		  struct dp_err *err)
{
	bool created = false;

	if (dp_tc_attach(d->ifindex, d->name, true, prog_fd, prog, d->prog_id, force, &created,
			 &d->prog_id, err))
		return -1;
	if (created)
		d->created_qdisc = 1;
	return 0;
}

int dp_ingress_off(int ifindex, const char *dev, uint32_t our_id, const char *prog,
		   bool destroy_qdisc, struct dp_err *err)
{
	char ifname[IF_NAMESIZE];

	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, ifname))
		return 0;   /* the interface is gone, and our filter with it */
	if (dp_tc_detach(ifindex, dev, true, our_id, prog, err))
		return -1;
	if (destroy_qdisc)
		dp_tc_qdisc_destroy(ifindex);
	return 0;
}
