/* Sending Map-Requests and waiting for the Map-Reply: the only part of lig
 * that does network I/O. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lig.h"
#include "lisp_nonce.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static socklen_t to_sockaddr(const struct lisp_ip *ip, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->afi == LISP_AFI_IPV4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, ip->bytes, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, ip->bytes, 16);
	return sizeof(*s6);
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct lisp_ip *ip, uint16_t *port)
{
	memset(ip, 0, sizeof(*ip));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		lisp_ip_from_bytes(ip, LISP_AFI_IPV4, &s4->sin_addr);
		*port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		lisp_ip_from_bytes(ip, LISP_AFI_IPV6, &s6->sin6_addr);
		*port = ntohs(s6->sin6_port);
	} else {
		*port = 0;
	}
}

/* The source the kernel would use towards the map-resolver: connecting a
 * UDP socket sends nothing but runs the route lookup. */
static int kernel_source(const struct lisp_ip *mr, uint16_t port, struct lisp_ip *out,
			 char *errbuf, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(mr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint16_t p;

	if (fd < 0) {
		snprintf(errbuf, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(errbuf, errlen, "no route to the map-resolver: %s", strerror(errno));
		close(fd);
		return -1;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(errbuf, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	from_sockaddr(&ss, out, &p);
	return 0;
}

/* A UDP socket bound to src on an ephemeral port: the outer source is then
 * exactly the ITR-RLOC we announce, and the port is where the reply comes. */
static int open_socket(const struct lisp_ip *src, uint16_t *sport, char *errbuf, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = to_sockaddr(src, 0, &ss);
	struct lisp_ip bound;
	char a[LISP_ADDR_STRLEN];
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(errbuf, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(errbuf, errlen, "cannot use source %s: %s",
			 lisp_ip_format(src, a, sizeof(a)), strerror(errno));
		close(fd);
		return -1;
	}
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		snprintf(errbuf, errlen, "getsockname: %s", strerror(errno));
		close(fd);
		return -1;
	}
	from_sockaddr(&ss, &bound, sport);
	return fd;
}

/* Index of the try whose nonce this is, or -1. */
static int find_nonce(const uint64_t *nonces, unsigned n, uint64_t nonce)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (nonces[i] == nonce)
			return (int)i;
	return -1;
}

/* Waits until deadline for a Map-Reply echoing one of the nonces sent so far.
 * Returns 1 when one came, 0 on timeout, -1 on a socket error. */
static int wait_reply(int fd, const uint64_t *nonces, const double *sent_at, unsigned n,
		      double deadline, struct lig_answer *a, uint8_t *rx, char *errbuf,
		      size_t errlen)
{
	for (;;) {
		double left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		ssize_t len;
		int r, idx;

		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)(left + 0.999));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(errbuf, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			continue;  /* the loop head decides whether time is really up */
		len = recvfrom(fd, rx, LIG_RX_BUF, 0, (struct sockaddr *)&ss, &sl);
		if (len < 0) {
			/* ICMP errors (port unreachable) surface here: not fatal, the
			 * map-resolver may come up before the next try. */
			if (errno == EINTR || errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH)
				continue;
			snprintf(errbuf, errlen, "recvfrom: %s", strerror(errno));
			return -1;
		}
		if (lisp_msg_type(rx, (size_t)len) != LISP_MAP_REPLY ||
		    lisp_map_reply_decode(rx, (size_t)len, &a->reply, NULL) < 0) {
			a->ignored++;
			continue;
		}
		idx = find_nonce(nonces, n, a->reply.nonce);
		if (idx < 0) {
			a->ignored++;
			continue;
		}
		a->answered = true;
		a->answered_try = (unsigned)idx + 1;
		a->nonce = nonces[idx];
		a->rtt_ms = now_ms() - sent_at[idx];
		from_sockaddr(&ss, &a->from, &a->from_port);
		return 1;
	}
}

int lig_run_query(const struct lig_query *q, struct lig_answer *a, char *errbuf, size_t errlen)
{
	uint64_t nonces[LIG_MAX_COUNT];
	double sent_at[LIG_MAX_COUNT];
	uint8_t pkt[LIG_REQ_BUF];
	struct sockaddr_storage dst;
	socklen_t dl;
	uint8_t *rx;
	int fd, rc = 0;
	unsigned i;

	memset(a, 0, sizeof(*a));
	if (q->count < 1 || q->count > LIG_MAX_COUNT) {
		snprintf(errbuf, errlen, "count must be 1..%d", LIG_MAX_COUNT);
		return -1;
	}
	if (q->src.afi != LISP_AFI_NONE) {
		if (q->src.afi != q->mr.afi) {
			snprintf(errbuf, errlen,
				 "source and map-resolver are of different address families");
			return -1;
		}
		a->src = q->src;
	} else if (kernel_source(&q->mr, q->mr_port, &a->src, errbuf, errlen) < 0) {
		return -1;
	}
	fd = open_socket(&a->src, &a->sport, errbuf, errlen);
	if (fd < 0)
		return -1;
	rx = malloc(LIG_RX_BUF);
	if (!rx) {
		snprintf(errbuf, errlen, "out of memory");
		close(fd);
		return -1;
	}
	dl = to_sockaddr(&q->mr, q->mr_port, &dst);

	for (i = 0; i < q->count && !a->answered; i++) {
		struct lisp_err err = { 0 };
		char eb[128];
		size_t len = 0;
		int r;

		if (lisp_nonce64(&nonces[i]) < 0) {
			snprintf(errbuf, errlen, "no random nonce: %s", strerror(errno));
			rc = -1;
			break;
		}
		if (lig_build_request(pkt, sizeof(pkt), &len, &q->eid, &a->src, a->sport,
				      nonces[i], &err) < 0) {
			snprintf(errbuf, errlen, "cannot build the Map-Request: %s",
				 lisp_err_format(&err, eb, sizeof(eb)));
			rc = -1;
			break;
		}
		a->nonce = nonces[i];
		sent_at[i] = now_ms();
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&dst, dl) < 0) {
			snprintf(errbuf, errlen, "sendto: %s", strerror(errno));
			rc = -1;
			break;
		}
		a->tries = i + 1;
		if (q->on_send)
			q->on_send(q->ctx, q, i + 1, nonces[i], &a->src, a->sport);
		r = wait_reply(fd, nonces, sent_at, i + 1, sent_at[i] + q->timeout_s * 1e3, a, rx,
			       errbuf, errlen);
		if (r < 0) {
			rc = -1;
			break;
		}
	}
	if (!a->answered)
		memset(&a->reply, 0, sizeof(a->reply));
	free(rx);
	close(fd);
	return rc;
}
