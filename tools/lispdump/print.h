/* Decoded LISP messages through the text/JSON writer. */
#ifndef LISPDUMP_PRINT_H
#define LISPDUMP_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "out.h"

/* Keys to try on authenticated messages; reported by position, never shown. */
struct keyring {
	const char *const *keys;
	int n;
};

/* A control message (UDP 4342 payload): type, nonce, flags, records,
 * locators, and for Map-Register/Notify/Notify-Ack/Info whether a key verifies. */
void print_control(struct out *o, const uint8_t *msg, size_t len, const struct keyring *keys);
/* A LISP data packet (UDP 4341 payload): header fields and the inner packet;
 * a Data-Map-Notify (NAT traversal) as its inner packet and Map-Notify. */
void print_data(struct out *o, const uint8_t *pkt, size_t len, const struct keyring *keys);

#endif
