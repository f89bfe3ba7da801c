/* lispd-bpf: puts the LISP eBPF data plane on a host, takes it off, and
 * reads or edits its pinned maps (iproute2/bpftool style). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli.h"
#include "dp_maps.h"

static void usage(FILE *f)
{
	fputs("usage: lispd-bpf [-j] [-p] COMMAND ...\n"
	      "  attach dev IFACE [lmn NAME] [eid ADDR]... [rloc ADDR]... [iid N]\n"
	      "         [petr ADDR]... [miss drop|petr] [src-check] [pin DIR] [force]\n"
	      "  detach [pin DIR]\n"
	      "  status [pin DIR]\n"
	      "  stats [pin DIR]\n"
	      "  map-cache show [pin DIR]\n"
	      "  map-cache add [iid N] PREFIX { rloc ADDR [priority P] [weight W] [down] }...\n"
	      "                [pin DIR]\n"
	      "  map-cache add [iid N] PREFIX action drop|native-forward|send-map-request [pin DIR]\n"
	      "  map-cache del [iid N] PREFIX [pin DIR]\n"
	      "options: -j JSON output of read commands, -p pretty JSON, -h help\n"
	      "default pin directory: " DP_PIN_DIR_DEFAULT "\n", f);
}

/* libbpf's own messages: warnings and errors only, unless LISPD_BPF_DEBUG.
 * Looking up our filter slot on a hook that has none makes the kernel
 * answer "Cannot find specified filter chain", which libbpf relays as a
 * warning although it is the expected answer: that one is dropped. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[1024];
	va_list cp;

	if (getenv("LISPD_BPF_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	va_copy(cp, ap);
	vsnprintf(msg, sizeof(msg), fmt, cp);
	va_end(cp);
	if (strstr(msg, "Cannot find specified filter chain"))
		return 0;
	return fputs(msg, stderr);
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	const char *cmd;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			c.json = c.pretty = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "lispd-bpf: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	libbpf_set_print(libbpf_log);
	cmd = argv[i];
	c.argc = argc - i - 1;
	c.argv = argv + i + 1;
	if (!strcmp(cmd, "attach"))
		return cmd_attach(&c);
	if (!strcmp(cmd, "detach"))
		return cmd_detach(&c);
	if (!strcmp(cmd, "status"))
		return cmd_status(&c);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(&c);
	if (!strcmp(cmd, "map-cache") || !strcmp(cmd, "mc"))
		return cmd_map_cache(&c);
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "lispd-bpf: unknown command %s\n", cmd);
	usage(stderr);
	return 2;
}
