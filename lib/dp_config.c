#include "dp_config.h"

#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dp_layout.h"

_Static_assert((int)DP_MISS_DROP == (int)LISPD_MISS_DROP &&
	       (int)DP_MISS_PETR == (int)LISPD_MISS_PETR, "miss policies");
_Static_assert(DP_MAX_LOCAL_RLOCS == LISPD_LOCAL_RLOC_MAX, "local RLOCs");

static int load(const struct dp_handle *h, struct lispd_dp_config *cfg, struct dp_err *err)
{
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(h->config_fd, &zero, cfg))
		return dp_fail(err, errno, "reading %s: %s", LISPD_MAP_CONFIG, strerror(errno));
	return 0;
}

static int store(const struct dp_handle *h, const struct lispd_dp_config *cfg, const char *verb,
		 struct dp_err *err)
{
	uint32_t zero = 0;

	if (bpf_map_update_elem(h->config_fd, &zero, cfg, BPF_ANY))
		return dp_fail(err, errno, "%s %s: %s", verb, LISPD_MAP_CONFIG, strerror(errno));
	return 0;
}

int dp_config_write(const struct dp_handle *h, const struct dp_config *c, struct dp_err *err)
{
	struct lispd_dp_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	for (unsigned i = 0; i < c->n_rlocs && i < 2; i++) {
		if (c->rlocs[i].afi == LISP_AFI_IPV4) {
			cfg.flags |= LISPD_CFG_RLOC4;
			memcpy(cfg.rloc4, c->rlocs[i].bytes, 4);
		} else {
			cfg.flags |= LISPD_CFG_RLOC6;
			memcpy(cfg.rloc6, c->rlocs[i].bytes, 16);
		}
	}
	if (c->use_iid) {
		cfg.flags |= LISPD_CFG_USE_IID;
		cfg.iid = c->iid;
	}
	cfg.lmn_ifindex = (uint32_t)c->lmn_ifindex;
	cfg.phys_ifindex = (uint32_t)c->phys_ifindex;
	cfg.phys6_ifindex = (uint32_t)c->phys6_ifindex;
	if (c->has_lmn_mac) {
		cfg.flags |= LISPD_CFG_LMN_MAC;
		memcpy(cfg.lmn_mac, c->lmn_mac, sizeof(cfg.lmn_mac));
	}
	cfg.miss_policy = (uint8_t)c->miss_policy;
	if (c->decap_src_check)
		cfg.flags |= LISPD_CFG_DECAP_SRC_CHECK;
	cfg.miss_interval_ms = DP_MISS_INTERVAL_MS;
	cfg.miss_rate = DP_MISS_RATE;
	cfg.miss_burst = DP_MISS_BURST;
	for (unsigned i = 0; i < c->n_petrs; i++)
		if (dp_locset_add(&cfg.petr, dp_family_of_afi(c->petrs[i].afi), c->petrs[i].bytes,
				  1, 100, true))
			return dp_fail(err, EINVAL, "PETR %u is not an IPv4 or IPv6 address", i);
	dp_locset_build(&cfg.petr);
	return store(h, &cfg, "writing", err);
}

int dp_config_read(const struct dp_handle *h, struct dp_config *c, struct dp_err *err)
{
	struct lispd_dp_config cfg;

	if (load(h, &cfg, err))
		return -1;
	memset(c, 0, sizeof(*c));
	if (cfg.flags & LISPD_CFG_RLOC4)
		dp_ip_from_map(&c->rlocs[c->n_rlocs++], LISPD_AF_INET, cfg.rloc4);
	if (cfg.flags & LISPD_CFG_RLOC6)
		dp_ip_from_map(&c->rlocs[c->n_rlocs++], LISPD_AF_INET6, cfg.rloc6);
	c->use_iid = cfg.flags & LISPD_CFG_USE_IID;
	c->iid = cfg.iid;
	c->lmn_ifindex = (int)cfg.lmn_ifindex;
	c->phys_ifindex = (int)cfg.phys_ifindex;
	c->phys6_ifindex = (int)cfg.phys6_ifindex;
	c->has_lmn_mac = cfg.flags & LISPD_CFG_LMN_MAC;
	memcpy(c->lmn_mac, cfg.lmn_mac, sizeof(c->lmn_mac));
	c->miss_policy = cfg.miss_policy == LISPD_MISS_PETR ? DP_MISS_PETR : DP_MISS_DROP;
	c->decap_src_check = cfg.flags & LISPD_CFG_DECAP_SRC_CHECK;
	for (unsigned i = 0; i < cfg.petr.n_locators && i < DP_MAX_LOCATORS; i++)
		dp_ip_from_map(&c->petrs[c->n_petrs++], cfg.petr.loc[i].family, cfg.petr.loc[i].addr);
	return 0;
}

/* ---- RLOCs ---------------------------------------------------------------- */

static void rlocs_to_config(const struct dp_rlocs *r, struct lispd_dp_config *cfg)
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

int dp_rlocs_apply(const struct dp_handle *h, const struct dp_rlocs *r, struct dp_err *err)
{
	struct lispd_rloc_key k, next, stale[LISPD_LOCAL_RLOC_MAX];
	struct lispd_dp_config cfg;
	unsigned n_stale = 0;
	int fd = h->local_rlocs_fd;

	if (r->n_local > LISPD_LOCAL_RLOC_MAX)
		return dp_fail(err, E2BIG, "more than %d local RLOCs", LISPD_LOCAL_RLOC_MAX);
	for (unsigned i = 0; i < r->n_local; i++) {
		struct lispd_local_rloc v = { .ifindex = (uint32_t)r->local_ifindex[i] };

		rloc_key(&k, &r->local[i]);
		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			return dp_fail(err, errno, "adding a local RLOC to %s: %s",
				       LISPD_MAP_LOCAL_RLOC, strerror(errno));
	}
	if (load(h, &cfg, err))
		return -1;
	rlocs_to_config(r, &cfg);
	if (store(h, &cfg, "updating", err))
		return -1;
	/* Collected first: deleting while walking would restart the walk. */
	if (bpf_map_get_next_key(fd, NULL, &next) == 0) {
		do {
			k = next;
			if (!wanted(r, &k) && n_stale < LISPD_LOCAL_RLOC_MAX)
				stale[n_stale++] = k;
		} while (bpf_map_get_next_key(fd, &k, &next) == 0);
	}
	for (unsigned i = 0; i < n_stale; i++)
		if (bpf_map_delete_elem(fd, &stale[i]) && errno != ENOENT)
			return dp_fail(err, errno, "removing a local RLOC from %s: %s",
				       LISPD_MAP_LOCAL_RLOC, strerror(errno));
	return 0;
}
