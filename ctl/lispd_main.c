/* lispd: the LISP daemon. Reads the configuration (every error before the
 * host changes) and runs the role its operating-mode names (ctl/roles.c,
 * core/role.h) in one event loop until SIGTERM/SIGINT; SIGHUP reloads the
 * configuration. Once set up, the daemon drops the capabilities its role no
 * longer needs (core/privs.c). This file: the command line, daemonizing,
 * the log, and the loop. */
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
#include "core/ctlsock.h"
#include "core/daemon.h"
#include "core/evloop.h"
#include "core/privs.h"
#include "core/role.h"
#include "core/state.h"
#include "log.h"

#define DEFAULT_CONFIG "/etc/lispd.conf"

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
		"  -p DIR   BPF pin directory (default by operating-mode:");
	for (unsigned i = 0, n = 0; i < role_count(); i++)
		if (role_at(i)->dp)
			fprintf(fp, "%s%s %s", n++ ? ", " : "\n           ", role_at(i)->name,
				role_at(i)->dp->pin_dir_default);
	fprintf(fp, ")\n"
		"  -P FILE  pid file when daemonized (default " DAEMON_PIDFILE_DEFAULT ")\n"
		"  -q REQ   ask a running lispd: status, registrations, map-cache,\n"
		"           pending, counters, nat (RTR); prints its JSON answer\n"
		"  -h       this help\n"
		"  -v       version\n");
}

static bool is_level(const char *s)
{
	return s && s[0] >= '0' && s[0] <= '3' && s[1] == '\0';
}

static int check_config(const char *path, int debug)
{
	const struct role *role;
	struct lispd_config cfg;
	char err[512];

	if (lispd_config_load_file(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lispd: %s\n", err);
		fprintf(stderr, "lispd: configuration %s is not valid\n", path);
		return 1;
	}
	role = role_find(cfg.mode);
	if (debug > 0 && role)
		role->describe(&cfg, path, stdout);
	for (unsigned i = 0; i < cfg.n_notes; i++)
		fprintf(stderr, "lispd: %s\n", cfg.notes[i]);
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

static void on_signal(enum daemon_signal sig, int signo, void *arg)
{
	struct lispd *d = arg;

	if (sig == DAEMON_SIG_RELOAD) {
		role_reload(d);
		return;
	}
	log_info("signal %d: stopping", signo);
	ev_loop_stop(d->loop);
}

static int run(struct opts *o)
{
	struct lispd d;
	struct daemon_signals sig = { .fd = -1 };
	FILE *log_fp = NULL;
	char err[512];
	int rc = 1;

	memset(&d, 0, sizeof(d));
	d.config_path = o->config;
	d.state_dir = o->state_dir;
	d.ctl_path = o->ctl_path;
	d.port = (uint16_t)o->port;
	d.debug = o->debug;
	dp_handle_init(&d.dp);
	d.started = time(NULL);
	/* Every configuration error is reported before anything changes. */
	if (lispd_config_load_file(o->config, &d.cfg, err, sizeof(err))) {
		log_err("%s", err);
		log_err("configuration %s is not valid; nothing was changed", o->config);
		return 1;
	}
	d.role = role_find(d.cfg.mode);
	if (!d.role) {
		/* Every operating-mode the configuration takes has its role. */
		log_err("%s: operating-mode %s has no role in this lispd", o->config,
			lispd_config_mode_name(d.cfg.mode));
		goto out_cfg;
	}
	d.pin_dir = o->pin_dir ? o->pin_dir : d.role->dp ? d.role->dp->pin_dir_default : NULL;
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
	if (!d.loop || daemon_signals_open(&sig, d.loop, on_signal, &d)) {
		log_err("event loop: %s", strerror(errno));
		goto out;
	}
	if (role_start(&d))
		goto out_role;
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
	/* Once the log is where it stays (file or syslog). */
	for (unsigned i = 0; i < d.cfg.n_notes; i++)
		log_warn("%s", d.cfg.notes[i]);
	/* Set up: from here on only what the role needs to run, reload and
	 * restore (core/privs.c). */
	if (privs_drop(d.role->caps_kept, err, sizeof(err))) {
		log_err("%s; stopping", err);
		goto out_role;
	}
	daemon_ready(0);
	if (ev_loop_run(d.loop))
		log_err("event loop: %s", strerror(errno));
	else
		rc = 0;
out_role:
	role_stop(&d);
out:
	daemon_ready(rc);
	daemon_signals_close(&sig);
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
