#include "dp_maps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp_layout.h"

_Static_assert(DP_IID_MAX == LISPD_IID_MASK, "the instance-id width of the data plane");
_Static_assert(DP_STAT_MAX == LISPD_STAT_MAX, "a counter without its name, or the reverse");

void dp_pin_path(char *buf, unsigned len, const char *pin_dir, const char *name)
{
	snprintf(buf, len, "%s/%s", pin_dir, name);
}

static int pinned_open(const char *pin_dir, const char *name, struct dp_err *err)
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

/* A map only some objects have: *fd stays -1 when it is not pinned. */
static int optional_open(const char *pin_dir, const char *name, int *fd, struct dp_err *err)
{
	char path[4096];

	dp_pin_path(path, sizeof(path), pin_dir, name);
	if (access(path, F_OK))
		return 0;
	*fd = pinned_open(pin_dir, name, err);
	return *fd < 0 ? -1 : 0;
}

void dp_handle_init(struct dp_handle *h)
{
	h->config_fd = h->mcache_fd = h->eids_fd = h->local_rlocs_fd = -1;
	h->stats_fd = h->miss_rb_fd = h->eid_space_fd = h->nat_fd = -1;
}

int dp_open(struct dp_handle *h, const char *pin_dir, struct dp_err *err)
{
	const struct {
		int *fd;
		const char *name;
	} maps[] = {
		{ &h->config_fd, LISPD_MAP_CONFIG },
		{ &h->mcache_fd, LISPD_MAP_MCACHE },
		{ &h->eids_fd, LISPD_MAP_LOCAL_EID },
		{ &h->local_rlocs_fd, LISPD_MAP_LOCAL_RLOC },
		{ &h->stats_fd, LISPD_MAP_STATS },
		{ &h->miss_rb_fd, LISPD_MAP_MISS_RB },
	};

	dp_handle_init(h);
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		*maps[i].fd = pinned_open(pin_dir, maps[i].name, err);
		if (*maps[i].fd < 0) {
			dp_close(h);
			return -1;
		}
	}
	/* Only the PxTR's object has an EID space, only the RTR's NATed nodes. */
	if (optional_open(pin_dir, LISPD_MAP_EID_SPACE, &h->eid_space_fd, err) ||
	    optional_open(pin_dir, LISPD_MAP_NAT, &h->nat_fd, err)) {
		dp_close(h);
		return -1;
	}
	return 0;
}

void dp_close(struct dp_handle *h)
{
	int *fds[] = { &h->config_fd, &h->mcache_fd, &h->eids_fd, &h->local_rlocs_fd,
		       &h->stats_fd, &h->miss_rb_fd, &h->eid_space_fd, &h->nat_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* ---- addresses in the maps ----------------------------------------------- */

unsigned dp_family_len(uint8_t family)
{
	return family == LISPD_AF_INET ? 4 : family == LISPD_AF_INET6 ? 16 : 0;
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

/* ---- counters ---------------------------------------------------------------- */

static const char *const stat_names[LISPD_STAT_MAX] = {
	[LISPD_STAT_DECAP_OK] = "decap_ok",
	[LISPD_STAT_DECAP_PASS] = "decap_pass",
	[LISPD_STAT_DECAP_PUNT_DMN] = "decap_punt_data_map_notify",
	[LISPD_STAT_DECAP_L3_FALLBACK] = "decap_l3_flag_fallback",
	[LISPD_STAT_DROP_DECAP_TRUNC] = "drop_decap_truncated",
	[LISPD_STAT_DROP_DECAP_KEY_ID] = "drop_decap_key_id",
	[LISPD_STAT_DROP_DECAP_IID] = "drop_decap_instance_id",
	[LISPD_STAT_DROP_DECAP_INNER_PROTO] = "drop_decap_inner_proto",
	[LISPD_STAT_DROP_DECAP_NOT_OUR_EID] = "drop_decap_not_our_eid",
	[LISPD_STAT_DROP_DECAP_GSO_FAMILY] = "drop_decap_gso_family",
	[LISPD_STAT_DROP_DECAP_ADJUST] = "drop_decap_adjust",
	[LISPD_STAT_ENCAP_OK] = "encap_ok",
	[LISPD_STAT_ENCAP_PETR] = "encap_petr",
	[LISPD_STAT_ENCAP_PASS] = "encap_pass",
	[LISPD_STAT_MISS] = "miss",
	[LISPD_STAT_NEG_NATIVE_FORWARD] = "neg_natively_forward",
	[LISPD_STAT_NEG_SEND_MAP_REQUEST] = "neg_send_map_request",
	[LISPD_STAT_DROP_NEG_DROP] = "drop_neg_drop",
	[LISPD_STAT_DROP_NEG_POLICY] = "drop_neg_policy_denied",
	[LISPD_STAT_DROP_NEG_AUTH] = "drop_neg_auth_failure",
	[LISPD_STAT_DROP_NEG_UNKNOWN] = "drop_neg_unknown_action",
	[LISPD_STAT_DROP_MISS_POLICY] = "drop_miss_policy",
	[LISPD_STAT_DROP_NO_LOCATOR] = "drop_no_locator",
	[LISPD_STAT_DROP_NO_PETR] = "drop_no_petr",
	[LISPD_STAT_DROP_NO_RLOC] = "drop_no_rloc",
	[LISPD_STAT_DROP_TOO_BIG] = "drop_too_big",
	[LISPD_STAT_DROP_ENCAP_TRUNC] = "drop_encap_truncated",
	[LISPD_STAT_DROP_ENCAP_ADJUST] = "drop_encap_adjust",
	[LISPD_STAT_DROP_NO_CONFIG] = "drop_no_config",
	[LISPD_STAT_MISS_EVENT] = "miss_event",
	[LISPD_STAT_MISS_EVENT_DEDUP] = "miss_event_dedup",
	[LISPD_STAT_MISS_EVENT_RATE] = "miss_event_rate_limited",
	[LISPD_STAT_MISS_EVENT_RB_FULL] = "miss_event_ringbuf_full",
	[LISPD_STAT_ICMP_FRAG_NEEDED] = "icmp_frag_needed",
	[LISPD_STAT_ICMP_FRAG_NEEDED_NO_DF] = "icmp_frag_needed_no_df",
	[LISPD_STAT_ICMP6_PKT_TOO_BIG] = "icmp6_packet_too_big",
	[LISPD_STAT_PETR_DECAP_OK] = "petr_decap_ok",
	[LISPD_STAT_DROP_PETR_SRC_NOT_EID] = "drop_petr_src_not_eid",
	[LISPD_STAT_PITR_PASS] = "pitr_pass",
	[LISPD_STAT_PITR_NATIVE_FORWARD] = "pitr_natively_forward",
	[LISPD_STAT_PETR_HAIRPIN] = "petr_hairpin",
	[LISPD_STAT_PETR_HAIRPIN_MISS] = "petr_hairpin_miss",
	[LISPD_STAT_PETR_HAIRPIN_SRC_MISS] = "petr_hairpin_src_miss",
	[LISPD_STAT_DROP_PETR_HAIRPIN_LOOP] = "drop_petr_hairpin_loop",
	[LISPD_STAT_DROP_PETR_HAIRPIN_TTL] = "drop_petr_hairpin_ttl",
	[LISPD_STAT_DROP_PETR_HAIRPIN_TOO_BIG] = "drop_petr_hairpin_too_big",
	[LISPD_STAT_DROP_PETR_HAIRPIN_GSO_FAMILY] = "drop_petr_hairpin_gso_family",
	[LISPD_STAT_DROP_DECAP_SRC_UNKNOWN] = "drop_decap_src_unknown",
	[LISPD_STAT_DROP_DECAP_SRC_NOT_RLOC] = "drop_decap_src_not_rloc",
	[LISPD_STAT_RTR_TO_NAT] = "rtr_to_nat",
	[LISPD_STAT_RTR_FROM_NAT] = "rtr_from_nat",
	[LISPD_STAT_RTR_FROM_NAT_PETR] = "rtr_from_nat_petr",
	[LISPD_STAT_DROP_RTR_UNKNOWN_EID] = "drop_rtr_unknown_eid",
	[LISPD_STAT_DROP_RTR_SRC_NOT_GLOBAL] = "drop_rtr_src_not_global",
	[LISPD_STAT_DROP_RTR_LOOP] = "drop_rtr_loop",
	[LISPD_STAT_DROP_RTR_TTL] = "drop_rtr_ttl",
	[LISPD_STAT_DROP_RTR_TOO_BIG] = "drop_rtr_too_big",
	[LISPD_STAT_DROP_RTR_GSO_FAMILY] = "drop_rtr_gso_family",
};

const char *dp_stat_name(unsigned idx)
{
	return idx < LISPD_STAT_MAX ? stat_names[idx] : NULL;
}

int dp_stats_read(const struct dp_handle *h, uint64_t out[DP_STAT_MAX], struct dp_err *err)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct bpf_map_info info;
	uint32_t i, n, info_len = sizeof(info);
	uint64_t *vals;

	if (ncpu <= 0)
		return dp_fail(err, -ncpu, "cannot count possible CPUs");
	/* Per-CPU values come back as one 8-byte slot per possible CPU. */
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return dp_fail(err, ENOMEM, "out of memory");
	/* Maps pinned by an older build may hold fewer counters: those read 0. */
	memset(&info, 0, sizeof(info));
	n = LISPD_STAT_MAX;
	if (bpf_obj_get_info_by_fd(h->stats_fd, &info, &info_len) == 0 && info.max_entries < n)
		n = info.max_entries;
	for (i = 0; i < LISPD_STAT_MAX; i++)
		out[i] = 0;
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(h->stats_fd, &i, vals)) {
			int e = errno;

			free(vals);
			return dp_fail(err, e, "reading %s[%u]: %s", LISPD_MAP_STATS, i, strerror(e));
		}
		for (c = 0; c < ncpu; c++)
			out[i] += vals[c];
	}
	free(vals);
	return 0;
}

/* ---- local EIDs ------------------------------------------------------------ */

int dp_eids_set(const struct dp_handle *h, uint32_t iid, unsigned n, const struct lisp_ip *eids,
		struct dp_err *err)
{
	struct lispd_eid_key key, next;
	struct lispd_local_eid val = { 0 };

	while (bpf_map_get_next_key(h->eids_fd, NULL, &next) == 0)
		if (bpf_map_delete_elem(h->eids_fd, &next))
			return dp_fail(err, errno, "clearing %s: %s", LISPD_MAP_LOCAL_EID,
				       strerror(errno));
	for (unsigned i = 0; i < n; i++) {
		if (dp_eid_key(&key, iid, dp_family_of_afi(eids[i].afi), eids[i].bytes) ||
		    bpf_map_update_elem(h->eids_fd, &key, &val, BPF_ANY))
			return dp_fail(err, errno ? errno : EINVAL, "adding local EID %u: %s", i,
				       strerror(errno));
	}
	return 0;
}

int dp_eids_foreach(const struct dp_handle *h, dp_eid_cb cb, void *ctx)
{
	struct lispd_eid_key key, next;
	struct lisp_ip ip;
	void *prev = NULL;
	int rc = 0;

	while (bpf_map_get_next_key(h->eids_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		dp_ip_from_map(&ip, key.family, key.addr);
		rc = cb(key.iid, &ip, ctx);
		if (rc)
			break;
	}
	return rc < 0 ? -1 : 0;
}
