/* The control socket's answers (core/role.h): the daemon's own part of
 * status and counters, and the dispatch to the role. */
#include "core/role.h"

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "core/ctlsock.h"
#include "core/miss_rb.h"

/* What the sockets (and, with a data plane, the ring buffer) saw, and the
 * reloads: the end of every role's part. */
static void daemon_json_io(struct lispd *d, FILE *out)
{
	fprintf(out, ", \"control_port\": %u, \"control_rx\": %" PRIu64
		", \"control_rx_errors\": %" PRIu64 ", \"control_rx_oversized\": %" PRIu64
		", \"control_tx\": %" PRIu64 ", \"control_tx_errors\": %" PRIu64, d->cp.port,
		d->cp.rx_packets, d->cp.rx_errors, d->cp.rx_oversized, d->cp.tx_packets, d->cp.tx_errors);
	if (d->role->pin_dir_default)
		fprintf(out, ", \"miss_events\": %" PRIu64 ", \"miss_events_malformed\": %" PRIu64,
			d->miss ? miss_rb_events(d->miss) : 0, d->miss ? miss_rb_malformed(d->miss) : 0);
	fprintf(out, ", \"reloads\": %" PRIu64 ", \"reload_errors\": %" PRIu64 "}", d->reloads,
		d->reload_errors);
}

static void daemon_json(struct lispd *d, FILE *out)
{
	fprintf(out, "{\"pid\": %ld, \"version\": \"%s\", \"mode\": \"%s\", \"uptime_s\": %ld, "
		"\"config\": ", (long)getpid(), LISPD_VERSION, d->role->name,
		(long)(time(NULL) - d->started));
	ctlsock_json_string(out, d->config_path);
	if (d->role->pin_dir_default) {
		fputs(", \"state_dir\": ", out);
		ctlsock_json_string(out, d->state_dir);
		fputs(", \"pin_dir\": ", out);
		ctlsock_json_string(out, d->pin_dir);
	}
	if (d->role->daemon_json)
		d->role->daemon_json(d, out);
	daemon_json_io(d, out);
}

static bool role_takes(const struct role *r, const char *req)
{
	if (!r->requests)
		return true;
	for (const char *const *q = r->requests; *q; q++)
		if (!strcmp(*q, req))
			return true;
	return false;
}

int role_on_ctl(const char *req, FILE *out, void *arg)
{
	struct lispd *d = arg;
	const struct role *r = d->role;

	if (!d->obj)
		return -1;   /* still starting: nothing to show yet */
	if (!strcmp(req, "status") || !strcmp(req, "counters")) {
		fputs("{\"daemon\": ", out);
		daemon_json(d, out);
		fprintf(out, ", \"%s\": ", r->key);
		r->ctl_json(d->obj, !strcmp(req, "status") ? r->status_request : req, out);
		fputs("}\n", out);
		return 0;
	}
	if (!role_takes(r, req))
		return -1;
	r->ctl_json(d->obj, req, out);
	return 0;
}
