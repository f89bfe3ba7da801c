/* Shared by the lispd-bpf commands: argument cursor, output mode, errors. */
#ifndef LISPD_BPF_CLI_H
#define LISPD_BPF_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_err.h"
#include "lisp_addr.h"

struct cli {
	bool json;
	bool pretty;
	int argc;
	char **argv;
};

/* Argument cursor. */
const char *cli_peek(const struct cli *c);
const char *cli_next(struct cli *c);
bool cli_is(const struct cli *c, const char *word);
/* The value after a keyword; NULL (after printing why) when missing. */
const char *cli_value(struct cli *c, const char *keyword);

/* Messages to stderr; all return 1 (an exit status). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_dp_error(const char *what, const struct dp_err *err);

/* Number parsing with range check; 0 or -1 (message printed). */
int cli_u32(const char *s, const char *what, uint32_t max, uint32_t *out);
int cli_ip(const char *s, const char *what, struct lisp_ip *out);

/* Commands: each gets the cursor after its name and returns the exit status. */
int cmd_attach(struct cli *c);
int cmd_detach(struct cli *c);
int cmd_status(struct cli *c);
int cmd_stats(struct cli *c);
int cmd_map_cache(struct cli *c);

#endif
