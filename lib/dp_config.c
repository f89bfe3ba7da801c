#include "dp_config.h"

#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

void dp_config_init(struct lispd_dp_config *cfg, const struct lisp_ip *rlocs, unsigned n_rlocs,
		    bool use_iid, uint32_t iid)
{
	memset(cfg, 0, sizeof(*cfg));
	for (unsigned i = 0; i < n_rlocs; i++) {
		if (rlocs[i].afi == LISP_AFI_IPV4) {
			cfg->flags |= LISPD_CFG_RLOC4;
			memcpy(cfg->rloc4, rlocs[i].bytes, 4);
		} else {
			cfg->flags |= LISPD_CFG_RLOC6;
			memcpy(cfg->rloc6, rlocs[i].bytes, 16);
		}
	}
	if (use_iid) {
		cfg->flags |= LISPD_CFG_USE_IID;
		cfg->iid = iid;
	}
	cfg->miss_interval_ms = DP_MISS_INTERVAL_MS;
	cfg->miss_rate = DP_MISS_RATE;
	cfg->miss_burst = DP_MISS_BURST;
}

int dp_config_write(int fd, const struct lispd_dp_config *cfg, struct dp_err *err)
{
	uint32_t zero = 0;

	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY))
		return dp_fail(err, errno, "writing %s: %s", LISPD_MAP_CONFIG, strerror(errno));
	return 0;
}
