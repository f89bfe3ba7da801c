/* Per-reason counts of control messages that failed to decode (rx_errs.h). */
#include "core/rx_errs.h"

#include <stdio.h>
#include <string.h>

#include "json.h"

void rx_errs_add(struct rx_errs *r, const struct lisp_err *err, enum lisp_err_code fallback)
{
	enum lisp_err_code c = err && err->code != LISP_OK ? err->code : fallback;

	if ((unsigned)c >= LISP_ERR__COUNT || c == LISP_OK)
		c = LISP_ERR_BAD_ARG;  /* never from a decoder; kept visible, not lost */
	r->n[c]++;
}

void rx_errs_json(const struct rx_errs *r, struct json *j, const char *prefix, char dash)
{
	for (unsigned c = LISP_OK + 1; c < LISP_ERR__COUNT; c++) {
		char key[64];

		snprintf(key, sizeof(key), "%s%s", prefix, lisp_err_name((enum lisp_err_code)c));
		for (size_t i = strlen(prefix); i < sizeof(key) && key[i]; i++)
			if (key[i] == '-')
				key[i] = dash;
		json_uint(j, key, r->n[c]);
	}
}
