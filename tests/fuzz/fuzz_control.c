/* libFuzzer target: any bytes as a UDP 4342 payload.
 *
 * Beyond "no crash, no sanitizer report", it checks that what the decoder
 * accepts the encoder can write back, and that writing is stable: for an
 * accepted input x, e1 = encode(decode(x)) must succeed, decode(e1) must
 * succeed with the same type, and encode of that must give e1 again. (e1 may
 * differ from x: reserved bits and the like are not kept.) Auth verification
 * runs on every input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lisp_auth.h"
#include "lisp_msg.h"

#define OUT_CAP 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t fuzz_key[] = "fuzz-key";

static int encode(const struct lisp_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
	switch (m->type) {
	case LISP_MAP_REQUEST:
		return lisp_map_request_encode(buf, cap, len, &m->u.request, NULL);
	case LISP_MAP_REPLY:
		return lisp_map_reply_encode(buf, cap, len, &m->u.reply, NULL);
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		return lisp_map_register_encode(buf, cap, len, &m->u.reg, NULL, 0, NULL);
	case LISP_INFO:
		return lisp_info_encode(buf, cap, len, &m->u.info, NULL, 0, NULL);
	case LISP_ECM:
		return lisp_ecm_encode(buf, cap, len, &m->u.ecm, NULL);
	default:
		abort();  /* decode succeeded on a type it does not handle */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lisp_msg m1, m2;
	static uint8_t e1[OUT_CAP], e2[OUT_CAP];
	size_t l1 = 0, l2 = 0;

	lisp_auth_verify(data, size, fuzz_key, sizeof(fuzz_key) - 1, NULL);
	lisp_msg_type(data, size);

	if (lisp_msg_decode(data, size, &m1, NULL) != 0)
		return 0;
	if (encode(&m1, e1, sizeof(e1), &l1) != 0)
		abort();
	if (lisp_msg_decode(e1, l1, &m2, NULL) != 0 || m2.type != m1.type)
		abort();
	if (encode(&m2, e2, sizeof(e2), &l2) != 0)
		abort();
	if (l1 != l2 || memcmp(e1, e2, l1) != 0)
		abort();

	/* NAT traversal's MS-RTR MACs: the ECM's over its payload, the OLD
	 * dialect's field at the end of a Map-Notify. */
	if (m1.type == LISP_ECM)
		lisp_ecm_rtr_auth_verify(&m1.u.ecm, fuzz_key, sizeof(fuzz_key) - 1, NULL);
	if (m1.type == LISP_MAP_NOTIFY && m1.u.reg.has_rtr_auth) {
		size_t at = lisp_map_notify_rtr_auth_off(&m1.u.reg, size);

		lisp_auth_verify(data, at, fuzz_key, sizeof(fuzz_key) - 1, NULL);
		lisp_auth_verify_at(data, size, at, fuzz_key, sizeof(fuzz_key) - 1, NULL);
	}

	/* An ECM carries a control message: give it the same treatment. */
	if (m1.type == LISP_ECM && m1.u.ecm.payload_len > 0 && m1.u.ecm.payload_len < OUT_CAP) {
		static uint8_t inner[OUT_CAP];
		size_t n = m1.u.ecm.payload_len;

		memcpy(inner, m1.u.ecm.payload, n);
		LLVMFuzzerTestOneInput(inner, n);
	}
	return 0;
}
