/* lig output: text in the spirit of RFC 6835 §4, or one JSON object. */
#include <inttypes.h>
#include <stdio.h>

#include "json.h"
#include "lig.h"

const char *lig_act_name(uint8_t act, char *buf, size_t len)
{
	switch (act) {
	case LISP_ACT_NO_ACTION: return "no-action";
	case LISP_ACT_NATIVELY_FORWARD: return "natively-forward";
	case LISP_ACT_SEND_MAP_REQUEST: return "send-map-request";
	case LISP_ACT_DROP: return "drop";
	case LISP_ACT_DROP_POLICY: return "drop-policy-denied";
	case LISP_ACT_DROP_AUTH: return "drop-auth-failure";
	}
	snprintf(buf, len, "act-%u", act);
	return buf;
}

static const char *addr_str(const struct lisp_addr *a, char *buf, size_t len)
{
	return lisp_addr_format(a, buf, len);
}

void lig_print_send(FILE *f, const struct lig_query *q, unsigned try_no, uint64_t nonce,
		    const struct lisp_ip *src, uint16_t sport)
{
	char mr[LISP_ADDR_STRLEN], eid[LISP_ADDR_STRLEN], s[LISP_ADDR_STRLEN];

	fprintf(f, "Send map-request to %s for %s (try %u of %u, nonce 0x%016" PRIx64
		", from %s port %u) ...\n",
		lisp_ip_format(&q->mr, mr, sizeof(mr)), lisp_prefix_format(&q->eid, eid, sizeof(eid)),
		try_no, q->count, nonce, lisp_ip_format(src, s, sizeof(s)), sport);
	fflush(f);
}

static void print_locator(FILE *f, const struct lisp_locator *l)
{
	char a[LISP_ADDR_STRLEN], pw[16], mpw[16], flags[4];
	int n = 0;

	snprintf(pw, sizeof(pw), "%u/%u", l->priority, l->weight);
	snprintf(mpw, sizeof(mpw), "%u/%u", l->mpriority, l->mweight);
	if (l->local)
		flags[n++] = 'L';
	if (l->probed)
		flags[n++] = 'p';
	if (n == 0)
		flags[n++] = '-';
	flags[n] = '\0';
	fprintf(f, "  %-39s %-5s %-15s %-17s %s\n", addr_str(&l->addr, a, sizeof(a)),
		l->reachable ? "up" : "down", pw, mpw, flags);
}

static void print_record(FILE *f, const struct lisp_record *r)
{
	char p[LISP_ADDR_STRLEN], act[16];
	unsigned i;

	fprintf(f, "%s, record ttl: %" PRIu32 " min, %s, map-version: %u",
		lisp_prefix_format(&r->eid, p, sizeof(p)), r->ttl,
		r->authoritative ? "auth" : "not auth", r->map_version);
	if (r->n_loc == 0) {
		fprintf(f, ", negative: %s\n", lig_act_name(r->act, act, sizeof(act)));
		return;
	}
	if (r->act != LISP_ACT_NO_ACTION)
		fprintf(f, ", action: %s", lig_act_name(r->act, act, sizeof(act)));
	fputc('\n', f);
	fprintf(f, "  %-39s %-5s %-15s %-17s %s\n", "Locator", "State", "Priority/Weight",
		"MPriority/MWeight", "Flags");
	for (i = 0; i < r->n_loc; i++)
		print_locator(f, &r->loc[i]);
}

void lig_print_text(FILE *f, const struct lig_query *q, const struct lig_answer *a)
{
	char mr[LISP_ADDR_STRLEN], eid[LISP_ADDR_STRLEN], from[LISP_ADDR_STRLEN];
	unsigned i;

	lisp_ip_format(&q->mr, mr, sizeof(mr));
	lisp_prefix_format(&q->eid, eid, sizeof(eid));
	if (!a->answered) {
		fprintf(f, "*** No map-reply from %s for %s after %u tries of %g s", mr, eid,
			a->tries, q->timeout_s);
		if (a->ignored)
			fprintf(f, " (%u other replies ignored)", a->ignored);
		fputc('\n', f);
		return;
	}
	fprintf(f, "Received map-reply from %s with rtt %.3f ms (try %u, nonce 0x%016" PRIx64 ")\n",
		lisp_ip_format(&a->from, from, sizeof(from)), a->rtt_ms, a->answered_try, a->nonce);
	if (a->ignored)
		fprintf(f, "Ignored %u replies with another nonce or unreadable\n", a->ignored);
	fprintf(f, "\nMapping entry for EID %s:\n", eid);
	if (a->reply.n_rec == 0)
		fprintf(f, "  (the reply holds no record)\n");
	for (i = 0; i < a->reply.n_rec; i++)
		print_record(f, &a->reply.rec[i]);
}

static void json_locator(struct json *j, const struct lisp_locator *l)
{
	char a[LISP_ADDR_STRLEN];

	json_obj_begin(j, NULL);
	json_str(j, "address", addr_str(&l->addr, a, sizeof(a)));
	json_str(j, "state", l->reachable ? "up" : "down");
	json_uint(j, "priority", l->priority);
	json_uint(j, "weight", l->weight);
	json_uint(j, "mpriority", l->mpriority);
	json_uint(j, "mweight", l->mweight);
	json_bool(j, "local", l->local);
	json_bool(j, "probed", l->probed);
	json_obj_end(j);
}

static void json_record(struct json *j, const struct lisp_record *r)
{
	char p[LISP_ADDR_STRLEN], act[16];

	json_obj_begin(j, NULL);
	json_str(j, "eid_prefix", lisp_prefix_format(&r->eid, p, sizeof(p)));
	json_uint(j, "iid", r->eid.addr.has_iid ? r->eid.addr.iid : 0);
	json_uint(j, "ttl", r->ttl);
	json_bool(j, "negative", r->n_loc == 0);
	json_str(j, "action", lig_act_name(r->act, act, sizeof(act)));
	json_bool(j, "authoritative", r->authoritative);
	json_uint(j, "map_version", r->map_version);
	json_arr_begin(j, "locators");
	for (unsigned i = 0; i < r->n_loc; i++)
		json_locator(j, &r->loc[i]);
	json_arr_end(j);
	json_obj_end(j);
}

void lig_json_records(struct json *j, const struct lig_answer *a)
{
	json_arr_begin(j, "records");
	for (unsigned i = 0; a->answered && i < a->reply.n_rec; i++)
		json_record(j, &a->reply.rec[i]);
	json_arr_end(j);
}

void lig_json_ip(struct json *j, const char *key, const struct lisp_ip *ip)
{
	char s[LISP_ADDR_STRLEN];

	json_str(j, key, lisp_ip_format(ip, s, sizeof(s)));
}

void lig_print_json(FILE *f, const struct lig_query *q, const struct lig_answer *a)
{
	char s[LISP_ADDR_STRLEN], nonce[24];
	struct json j;

	snprintf(nonce, sizeof(nonce), "0x%016" PRIx64, a->nonce);
	json_init(&j, f, false);
	json_obj_begin(&j, NULL);
	lig_json_ip(&j, "map_resolver", &q->mr);
	json_str(&j, "eid", lisp_prefix_format(&q->eid, s, sizeof(s)));
	lig_json_ip(&j, "source", &a->src);
	json_uint(&j, "source_port", a->sport);
	json_str(&j, "nonce", nonce);
	json_uint(&j, "tries", a->tries);
	json_uint(&j, "ignored", a->ignored);
	json_bool(&j, "answered", a->answered);
	if (a->answered) {
		lig_json_ip(&j, "reply_from", &a->from);
		json_uint(&j, "answered_try", a->answered_try);
		json_fixed(&j, "rtt_ms", a->rtt_ms, 3);
	} else {
		json_null(&j, "reply_from");
		json_null(&j, "rtt_ms");
	}
	lig_json_records(&j, a);
	json_obj_end(&j);
	json_end(&j);
}
