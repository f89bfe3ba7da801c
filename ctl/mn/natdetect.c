/* NAT detection: Info-Request / Info-Reply per IPv4 map-server and IPv4
 * RLOC (natdetect.h). */
#include "mn/mn_priv.h"

#include <string.h>

#include "lisp_auth.h"
#include "lisp_nonce.h"
#include "log.h"
#include "token_bucket.h"

static void on_timer(struct ev_timer *t, void *arg);

static const struct mn_ms_conf *ms_of(const struct mn_nat_probe *p)
{
	return &p->mn->conf.ms[p->ms];
}

/* The EID an Info-Request names: every database-mapping registers with
 * every map-server, so the first one is in the map-server's site. */
static const struct lisp_prefix *our_eid(const struct mn *mn)
{
	return &mn->conf.map[0].eid;
}

static void send_request(struct mn_nat_probe *p)
{
	struct mn *mn = p->mn;
	const struct mn_ms_conf *ms = ms_of(p);
	struct lisp_info m;
	struct lisp_err err = { 0 };
	char why[96], a[LISP_ADDR_STRLEN];
	size_t len = 0;

	p->tries++;
	memset(&m, 0, sizeof(m));
	if (lisp_nonce64(&m.nonce)) {
		mn->ctr.info_send_errors++;
		return;
	}
	m.auth.alg_id = ms->alg;
	m.eid = *our_eid(mn);
	if (lisp_info_encode(mn->tx, sizeof(mn->tx), &len, &m, ms->key, ms->key_len, &err)) {
		mn->ctr.info_encode_errors++;
		lispd_log_rl(LISPD_LOG_WARN, "mn: cannot build an Info-Request for map-server %s: %s",
			     lisp_ip_format(&ms->addr, a, sizeof(a)),
			     lisp_err_format(&err, why, sizeof(why)));
		return;
	}
	p->nonces[p->next_slot].nonce = m.nonce;
	p->nonces[p->next_slot].series = p->series;
	p->next_slot = (p->next_slot + 1) % MN_NAT_NONCES;
	p->sent++;
	mn->ctr.info_tx++;
	if (cp_io_send(mn->io, &p->rloc, &ms->addr, LISP_CONTROL_PORT, mn->tx, len))
		mn->ctr.info_send_errors++;
}

static void start_series(struct mn_nat_probe *p)
{
	struct mn *mn = p->mn;

	p->series++;
	p->open = true;
	p->unanswered = false;
	p->tries = 0;
	p->retx_ms = mn->t.nat_retx_first_ms;
	send_request(p);
	ev_timer_arm(mn->loop, &p->timer, p->retx_ms);
	p->retx_ms *= 2;
}

/* Registration follows a change of what this probe hides: its own
 * map-server, and every IPv6 map-server (mn_nat_hides). */
static void registration_follows(struct mn_nat_probe *p)
{
	struct mn *mn = p->mn;

	for (unsigned i = 0; i < mn->n_reg; i++)
		if (mn->reg[i].ms == p->ms || mn->conf.ms[mn->reg[i].ms].addr.afi == LISP_AFI_IPV6)
			mn_reg_start(mn, i);
}

static void set_state(struct mn_nat_probe *p, enum mn_nat_state s)
{
	bool hid = p->state == MN_NAT_BEHIND;

	if (p->state == s)
		return;
	p->state = s;
	mn_nat_say_state(p);
	if (hid != (s == MN_NAT_BEHIND))
		registration_follows(p);
}

/* MN_NAT_TRIES went unanswered: a map-server without NAT traversal, or
 * one gone. What an earlier reply said is not current any more. */
static void series_unanswered(struct mn_nat_probe *p)
{
	p->unanswered = true;
	if (p->state != MN_NAT_UNKNOWN) {
		set_state(p, MN_NAT_UNKNOWN);
		return;
	}
	if (p->said_unanswered)
		return;
	p->said_unanswered = true;
	mn_nat_say_unanswered(p);
}

static void on_timer(struct ev_timer *t, void *arg)
{
	struct mn_nat_probe *p = arg;
	struct mn *mn = p->mn;

	(void)t;
	if (!p->open) {
		start_series(p);   /* a reply's refresh */
		return;
	}
	if (p->tries < MN_NAT_TRIES) {
		send_request(p);
		ev_timer_arm(mn->loop, &p->timer, p->retx_ms);
		p->retx_ms *= 2;
		return;
	}
	if (!p->unanswered)
		series_unanswered(p);
	else
		send_request(p);
	ev_timer_arm(mn->loop, &p->timer, mn->t.nat_retry_ms);
}

/* A new or returning pair's first series: at once, unless the pair came
 * and went more than MN_NAT_SERIES_BURST times lately (a flapping link):
 * then when the next token is there. */
static struct tb_rate series_rate(const struct mn *mn)
{
	return (struct tb_rate){
		.tokens = 1, .period_ms = mn->t.reg_min_interval_ms, .burst = MN_NAT_SERIES_BURST,
	};
}

static void begin_series(struct mn_nat_probe *p)
{
	struct mn *mn = p->mn;
	const struct tb_rate rate = series_rate(mn);

	if (tb_take_now(&p->rounds, &rate, mn_now(mn))) {
		start_series(p);
		return;
	}
	mn->ctr.info_rate_limited++;
	/* The series is open with no try yet: the timer sends the first. */
	p->series++;
	p->open = true;
	p->unanswered = false;
	p->tries = 0;
	p->retx_ms = mn->t.nat_retx_first_ms;
	ev_timer_arm(mn->loop, &p->timer, tb_wait_ms(&p->rounds, &rate));
}

static struct mn_nat_probe *find(struct mn *mn, const struct lisp_ip *ms,
				  const struct lisp_ip *rloc)
{
	for (unsigned i = 0; i < MN_NAT_MAX_PROBES; i++) {
		struct mn_nat_probe *p = &mn->nat.p[i];

		if (p->used && lisp_ip_equal(&p->ms_addr, ms) && lisp_ip_equal(&p->rloc, rloc))
			return p;
	}
	return NULL;
}

/* A free slot, else the slot of a pair that is gone. */
static struct mn_nat_probe *add(struct mn *mn, unsigned ms, const struct lisp_ip *rloc)
{
	const struct tb_rate rate = series_rate(mn);
	struct mn_nat_probe *p = NULL;

	for (unsigned i = 0; i < MN_NAT_MAX_PROBES && !p; i++)
		if (!mn->nat.p[i].used)
			p = &mn->nat.p[i];
	for (unsigned i = 0; i < MN_NAT_MAX_PROBES && !p; i++)
		if (!mn->nat.p[i].present)
			p = &mn->nat.p[i];
	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	ev_timer_init(&p->timer, on_timer, p);
	p->mn = mn;
	p->used = true;
	p->ms = ms;
	p->ms_addr = mn->conf.ms[ms].addr;
	p->rloc = *rloc;
	tb_fill(&p->rounds, &rate, mn_now(mn));
	return p;
}

/* The pair is not current any more (the RLOC went, or the map-server):
 * silent, and what it learnt no longer true. Kept for its rate limit. */
static void absent(struct mn_nat_probe *p)
{
	ev_timer_cancel(p->mn->loop, &p->timer);
	p->present = false;
	p->open = false;
	p->unanswered = false;
	p->state = MN_NAT_UNKNOWN;
	p->reply_ms = 0;
	p->n_rtr = 0;
	memset(&p->global, 0, sizeof(p->global));
	p->global_port = 0;
	p->ttl_min = 0;
}

/* Our IPv4 RLOCs: every one of the locator set, else the sending one. */
static unsigned rlocs4(const struct mn *mn, struct lisp_ip *out)
{
	unsigned n = 0;

	if (mn->has_locs) {
		for (unsigned i = 0; i < mn->n_locs; i++) {
			bool seen = false;

			if (mn->locs[i].addr.afi != LISP_AFI_IPV4)
				continue;
			for (unsigned k = 0; k < n; k++)
				seen |= lisp_ip_equal(&out[k], &mn->locs[i].addr);
			if (!seen && n < MN_MAX_IFACES)
				out[n++] = mn->locs[i].addr;
		}
		return n;
	}
	if (mn_rloc_of(mn, LISP_AFI_IPV4))
		out[n++] = *mn_rloc_of(mn, LISP_AFI_IPV4);
	return n;
}

void mn_nat_sync(struct mn *mn)
{
	struct lisp_ip r4[MN_MAX_IFACES];
	bool keep[MN_NAT_MAX_PROBES] = { false };
	unsigned n4 = mn->conf.n_map ? rlocs4(mn, r4) : 0;

	for (unsigned m = 0; m < mn->conf.n_ms; m++) {
		if (mn->conf.ms[m].addr.afi != LISP_AFI_IPV4)
			continue;
		for (unsigned i = 0; i < n4; i++) {
			struct mn_nat_probe *p = find(mn, &mn->conf.ms[m].addr, &r4[i]);

			if (!p)
				p = add(mn, m, &r4[i]);
			if (!p)
				continue;
			p->ms = m;
			keep[p - mn->nat.p] = true;
			if (!p->present) {
				p->present = true;
				begin_series(p);
			}
		}
	}
	for (unsigned i = 0; i < MN_NAT_MAX_PROBES; i++)
		if (mn->nat.p[i].present && !keep[i])
			absent(&mn->nat.p[i]);
}

void mn_nat_teardown(struct mn *mn)
{
	for (unsigned i = 0; i < MN_NAT_MAX_PROBES; i++)
		if (mn->nat.p[i].used)
			ev_timer_cancel(mn->loop, &mn->nat.p[i].timer);
}

/* The probe that sent nonce; *current when its series still waits. */
static struct mn_nat_probe *by_nonce(struct mn *mn, uint64_t nonce, bool *current)
{
	for (unsigned i = 0; i < MN_NAT_MAX_PROBES; i++) {
		struct mn_nat_probe *p = &mn->nat.p[i];

		if (!p->present)
			continue;
		for (unsigned k = 0; k < MN_NAT_NONCES; k++) {
			if (p->nonces[k].nonce != nonce || nonce == 0)
				continue;
			*current = p->open && p->nonces[k].series == p->series;
			return p;
		}
	}
	return NULL;
}

static void accept_reply(struct mn_nat_probe *p, const struct lisp_info *m)
{
	struct mn *mn = p->mn;
	uint64_t refresh = (uint64_t)m->ttl * mn->t.ttl_unit_ms;

	mn->ctr.info_rx_ok++;
	p->replies++;
	p->open = false;
	p->unanswered = false;
	p->reply_ms = mn_now(mn);
	p->global = m->global_etr.ip;
	p->global_port = m->etr_port;
	p->ttl_min = m->ttl;
	p->n_rtr = 0;
	for (unsigned i = 0; i < m->n_rtr; i++)
		if (m->rtr[i].kind == LISP_ADDR_IP)   /* AFI 0 means none */
			p->rtr[p->n_rtr++] = m->rtr[i].ip;
	set_state(p, lisp_ip_equal(&p->global, &p->rloc) && p->global_port == LISP_CONTROL_PORT
			     ? MN_NAT_PUBLIC : MN_NAT_BEHIND);
	if (refresh > mn->t.nat_refresh_max_ms)
		refresh = mn->t.nat_refresh_max_ms;
	if (refresh < mn->t.nat_retry_ms)
		refresh = mn->t.nat_retry_ms;
	ev_timer_arm(mn->loop, &p->timer, refresh);
}

void mn_nat_on_info(struct mn *mn, const uint8_t *buf, size_t len)
{
	struct lisp_info *m = &mn->rx.u.info;
	struct lisp_err err = { 0 };
	struct mn_nat_probe *p;
	const struct mn_ms_conf *ms;
	bool current = false;
	char a[LISP_ADDR_STRLEN];

	if (lisp_info_decode(buf, len, m, &err)) {
		mn_rx_malformed(mn, &err, LISP_ERR_TRUNCATED);
		return;
	}
	if (!m->reply) {
		mn->ctr.rx_unexpected++;   /* a node answers no Info-Request */
		return;
	}
	p = by_nonce(mn, m->nonce, &current);
	if (!p) {
		mn->ctr.info_rx_bad_nonce++;
		return;
	}
	ms = ms_of(p);
	if (lisp_auth_verify(buf, len, ms->key, ms->key_len, &err)) {
		mn->ctr.info_rx_bad_auth++;
		lispd_log_rl(LISPD_LOG_WARN, "mn: Info-Reply for map-server %s: authentication "
			     "failed", lisp_ip_format(&ms->addr, a, sizeof(a)));
		return;
	}
	if (!current) {
		mn->ctr.info_rx_stale++;
		return;
	}
	if (lisp_prefix_cmp(&m->eid, our_eid(mn)) != 0) {
		mn->ctr.info_rx_bad_eid++;
		return;
	}
	if (m->global_etr.kind != LISP_ADDR_IP || m->global_etr.ip.afi != LISP_AFI_IPV4) {
		mn->ctr.info_rx_bad_reply++;
		return;
	}
	accept_reply(p, m);
}

const struct mn_nat_probe *mn_nat_probe_of(const struct mn *mn, unsigned ms,
					   const struct lisp_ip *rloc)
{
	bool any_ms = mn->conf.ms[ms].addr.afi == LISP_AFI_IPV6;
	const struct mn_nat_probe *best = NULL;

	for (unsigned i = 0; i < MN_NAT_MAX_PROBES; i++) {
		const struct mn_nat_probe *p = &mn->nat.p[i];

		if (!p->present || !lisp_ip_equal(&p->rloc, rloc) || !(any_ms || p->ms == ms))
			continue;
		/* Behind a NAT anywhere beats public beats unknown. */
		if (!best || p->state > best->state)
			best = p;
	}
	return best;
}

bool mn_nat_hides(const struct mn *mn, unsigned ms, const struct lisp_ip *rloc)
{
	const struct mn_nat_probe *p = mn_nat_probe_of(mn, ms, rloc);

	return p && p->state == MN_NAT_BEHIND;
}
