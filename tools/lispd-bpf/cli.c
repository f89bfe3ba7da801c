#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_peek(const struct cli *c)
{
	return c->argc > 0 ? c->argv[0] : NULL;
}

const char *cli_next(struct cli *c)
{
	if (c->argc <= 0)
		return NULL;
	c->argc--;
	return *c->argv++;
}

bool cli_is(const struct cli *c, const char *word)
{
	const char *a = cli_peek(c);

	return a && !strcmp(a, word);
}

const char *cli_value(struct cli *c, const char *keyword)
{
	const char *v = cli_next(c);

	if (!v)
		cli_error("%s needs a value", keyword);
	return v;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lispd-bpf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

int cli_dp_error(const char *what, const struct dp_err *err)
{
	return cli_error("%s: %s", what, err->msg);
}

int cli_u32(const char *s, const char *what, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max) {
		cli_error("invalid %s \"%s\" (0..%u)", what, s, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int cli_ip(const char *s, const char *what, struct lisp_ip *out)
{
	struct lisp_err e;
	char buf[128];

	if (lisp_ip_parse(s, out, &e)) {
		cli_error("invalid %s \"%s\": %s", what, s, lisp_err_format(&e, buf, sizeof(buf)));
		return -1;
	}
	return 0;
}
