#include <stdio.h>

#include "lisp_err.h"

static const char *const err_names[LISP_ERR__COUNT] = {
	[LISP_OK] = "ok",
	[LISP_ERR_TRUNCATED] = "truncated",
	[LISP_ERR_TOO_LONG] = "too-long",
	[LISP_ERR_BAD_TYPE] = "bad-type",
	[LISP_ERR_BAD_AFI] = "bad-afi",
	[LISP_ERR_BAD_LCAF] = "bad-lcaf",
	[LISP_ERR_BAD_PREFIX] = "bad-prefix",
	[LISP_ERR_BAD_COUNT] = "bad-count",
	[LISP_ERR_BAD_FLAGS] = "bad-flags",
	[LISP_ERR_BAD_AUTH] = "bad-auth",
	[LISP_ERR_AUTH_FAILED] = "auth-failed",
	[LISP_ERR_BAD_CHECKSUM] = "bad-checksum",
	[LISP_ERR_BAD_IP] = "bad-ip",
	[LISP_ERR_BAD_ARG] = "bad-arg",
	[LISP_ERR_CRYPTO] = "crypto",
	[LISP_ERR_SYNTAX] = "syntax",
};

const char *lisp_err_name(enum lisp_err_code code)
{
	if ((unsigned)code >= LISP_ERR__COUNT)
		return "unknown";
	return err_names[code];
}

int lisp_fail(struct lisp_err *err, enum lisp_err_code code, const char *what, size_t offset)
{
	if (err) {
		err->code = code;
		err->what = what;
		err->offset = offset;
	}
	return -1;
}

const char *lisp_err_format(const struct lisp_err *err, char *buf, size_t len)
{
	if (!err || err->code == LISP_OK)
		snprintf(buf, len, "ok");
	else
		snprintf(buf, len, "%s at byte %zu (%s)", lisp_err_name(err->code), err->offset,
			 err->what ? err->what : "?");
	return buf;
}
