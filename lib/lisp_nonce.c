/* Nonces from getrandom(2). The kernel CSPRNG is seeded before user space,
 * so blocking is not a concern; EINTR (a signal during a large request) and
 * short reads are retried until the buffer is full. */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

#include "lisp_nonce.h"

int lisp_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int lisp_nonce64(uint64_t *out)
{
	uint64_t v;

	/* Redraw rather than force a bit, so the value stays uniform over 1..2^64-1. */
	do {
		if (lisp_random_bytes(&v, sizeof(v)))
			return -1;
	} while (v == 0);
	*out = v;
	return 0;
}

int lisp_nonce24(uint32_t *out)
{
	uint32_t v;

	do {
		if (lisp_random_bytes(&v, sizeof(v)))
			return -1;
		v &= 0xffffff;
	} while (v == 0);
	*out = v;
	return 0;
}
