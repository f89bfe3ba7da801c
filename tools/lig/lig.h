/* lig: the LISP Internet Groper (RFC 6835). Shared types of the query engine
 * (query.c), the request builder (request.c), the printers (print.c) and
 * `lig self` (self.c). */
#ifndef LIG_H
#define LIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lisp_addr.h"
#include "lisp_msg.h"

struct json;

#define LIG_DEFAULT_CONFIG "/etc/lispd.conf"
#define LIG_DEFAULT_COUNT 3
#define LIG_DEFAULT_TIMEOUT_S 2.0
#define LIG_MAX_COUNT 100
/* Exit statuses. */
#define LIG_EXIT_ANSWERED 0
#define LIG_EXIT_NO_ANSWER 1
#define LIG_EXIT_USAGE 2

/* Large enough for an ECM around a one-record Map-Request with one ITR-RLOC. */
#define LIG_REQ_BUF 512
/* Largest datagram we read: anything longer is not a Map-Reply we sent for. */
#define LIG_RX_BUF 65536

struct lig_query {
	struct lisp_ip mr;        /* map-resolver */
	uint16_t mr_port;
	struct lisp_ip src;       /* outer source = ITR-RLOC; afi NONE: kernel's choice */
	struct lisp_prefix eid;   /* requested; has_iid puts an IID LCAF in the record */
	unsigned count;           /* tries */
	double timeout_s;         /* per try */
	/* Called after each Map-Request is sent (text output prints a line). */
	void (*on_send)(void *ctx, const struct lig_query *q, unsigned try_no,
			uint64_t nonce, const struct lisp_ip *src, uint16_t sport);
	void *ctx;
};

struct lig_answer {
	bool answered;
	unsigned tries;               /* Map-Requests sent */
	unsigned answered_try;        /* 1-based try whose nonce the reply echoed */
	uint64_t nonce;               /* of the answered try, else of the last try */
	struct lisp_ip src;           /* outer source actually used */
	uint16_t sport;               /* our UDP port (inner source port) */
	struct lisp_ip from;          /* who answered */
	uint16_t from_port;
	double rtt_ms;
	unsigned ignored;             /* replies with another nonce, malformed or other types */
	struct lisp_map_reply reply;
};

/* Builds the ECM-wrapped Map-Request for q->eid, from src:sport, with nonce.
 * Pure: no I/O. Returns 0 and sets *out_len, or -1 with err filled. */
int lig_build_request(uint8_t *buf, size_t cap, size_t *out_len, const struct lisp_prefix *eid,
		      const struct lisp_ip *src, uint16_t sport, uint64_t nonce,
		      struct lisp_err *err);

/* Sends up to q->count Map-Requests and waits for a Map-Reply echoing one of
 * their nonces. Returns 0 (answered or not: see a->answered), or -1 on a
 * local error (socket, address) with a message in errbuf. */
int lig_run_query(const struct lig_query *q, struct lig_answer *a, char *errbuf, size_t errlen);

/* Names of Map-Reply actions ("no-action", "natively-forward", ...); "act-N"
 * for values RFC 9301 does not define, written into buf. */
const char *lig_act_name(uint8_t act, char *buf, size_t len);

/* Output of one query. */
void lig_print_send(FILE *f, const struct lig_query *q, unsigned try_no, uint64_t nonce,
		    const struct lisp_ip *src, uint16_t sport);
void lig_print_text(FILE *f, const struct lig_query *q, const struct lig_answer *a);
void lig_print_json(FILE *f, const struct lig_query *q, const struct lig_answer *a);

/* JSON helpers shared by the printers: an address member, and the
 * "records" array of an answer (empty without one). */
void lig_json_ip(struct json *j, const char *key, const struct lisp_ip *ip);
void lig_json_records(struct json *j, const struct lig_answer *a);

/* `lig self`: options after "self" already parsed by main. */
struct lig_self_opts {
	const char *config;
	bool have_mr;
	struct lisp_ip mr;
	uint16_t mr_port;
	bool have_src;
	struct lisp_ip src;
	unsigned count;
	double timeout_s;
	bool json;
};
int lig_self(const struct lig_self_opts *o);

/* The first map-resolver of a lispd.conf; 0, or -1 with a message. */
int lig_config_map_resolver(const char *path, struct lisp_ip *out, char *errbuf, size_t errlen);

#endif
