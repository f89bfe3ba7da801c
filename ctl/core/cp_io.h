/* How protocol modules send control messages. The daemon implements it with
 * its UDP 4342 sockets (core/cp_sock.h), tests with a recorder, so the
 * protocol modules never touch a socket. */
#ifndef CP_IO_H
#define CP_IO_H

#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

/* src: the source RLOC to use (never an EID: the main table's default route
 * points into lmn0), NULL = our current RLOC of dst's family.
 * dport: host byte order. Returns 0 when the datagram was handed to the
 * kernel, -1 (errno set) otherwise. */
struct cp_io {
	int (*send)(void *ctx, const struct lisp_ip *src, const struct lisp_ip *dst,
		    uint16_t dport, const uint8_t *buf, size_t len);
	void *ctx;
};

static inline int cp_io_send(const struct cp_io *io, const struct lisp_ip *src,
			     const struct lisp_ip *dst, uint16_t dport,
			     const uint8_t *buf, size_t len)
{
	return io->send(io->ctx, src, dst, dport, buf, len);
}

#endif
