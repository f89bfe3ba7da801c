/* A scan of unknown EIDs for tests/e2e/test_flood.sh: COUNT small UDP
 * datagrams from the IPv6 EID SRC, each to a different address of
 * 2001:db8:e1d::/48 (never SRC), sent in batches (sendmmsg) for at most
 * SECONDS. Every one misses the map-cache.
 *
 *   missflood SRC COUNT SECONDS
 *
 * Prints a JSON object: datagrams sent, distinct destinations, seconds. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 256

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The i-th destination: 2001:db8:e1d::/48 with i in its last 64 bits,
 * plus 2 so that ::1 (the usual EID of the sender) is never one. */
static void dest_of(uint64_t i, struct sockaddr_in6 *sa)
{
	static const uint8_t prefix[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x0e, 0x1d };

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(9);
	memcpy(sa->sin6_addr.s6_addr, prefix, sizeof(prefix));
	i += 2;
	for (int b = 15; b >= 8; b--, i >>= 8)
		sa->sin6_addr.s6_addr[b] = (uint8_t)i;
}

int main(int argc, char **argv)
{
	static struct sockaddr_in6 dst[BATCH];
	static struct mmsghdr msgs[BATCH];
	static struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
	struct timeval tmo = { .tv_sec = 1 };
	uint64_t count, sent = 0, skipped = 0;
	double seconds, t0, end;
	int fd;

	if (argc != 4 || inet_pton(AF_INET6, argv[1], &src.sin6_addr) != 1) {
		fprintf(stderr, "usage: missflood SRC(IPv6) COUNT SECONDS\n");
		return 2;
	}
	count = strtoull(argv[2], NULL, 10);
	seconds = strtod(argv[3], NULL);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&src, sizeof(src)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo))) {
		perror("missflood: socket");
		return 1;
	}
	t0 = now_s();
	end = t0 + seconds;
	while (sent + skipped < count && now_s() < end) {
		unsigned n = 0;

		for (; n < BATCH && sent + skipped + n < count; n++) {
			dest_of(sent + skipped + n, &dst[n]);
			if (!memcmp(&dst[n].sin6_addr, &src.sin6_addr, sizeof(src.sin6_addr))) {
				skipped++;
				n--;
				continue;
			}
			memset(&msgs[n], 0, sizeof(msgs[n]));
			msgs[n].msg_hdr.msg_name = &dst[n];
			msgs[n].msg_hdr.msg_namelen = sizeof(dst[n]);
			msgs[n].msg_hdr.msg_iov = &iov;
			msgs[n].msg_hdr.msg_iovlen = 1;
		}
		int r = sendmmsg(fd, msgs, n, 0);
		if (r < 0) {
			/* The first of the batch could not go (a full queue for a
			 * second, no route): skipped; the rest go next round. */
			if (errno != EAGAIN && errno != ENOBUFS && errno != ENETUNREACH)
				perror("missflood: sendmmsg");
			skipped++;
			continue;
		}
		sent += (uint64_t)r;   /* a short batch: the rest go next round */
	}
	close(fd);
	/* Each index names one destination, sent or skipped, never twice. */
	printf("{\"sent\": %llu, \"distinct\": %llu, \"skipped\": %llu, \"seconds\": %.2f}\n",
	       (unsigned long long)sent, (unsigned long long)sent, (unsigned long long)skipped,
	       now_s() - t0);
	return 0;
}
