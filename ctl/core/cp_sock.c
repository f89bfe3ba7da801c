#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cp_sock.h"
#include "core/evloop.h"
#include "log.h"

union sockaddr_inx {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* Control messages of one pktinfo, either family; cmsghdr for its alignment. */
union pktinfo_buf {
	struct cmsghdr align;
	char v4[CMSG_SPACE(sizeof(struct in_pktinfo))];
	char v6[CMSG_SPACE(sizeof(struct in6_pktinfo))];
};

/* The socket address of addr (NULL: the wildcard) and port; its length. */
static socklen_t sockaddr_fill(union sockaddr_inx *sa, int family, const uint8_t *addr,
			       uint16_t port)
{
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		sa->v4.sin_family = AF_INET;
		sa->v4.sin_port = htons(port);
		if (addr)
			memcpy(&sa->v4.sin_addr, addr, 4);
		return sizeof(sa->v4);
	}
	sa->v6.sin6_family = AF_INET6;
	sa->v6.sin6_port = htons(port);
	if (addr)
		memcpy(&sa->v6.sin6_addr, addr, 16);
	return sizeof(sa->v6);
}

static int open_family(int family, uint16_t port, char *errbuf, size_t errlen)
{
	union sockaddr_inx sa;
	int one = 1;
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);

	if (fd < 0) {
		if (family == AF_INET6 && errno == EAFNOSUPPORT)
			return -2;
		snprintf(errbuf, errlen, "control socket (%s): %s",
			 family == AF_INET ? "IPv4" : "IPv6", strerror(errno));
		return -1;
	}
	if (family == AF_INET) {
		if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)))
			goto fail;
	} else {
		/* Separate sockets per family: no v4-mapped addresses to undo. */
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)))
			goto fail;
	}
	if (bind(fd, &sa.sa, sockaddr_fill(&sa, family, NULL, port)))
		goto fail;
	return fd;
fail:
	snprintf(errbuf, errlen, "control socket (%s, UDP port %u): %s",
		 family == AF_INET ? "IPv4" : "IPv6", port, strerror(errno));
	close(fd);
	return -1;
}

static void on_readable(int fd, uint32_t events, void *arg)
{
	(void)events;
	cp_sock_drain(arg, fd);
}

int cp_sock_open(struct cp_sock *cs, struct ev_loop *loop, uint16_t port, cp_sock_rx_cb rx,
		 void *rx_arg, char *errbuf, size_t errlen)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);

	memset(cs, 0, sizeof(*cs));
	cs->fd4 = cs->fd6 = -1;
	cs->rx = rx;
	cs->rx_arg = rx_arg;
	cs->io.send = cp_sock_send;
	cs->io.ctx = cs;
	cs->fd4 = open_family(AF_INET, port, errbuf, errlen);
	if (cs->fd4 < 0)
		return -1;
	/* With port 0 the IPv6 socket takes the port the kernel gave IPv4. */
	if (getsockname(cs->fd4, (struct sockaddr *)&sa, &salen)) {
		snprintf(errbuf, errlen, "control socket: %s", strerror(errno));
		goto fail;
	}
	cs->port = ntohs(sa.sin_port);
	cs->fd6 = open_family(AF_INET6, cs->port, errbuf, errlen);
	if (cs->fd6 == -1)
		goto fail;
	if (cs->fd6 == -2)
		cs->fd6 = -1;
	if (loop) {
		cs->loop = loop;
		if (ev_fd_add(loop, cs->fd4, EPOLLIN, on_readable, cs) ||
		    (cs->fd6 >= 0 && ev_fd_add(loop, cs->fd6, EPOLLIN, on_readable, cs))) {
			snprintf(errbuf, errlen, "control socket: epoll: %s", strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	cp_sock_close(cs);
	return -1;
}

void cp_sock_close(struct cp_sock *cs)
{
	int *fds[2] = { &cs->fd4, &cs->fd6 };

	for (int i = 0; i < 2; i++) {
		if (*fds[i] < 0)
			continue;
		if (cs->loop)
			ev_fd_del(cs->loop, *fds[i]);
		close(*fds[i]);
		*fds[i] = -1;
	}
	cs->loop = NULL;
}

int cp_sock_bind_iface(struct cp_sock *cs, const char *ifname, char *errbuf, size_t errlen)
{
	int fds[2] = { cs->fd4, cs->fd6 };

	for (int i = 0; i < 2; i++) {
		if (fds[i] < 0)
			continue;
		if (setsockopt(fds[i], SOL_SOCKET, SO_BINDTODEVICE, ifname,
			       (socklen_t)strlen(ifname) + 1)) {
			snprintf(errbuf, errlen, "control socket: binding to interface %s: %s",
				 ifname, strerror(errno));
			return -1;
		}
	}
	return 0;
}

void cp_sock_set_rloc(struct cp_sock *cs, uint16_t afi, const struct lisp_ip *rloc)
{
	if (afi == LISP_AFI_IPV4) {
		cs->have_rloc4 = rloc != NULL;
		if (rloc)
			cs->rloc4 = *rloc;
	} else if (afi == LISP_AFI_IPV6) {
		cs->have_rloc6 = rloc != NULL;
		if (rloc)
			cs->rloc6 = *rloc;
	}
}

static void put_cmsg(struct msghdr *msg, union pktinfo_buf *cbuf, int level, int type,
		     const void *data, size_t len)
{
	struct cmsghdr *c;

	msg->msg_control = cbuf;
	msg->msg_controllen = CMSG_SPACE(len);
	c = CMSG_FIRSTHDR(msg);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
}

/* The address a datagram leaves from, as its pktinfo. */
static void set_source(struct msghdr *msg, union pktinfo_buf *cbuf, const struct lisp_ip *src)
{
	if (src->afi == LISP_AFI_IPV4) {
		struct in_pktinfo pi = { 0 };

		/* ipi_spec_dst is the source for sending. */
		memcpy(&pi.ipi_spec_dst, src->bytes, 4);
		put_cmsg(msg, cbuf, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		memcpy(&pi.ipi6_addr, src->bytes, 16);
		put_cmsg(msg, cbuf, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
}

int cp_sock_send(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
		 uint16_t dport, const uint8_t *buf, size_t len)
{
	struct cp_sock *cs = ctx;
	union pktinfo_buf cbuf;
	union sockaddr_inx to;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1 };
	bool v4 = dst->afi == LISP_AFI_IPV4;
	ssize_t n;
	int fd;

	memset(&cbuf, 0, sizeof(cbuf));
	if ((src && src->afi != dst->afi) || (!v4 && dst->afi != LISP_AFI_IPV6)) {
		errno = EAFNOSUPPORT;
		goto fail;
	}
	fd = v4 ? cs->fd4 : cs->fd6;
	if (fd < 0) {
		errno = EAFNOSUPPORT;
		goto fail;
	}
	if (!src && (v4 ? cs->have_rloc4 : cs->have_rloc6))
		src = v4 ? &cs->rloc4 : &cs->rloc6;
	msg.msg_namelen = sockaddr_fill(&to, v4 ? AF_INET : AF_INET6, dst->bytes, dport);
	if (src)
		set_source(&msg, &cbuf, src);
	n = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != (ssize_t)len) {
		if (n >= 0)
			errno = EMSGSIZE;
		goto fail;
	}
	cs->tx_packets++;
	return 0;
fail:
	cs->tx_errors++;
	return -1;
}

/* The destination address the datagram was sent to, from its pktinfo. */
static void dst_from_cmsgs(struct msghdr *msg, struct lisp_ip *dst)
{
	struct cmsghdr *c;

	memset(dst, 0, sizeof(*dst));
	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			lisp_ip_from_bytes(dst, LISP_AFI_IPV4, &pi.ipi_addr);
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			lisp_ip_from_bytes(dst, LISP_AFI_IPV6, &pi.ipi6_addr);
		}
	}
}

void cp_sock_drain(struct cp_sock *cs, int fd)
{
	static uint8_t buf[CP_SOCK_MAX_DGRAM];
	char cbuf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct sockaddr_storage from;
	struct lisp_ip src, dst;
	uint16_t sport;

	/* A bounded batch: a flood on one socket must not starve the loop. */
	for (int i = 0; i < 64; i++) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from),
				      .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				cs->rx_errors++;
				lispd_log_rl(LISPD_LOG_WARN, "control socket: %s", strerror(errno));
			}
			return;
		}
		if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
			cs->rx_oversized++;
			lispd_log_rl(LISPD_LOG_WARN, "control socket: oversized datagram dropped");
			continue;
		}
		if (from.ss_family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&from;

			lisp_ip_from_bytes(&src, LISP_AFI_IPV4, &s->sin_addr);
			sport = ntohs(s->sin_port);
		} else if (from.ss_family == AF_INET6) {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&from;

			lisp_ip_from_bytes(&src, LISP_AFI_IPV6, &s->sin6_addr);
			sport = ntohs(s->sin6_port);
		} else {
			cs->rx_errors++;
			continue;
		}
		dst_from_cmsgs(&msg, &dst);
		if (dst.afi == 0) {
			cs->rx_errors++;
			continue;
		}
		cs->rx_packets++;
		if (cs->rx)
			cs->rx(cs->rx_arg, &src, sport, &dst, buf, (size_t)n);
	}
}
