#include <stdio.h>

#include "lisp_err.h"

#define LISP_ERR_NAME(code, name) [code] = name,
static const char *const err_names[LISP_ERR__COUNT] = { LISP_ERR_CODES(LISP_ERR_NAME) };
#undef LISP_ERR_NAME

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
