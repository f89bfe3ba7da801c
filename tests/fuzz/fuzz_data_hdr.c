/* libFuzzer target: any bytes as a UDP 4341 payload. An accepted header must
 * encode, and decoding that must give the same fields back. A header that
 * marks a Data-Map-Notify also goes through that decoder: what it accepts
 * must encode, decode again with the same message inside, and encode to the
 * same bytes again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct lisp_data_hdr *a, const struct lisp_data_hdr *b)
{
	return a->n == b->n && a->l == b->l && a->e == b->e && a->v == b->v && a->i == b->i &&
	       a->kk == b->kk && a->nonce == b->nonce && a->src_version == b->src_version &&
	       a->dst_version == b->dst_version && a->iid == b->iid && a->lsb == b->lsb;
}

static void check_data_map_notify(const uint8_t *data, size_t size)
{
	static uint8_t e1[70000], e2[70000];
	struct lisp_data_map_notify m1, m2;
	size_t l1 = 0, l2 = 0;

	if (lisp_data_map_notify_decode(data, size, &m1, NULL) != 0)
		return;
	if (lisp_data_map_notify_encode(e1, sizeof(e1), &l1, &m1, NULL) != 0)
		abort();
	if (lisp_data_map_notify_decode(e1, l1, &m2, NULL) != 0 ||
	    m2.inner.payload_len != m1.inner.payload_len ||
	    memcmp(m2.inner.payload, m1.inner.payload, m1.inner.payload_len) != 0)
		abort();
	if (lisp_data_map_notify_encode(e2, sizeof(e2), &l2, &m2, NULL) != 0 || l1 != l2 ||
	    memcmp(e1, e2, l1) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_data_hdr h1, h2;
	uint8_t buf[LISP_DATA_HDR_LEN + 1];

	memset(&h1, 0, sizeof(h1));
	memset(&h2, 0, sizeof(h2));
	if (lisp_data_hdr_decode(data, size, &h1, NULL) != 0)
		return 0;
	if (size < LISP_DATA_HDR_LEN)
		abort();  /* accepted a header shorter than 8 bytes */
	/* One byte short of room must be refused, not overrun. */
	if (lisp_data_hdr_encode(buf, LISP_DATA_HDR_LEN - 1, &h1, NULL) == 0)
		abort();
	if (lisp_data_hdr_encode(buf, sizeof(buf), &h1, NULL) != 0)
		abort();
	if (lisp_data_hdr_decode(buf, LISP_DATA_HDR_LEN, &h2, NULL) != 0 || !same(&h1, &h2))
		abort();
	if (lisp_data_hdr_is_map_notify(&h1))
		check_data_map_notify(data, size);
	return 0;
}
