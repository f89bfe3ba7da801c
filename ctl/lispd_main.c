/* lispd: command line. Only the configuration check (-t) works today; the
 * mobile-node daemon itself is not written yet, and says so. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

#ifndef LISPD_VERSION
#define LISPD_VERSION "0.1.0-dev"
#endif

#define DEFAULT_CONFIG "/etc/lispd.conf"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: lispd [-f FILE] [-t] [-d | -dd | -d N] [-n] [-h] [-v]\n"
		"  -f FILE  configuration file (default " DEFAULT_CONFIG ")\n"
		"  -t       check the configuration and exit (0 if valid, 1 if not)\n"
		"  -d       more debug output; repeat, or give a level 0..3\n"
		"  -n       stay in the foreground\n"
		"  -h       this help\n"
		"  -v       version\n");
}

static bool is_level(const char *s)
{
	return s && s[0] >= '0' && s[0] <= '3' && s[1] == '\0';
}

static int check_config(const char *path, int debug)
{
	struct lispd_config cfg;
	char err[512];

	if (lispd_config_load_file(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lispd: %s\n", err);
		fprintf(stderr, "lispd: configuration %s is not valid\n", path);
		return 1;
	}
	if (debug > 0)
		printf("%s: %u map-server(s), %u map-resolver(s), %u proxy-etr(s), "
		       "%u proxy-itr(s), %u database-mapping(s), %u static-map-cache "
		       "entr%s\n",
		       path, cfg.n_map_servers, cfg.n_map_resolvers, cfg.n_petrs,
		       cfg.n_proxy_itrs, cfg.n_mappings, cfg.n_statics,
		       cfg.n_statics == 1 ? "y" : "ies");
	printf("lispd: %s: configuration OK\n", path);
	lispd_config_free(&cfg);
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_CONFIG;
	bool test_only = false;
	int debug = 0;
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, ":f:tdnhvm:s:e:p:r:")) != -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 't':
			test_only = true;
			break;
		case 'd':
			/* "-d N" sets a level; "-d" and "-dd" count. */
			if (optind < argc && is_level(argv[optind]))
				debug = argv[optind++][0] - '0';
			else if (debug < 3)
				debug++;
			break;
		case 'n':
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			printf("lispd (lispd-bpf) %s\n", LISPD_VERSION);
			return 0;
		case 'm':
		case 's':
		case 'e':
		case 'p':
		case 'r':
			/* LISPmob's command-line overrides of the file. */
			fprintf(stderr, "lispd: option -%c is not supported yet; set it in the "
					"configuration file\n", c);
			return 1;
		case ':':
			fprintf(stderr, "lispd: option -%c needs a value\n", optopt);
			usage(stderr);
			return 1;
		default:
			if (isprint(optopt))
				fprintf(stderr, "lispd: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "lispd: unknown option\n");
			usage(stderr);
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lispd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 1;
	}
	lispd_log_open("lispd", LISPD_LOG_TO_STREAM, lispd_log_level_from_debug(debug));
	if (test_only)
		return check_config(path, debug);
	fprintf(stderr, "lispd: the mobile-node daemon is not implemented yet; use -t to "
			"check a configuration\n");
	return 1;
}
