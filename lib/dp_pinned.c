#include "dp_pinned.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_keys.h"

void dp_pin_path(char *buf, unsigned len, const char *pin_dir, const char *name)
{
	snprintf(buf, len, "%s/%s", pin_dir, name);
}

int dp_pinned_open(const char *pin_dir, const char *name, struct dp_err *err)
{
	char path[4096];
	int fd;

	dp_pin_path(path, sizeof(path), pin_dir, name);
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		return dp_fail(err, ENOENT, "nothing attached at %s (%s missing)", pin_dir, path);
	if (errno == EPERM || errno == EACCES)
		return dp_fail(err, errno, "%s: not permitted (run as root or with CAP_BPF)", path);
	return dp_fail(err, errno, "%s: %s", path, strerror(errno));
}

int dp_config_read(const char *pin_dir, struct lispd_dp_config *cfg, struct dp_err *err)
{
	uint32_t zero = 0;
	int fd = dp_pinned_open(pin_dir, LISPD_MAP_CONFIG, err), rc;

	if (fd < 0)
		return -1;
	rc = bpf_map_lookup_elem(fd, &zero, cfg);
	close(fd);
	if (rc)
		return dp_fail(err, errno, "reading %s: %s", LISPD_MAP_CONFIG, strerror(errno));
	return 0;
}

int dp_stats_read(const char *pin_dir, uint64_t out[LISPD_STAT_MAX], struct dp_err *err)
{
	int ncpu = libbpf_num_possible_cpus(), fd, c;
	struct bpf_map_info info;
	uint32_t i, n, info_len = sizeof(info);
	uint64_t *vals;

	if (ncpu <= 0)
		return dp_fail(err, -ncpu, "cannot count possible CPUs");
	fd = dp_pinned_open(pin_dir, LISPD_MAP_STATS, err);
	if (fd < 0)
		return -1;
	/* Per-CPU values come back as one 8-byte slot per possible CPU. */
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals) {
		close(fd);
		return dp_fail(err, ENOMEM, "out of memory");
	}
	/* Maps pinned by an older build may hold fewer counters: those read 0. */
	memset(&info, 0, sizeof(info));
	n = LISPD_STAT_MAX;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) == 0 && info.max_entries < n)
		n = info.max_entries;
	for (i = 0; i < LISPD_STAT_MAX; i++)
		out[i] = 0;
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &i, vals)) {
			int e = errno;

			free(vals);
			close(fd);
			return dp_fail(err, e, "reading %s[%u]: %s", LISPD_MAP_STATS, i, strerror(e));
		}
		for (c = 0; c < ncpu; c++)
			out[i] += vals[c];
	}
	free(vals);
	close(fd);
	return 0;
}

int dp_eids_foreach(const char *pin_dir, dp_eid_cb cb, void *ctx, struct dp_err *err)
{
	struct lispd_eid_key key, next;
	int fd = dp_pinned_open(pin_dir, LISPD_MAP_LOCAL_EID, err), rc = 0;
	void *prev = NULL;

	if (fd < 0)
		return -1;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		rc = cb(&key, ctx);
		if (rc)
			break;
	}
	close(fd);
	return rc < 0 ? -1 : 0;
}

uint8_t dp_family_of_afi(uint16_t afi)
{
	return afi == LISP_AFI_IPV4 ? LISPD_AF_INET : afi == LISP_AFI_IPV6 ? LISPD_AF_INET6 :
									  LISPD_AF_NONE;
}

void dp_ip_from_map(struct lisp_ip *ip, uint8_t family, const uint8_t *addr)
{
	memset(ip, 0, sizeof(*ip));
	ip->afi = family == LISPD_AF_INET ? LISP_AFI_IPV4 :
		  family == LISPD_AF_INET6 ? LISP_AFI_IPV6 : LISP_AFI_NONE;
	memcpy(ip->bytes, addr, dp_family_len(family));
}
