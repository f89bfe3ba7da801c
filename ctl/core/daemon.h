/* Process plumbing of the daemon: detaching from the terminal, the pid
 * file, and signals as events of the loop (signalfd). */
#ifndef CORE_DAEMON_H
#define CORE_DAEMON_H

#include <stddef.h>

struct ev_loop;

#define DAEMON_PIDFILE_DEFAULT "/run/lispd.pid"

/* fork, setsid, fork again, chdir /, stdio to /dev/null. The parent exits
 * only once the child calls daemon_ready() (so `lispd` returns after the
 * host is set up, with the setup's status), or with status 1 if the child
 * dies first. 0 in the child, -1 on failure (still in the caller). */
int daemon_detach(void);
/* Tells the waiting parent that start-up succeeded (status 0) or failed. */
void daemon_ready(int status);

/* Creates the pid file with our pid, refusing when it names a live lispd.
 * The file stays locked (flock) while we run. 0 or -1 with errbuf. */
int daemon_pidfile_create(const char *path, char *errbuf, size_t errlen);
void daemon_pidfile_remove(const char *path);

enum daemon_signal {
	DAEMON_SIG_STOP = 1,    /* SIGTERM, SIGINT */
	DAEMON_SIG_RELOAD,      /* SIGHUP */
};

typedef void (*daemon_signal_cb)(enum daemon_signal sig, int signo, void *arg);

struct daemon_signals {
	int fd;
	daemon_signal_cb cb;
	void *arg;
	struct ev_loop *loop;
};

/* Blocks TERM, INT and HUP (and ignores PIPE) and delivers them through a
 * signalfd on the loop. 0 or -1 (errno). */
int daemon_signals_open(struct daemon_signals *ds, struct ev_loop *loop, daemon_signal_cb cb,
			void *arg);
void daemon_signals_close(struct daemon_signals *ds);

#endif
