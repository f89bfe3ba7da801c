/* Nonces for LISP messages, from the kernel's CSPRNG (getrandom(2)), which is
 * seeded before user space runs; never from rand() or the clock. */
#ifndef LISP_NONCE_H
#define LISP_NONCE_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with len random bytes. Returns 0, or -1 with errno set. */
int lisp_random_bytes(void *buf, size_t len);

/* A random 64-bit nonce, never 0 (0 reads as "no nonce" in logs and tables).
 * Returns 0 and stores it, or -1 if the random source failed. */
int lisp_nonce64(uint64_t *out);

/* A random 24-bit data-plane nonce, never 0. */
int lisp_nonce24(uint32_t *out);

#endif
