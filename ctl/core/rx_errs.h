/* Control messages that failed to decode, counted by the codec's reason
 * (enum lisp_err_code: truncated, bad-count, bad-afi, bad-lcaf, ...), so
 * that an operator sees what kind of garbage arrives, not only how much.
 * Shared by the roles; each prints them in its counters view. */
#ifndef CORE_RX_ERRS_H
#define CORE_RX_ERRS_H

#include <stdint.h>

#include "lisp_err.h"

struct json;

struct rx_errs {
	uint64_t n[LISP_ERR__COUNT];
};

/* One message refused for err (NULL, or no code: `fallback`, which the
 * caller knows, e.g. a decoded message of the wrong type). */
void rx_errs_add(struct rx_errs *r, const struct lisp_err *err, enum lisp_err_code fallback);

/* One JSON member per reason (every code but "ok", zeros included so that
 * the names are stable): "<prefix><name>":N with the name's '-' written as
 * `dash`, in the object the caller opened. */
void rx_errs_json(const struct rx_errs *r, struct json *j, const char *prefix, char dash);

#endif
