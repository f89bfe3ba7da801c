/* Bounds-checked big-endian reads and writes at an offset, for the codec.
 * Each returns -1 (and records LISP_ERR_TRUNCATED, or LISP_ERR_TOO_LONG for
 * output that does not fit) instead of touching memory past the end. */
#ifndef LISP_WIRE_H
#define LISP_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lisp_err.h"

static inline int wire_need(size_t len, size_t off, size_t n, struct lisp_err *err,
			    const char *what)
{
	if (off > len || len - off < n)
		return lisp_fail(err, LISP_ERR_TRUNCATED, what, off);
	return 0;
}

static inline int wire_room(size_t cap, size_t off, size_t n, struct lisp_err *err,
			    const char *what)
{
	if (off > cap || cap - off < n)
		return lisp_fail(err, LISP_ERR_TOO_LONG, what, off);
	return 0;
}

static inline int get_u8(const uint8_t *b, size_t len, size_t *off, uint8_t *v,
			 struct lisp_err *err, const char *what)
{
	if (wire_need(len, *off, 1, err, what))
		return -1;
	*v = b[*off];
	*off += 1;
	return 0;
}

static inline int get_u16(const uint8_t *b, size_t len, size_t *off, uint16_t *v,
			  struct lisp_err *err, const char *what)
{
	if (wire_need(len, *off, 2, err, what))
		return -1;
	*v = (uint16_t)((b[*off] << 8) | b[*off + 1]);
	*off += 2;
	return 0;
}

static inline int get_u32(const uint8_t *b, size_t len, size_t *off, uint32_t *v,
			  struct lisp_err *err, const char *what)
{
	if (wire_need(len, *off, 4, err, what))
		return -1;
	*v = ((uint32_t)b[*off] << 24) | ((uint32_t)b[*off + 1] << 16) |
	     ((uint32_t)b[*off + 2] << 8) | b[*off + 3];
	*off += 4;
	return 0;
}

static inline int get_u64(const uint8_t *b, size_t len, size_t *off, uint64_t *v,
			  struct lisp_err *err, const char *what)
{
	uint32_t hi = 0, lo = 0;

	if (wire_need(len, *off, 8, err, what))
		return -1;
	get_u32(b, len, off, &hi, err, what);
	get_u32(b, len, off, &lo, err, what);
	*v = ((uint64_t)hi << 32) | lo;
	return 0;
}

static inline int get_bytes(const uint8_t *b, size_t len, size_t *off, void *dst, size_t n,
			    struct lisp_err *err, const char *what)
{
	if (wire_need(len, *off, n, err, what))
		return -1;
	memcpy(dst, b + *off, n);
	*off += n;
	return 0;
}

static inline int put_u8(uint8_t *b, size_t cap, size_t *off, uint8_t v, struct lisp_err *err,
			 const char *what)
{
	if (wire_room(cap, *off, 1, err, what))
		return -1;
	b[(*off)++] = v;
	return 0;
}

static inline int put_u16(uint8_t *b, size_t cap, size_t *off, uint16_t v,
			  struct lisp_err *err, const char *what)
{
	if (wire_room(cap, *off, 2, err, what))
		return -1;
	b[(*off)++] = (uint8_t)(v >> 8);
	b[(*off)++] = (uint8_t)v;
	return 0;
}

static inline int put_u32(uint8_t *b, size_t cap, size_t *off, uint32_t v,
			  struct lisp_err *err, const char *what)
{
	if (wire_room(cap, *off, 4, err, what))
		return -1;
	b[(*off)++] = (uint8_t)(v >> 24);
	b[(*off)++] = (uint8_t)(v >> 16);
	b[(*off)++] = (uint8_t)(v >> 8);
	b[(*off)++] = (uint8_t)v;
	return 0;
}

static inline int put_u64(uint8_t *b, size_t cap, size_t *off, uint64_t v,
			  struct lisp_err *err, const char *what)
{
	if (wire_room(cap, *off, 8, err, what))
		return -1;
	put_u32(b, cap, off, (uint32_t)(v >> 32), err, what);
	put_u32(b, cap, off, (uint32_t)v, err, what);
	return 0;
}

static inline int put_bytes(uint8_t *b, size_t cap, size_t *off, const void *src, size_t n,
			    struct lisp_err *err, const char *what)
{
	if (wire_room(cap, *off, n, err, what))
		return -1;
	memcpy(b + *off, src, n);
	*off += n;
	return 0;
}

/* Internet checksum helpers (RFC 1071) for the ECM's inner headers. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)((p[0] << 8) | p[1]);
	if (n)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
