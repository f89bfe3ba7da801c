#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/daemon.h"
#include "core/evloop.h"

static int ready_fd = -1;

int daemon_detach(void)
{
	int pfd[2], devnull;
	pid_t pid;
	char status;

	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		/* The original process: wait for the verdict of the daemon. */
		close(pfd[1]);
		if (read(pfd[0], &status, 1) != 1)
			_exit(1);
		_exit(status);
	}
	close(pfd[0]);
	if (setsid() < 0)
		_exit(1);
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);  /* the session leader goes; the daemon can't regain a tty */
	ready_fd = pfd[1];
	umask(022);
	if (chdir("/"))
		return -1;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		/* stderr stays until daemon_ready: start-up errors still need
		 * a place; syslog has them too. */
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	return 0;
}

void daemon_ready(int status)
{
	char c = (char)(status ? 1 : 0);
	int devnull;

	if (ready_fd < 0)
		return;
	if (write(ready_fd, &c, 1) != 1) {
		/* The parent is gone: nobody waits for the verdict. */
	}
	close(ready_fd);
	ready_fd = -1;
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
}

static int pidfile_fd = -1;

int daemon_pidfile_create(const char *path, char *errbuf, size_t errlen)
{
	char text[32];
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0) {
		snprintf(errbuf, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	/* The lock, not the content, says whether a daemon runs: a pid file
	 * left by a crash is unlocked and taken over. */
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		n = read(fd, text, sizeof(text) - 1);
		text[n > 0 ? n : 0] = '\0';
		text[strcspn(text, "\n")] = '\0';
		snprintf(errbuf, errlen, "pid file %s is held by a running lispd (pid %s)", path,
			 n > 0 ? text : "?");
		close(fd);
		return -1;
	}
	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, text, (size_t)n, 0) != n) {
		snprintf(errbuf, errlen, "pid file %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	pidfile_fd = fd;
	return 0;
}

void daemon_pidfile_remove(const char *path)
{
	if (pidfile_fd < 0)
		return;
	unlink(path);
	close(pidfile_fd);
	pidfile_fd = -1;
}

static void on_signal(int fd, uint32_t events, void *arg)
{
	struct daemon_signals *ds = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int signo = (int)si.ssi_signo;

		if (signo == SIGHUP)
			ds->cb(DAEMON_SIG_RELOAD, signo, ds->arg);
		else
			ds->cb(DAEMON_SIG_STOP, signo, ds->arg);
	}
}

int daemon_signals_open(struct daemon_signals *ds, struct ev_loop *loop, daemon_signal_cb cb,
			void *arg)
{
	sigset_t set;

	memset(ds, 0, sizeof(*ds));
	ds->fd = -1;
	ds->cb = cb;
	ds->arg = arg;
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	ds->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ds->fd < 0)
		return -1;
	if (ev_fd_add(loop, ds->fd, EPOLLIN, on_signal, ds)) {
		close(ds->fd);
		ds->fd = -1;
		return -1;
	}
	ds->loop = loop;
	return 0;
}

void daemon_signals_close(struct daemon_signals *ds)
{
	if (ds->fd < 0)
		return;
	if (ds->loop)
		ev_fd_del(ds->loop, ds->fd);
	close(ds->fd);
	ds->fd = -1;
}
