/* Per-reason counts of control messages that failed to decode (rx_errs.h). */
#include "core/rx_errs.h"

#include <inttypes.h>

void rx_errs_add(struct rx_errs *r, const struct lisp_err *err, enum lisp_err_code fallback)
{
	enum lisp_err_code c = err && err->code != LISP_OK ? err->code : fallback;

	if ((unsigned)c >= LISP_ERR__COUNT || c == LISP_OK)
		c = LISP_ERR_BAD_ARG;  /* never from a decoder; kept visible, not lost */
	r->n[c]++;
}

void rx_errs_json(const struct rx_errs *r, FILE *out, const char *prefix, char dash,
		  const char **sep)
{
	for (unsigned c = LISP_OK + 1; c < LISP_ERR__COUNT; c++) {
		fprintf(out, "%s\"%s", *sep, prefix);
		for (const char *p = lisp_err_name((enum lisp_err_code)c); *p; p++)
			fputc(*p == '-' ? dash : *p, out);
		fprintf(out, "\":%" PRIu64, r->n[c]);
		*sep = ",";
	}
}
