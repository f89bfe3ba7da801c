/* Helpers of the lispd.conf unit tests: where a text is in a test file,
 * and a refusal checked for its "NAME:LINE: " start, its words and the
 * secret it must not show. */
#ifndef CFGTEST_H
#define CFGTEST_H

#include "config.h"

/* 1-based line of the nth (1 = first) occurrence of needle in text; fails
 * the test when it is not there. */
int tu_line_of(const char *text, const char *needle, int nth);

/* The same in the file at path. */
int tu_file_line_of(const char *path, const char *needle, int nth);

/* Loads text as `name`; fails the test with the error if refused. */
void tu_config_load(const char *text, const char *name, struct lispd_config *c);

/* Loads text as `name`, expects a refusal that starts with "name:LINE: "
 * (LINE of the nth occurrence of marker; "name: " when marker is NULL),
 * contains want and not secret. *c is what the loader left (to check that
 * nothing remains to free). */
void tu_config_refused(const char *text, const char *name, const char *marker, int nth,
		       const char *want, const char *secret, struct lispd_config *c);

#endif
