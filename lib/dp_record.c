#include "dp_record.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dp_pinned.h"

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
