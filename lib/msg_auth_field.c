#include <string.h>

#include "lisp_auth.h"
#include "lisp_wire.h"
#include "msg_priv.h"

static bool auth_len_ok(uint8_t alg_id, size_t len)
{
	if (len > LISP_AUTH_MAX)
		return false;
	if (alg_id == LISP_AUTH_NONE)
		return len == 0;
	return lisp_auth_len_valid(alg_id, len);
}

int auth_field_decode(const uint8_t *buf, size_t len, size_t *off, struct lisp_auth_field *a,
		      struct lisp_err *err)
{
	if (get_u8(buf, len, off, &a->key_id, err, "key id") ||
	    get_u8(buf, len, off, &a->alg_id, err, "algorithm id") ||
	    get_u16(buf, len, off, &a->len, err, "auth data length"))
		return -1;
	if (!auth_len_ok(a->alg_id, a->len))
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "auth data length", *off - 2);
	return get_bytes(buf, len, off, a->data, a->len, err, "auth data");
}

int auth_field_encode(uint8_t *buf, size_t cap, size_t *off, const struct lisp_auth_field *a,
		      bool sign, struct lisp_err *err)
{
	size_t n = a->len;

	if (sign && n == 0)
		n = lisp_auth_digest_len(a->alg_id);
	if (!auth_len_ok(a->alg_id, n))
		return lisp_fail(err, LISP_ERR_BAD_AUTH, "auth data length", *off);
	if (put_u8(buf, cap, off, a->key_id, err, "key id") ||
	    put_u8(buf, cap, off, a->alg_id, err, "algorithm id") ||
	    put_u16(buf, cap, off, (uint16_t)n, err, "auth data length") ||
	    wire_room(cap, *off, n, err, "auth data"))
		return -1;
	/* The HMAC is computed over the message with its auth data zeroed. */
	if (sign)
		memset(buf + *off, 0, n);
	else
		memcpy(buf + *off, a->data, n);
	*off += n;
	return 0;
}
