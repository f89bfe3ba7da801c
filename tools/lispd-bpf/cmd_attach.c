/* lispd-bpf attach / detach. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dp_attach.h"

static int add_ip(struct cli *c, const char *kw, struct lisp_ip *arr, unsigned *n, unsigned max)
{
	const char *v = cli_value(c, kw);

	if (!v)
		return -1;
	if (*n >= max) {
		cli_error("too many %s addresses (at most %u)", kw, max);
		return -1;
	}
	if (cli_ip(v, kw, &arr[*n]))
		return -1;
	(*n)++;
	return 0;
}

int cmd_attach(struct cli *c)
{
	struct dp_attach_opts o;
	struct dp_err err;
	const char *a, *v;
	uint32_t iid;
	int rc = 0;

	dp_attach_opts_init(&o);
	while (rc == 0 && (a = cli_next(c))) {
		if (!strcmp(a, "dev")) {
			rc = (o.phys_dev = cli_value(c, a)) ? 0 : -1;
		} else if (!strcmp(a, "lmn")) {
			rc = (o.lmn_dev = cli_value(c, a)) ? 0 : -1;
		} else if (!strcmp(a, "pin")) {
			rc = (o.pin_dir = cli_value(c, a)) ? 0 : -1;
		} else if (!strcmp(a, "eid")) {
			rc = add_ip(c, a, o.eids, &o.n_eids, DP_MAX_EIDS);
		} else if (!strcmp(a, "rloc")) {
			rc = add_ip(c, a, o.rlocs, &o.n_rlocs, 2);
		} else if (!strcmp(a, "petr")) {
			rc = add_ip(c, a, o.petrs, &o.n_petrs, DP_MAX_PETRS);
		} else if (!strcmp(a, "iid")) {
			v = cli_value(c, a);
			rc = v ? cli_u32(v, "instance-id", DP_IID_MAX, &iid) : -1;
			o.iid = iid;
			o.use_iid = true;
		} else if (!strcmp(a, "miss")) {
			v = cli_value(c, a);
			if (v && !strcmp(v, "drop"))
				o.miss_policy = DP_MISS_DROP;
			else if (v && !strcmp(v, "petr"))
				o.miss_policy = DP_MISS_PETR;
			else
				rc = v ? cli_error("miss must be drop or petr, not \"%s\"", v) : 1;
		} else if (!strcmp(a, "src-check")) {
			o.decap_src_check = true;
		} else if (!strcmp(a, "force")) {
			o.force = true;
		} else {
			return cli_error("attach: unknown argument \"%s\"", a);
		}
	}
	if (rc)
		return 1;
	if (dp_attach(&o, &err))
		return cli_dp_error("attach", &err);
	return 0;
}

int cmd_detach(struct cli *c)
{
	const char *pin = NULL, *a;
	struct dp_err err;

	while ((a = cli_next(c))) {
		if (!strcmp(a, "pin")) {
			if (!(pin = cli_value(c, a)))
				return 1;
		} else {
			return cli_error("detach: unknown argument \"%s\"", a);
		}
	}
	if (dp_detach(pin, &err))
		return cli_dp_error("detach", &err);
	return 0;
}
