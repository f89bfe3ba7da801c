/* lispd-bpf stats: the data-plane counters summed over CPUs. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dp_maps.h"
#include "json.h"

int cmd_stats(struct cli *c)
{
	const char *pin = DP_PIN_DIR_DEFAULT, *a;
	uint64_t v[DP_STAT_MAX];
	struct dp_handle dp;
	struct dp_err err;
	struct json w;
	unsigned i;
	int rc;

	while ((a = cli_next(c))) {
		if (!strcmp(a, "pin")) {
			if (!(pin = cli_value(c, a)))
				return 1;
		} else {
			return cli_error("stats: unknown argument \"%s\"", a);
		}
	}
	if (dp_open(&dp, pin, &err))
		return cli_dp_error("stats", &err);
	rc = dp_stats_read(&dp, v, &err);
	dp_close(&dp);
	if (rc)
		return cli_dp_error("stats", &err);
	if (!c->json) {
		for (i = 0; i < DP_STAT_MAX; i++)
			printf("%-32s %" PRIu64 "\n", dp_stat_name(i), v[i]);
		return 0;
	}
	json_init(&w, stdout, c->pretty);
	json_obj_begin(&w, NULL);
	for (i = 0; i < DP_STAT_MAX; i++)
		json_uint(&w, dp_stat_name(i), v[i]);
	json_obj_end(&w);
	json_end(&w);
	return 0;
}
