/* lispd-bpf stats: the data-plane counters summed over CPUs. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dp_pinned.h"
#include "dp_stats.h"
#include "json.h"

int cmd_stats(struct cli *c)
{
	const char *pin = LISPD_PIN_DIR_DEFAULT, *a;
	uint64_t v[LISPD_STAT_MAX];
	struct dp_err err;
	struct json w;
	unsigned i;

	while ((a = cli_next(c))) {
		if (!strcmp(a, "pin")) {
			if (!(pin = cli_value(c, a)))
				return 1;
		} else {
			return cli_error("stats: unknown argument \"%s\"", a);
		}
	}
	if (dp_stats_read(pin, v, &err))
		return cli_dp_error("stats", &err);
	if (!c->json) {
		for (i = 0; i < LISPD_STAT_MAX; i++)
			printf("%-32s %" PRIu64 "\n", dp_stat_name(i), v[i]);
		return 0;
	}
	json_init(&w, stdout, c->pretty);
	json_obj_begin(&w, NULL);
	for (i = 0; i < LISPD_STAT_MAX; i++)
		json_uint(&w, dp_stat_name(i), v[i]);
	json_obj_end(&w);
	json_end(&w);
	return 0;
}
