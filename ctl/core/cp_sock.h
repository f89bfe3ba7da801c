/* The LISP control sockets: UDP on port 4342 for IPv4 and IPv6, receiving
 * with the destination address (IP_PKTINFO / IPV6_RECVPKTINFO) and sending
 * with an explicit source address, so that control messages always leave
 * from an RLOC: the main table's default route points into lmn0, whose
 * addresses are EIDs. Implements struct cp_io for the protocol modules. */
#ifndef CORE_CP_SOCK_H
#define CORE_CP_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cp_io.h"
#include "lisp_addr.h"

struct ev_loop;

/* One received datagram. sport in host byte order. */
typedef void (*cp_sock_rx_cb)(void *arg, const struct lisp_ip *src, uint16_t sport,
			      const struct lisp_ip *dst, const uint8_t *buf, size_t len);

#define CP_SOCK_MAX_DGRAM 9216

struct cp_sock {
	int fd4, fd6;                 /* -1 when that family is not open */
	uint16_t port;                /* bound port, host order */
	bool have_rloc4, have_rloc6;
	struct lisp_ip rloc4, rloc6;  /* sources when the caller passes none */
	cp_sock_rx_cb rx;
	void *rx_arg;
	struct ev_loop *loop;
	struct cp_io io;              /* send through this socket pair */
	uint64_t rx_packets, rx_errors, tx_packets, tx_errors;
	/* larger than CP_SOCK_MAX_DGRAM (no LISP message is): dropped, not in rx_errors */
	uint64_t rx_oversized;
};

/* Opens and binds both families to port (0: any free port, for tests) and,
 * when loop is given, registers them. A family the host lacks (no IPv6)
 * stays closed; failing both is an error. 0, or -1 with errbuf filled. */
int cp_sock_open(struct cp_sock *cs, struct ev_loop *loop, uint16_t port, cp_sock_rx_cb rx,
		 void *rx_arg, char *errbuf, size_t errlen);
void cp_sock_close(struct cp_sock *cs);

/* Restricts both sockets to datagrams that arrive on ifname, and sends
 * through it (SO_BINDTODEVICE): a Map-Server's control-iface. 0, or -1 with
 * errbuf filled. */
int cp_sock_bind_iface(struct cp_sock *cs, const char *ifname, char *errbuf, size_t errlen);

/* Sets (or with NULL clears) the default source of rloc's family. */
void cp_sock_set_rloc(struct cp_sock *cs, uint16_t afi, const struct lisp_ip *rloc);

/* struct cp_io's send. src NULL: the RLOC set for dst's family, or the
 * kernel's choice when none is set. */
int cp_sock_send(void *cs, const struct lisp_ip *src, const struct lisp_ip *dst,
		 uint16_t dport, const uint8_t *buf, size_t len);

/* Reads every datagram queued on fd and dispatches it (the loop's callback;
 * tests call it directly). */
void cp_sock_drain(struct cp_sock *cs, int fd);

#endif
