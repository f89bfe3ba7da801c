#include "dp_err.h"

#include <stdarg.h>
#include <stdio.h>

int dp_fail(struct dp_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->errnum = errnum < 0 ? -errnum : errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}
