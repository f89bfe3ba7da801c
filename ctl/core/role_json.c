/* The control socket's answers (core/role.h): the daemon's own part of
 * status and counters, and the dispatch to the role. */
#include "core/role.h"

#include <string.h>
#include <unistd.h>

#include "core/miss_rb.h"
#include "json.h"

/* What the sockets (and, with a data plane, the ring buffer) saw, and the
 * reloads: the end of every role's part. */
static void daemon_json_io(struct lispd *d, struct json *j)
{
	json_uint(j, "control_port", d->cp.port);
	json_uint(j, "control_rx", d->cp.rx_packets);
	json_uint(j, "control_rx_errors", d->cp.rx_errors);
	json_uint(j, "control_rx_oversized", d->cp.rx_oversized);
	json_uint(j, "control_tx", d->cp.tx_packets);
	json_uint(j, "control_tx_errors", d->cp.tx_errors);
	if (d->role->dp) {
		json_uint(j, "miss_events", d->miss ? miss_rb_events(d->miss) : 0);
		json_uint(j, "miss_events_malformed", d->miss ? miss_rb_malformed(d->miss) : 0);
	}
	json_uint(j, "reloads", d->reloads);
	json_uint(j, "reload_errors", d->reload_errors);
}

static void daemon_json(struct lispd *d, struct json *j)
{
	json_obj_begin(j, "daemon");
	json_int(j, "pid", getpid());
	json_str(j, "version", LISPD_VERSION);
	json_str(j, "mode", d->role->name);
	json_int(j, "uptime_s", time(NULL) - d->started);
	json_str(j, "config", d->config_path);
	if (d->role->dp) {
		json_str(j, "state_dir", d->state_dir);
		json_str(j, "pin_dir", d->pin_dir);
	}
	if (d->role->daemon_json)
		d->role->daemon_json(d, j);
	daemon_json_io(d, j);
	json_obj_end(j);
}

const struct role_answer *role_answer(const struct role *r, const char *req)
{
	for (const struct role_answer *a = r->answers; a->request; a++)
		if (!strcmp(a->request, req))
			return a;
	return NULL;
}

int role_on_ctl(const char *req, struct json *j, void *arg)
{
	struct lispd *d = arg;
	const struct role_answer *a = role_answer(d->role, req);

	if (!d->obj || !a)
		return -1;   /* still starting, or not a request of ours */
	if (!strcmp(req, "status") || !strcmp(req, "counters")) {
		json_obj_begin(j, NULL);
		daemon_json(d, j);
		json_key(j, d->role->key);
		a->json(d->obj, j);
		json_obj_end(j);
		return 0;
	}
	a->json(d->obj, j);
	return 0;
}
