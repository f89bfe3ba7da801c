/* A role of lispd (operating-mode): what it does at each step of the
 * daemon's life, as a table the core runs (core/role_run.c). A role fills
 * one `struct role` in its own directory and gets one entry in ctl/roles.c;
 * the core never names a role.
 *
 * Start, in this order, each step only when the role has it:
 *   check        what the configuration asks of this host, before anything
 *                is written
 *   (core)       the control socket: a second lispd is turned away here,
 *                before it touches the host
 *   (core)       for a role with a data plane: what any earlier lispd left
 *                on the host after a crash, every role's cleanup_stale
 *   host_setup   the role's host changes (data plane attach ...; a role
 *                with a data plane opens d->dp over its maps)
 *   (core)       the UDP 4342 sockets
 *   cp_setup     their sources or binding
 *   create       the role's protocol object over the sockets and maps
 *   (core)       for a role with a data plane: its miss ring buffer
 *   run          the first messages, watchers
 * A failed step stops the start; stop then undoes whatever part ran. */
#ifndef CORE_ROLE_H
#define CORE_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "core/cp_sock.h"
#include "dp_maps.h"
#include "lisp_addr.h"

#ifndef LISPD_VERSION
#define LISPD_VERSION "0.1.0-dev"
#endif

struct ctlsock;
struct ev_loop;
struct json;
struct dp_miss;
struct miss_rb;
struct role;

/* The daemon as the roles see it: what the command line chose, the running
 * configuration, and what the core opened for the role. */
struct lispd {
	const struct role *role;
	const char *config_path;
	const char *state_dir;
	const char *ctl_path;
	const char *pin_dir;          /* the command line's, else the role's default */
	uint16_t port;                /* UDP 4342, or another for tests */
	int debug;                    /* -1: the configuration's `debug` decides */
	struct lispd_config cfg;
	struct ev_loop *loop;
	struct ctlsock *ctl;
	struct cp_sock cp;
	bool cp_open;
	struct dp_handle dp;          /* the data plane's maps (its host_setup opens them) */
	struct miss_rb *miss;
	void *priv;                   /* the role's own state (its check or host_setup makes it) */
	void *obj;                    /* what create made: the argument of the callbacks */
	time_t started;
	uint64_t reloads, reload_errors;
};

/* What a role with a BPF data plane adds: the core cleans up after its
 * crashed runs, opens its miss ring buffer, and shows its state and pin
 * directories in status. */
struct role_dataplane {
	const char *pin_dir_default;
	/* What a crashed run of this role left on the host: undone. 1 when
	 * something was, 0 when there was nothing, -1 with err filled. */
	int (*cleanup_stale)(const char *state_dir, char *err, size_t errlen);
	const char *stale_done;       /* "its host changes were undone": the warning */
	void (*on_miss)(void *obj, const struct dp_miss *ev);
};

/* One request of the control socket and the role's answer to it: one JSON
 * value (for status and counters, the role's part of them). */
struct role_answer {
	const char *request;
	void (*json)(void *obj, struct json *j);
};

struct role {
	enum lispd_cfg_mode mode;
	const char *name;             /* "MN": the "mode" of status */
	const char *key;              /* "mn": its part of status and counters */
	const struct role_dataplane *dp;   /* NULL: no data plane */
	uint64_t caps_kept;           /* capabilities kept once set up (core/privs.h) */

	/* `lispd -t -d`: one line saying what the configuration holds. */
	void (*describe)(const struct lispd_config *cfg, const char *path, FILE *out);

	int (*check)(struct lispd *d);
	int (*host_setup)(struct lispd *d);
	int (*cp_setup)(struct lispd *d);
	int (*create)(struct lispd *d);
	int (*run)(struct lispd *d);
	/* Undoes the start, whatever part of it ran (obj and priv may be NULL). */
	void (*stop)(struct lispd *d);

	void (*on_control)(void *obj, const struct lisp_ip *src, uint16_t sport,
			   const struct lisp_ip *dst, const uint8_t *buf, size_t len);
	/* SIGHUP with a valid configuration of the same mode: 0 when applied,
	 * -1 with nothing changed. */
	int (*reload)(void *obj, const struct lispd_config *next);
	const char *reload_note;      /* what a reload does not change, or NULL */

	/* Control socket: the role's answers, up to one with a NULL request.
	 * "status" and "counters" must be there: the core wraps them with the
	 * daemon's own part; a request not there gets the core's error. */
	const struct role_answer *answers;
	/* Its members of the daemon's own part of status. */
	void (*daemon_json)(struct lispd *d, struct json *j);
};

/* Every role this lispd runs (ctl/roles.c). */
const struct role *role_find(enum lispd_cfg_mode mode);
unsigned role_count(void);
const struct role *role_at(unsigned i);

/* core/role_run.c: the start above (0, or -1 logged; the caller then calls
 * role_stop), the stop, and SIGHUP. d's config_path, state_dir, ctl_path,
 * pin_dir, port, cfg and loop are the caller's to set first. */
int role_start(struct lispd *d);
void role_stop(struct lispd *d);
void role_reload(struct lispd *d);

/* The control socket's handler (core/role_json.c): status and counters wrap
 * the role's part with the daemon's own; the role's other answers are its
 * alone; -1 for the rest. */
int role_on_ctl(const char *req, struct json *j, void *arg);

/* r's answer to req, or NULL. */
const struct role_answer *role_answer(const struct role *r, const char *req);

#endif
