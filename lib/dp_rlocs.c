#include "dp_rlocs.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "dp_pinned.h"

void dp_rlocs_to_config(const struct dp_rlocs *r, struct lispd_dp_config *cfg)
{
	cfg->flags &= ~(uint32_t)(LISPD_CFG_RLOC4 | LISPD_CFG_RLOC6);
	memset(cfg->rloc4, 0, sizeof(cfg->rloc4));
	memset(cfg->rloc6, 0, sizeof(cfg->rloc6));
	if (r->has_src[LISP_AFI_IPV4]) {
		cfg->flags |= LISPD_CFG_RLOC4;
		memcpy(cfg->rloc4, r->src[LISP_AFI_IPV4].bytes, 4);
		if (r->src_ifindex[LISP_AFI_IPV4] > 0)
			cfg->phys_ifindex = (uint32_t)r->src_ifindex[LISP_AFI_IPV4];
	}
	if (r->has_src[LISP_AFI_IPV6]) {
		cfg->flags |= LISPD_CFG_RLOC6;
		memcpy(cfg->rloc6, r->src[LISP_AFI_IPV6].bytes, 16);
		if (r->src_ifindex[LISP_AFI_IPV6] > 0) {
			cfg->phys6_ifindex = (uint32_t)r->src_ifindex[LISP_AFI_IPV6];
			if (!r->has_src[LISP_AFI_IPV4])
				cfg->phys_ifindex = cfg->phys6_ifindex;
		}
	}
}

static void rloc_key(struct lispd_rloc_key *k, const struct lisp_ip *ip)
{
	memset(k, 0, sizeof(*k));
	k->family = dp_family_of_afi(ip->afi);
	memcpy(k->addr, ip->bytes, ip->afi == LISP_AFI_IPV4 ? 4 : 16);
}

static bool wanted(const struct dp_rlocs *r, const struct lispd_rloc_key *k)
{
	struct lispd_rloc_key w;

	for (unsigned i = 0; i < r->n_local; i++) {
		rloc_key(&w, &r->local[i]);
		if (!memcmp(&w, k, sizeof(w)))
			return true;
	}
	return false;
}

int dp_rlocs_apply(const char *pin_dir, const struct dp_rlocs *r, struct dp_err *err)
{
	struct lispd_rloc_key k, next, stale[LISPD_LOCAL_RLOC_MAX];
	struct lispd_dp_config cfg;
	unsigned n_stale = 0;
	uint32_t zero = 0;
	int cfg_fd, rl_fd, rc = -1;

	if (r->n_local > LISPD_LOCAL_RLOC_MAX)
		return dp_fail(err, E2BIG, "more than %d local RLOCs", LISPD_LOCAL_RLOC_MAX);
	cfg_fd = dp_pinned_open(pin_dir, LISPD_MAP_CONFIG, err);
	if (cfg_fd < 0)
		return -1;
	rl_fd = dp_pinned_open(pin_dir, LISPD_MAP_LOCAL_RLOC, err);
	if (rl_fd < 0) {
		close(cfg_fd);
		return -1;
	}
	for (unsigned i = 0; i < r->n_local; i++) {
		struct lispd_local_rloc v = { .ifindex = (uint32_t)r->local_ifindex[i] };

		rloc_key(&k, &r->local[i]);
		if (bpf_map_update_elem(rl_fd, &k, &v, BPF_ANY)) {
			dp_fail(err, errno, "adding a local RLOC to %s: %s", LISPD_MAP_LOCAL_RLOC,
				strerror(errno));
			goto out;
		}
	}
	if (bpf_map_lookup_elem(cfg_fd, &zero, &cfg)) {
		dp_fail(err, errno, "reading %s: %s", LISPD_MAP_CONFIG, strerror(errno));
		goto out;
	}
	dp_rlocs_to_config(r, &cfg);
	if (bpf_map_update_elem(cfg_fd, &zero, &cfg, BPF_ANY)) {
		dp_fail(err, errno, "updating %s: %s", LISPD_MAP_CONFIG, strerror(errno));
		goto out;
	}
	/* Collected first: deleting while walking would restart the walk. */
	if (bpf_map_get_next_key(rl_fd, NULL, &next) == 0) {
		do {
			k = next;
			if (!wanted(r, &k) && n_stale < LISPD_LOCAL_RLOC_MAX)
				stale[n_stale++] = k;
		} while (bpf_map_get_next_key(rl_fd, &k, &next) == 0);
	}
	for (unsigned i = 0; i < n_stale; i++)
		if (bpf_map_delete_elem(rl_fd, &stale[i]) && errno != ENOENT) {
			dp_fail(err, errno, "removing a local RLOC from %s: %s",
				LISPD_MAP_LOCAL_RLOC, strerror(errno));
			goto out;
		}
	rc = 0;
out:
	close(rl_fd);
	close(cfg_fd);
	return rc;
}
