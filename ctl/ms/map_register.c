/* Map-Register processing (RFC 9301 §8.2): every record must fall in a
 * configured site (more-specific prefixes only where the site accepts
 * them), the message must verify with the key of each site it names, and
 * must not replay an accepted one (replay.h); then each record replaces
 * the sending xTR's part of that prefix's mapping, and a Map-Notify
 * answers when M is set. A message is taken whole or not at all, and only
 * within ms-limits' bounds on registered prefixes. A register relayed by a
 * known RTR for a node behind a NAT (rtr.c) takes the same path; only its
 * Map-Notify goes back through that RTR. */
#include "ms/ms_priv.h"

#include <string.h>

#include "lisp_auth.h"
#include "log.h"

#define MS_MAX_PKT 1500

struct reg_ctx {
	struct lisp_map_register m;
	struct ms_site *site[LISP_MAX_RECORDS];
	struct ms_site *distinct[LISP_MAX_RECORDS];
	unsigned n_distinct;
};

static const char *ip_str(const struct lisp_ip *ip, char *buf)
{
	return lisp_ip_format(ip, buf, LISP_ADDR_STRLEN);
}

/* Finds each record's site; counts and returns -1 on the first refusal. */
static int find_sites(struct ms *ms, struct reg_ctx *x, const struct lisp_ip *src)
{
	char a[LISP_ADDR_STRLEN], p[LISP_ADDR_STRLEN];

	for (unsigned i = 0; i < x->m.n_rec; i++) {
		struct lisp_prefix eid = x->m.rec[i].eid, norm = eid;
		struct ms_site *site;
		struct ms_reg *reg;

		lisp_prefix_normalize(&norm);
		if (eid.addr.kind != LISP_ADDR_IP || lisp_prefix_cmp(&eid, &norm) != 0) {
			ms->ctr.drop_bad_prefix++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s: record %u is not an "
				     "IP prefix without host bits", ip_str(src, a), i);
			return -1;
		}
		ms_db_match(&ms->db, &eid, &site, &reg);
		lisp_prefix_format(&eid, p, sizeof(p));
		if (!site) {
			ms->ctr.drop_no_site++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s for %s: no such site",
				     ip_str(src, a), p);
			return -1;
		}
		if (site->is_static) {
			ms->ctr.drop_static_site++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s for %s: the prefix is "
				     "a static registered site", ip_str(src, a), p);
			return -1;
		}
		if (!ms_site_accepts(site, &eid)) {
			ms->ctr.drop_more_specific++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s for %s: more specific "
				     "than its site, which does not accept more-specifics",
				     ip_str(src, a), p);
			return -1;
		}
		if (site->key_type != x->m.auth.alg_id) {
			ms->ctr.drop_alg_mismatch++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s for %s: algorithm %u, "
				     "the site uses key-type %u", ip_str(src, a), p,
				     x->m.auth.alg_id, site->key_type);
			return -1;
		}
		x->site[i] = site;
		bool seen = false;

		for (unsigned j = 0; j < x->n_distinct && !seen; j++)
			seen = x->distinct[j] == site;
		if (!seen)
			x->distinct[x->n_distinct++] = site;
	}
	return 0;
}

static int check_auth_and_replay(struct ms *ms, struct reg_ctx *x, const struct lisp_ip *src,
				 const uint8_t *buf, size_t len)
{
	const uint8_t *xtr_id = x->m.xtr_id_present ? x->m.xtr_id : NULL;
	uint64_t now = ev_now_ms(ms->loop);
	char a[LISP_ADDR_STRLEN], p[LISP_ADDR_STRLEN];

	for (unsigned i = 0; i < x->n_distinct; i++) {
		struct ms_site *site = x->distinct[i];

		if (lisp_auth_verify(buf, len, site->key, site->key_len, NULL) != 0) {
			ms->ctr.drop_auth++;
			site->auth_failures++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s: authentication "
				     "failed for site %s", ip_str(src, a),
				     lisp_prefix_format(&site->eid, p, sizeof(p)));
			return -1;
		}
	}
	for (unsigned i = 0; i < x->n_distinct; i++) {
		if (ms_replay_seen(&ms->replay, &x->distinct[i]->eid, xtr_id, x->m.nonce, now,
				   ms->timing.nonce_window_ms)) {
			ms->ctr.drop_replay++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s: nonce 0x%016llx "
				     "replays an accepted one (site %s)", ip_str(src, a),
				     (unsigned long long)x->m.nonce,
				     lisp_prefix_format(&x->distinct[i]->eid, p, sizeof(p)));
			return -1;
		}
	}
	return 0;
}

static int commit_replay(struct ms *ms, struct reg_ctx *x)
{
	const uint8_t *xtr_id = x->m.xtr_id_present ? x->m.xtr_id : NULL;
	uint64_t now = ev_now_ms(ms->loop);

	for (unsigned i = 0; i < x->n_distinct; i++) {
		if (ms_replay_commit(&ms->replay, &x->distinct[i]->eid, xtr_id, x->m.nonce, now)) {
			ms->ctr.drop_no_memory++;
			return -1;
		}
	}
	return 0;
}

/* ms-limits: a key holder of a site accepting more-specifics could
 * otherwise fill the MS's memory with prefixes. Counts the prefixes the
 * message would add (a prefix named twice counts twice: a bound, not an
 * exact count) per site and overall; over a bound the message is refused
 * whole (no Map-Notify). Withdrawals and refreshes add nothing. */
static int check_limits(struct ms *ms, struct reg_ctx *x, const struct lisp_ip *src)
{
	unsigned add_site[LISP_MAX_RECORDS] = { 0 };
	size_t add_total = 0;
	char a[LISP_ADDR_STRLEN], p[LISP_ADDR_STRLEN];

	for (unsigned i = 0; i < x->m.n_rec; i++) {
		const struct lisp_record *rec = &x->m.rec[i];
		struct ms_site *site = x->site[i];
		unsigned d = 0;

		if ((x->m.ttl_expire && rec->ttl == 0) || ms_reg_get(ms, site, &rec->eid, false))
			continue;
		add_total++;
		if (lisp_prefix_cmp(&rec->eid, &site->eid) == 0)
			continue;
		while (x->distinct[d] != site)
			d++;
		add_site[d]++;
	}
	for (unsigned d = 0; d < x->n_distinct; d++) {
		struct ms_site *site = x->distinct[d];
		/* The site's own prefix is no more-specific. */
		unsigned have = site->n_regs - (ms_reg_get(ms, site, &site->eid, false) ? 1 : 0);

		if (add_site[d] && have + add_site[d] > ms->limits.more_specifics) {
			ms->ctr.drop_register_limit++;
			lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s refused: site %s "
				     "would hold more than more-specifics-per-site %u "
				     "more-specific prefixes", ip_str(src, a),
				     lisp_prefix_format(&site->eid, p, sizeof(p)),
				     ms->limits.more_specifics);
			return -1;
		}
	}
	if (add_total && ms->n_regs + add_total > ms->limits.registrations) {
		ms->ctr.drop_register_limit++;
		lispd_log_rl(LISPD_LOG_WARN, "ms: Map-Register from %s refused: the map-server "
			     "would hold more than registrations-max %u prefixes",
			     ip_str(src, a), ms->limits.registrations);
		return -1;
	}
	return 0;
}

static void apply_records(struct ms *ms, struct reg_ctx *x, const struct lisp_ip *src,
			  uint16_t sport, const struct ms_via *via)
{
	for (unsigned i = 0; i < x->m.n_rec; i++) {
		const struct lisp_record *rec = &x->m.rec[i];
		struct ms_reg *reg;
		struct ms_contrib *c;
		uint64_t lifetime = ms->timing.reg_lifetime_ms;

		if (x->m.ttl_expire && rec->ttl == 0) {
			/* TTL 0 with T: the xTR withdraws its part. */
			reg = ms_reg_get(ms, x->site[i], &rec->eid, false);
			c = reg ? ms_contrib_get(ms, reg, x->m.xtr_id_present, x->m.xtr_id, src,
						 false)
				: NULL;
			if (c) {
				ms_contrib_remove(ms, c);
				ms->ctr.records_deregistered++;
			}
			continue;
		}
		if (x->m.ttl_expire)
			lifetime = (uint64_t)rec->ttl * ms->timing.ttl_unit_ms;
		reg = ms_reg_get(ms, x->site[i], &rec->eid, true);
		c = reg ? ms_contrib_get(ms, reg, x->m.xtr_id_present, x->m.xtr_id, src, true)
			: NULL;
		if (!c || ms_contrib_update(ms, c, rec, lifetime)) {
			ms->ctr.drop_no_memory++;
			/* A part never registered must not linger empty. */
			if (c && c->registered_ms == 0)
				ms_contrib_remove(ms, c);
			else if (reg)
				ms_reg_drop_if_empty(ms, reg);
			continue;
		}
		c->src = *src;
		c->sport = sport;
		c->site_id = x->m.site_id;
		c->proxy_reply = x->m.proxy_reply;
		memset(c->rtr, 0, sizeof(c->rtr));
		if (via->rtr)
			memcpy(c->rtr, via->rtr->name, sizeof(c->rtr));
		c->rtr_old = via->rtr && !via->ecm;
		ms->ctr.records_registered++;
	}
}

static void send_notify(struct ms *ms, struct reg_ctx *x, const struct lisp_ip *src,
			uint16_t sport, const struct lisp_ip *dst, const struct ms_via *via)
{
	static struct lisp_map_register notify;
	const struct ms_site *site = x->distinct[0];
	uint8_t out[MS_MAX_PKT];
	size_t out_len;

	notify = x->m;
	/* Every site named verified the same HMAC, so any of their keys signs. */
	notify.type = LISP_MAP_NOTIFY;
	/* A notify's R announces the OLD dialect's RTR field, which only a
	 * notify through an RTR carries. */
	notify.rtr = false;
	/* L means "local to the sender of this message", which the MS is not;
	 * OOR's MS clears it too, so our Notify is byte-identical to its. */
	for (unsigned i = 0; i < notify.n_rec; i++)
		for (unsigned j = 0; j < notify.rec[i].n_loc; j++)
			notify.rec[i].loc[j].local = false;
	if (via->rtr) {
		ms_notify_via_rtr(ms, via, &notify, site, src, sport, dst);
		return;
	}
	if (lisp_map_register_encode(out, sizeof(out), &out_len, &notify, site->key, site->key_len,
				     NULL)) {
		ms->ctr.encode_failed++;
		return;
	}
	if (ms_send(ms, dst, src, sport, out, out_len) == 0)
		ms->ctr.notifies_sent++;
}

void ms_handle_register(struct ms *ms, const struct lisp_ip *src, uint16_t sport,
			const struct lisp_ip *dst, const uint8_t *buf, size_t len,
			const struct ms_via *via)
{
	static struct reg_ctx x;  /* large; the daemon is single-threaded */
	struct ms_via old = { NULL, NULL };
	struct lisp_err err = { 0 };

	memset(&x, 0, sizeof(x));
	ms->ctr.rx_map_register++;
	if (lisp_map_register_decode(buf, len, &x.m, &err) != 0) {
		ms_decode_failed(ms, &ms->ctr.drop_decode, "Map-Register", src, &err);
		return;
	}
	if (x.m.n_rec == 0) {
		ms->ctr.drop_no_records++;
		return;
	}
	/* OLD dialect: an RTR sends the node's register on bare, R kept. Any
	 * other bare register, R or I or not, is the xTR's own. */
	if (!via) {
		if (x.m.rtr)
			old.rtr = ms_rtr_find(ms, src);
		via = &old;
	}
	if (find_sites(ms, &x, src) || check_auth_and_replay(ms, &x, src, buf, len) ||
	    check_limits(ms, &x, src) || commit_replay(ms, &x))
		return;
	ms->ctr.registers_accepted++;
	if (via->rtr)
		ms->ctr.registers_via_rtr++;
	for (unsigned i = 0; i < x.n_distinct; i++)
		x.distinct[i]->registers++;
	apply_records(ms, &x, src, sport, via);
	if (x.m.want_notify)
		send_notify(ms, &x, src, sport, dst, via);
}
