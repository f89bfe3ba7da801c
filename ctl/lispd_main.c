/* lispd: the LISP daemon. Reads the configuration (every error before the
 * host changes) and runs the role its operating-mode names in one event loop:
 *  - MN (mobile node): sets the host up (lmn0, data plane, routes and rules)
 *    and restores it on SIGTERM/SIGINT;
 *  - MS (Map-Server + Map-Resolver): only the UDP 4342 sockets, bound to
 *    control-iface when one is configured; the host is not changed;
 *  - PxTR (proxy ITR + proxy ETR): the PxTR data plane on the rloc-iface and
 *    native-iface (its own pin directory), misses resolved through the
 *    map-resolvers; restored on SIGTERM/SIGINT like the MN's host setup.
 * SIGHUP reloads the configuration. Once set up, every role drops the
 * capabilities it no longer needs (core/privs.c). */
#include <bpf/libbpf.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dp_maps.h"
#include "core/cp_sock.h"
#include "core/ctlsock.h"
#include "core/daemon.h"
#include "core/evloop.h"
#include "core/miss_rb.h"
#include "core/nl.h"
#include "core/privs.h"
#include "core/state.h"
#include "log.h"
#include "mn/host.h"
#include "mn/mn.h"
#include "mn/mobility.h"
#include "mn/rlocs.h"
#include "ms/ms.h"
#include "pxtr/pxtr.h"
#include "pxtr/pxtr_host.h"

#ifndef LISPD_VERSION
#define LISPD_VERSION "0.1.0-dev"
#endif

#define DEFAULT_CONFIG "/etc/lispd.conf"
#define DEFAULT_PIN_DIR "/sys/fs/bpf/lispd"

struct opts {
	const char *config;
	const char *state_dir;
	const char *ctl_path;
	const char *pin_dir;  /* NULL: the role's default */
	const char *pid_file;
	const char *query;
	bool test_only;
	bool foreground;
	int debug;            /* -1: not given, the file's `debug` decides */
	unsigned port;
};

struct daemon {
	struct opts *o;
	struct lispd_config cfg;
	struct ev_loop *loop;
	struct daemon_signals sig;
	struct lispd_state *state;
	struct mn_host host;
	bool host_up;
	struct cp_sock cp;
	bool cp_open;
	struct miss_rb *miss;
	struct ctlsock *ctl;
	struct mn *mn;
	struct mn_mobility *mobility;
	struct ms *ms;
	struct pxtr *px;
	bool pxtr_up;         /* the PxTR data plane is on the host */
	struct dp_handle dp;  /* its maps, opened by the role's host setup */
	time_t started;
	uint64_t reloads, reload_errors;
	int exit_signal;
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: lispd [-f FILE] [-t] [-d | -dd | -d N] [-n] [-h] [-v]\n"
		"             [-S STATE_DIR] [-C CTL_SOCKET] [-p PIN_DIR] [-P PID_FILE]\n"
		"       lispd [-C CTL_SOCKET] -q REQUEST\n"
		"  -f FILE  configuration file (default " DEFAULT_CONFIG ")\n"
		"  -t       check the configuration and exit (0 if valid, 1 if not)\n"
		"  -d       more debug output; repeat, or give a level 0..3\n"
		"  -n       stay in the foreground, log to stderr\n"
		"  -S DIR   persistent state (default " STATE_DIR_DEFAULT ")\n"
		"  -C PATH  control socket (default " CTLSOCK_PATH_DEFAULT ")\n"
		"  -p DIR   BPF pin directory (default " DEFAULT_PIN_DIR ";\n"
		"           operating-mode PxTR: " DP_PXTR_PIN_DIR_DEFAULT ")\n"
		"  -P FILE  pid file when daemonized (default " DAEMON_PIDFILE_DEFAULT ")\n"
		"  -q REQ   ask a running lispd: status, registrations, map-cache,\n"
		"           pending, counters; prints its JSON answer\n"
		"  -h       this help\n"
		"  -v       version\n");
}

static bool is_level(const char *s)
{
	return s && s[0] >= '0' && s[0] <= '3' && s[1] == '\0';
}

static int check_config(const char *path, int debug)
{
	struct lispd_config cfg;
	char err[512];

	if (lispd_config_load_file(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lispd: %s\n", err);
		fprintf(stderr, "lispd: configuration %s is not valid\n", path);
		return 1;
	}
	if (debug > 0 && cfg.mode == LISPD_MODE_PXTR)
		printf("%s: operating-mode PxTR: rloc-iface %s, native-iface %s, %u eid-space "
		       "prefix(es), %u map-resolver(s), %u static-map-cache entr%s\n", path,
		       cfg.pxtr.rloc_iface, cfg.pxtr.native_iface, cfg.pxtr.n_eid_space,
		       cfg.n_map_resolvers, cfg.n_statics, cfg.n_statics == 1 ? "y" : "ies");
	else if (debug > 0 && cfg.mode == LISPD_MODE_MS)
		printf("%s: operating-mode MS: %u lisp-site(s), %u static registered site(s), "
		       "control-iface %s\n", path, cfg.n_sites, cfg.n_static_sites,
		       cfg.control_iface[0] ? cfg.control_iface : "(every address)");
	else if (debug > 0)
		printf("%s: %u map-server(s), %u map-resolver(s), %u proxy-etr(s), "
		       "%u proxy-itr(s), %u database-mapping(s), %u static-map-cache "
		       "entr%s\n",
		       path, cfg.n_map_servers, cfg.n_map_resolvers, cfg.n_petrs,
		       cfg.n_proxy_itrs, cfg.n_mappings, cfg.n_statics,
		       cfg.n_statics == 1 ? "y" : "ies");
	printf("lispd: %s: configuration OK\n", path);
	lispd_config_free(&cfg);
	return 0;
}

static int query(const struct opts *o)
{
	char err[512];

	if (ctlsock_query(o->ctl_path, o->query, stdout, 5000, err, sizeof(err))) {
		fprintf(stderr, "lispd: %s\n", err);
		return 1;
	}
	return 0;
}

/* libbpf's messages go to our log. The data plane probes for its filters
 * before attaching; the kernel's "not found" answers to those probes are
 * expected and only shown when debugging. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum lispd_log_level l = level == LIBBPF_WARN ? LISPD_LOG_WARN :
				 level == LIBBPF_INFO ? LISPD_LOG_DEBUG1 : LISPD_LOG_DEBUG3;
	char msg[1024];

	if (!lispd_log_enabled(l) && !lispd_log_enabled(LISPD_LOG_DEBUG1))
		return 0;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	if (strstr(msg, "Cannot find specified filter chain"))
		l = LISPD_LOG_DEBUG1;
	lispd_log(l, "%s", msg);
	return 0;
}

/* ---- event handlers ------------------------------------------------------------ */

static void on_control(void *arg, const struct lisp_ip *src, uint16_t sport,
		       const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct daemon *d = arg;

	if (d->ms)
		ms_on_control(d->ms, src, sport, dst, buf, len);
	else if (d->px)
		pxtr_on_control(d->px, src, sport, dst, buf, len);
	else if (d->mn)
		mn_on_control(d->mn, src, sport, dst, buf, len);
}

static void on_miss(void *arg, const struct dp_miss *ev)
{
	struct daemon *d = arg;

	if (d->px)
		pxtr_on_miss(d->px, ev);
	else if (d->mn)
		mn_on_miss(d->mn, ev);
}

static uint64_t next_nonce(void *ctx)
{
	struct daemon *d = ctx;
	uint64_t n;

	/* The counter lives on disk; if it cannot advance, stopping beats
	 * sending a nonce that might repeat. */
	if (state_next_nonce(d->state, &n)) {
		log_err("cannot reserve Map-Register nonces in %s: %s; stopping",
			state_dir(d->state), strerror(errno));
		ev_loop_stop(d->loop);
		return 0;
	}
	return n;
}

static void reload(struct daemon *d)
{
	struct lispd_config next;
	char err[512];
	int rc;

	d->reloads++;
	if (lispd_config_load_file(d->o->config, &next, err, sizeof(err))) {
		d->reload_errors++;
		log_err("reload: %s; keeping the running configuration", err);
		return;
	}
	/* A role is chosen at start: switching it means another host setup. */
	if (next.mode != d->cfg.mode) {
		d->reload_errors++;
		log_err("reload: %s changes operating-mode; restart lispd for that; keeping "
			"the running configuration", d->o->config);
		lispd_config_free(&next);
		return;
	}
	if (d->ms)
		rc = ms_reload(d->ms, &next);
	else if (d->px)
		rc = pxtr_reload(d->px, &next);
	else
		rc = mn_reload(d->mn, &next);
	if (rc) {
		d->reload_errors++;
		log_err("reload: %s not applied; keeping the running configuration",
			d->o->config);
		lispd_config_free(&next);
		return;
	}
	lispd_config_free(&d->cfg);
	d->cfg = next;
	malloc_trim(0);
	if (d->o->debug < 0)
		lispd_log_set_level(lispd_log_level_from_debug(d->cfg.debug));
	if (d->ms)
		log_info("reloaded %s (control-iface takes effect at restart)", d->o->config);
	else if (d->px)
		log_info("reloaded %s", d->o->config);
	else
		log_info("reloaded %s (interfaces and EIDs on lmn take effect at restart)",
			 d->o->config);
}

static void on_signal(enum daemon_signal sig, int signo, void *arg)
{
	struct daemon *d = arg;

	if (sig == DAEMON_SIG_RELOAD) {
		if (d->mn || d->ms || d->px)
			reload(d);
		return;
	}
	log_info("signal %d: stopping", signo);
	d->exit_signal = signo;
	ev_loop_stop(d->loop);
}

static void json_ip(FILE *out, const struct lisp_ip *ip)
{
	char buf[64];

	ctlsock_json_string(out, nl_ip_str(ip, buf, sizeof(buf)));
}

/* What the sockets (and, with a data plane, the ring buffer) saw, and the
 * reloads: the end of every mode's part. */
static void daemon_json_io(struct daemon *d, FILE *out)
{
	fprintf(out, ", \"control_port\": %u, \"control_rx\": %" PRIu64
		", \"control_rx_errors\": %" PRIu64 ", \"control_rx_oversized\": %" PRIu64
		", \"control_tx\": %" PRIu64 ", \"control_tx_errors\": %" PRIu64, d->cp.port,
		d->cp.rx_packets, d->cp.rx_errors, d->cp.rx_oversized, d->cp.tx_packets, d->cp.tx_errors);
	if (!d->ms)
		fprintf(out, ", \"miss_events\": %" PRIu64 ", \"miss_events_malformed\": %" PRIu64,
			d->miss ? miss_rb_events(d->miss) : 0, d->miss ? miss_rb_malformed(d->miss) : 0);
	fprintf(out, ", \"reloads\": %" PRIu64 ", \"reload_errors\": %" PRIu64 "}", d->reloads,
		d->reload_errors);
}

/* The MS mode's part of the daemon's status: no host state, only where the
 * control messages come in. */
static void daemon_json_ms(struct daemon *d, FILE *out)
{
	fputs(", \"control_iface\": ", out);
	ctlsock_json_string(out, d->cfg.control_iface);
	fputs(", \"listen\": [", out);
	if (d->cp.have_rloc4)
		json_ip(out, &d->cp.rloc4);
	if (d->cp.have_rloc6) {
		if (d->cp.have_rloc4)
			fputs(", ", out);
		json_ip(out, &d->cp.rloc6);
	}
	fputc(']', out);
}

/* The MN mode's part: what host setup made. */
static void daemon_json_mn(struct daemon *d, FILE *out)
{
	fputs(", \"lmn\": ", out);
	ctlsock_json_string(out, d->host.lmn_name);
	fprintf(out, ", \"lmn_mtu\": %u, \"phys\": ", d->host.lmn_mtu);
	ctlsock_json_string(out, d->host.phys_name);
	fprintf(out, ", \"phys_mtu\": %u, \"table\": %" PRIu32 ", \"rlocs\": [", d->host.phys_mtu,
		d->host.table);
	for (unsigned i = 0; i < d->host.n_rlocs; i++) {
		if (i)
			fputs(", ", out);
		json_ip(out, &d->host.rlocs[i]);
	}
	fputc(']', out);
}

static void daemon_json(struct daemon *d, FILE *out)
{
	fprintf(out, "{\"pid\": %ld, \"version\": \"%s\", \"mode\": \"%s\", \"uptime_s\": %ld, "
		"\"config\": ", (long)getpid(), LISPD_VERSION,
		d->ms ? "MS" : d->px ? "PxTR" : "MN", (long)(time(NULL) - d->started));
	ctlsock_json_string(out, d->o->config);
	if (d->ms) {
		daemon_json_ms(d, out);
	} else {
		fputs(", \"state_dir\": ", out);
		ctlsock_json_string(out, d->o->state_dir);
		fputs(", \"pin_dir\": ", out);
		ctlsock_json_string(out, d->px ? d->o->pin_dir : d->host.pin_dir);
		if (!d->px)
			daemon_json_mn(d, out);
	}
	daemon_json_io(d, out);
}

/* The running role's answer to req, and the name its part of "status" and
 * "counters" goes under. */
static void role_json(struct daemon *d, const char *req, FILE *out)
{
	if (d->ms)
		ms_ctl_json(d->ms, req, out);
	else if (d->px)
		pxtr_ctl_json(d->px, req, out);
	else
		mn_ctl_json(d->mn, req, out);
}

/* Requests a role answers alone (the MN's own answers the unknown ones). */
static bool role_takes(const struct daemon *d, const char *req)
{
	if (d->ms)
		return !strcmp(req, "registrations") || !strcmp(req, "sites");
	if (d->px)
		return !strcmp(req, "map-cache") || !strcmp(req, "pending");
	return true;
}

/* "status" and "counters" wrap the role's answer with the daemon's own
 * part; the other requests are the role's alone. */
static int on_ctl(const char *req, FILE *out, void *arg)
{
	struct daemon *d = arg;

	if (!d->ms && !d->px && !d->mn)
		return -1;   /* still starting: nothing to show yet */
	if (!strcmp(req, "status") || !strcmp(req, "counters")) {
		fputs("{\"daemon\": ", out);
		daemon_json(d, out);
		fprintf(out, ", \"%s\": ", d->ms ? "ms" : d->px ? "pxtr" : "mn");
		/* The MS has no status of its own beyond its counters. */
		role_json(d, d->ms ? "counters" : req, out);
		fputs("}\n", out);
		return 0;
	}
	if (!role_takes(d, req))
		return -1;
	role_json(d, req, out);
	return 0;
}

/* ---- start and stop -------------------------------------------------------------- */

static void teardown(struct daemon *d)
{
	char err[512];

	if (d->ctl)
		ctlsock_close(d->ctl);
	d->ctl = NULL;
	if (d->miss)
		miss_rb_close(d->miss);
	d->miss = NULL;
	mn_mobility_stop(d->mobility);
	d->mobility = NULL;
	if (d->mn)
		mn_free(d->mn);
	d->mn = NULL;
	ms_free(d->ms);
	d->ms = NULL;
	pxtr_free(d->px);
	d->px = NULL;
	if (d->cp_open)
		cp_sock_close(&d->cp);
	d->cp_open = false;
	dp_close(&d->dp);
	if (d->host_up) {
		if (d->host.decap_fd >= 0)
			close(d->host.decap_fd);
		d->host.decap_fd = -1;
		if (host_restore(d->o->state_dir, err, sizeof(err)))
			log_err("restoring the host: %s", err);
		else
			log_info("host restored");
	}
	d->host_up = false;
	if (d->pxtr_up) {
		if (pxtr_host_restore(d->o->state_dir, err, sizeof(err)))
			log_err("restoring the host: %s", err);
		else
			log_info("PxTR data plane detached");
	}
	d->pxtr_up = false;
}

/* What an earlier lispd left on the host when it died, whatever its role
 * was: the state directory says. */
static void cleanup_stale(struct daemon *d)
{
	char err[512];
	int rc;

	rc = host_cleanup_stale(d->o->state_dir, err, sizeof(err));
	if (rc < 0)
		log_warn("cleaning the state of an earlier run: %s", err);
	else if (rc == 1)
		log_warn("an earlier lispd did not exit cleanly: its host changes were undone");
	rc = pxtr_host_cleanup_stale(d->o->state_dir, err, sizeof(err));
	if (rc < 0)
		log_warn("cleaning the PxTR state of an earlier run: %s", err);
	else if (rc == 1)
		log_warn("an earlier lispd did not exit cleanly: its PxTR data plane was detached");
}

/* With control-iface, control messages are taken from that interface only
 * (SO_BINDTODEVICE) and answered from its addresses; without, from every
 * address. */
static int start_ms(struct daemon *d)
{
	const char *ifname = d->cfg.control_iface;
	char err[512];
	unsigned n_addrs = 0;

	if (ifname[0] && !if_nametoindex(ifname)) {
		log_err("%s: control-iface %s: no such interface", d->o->config, ifname);
		return -1;
	}
	d->ctl = ctlsock_open(d->loop, d->o->ctl_path, on_ctl, d, err, sizeof(err));
	if (!d->ctl) {
		log_err("%s", err);
		return -1;
	}
	if (cp_sock_open(&d->cp, d->loop, (uint16_t)d->o->port, on_control, d, err,
			 sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	d->cp_open = true;
	if (ifname[0]) {
		static const uint16_t afis[2] = { LISP_AFI_IPV4, LISP_AFI_IPV6 };

		if (cp_sock_bind_iface(&d->cp, ifname, err, sizeof(err))) {
			log_err("%s", err);
			return -1;
		}
		for (unsigned i = 0; i < 2; i++) {
			struct lisp_ip a;

			if (rlocs_iface_addr(ifname, afis[i], &a) == 0) {
				cp_sock_set_rloc(&d->cp, afis[i], &a);
				n_addrs++;
			}
		}
		if (!n_addrs)
			log_warn("control-iface %s has no usable address yet", ifname);
	}
	d->ms = ms_new(&d->cfg, d->loop, &d->cp.io);
	if (!d->ms)
		return -1;
	log_info("Map-Server/Map-Resolver on UDP %u%s%s", d->cp.port,
		 ifname[0] ? ", interface " : ", every address", ifname);
	return 0;
}

static int start(struct daemon *d)
{
	struct host_plan plan;
	struct mn_opts mo;
	char err[512];

	/* What the configuration asks of this host is checked before anything
	 * is written; the control socket comes first so that a second lispd is
	 * turned away before it touches the host. */
	memset(&plan, 0, sizeof(plan));
	snprintf(plan.pin_dir, sizeof(plan.pin_dir), "%s", d->o->pin_dir);
	if (rlocs_plan(&d->cfg, &plan, err, sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	d->ctl = ctlsock_open(d->loop, d->o->ctl_path, on_ctl, d, err, sizeof(err));
	if (!d->ctl) {
		log_err("%s", err);
		return -1;
	}
	d->state = state_open(d->o->state_dir, err, sizeof(err));
	if (!d->state) {
		log_err("%s", err);
		return -1;
	}
	cleanup_stale(d);
	if (host_setup(&plan, d->o->state_dir, &d->dp, &d->host, err, sizeof(err))) {
		log_err("host setup: %s", err);
		return -1;
	}
	d->host_up = true;
	log_info("%s up: MTU %u, physical %s, table %" PRIu32, d->host.lmn_name, d->host.lmn_mtu,
		 d->host.phys_name, d->host.table);

	if (cp_sock_open(&d->cp, d->loop, (uint16_t)d->o->port, on_control, d, err,
			 sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	d->cp_open = true;
	for (unsigned i = 0; i < d->host.n_rlocs; i++)
		cp_sock_set_rloc(&d->cp, d->host.rlocs[i].afi, &d->host.rlocs[i]);

	memset(&mo, 0, sizeof(mo));
	mo.dp = &d->dp;
	mo.next_nonce = next_nonce;
	mo.nonce_ctx = d;
	memcpy(mo.xtr_id, state_xtr_id(d->state), sizeof(mo.xtr_id));
	d->mn = mn_new(&d->cfg, d->loop, &d->cp.io, &d->host, &mo);
	if (!d->mn)
		return -1;
	d->miss = miss_rb_open(d->loop, &d->dp, on_miss, d, err, sizeof(err));
	if (!d->miss) {
		log_err("%s", err);
		return -1;
	}
	mn_start(d->mn);
	d->mobility = mn_mobility_start(d->loop, d->o->state_dir, &d->host, &d->cp, d->mn);
	return d->mobility ? 0 : -1;
}

/* The PxTR (ctl/pxtr/pxtr.h): control socket first (a second lispd is
 * turned away before it touches the host), stale state of a crashed run
 * undone, the data plane attached, then the control plane over its maps. */
static int start_pxtr(struct daemon *d)
{
	const struct lispd_cfg_pxtr *c = &d->cfg.pxtr;
	struct pxtr_opts po;
	char err[512];

	d->ctl = ctlsock_open(d->loop, d->o->ctl_path, on_ctl, d, err, sizeof(err));
	if (!d->ctl) {
		log_err("%s", err);
		return -1;
	}
	cleanup_stale(d);
	if (!pxtr_host_forwarding_ok(&d->cfg, err, sizeof(err)))
		log_warn("%s is off: the PETR cannot forward decapsulated traffic", err);
	if (pxtr_host_setup(&d->cfg, d->o->pin_dir, d->o->state_dir, &d->dp, err, sizeof(err))) {
		log_err("host setup: %s", err);
		return -1;
	}
	d->pxtr_up = true;
	log_info("PxTR data plane on %s (PETR) and %s (PITR), pinned at %s", c->rloc_iface,
		 c->native_iface, d->o->pin_dir);
	if (cp_sock_open(&d->cp, d->loop, (uint16_t)d->o->port, on_control, d, err,
			 sizeof(err))) {
		log_err("%s", err);
		return -1;
	}
	d->cp_open = true;
	for (unsigned i = 0; i < c->n_rlocs; i++)
		cp_sock_set_rloc(&d->cp, c->rlocs[i].afi, &c->rlocs[i]);
	memset(&po, 0, sizeof(po));
	po.dp = &d->dp;
	d->px = pxtr_new(&d->cfg, d->loop, &d->cp.io, &po);
	if (!d->px)
		return -1;
	d->miss = miss_rb_open(d->loop, &d->dp, on_miss, d, err, sizeof(err));
	if (!d->miss) {
		log_err("%s", err);
		return -1;
	}
	return 0;
}

static int start_role(struct daemon *d)
{
	if (!d->o->pin_dir)
		d->o->pin_dir = d->cfg.mode == LISPD_MODE_PXTR ? DP_PXTR_PIN_DIR_DEFAULT
							    : DEFAULT_PIN_DIR;
	switch (d->cfg.mode) {
	case LISPD_MODE_MN:
		return start(d);
	case LISPD_MODE_MS:
		return start_ms(d);
	case LISPD_MODE_PXTR:
		return start_pxtr(d);
	default:
		/* A role the configuration knows but this daemon does not run yet
		 * must not fall into another role's host setup. */
		log_err("%s: operating-mode %d is not served by this lispd", d->o->config,
			(int)d->cfg.mode);
		return -1;
	}
}

static int run(struct opts *o)
{
	struct daemon d;
	FILE *log_fp = NULL;
	char err[512];
	int rc = 1;

	memset(&d, 0, sizeof(d));
	d.o = o;
	dp_handle_init(&d.dp);
	d.sig.fd = -1;
	d.started = time(NULL);
	/* Every configuration error is reported before anything changes. */
	if (lispd_config_load_file(o->config, &d.cfg, err, sizeof(err))) {
		log_err("%s", err);
		log_err("configuration %s is not valid; nothing was changed", o->config);
		return 1;
	}
	if (o->debug < 0)
		lispd_log_set_level(lispd_log_level_from_debug(d.cfg.debug));
	if (!o->foreground) {
		/* Start-up messages still go to the terminal (stderr stays open
		 * until daemon_ready); the log moves to syslog or the file after. */
		if (daemon_detach()) {
			log_err("daemonizing: %s", strerror(errno));
			goto out_cfg;
		}
		if (daemon_pidfile_create(o->pid_file, err, sizeof(err))) {
			log_err("%s", err);
			goto out_cfg;
		}
	}
	d.loop = ev_loop_new();
	/* Signals are blocked from here on: a TERM during set-up waits in the
	 * signalfd and ends the daemon cleanly once the loop runs. */
	if (!d.loop || daemon_signals_open(&d.sig, d.loop, on_signal, &d)) {
		log_err("event loop: %s", strerror(errno));
		goto out;
	}
	if (start_role(&d)) {
		teardown(&d);
		goto out;
	}
	/* The parser's tree is freed but its pages stay in the heap: for a
	 * map-server of tens of thousands of sites, most of the start-up RSS. */
	malloc_trim(0);
	log_info("running (pid %ld)", (long)getpid());
	if (d.cfg.log_file) {
		log_fp = fopen(d.cfg.log_file, "ae");
		if (log_fp) {
			setvbuf(log_fp, NULL, _IOLBF, 0);
			lispd_log_set_stream(log_fp);
		} else {
			log_warn("log-file %s: %s; logging to %s", d.cfg.log_file, strerror(errno),
				 o->foreground ? "stderr" : "syslog");
		}
	}
	if (!log_fp && !o->foreground)
		lispd_log_open("lispd", LISPD_LOG_TO_SYSLOG, lispd_log_get_level());
	/* Set up: from here on only what the role needs to run, reload and
	 * restore (core/privs.c). */
	if (privs_drop(d.cfg.mode, err, sizeof(err))) {
		log_err("%s; stopping", err);
		teardown(&d);
		goto out;
	}
	daemon_ready(0);
	if (ev_loop_run(d.loop))
		log_err("event loop: %s", strerror(errno));
	else
		rc = 0;
	teardown(&d);
out:
	daemon_ready(rc);
	daemon_signals_close(&d.sig);
	state_close(d.state);
	ev_loop_free(d.loop);
	if (!o->foreground)
		daemon_pidfile_remove(o->pid_file);
out_cfg:
	lispd_config_free(&d.cfg);
	if (log_fp) {
		lispd_log_set_stream(NULL);
		fclose(log_fp);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.config = DEFAULT_CONFIG,
		.state_dir = STATE_DIR_DEFAULT,
		.ctl_path = CTLSOCK_PATH_DEFAULT,
		.pid_file = DAEMON_PIDFILE_DEFAULT,
		.debug = -1,
		.port = 4342,
	};
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, ":f:tdnhvS:C:p:P:q:m:s:e:r:")) != -1) {
		switch (c) {
		case 'f':
			o.config = optarg;
			break;
		case 't':
			o.test_only = true;
			break;
		case 'd':
			/* "-d N" sets a level; "-d" and "-dd" count. */
			if (o.debug < 0)
				o.debug = 0;
			if (optind < argc && is_level(argv[optind]))
				o.debug = argv[optind++][0] - '0';
			else if (o.debug < 3)
				o.debug++;
			break;
		case 'n':
			o.foreground = true;
			break;
		case 'S':
			o.state_dir = optarg;
			break;
		case 'C':
			o.ctl_path = optarg;
			break;
		case 'p':
			o.pin_dir = optarg;
			break;
		case 'P':
			o.pid_file = optarg;
			break;
		case 'q':
			o.query = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("lispd (lispd-bpf) %s\n", LISPD_VERSION);
			return 0;
		case 'm':
		case 's':
		case 'e':
		case 'r':
			/* LISPmob's command-line overrides of the file. */
			fprintf(stderr, "lispd: option -%c is not supported yet; set it in the "
					"configuration file\n", c);
			return 1;
		case ':':
			fprintf(stderr, "lispd: option -%c needs a value\n", optopt);
			usage(stderr);
			return 1;
		default:
			if (isprint(optopt))
				fprintf(stderr, "lispd: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "lispd: unknown option\n");
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lispd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	if (o.query)
		return query(&o);
	lispd_log_open("lispd", LISPD_LOG_TO_STREAM,
		       lispd_log_level_from_debug(o.debug < 0 ? 0 : o.debug));
	libbpf_set_print(libbpf_log);
	if (o.test_only)
		return check_config(o.config, o.debug < 0 ? 0 : o.debug);
	return run(&o);
}
