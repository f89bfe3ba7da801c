/* The life of a role (core/role.h): start, SIGHUP, stop. */
#include "core/role.h"

#include <malloc.h>
#include <string.h>
#include <unistd.h>

#include "core/ctlsock.h"
#include "core/miss_rb.h"
#include "log.h"

static void on_control(void *arg, const struct lisp_ip *src, uint16_t sport,
		       const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct lispd *d = arg;

	if (d->obj)
		d->role->on_control(d->obj, src, sport, dst, buf, len);
}

static void on_miss(void *arg, const struct dp_miss *ev)
{
	struct lispd *d = arg;

	if (d->obj)
		d->role->dp->on_miss(d->obj, ev);
}

/* What an earlier lispd left on the host when it died, whatever its role
 * was: each role knows its own leftovers in the state directory. */
static void cleanup_stale(struct lispd *d)
{
	char err[512];

	for (unsigned i = 0; i < role_count(); i++) {
		const struct role *r = role_at(i);
		int rc;

		if (!r->dp)
			continue;
		rc = r->dp->cleanup_stale(d->state_dir, err, sizeof(err));
		if (rc < 0)
			log_warn("cleaning the %s state of an earlier run: %s", r->name, err);
		else if (rc == 1)
			log_warn("an earlier lispd did not exit cleanly: %s", r->dp->stale_done);
	}
}

static int step(struct lispd *d, int (*fn)(struct lispd *d))
{
	return fn ? fn(d) : 0;
}

int role_start(struct lispd *d)
{
	const struct role *r = d->role;
	char err[512];

	dp_handle_init(&d->dp);
	if (step(d, r->check))
		return -1;
	d->ctl = ctlsock_open(d->loop, d->ctl_path, role_on_ctl, d, err, sizeof(err));
	if (!d->ctl) {
		log_err("%s", err);
		return -1;
	}
	if (r->dp)
		cleanup_stale(d);
	if (step(d, r->host_setup))
		return -1;
	if (cp_sock_open(&d->cp, d->loop, d->port, on_control, d, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	d->cp_open = true;
	if (step(d, r->cp_setup))
		return -1;
	if (step(d, r->create))
		return -1;
	if (r->dp) {
		d->miss = miss_rb_open(d->loop, &d->dp, on_miss, d, err, sizeof(err));
		if (!d->miss) {
			log_err("%s", err);
			return -1;
		}
	}
	return step(d, r->run);
}

void role_stop(struct lispd *d)
{
	if (d->ctl)
		ctlsock_close(d->ctl);
	d->ctl = NULL;
	if (d->miss)
		miss_rb_close(d->miss);
	d->miss = NULL;
	/* The role frees its object before the sockets and maps it uses go,
	 * then takes its host changes back. */
	d->role->stop(d);
	d->obj = NULL;
	d->priv = NULL;
	if (d->cp_open)
		cp_sock_close(&d->cp);
	d->cp_open = false;
	dp_close(&d->dp);
}

void role_reload(struct lispd *d)
{
	struct lispd_config next;
	char err[512];

	if (!d->obj)
		return;   /* still starting */
	d->reloads++;
	if (lispd_config_load_file(d->config_path, &next, err, sizeof(err))) {
		d->reload_errors++;
		log_err("reload: %s; keeping the running configuration", err);
		return;
	}
	/* A role is chosen at start: switching it means another host setup. */
	if (next.mode != d->cfg.mode) {
		d->reload_errors++;
		log_err("reload: %s changes operating-mode; restart lispd for that; keeping "
			"the running configuration", d->config_path);
		lispd_config_free(&next);
		return;
	}
	if (d->role->reload(d->obj, &next)) {
		d->reload_errors++;
		log_err("reload: %s not applied; keeping the running configuration",
			d->config_path);
		lispd_config_free(&next);
		return;
	}
	lispd_config_free(&d->cfg);
	d->cfg = next;
	malloc_trim(0);
	if (d->debug < 0)
		lispd_log_set_level(lispd_log_level_from_debug(d->cfg.debug));
	if (d->role->reload_note)
		log_info("reloaded %s (%s)", d->config_path, d->role->reload_note);
	else
		log_info("reloaded %s", d->config_path);
	/* What the new file asks for and lispd does not do: said again, as at
	 * start, since a reload may be what turned it on. */
	for (unsigned i = 0; i < d->cfg.n_notes; i++)
		log_warn("%s", d->cfg.notes[i]);
}
