/* lig: query the LISP mapping system like RFC 6835's LISP Internet Groper.
 *
 *   lig [-m MR] [-s SOURCE] [-c COUNT] [-t TIMEOUT] [-p PORT] [-f FILE] [-j] EID
 *   lig self [-m MR] [-s SOURCE] [-c COUNT] [-t TIMEOUT] [-p PORT] [-f FILE] [-j]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lig.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lig [options] [IID]EID      query the mapping of EID ([IID] optional)\n"
		"       lig self [options]          check our database-mappings are registered\n"
		"options:\n"
		"  -m MAP-RESOLVER  address to query (default: first map-resolver of the config)\n"
		"  -s SOURCE        outer source address and ITR-RLOC (default: kernel's choice)\n"
		"  -c COUNT         Map-Requests to send at most, 1..%d (default %d)\n"
		"  -t TIMEOUT       seconds to wait for each, 0.01..60 (default %g)\n"
		"  -p PORT          map-resolver UDP port (default %d)\n"
		"  -f FILE          lispd configuration (default %s)\n"
		"  -j               print one JSON object\n"
		"exit status: 0 answered (self: all registered), 1 no answer (self: not all\n"
		"registered) or a local error, 2 usage or configuration error\n",
		LIG_MAX_COUNT, LIG_DEFAULT_COUNT, LIG_DEFAULT_TIMEOUT_S, LISP_CONTROL_PORT,
		LIG_DEFAULT_CONFIG);
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "lig: bad %s: %s\n", what, arg);
	return -1;
}

static int parse_ulong(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_ip(const char *s, struct lisp_ip *out)
{
	return lisp_ip_parse(s, out, NULL) < 0 || out->afi == LISP_AFI_NONE ? -1 : 0;
}

struct opts {
	bool self;
	bool have_mr, have_src, json;
	struct lisp_ip mr, src;
	unsigned count;
	double timeout_s;
	uint16_t port;
	const char *config;
	const char *eid;
};

static int parse_args(int argc, char **argv, struct opts *o)
{
	unsigned long v;
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->count = LIG_DEFAULT_COUNT;
	o->timeout_s = LIG_DEFAULT_TIMEOUT_S;
	o->port = LISP_CONTROL_PORT;
	o->config = LIG_DEFAULT_CONFIG;
	if (argc > 1 && strcmp(argv[1], "self") == 0) {
		o->self = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	while ((c = getopt(argc, argv, "m:s:c:t:p:f:jh")) != -1) {
		switch (c) {
		case 'm':
			if (parse_ip(optarg, &o->mr) < 0)
				return bad("map-resolver address", optarg);
			o->have_mr = true;
			break;
		case 's':
			if (parse_ip(optarg, &o->src) < 0)
				return bad("source address", optarg);
			o->have_src = true;
			break;
		case 'c':
			if (parse_ulong(optarg, 1, LIG_MAX_COUNT, &v) < 0)
				return bad("count", optarg);
			o->count = (unsigned)v;
			break;
		case 't':
			errno = 0;
			o->timeout_s = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(o->timeout_s >= 0.01) ||
			    o->timeout_s > 60)
				return bad("timeout", optarg);
			break;
		case 'p':
			if (parse_ulong(optarg, 1, 65535, &v) < 0)
				return bad("port", optarg);
			o->port = (uint16_t)v;
			break;
		case 'f':
			o->config = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (o->self) {
		if (optind != argc) {
			fprintf(stderr, "lig: self takes no EID\n");
			return -1;
		}
	} else {
		if (optind != argc - 1) {
			fprintf(stderr, "lig: %s\n", optind == argc ? "no EID given" : "one EID only");
			return -1;
		}
		o->eid = argv[optind];
	}
	if (o->have_mr && o->have_src && o->mr.afi != o->src.afi) {
		fprintf(stderr, "lig: source and map-resolver must be of the same address family\n");
		return -1;
	}
	return 0;
}

static void on_send(void *ctx, const struct lig_query *q, unsigned try_no, uint64_t nonce,
		    const struct lisp_ip *src, uint16_t sport)
{
	lig_print_send(ctx, q, try_no, nonce, src, sport);
}

static int run_lig(const struct opts *o)
{
	struct lig_query q = {
		.mr_port = o->port,
		.count = o->count,
		.timeout_s = o->timeout_s,
	};
	struct lisp_err err = { 0 };
	struct lig_answer *a;
	char e[512];
	int rc;

	if (lisp_prefix_parse(o->eid, &q.eid, &err) < 0) {
		fprintf(stderr, "lig: bad EID %s: %s\n", o->eid, lisp_err_format(&err, e, sizeof(e)));
		return LIG_EXIT_USAGE;
	}
	if (o->have_mr) {
		q.mr = o->mr;
	} else if (lig_config_map_resolver(o->config, &q.mr, e, sizeof(e)) < 0) {
		fprintf(stderr, "lig: no map-resolver: %s (give one with -m)\n", e);
		return LIG_EXIT_USAGE;
	}
	if (o->have_src) {
		if (o->src.afi != q.mr.afi) {
			fprintf(stderr, "lig: source and map-resolver must be of the same address family\n");
			return LIG_EXIT_USAGE;
		}
		q.src = o->src;
	}
	if (!o->json) {
		q.on_send = on_send;
		q.ctx = stdout;
	}
	a = malloc(sizeof(*a));
	if (!a) {
		fprintf(stderr, "lig: out of memory\n");
		return LIG_EXIT_NO_ANSWER;
	}
	if (lig_run_query(&q, a, e, sizeof(e)) < 0) {
		fprintf(stderr, "lig: %s\n", e);
		free(a);
		return LIG_EXIT_NO_ANSWER;
	}
	if (o->json)
		lig_print_json(stdout, &q, a);
	else
		lig_print_text(stdout, &q, a);
	rc = a->answered ? LIG_EXIT_ANSWERED : LIG_EXIT_NO_ANSWER;
	free(a);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: lig [options] [IID]EID | lig self [options] (lig -h: help)\n");
		return LIG_EXIT_USAGE;
	}
	if (o.self) {
		struct lig_self_opts so = {
			.config = o.config,
			.have_mr = o.have_mr,
			.mr = o.mr,
			.mr_port = o.port,
			.have_src = o.have_src,
			.src = o.src,
			.count = o.count,
			.timeout_s = o.timeout_s,
			.json = o.json,
		};
		return lig_self(&so);
	}
	return run_lig(&o);
}
