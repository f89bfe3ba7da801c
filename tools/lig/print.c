/* lig output: text in the spirit of RFC 6835 §4, or one JSON object. */
#include <inttypes.h>
#include <stdio.h>

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

/* Addresses, prefixes and action names are the only strings printed, but
 * escape anyway so the output stays JSON whatever a formatter returns. */
void lig_json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void json_locator(FILE *f, const struct lisp_locator *l)
{
	char a[LISP_ADDR_STRLEN];

	fputs("{\"address\":", f);
	lig_json_str(f, addr_str(&l->addr, a, sizeof(a)));
	fprintf(f, ",\"state\":\"%s\",\"priority\":%u,\"weight\":%u,\"mpriority\":%u,"
		"\"mweight\":%u,\"local\":%s,\"probed\":%s}",
		l->reachable ? "up" : "down", l->priority, l->weight, l->mpriority, l->mweight,
		l->local ? "true" : "false", l->probed ? "true" : "false");
}

void lig_json_record(FILE *f, const struct lisp_record *r)
{
	char p[LISP_ADDR_STRLEN], act[16];
	unsigned i;

	fputs("{\"eid_prefix\":", f);
	lig_json_str(f, lisp_prefix_format(&r->eid, p, sizeof(p)));
	fprintf(f, ",\"iid\":%" PRIu32 ",\"ttl\":%" PRIu32 ",\"negative\":%s,\"action\":",
		r->eid.addr.has_iid ? r->eid.addr.iid : 0, r->ttl, r->n_loc == 0 ? "true" : "false");
	lig_json_str(f, lig_act_name(r->act, act, sizeof(act)));
	fprintf(f, ",\"authoritative\":%s,\"map_version\":%u,\"locators\":[",
		r->authoritative ? "true" : "false", r->map_version);
	for (i = 0; i < r->n_loc; i++) {
		if (i)
			fputc(',', f);
		json_locator(f, &r->loc[i]);
	}
	fputs("]}", f);
}

void lig_print_json(FILE *f, const struct lig_query *q, const struct lig_answer *a)
{
	char s[LISP_ADDR_STRLEN];
	unsigned i;

	fputs("{\"map_resolver\":", f);
	lig_json_str(f, lisp_ip_format(&q->mr, s, sizeof(s)));
	fputs(",\"eid\":", f);
	lig_json_str(f, lisp_prefix_format(&q->eid, s, sizeof(s)));
	fputs(",\"source\":", f);
	lig_json_str(f, lisp_ip_format(&a->src, s, sizeof(s)));
	fprintf(f, ",\"source_port\":%u,\"nonce\":\"0x%016" PRIx64 "\",\"tries\":%u,\"ignored\":%u,"
		"\"answered\":%s",
		a->sport, a->nonce, a->tries, a->ignored, a->answered ? "true" : "false");
	if (!a->answered) {
		fputs(",\"reply_from\":null,\"rtt_ms\":null,\"records\":[]}\n", f);
		return;
	}
	fputs(",\"reply_from\":", f);
	lig_json_str(f, lisp_ip_format(&a->from, s, sizeof(s)));
	fprintf(f, ",\"answered_try\":%u,\"rtt_ms\":%.3f,\"records\":[", a->answered_try, a->rtt_ms);
	for (i = 0; i < a->reply.n_rec; i++) {
		if (i)
			fputc(',', f);
		lig_json_record(f, &a->reply.rec[i]);
	}
	fputs("]}\n", f);
}
