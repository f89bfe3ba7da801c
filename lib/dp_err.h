/* Errors of the data-plane library: an errno plus a sentence naming the
 * cause and, where there is one, the remedy. */
#ifndef DP_ERR_H
#define DP_ERR_H

struct dp_err {
	int errnum;         /* positive errno */
	char msg[320];
};

/* Fills err (may be NULL) with errnum (sign ignored) and a formatted message;
 * returns -1. */
int dp_fail(struct dp_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
