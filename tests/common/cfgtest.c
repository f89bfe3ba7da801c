/* Helpers of the lispd.conf unit tests (cfgtest.h). */
#include "cfgtest.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

int tu_line_of(const char *text, const char *needle, int nth)
{
	const char *p = text;
	int line = 1;

	for (int i = 0; i < nth; i++) {
		p = strstr(i ? p + 1 : p, needle);
		if (!p)
			fail_msg("'%s' not in the test text", needle);
	}
	for (const char *c = text; c < p; c++)
		line += *c == '\n';
	return line;
}

int tu_file_line_of(const char *path, const char *needle, int nth)
{
	size_t len;
	uint8_t *buf = tu_read_file(path, &len);
	char *text = strndup((const char *)buf, len);
	int line;

	assert_non_null(text);
	line = tu_line_of(text, needle, nth);
	free(text);
	free(buf);
	return line;
}

void tu_config_load(const char *text, const char *name, struct lispd_config *c)
{
	char err[512];

	if (lispd_config_load_string(text, name, c, err, sizeof(err)))
		fail_msg("refused: %s", err);
}

void tu_config_refused(const char *text, const char *name, const char *marker, int nth,
		       const char *want, const char *secret, struct lispd_config *c)
{
	char err[512], prefix[300];

	/* Garbage first: the loader must leave *c empty itself. */
	memset(c, 0xa5, sizeof(*c));
	if (lispd_config_load_string(text, name, c, err, sizeof(err)) != -1)
		fail_msg("accepted, want an error with '%s'", want);
	if (marker)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", name, tu_line_of(text, marker, nth));
	else
		snprintf(prefix, sizeof(prefix), "%s: ", name);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, want))
		fail_msg("error '%s'; want it to start with '%s' and contain '%s'", err, prefix,
			 want);
	if (secret && strstr(err, secret))
		fail_msg("the key leaked into '%s'", err);
}
