#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/ctlsock.h"
#include "core/evloop.h"
#include "json.h"
#include "log.h"

/* A client that neither finishes its request line nor goes away is
 * dropped after this long. */
#define CLIENT_TIMEOUT_MS 2000

struct client {
	struct ctlsock *cs;
	int fd;
	size_t len;
	char req[CTLSOCK_MAX_REQUEST + 1];
	struct ev_timer timeout;
};

struct ctlsock {
	struct ev_loop *loop;
	int fd;
	char *path;
	ctlsock_handler handler;
	void *arg;
	struct client *clients[CTLSOCK_MAX_CLIENTS];
};

static void client_free(struct client *cl)
{
	struct ctlsock *cs = cl->cs;

	for (int i = 0; i < CTLSOCK_MAX_CLIENTS; i++)
		if (cs->clients[i] == cl)
			cs->clients[i] = NULL;
	ev_timer_cancel(cs->loop, &cl->timeout);
	ev_fd_del(cs->loop, cl->fd);
	close(cl->fd);
	free(cl);
}

/* Writes all of buf; the client socket is blocking with a send timeout, so
 * a client that stops reading costs at most that long. */
static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/* {"error":"<what> '<req>'"} in place of whatever the handler wrote: one
 * document only. */
static char *error_doc(const char *what, const char *req, size_t *doclen)
{
	char msg[CTLSOCK_MAX_REQUEST + 48], *doc = NULL;
	FILE *out = open_memstream(&doc, doclen);
	struct json j;

	if (!out)
		return NULL;
	snprintf(msg, sizeof(msg), "%s '%s'", what, req);
	json_init(&j, out, false);
	json_error(&j, msg);
	json_end(&j);
	fclose(out);
	return doc;
}

/* The answer to req as one document; NULL when out of memory. */
static char *answer_doc(struct ctlsock *cs, const char *req, size_t *doclen)
{
	char *doc = NULL;
	FILE *out = open_memstream(&doc, doclen);
	struct json j;
	int rc;

	if (!out)
		return NULL;
	json_init(&j, out, false);
	rc = cs->handler(req, &j, cs->arg);
	if (rc == 0 && json_end(&j) == 0) {
		fclose(out);
		return doc;
	}
	fclose(out);
	free(doc);
	/* A writer error is a bug of ours, told apart from a client's typo. */
	return error_doc(rc ? "unknown request" : "incomplete answer to", req, doclen);
}

static void answer(struct client *cl)
{
	struct timeval tv = { .tv_sec = 1 };
	size_t doclen = 0;
	char *doc = answer_doc(cl->cs, cl->req, &doclen);

	if (doc) {
		fcntl(cl->fd, F_SETFL, fcntl(cl->fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(cl->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		write_all(cl->fd, doc, doclen);
		free(doc);
	}
	client_free(cl);
}

static void on_client(int fd, uint32_t events, void *arg)
{
	struct client *cl = arg;
	ssize_t n;

	(void)events;
	n = recv(fd, cl->req + cl->len, CTLSOCK_MAX_REQUEST - cl->len, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0) {
		client_free(cl);
		return;
	}
	cl->len += (size_t)n;
	cl->req[cl->len] = '\0';
	if (memchr(cl->req, '\n', cl->len) || n == 0 || cl->len == CTLSOCK_MAX_REQUEST) {
		if (!memchr(cl->req, '\n', cl->len) && n != 0) {
			/* No newline within the limit: not a request of ours. */
			client_free(cl);
			return;
		}
		cl->req[strcspn(cl->req, "\r\n")] = '\0';
		if (cl->len == 0) {
			client_free(cl);
			return;
		}
		answer(cl);
	}
}

static void on_client_timeout(struct ev_timer *t, void *arg)
{
	(void)t;
	client_free(arg);
}

static void on_accept(int fd, uint32_t events, void *arg)
{
	struct ctlsock *cs = arg;
	struct client *cl;
	int slot = -1;
	int cfd;

	(void)events;
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	for (int i = 0; i < CTLSOCK_MAX_CLIENTS; i++)
		if (!cs->clients[i]) {
			slot = i;
			break;
		}
	cl = slot >= 0 ? calloc(1, sizeof(*cl)) : NULL;
	if (!cl) {
		close(cfd);
		return;
	}
	cl->cs = cs;
	cl->fd = cfd;
	ev_timer_init(&cl->timeout, on_client_timeout, cl);
	if (ev_fd_add(cs->loop, cfd, EPOLLIN, on_client, cl)) {
		close(cfd);
		free(cl);
		return;
	}
	cs->clients[slot] = cl;
	ev_timer_arm(cs->loop, &cl->timeout, CLIENT_TIMEOUT_MS);
}

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/* 1 when something accepts connections at path. */
static int someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return rc;
}

struct ctlsock *ctlsock_open(struct ev_loop *loop, const char *path, ctlsock_handler handler,
			     void *arg, char *errbuf, size_t errlen)
{
	struct ctlsock *cs = calloc(1, sizeof(*cs));
	struct sockaddr_un sa;
	struct stat sb;
	mode_t old;

	if (!cs || !(cs->path = strdup(path))) {
		free(cs);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	cs->loop = loop;
	cs->handler = handler;
	cs->arg = arg;
	cs->fd = -1;
	if (fill_addr(&sa, path)) {
		snprintf(errbuf, errlen, "control socket path %s is too long", path);
		goto fail;
	}
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode)) {
			snprintf(errbuf, errlen, "control socket path %s exists and is not a socket",
				 path);
			goto fail;
		}
		if (someone_listens(&sa)) {
			snprintf(errbuf, errlen, "control socket %s: another lispd answers there",
				 path);
			goto fail;
		}
		unlink(path);
	}
	cs->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cs->fd < 0)
		goto fail_errno;
	old = umask(0177);
	if (bind(cs->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		umask(old);
		goto fail_errno;
	}
	umask(old);
	if (listen(cs->fd, 8) || ev_fd_add(loop, cs->fd, EPOLLIN, on_accept, cs)) {
		unlink(path);
		goto fail_errno;
	}
	return cs;
fail_errno:
	snprintf(errbuf, errlen, "control socket %s: %s", path, strerror(errno));
fail:
	if (cs->fd >= 0)
		close(cs->fd);
	free(cs->path);
	free(cs);
	return NULL;
}

void ctlsock_close(struct ctlsock *cs)
{
	if (!cs)
		return;
	for (int i = 0; i < CTLSOCK_MAX_CLIENTS; i++)
		if (cs->clients[i])
			client_free(cs->clients[i]);
	ev_fd_del(cs->loop, cs->fd);
	close(cs->fd);
	unlink(cs->path);
	free(cs->path);
	free(cs);
}

static int remaining_ms(const struct timespec *end)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (end->tv_sec - now.tv_sec) * 1000 + (end->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

int ctlsock_query(const char *path, const char *req, FILE *out, int timeout_ms, char *errbuf,
		  size_t errlen)
{
	struct sockaddr_un sa;
	struct timespec end;
	char buf[4096];
	int fd, rc = -1;

	if (fill_addr(&sa, path)) {
		snprintf(errbuf, errlen, "control socket path %s is too long", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(errbuf, errlen, "%s: %s (is lispd running?)", path, strerror(errno));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	snprintf(buf, sizeof(buf), "%s\n", req);
	write_all(fd, buf, strlen(buf));
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = remaining_ms(&end);
		ssize_t n;

		if (left == 0 || poll(&p, 1, left) <= 0) {
			snprintf(errbuf, errlen, "%s: no answer within %d ms", path, timeout_ms);
			goto out;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		fwrite(buf, 1, (size_t)n, out);
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
