/* Map-Register / Map-Notify / Map-Notify-Ack with each map-server. */
#include "mn/mn_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisp_auth.h"
#include "lisp_nonce.h"
#include "log.h"

const char *mn_reg_state_name(enum mn_reg_state s)
{
	switch (s) {
	case MN_REG_IDLE:
		return "idle";
	case MN_REG_PENDING:
		return "pending";
	case MN_REG_REGISTERED:
		return "registered";
	case MN_REG_FAILING:
		return "failing";
	case MN_REG_BEHIND_NAT:
		return "not reachable: behind NAT";
	}
	return "?";
}

static void fail(struct mn_reg *r, const char *why)
{
	r->state = MN_REG_FAILING;
	snprintf(r->last_error, sizeof(r->last_error), "%s", why);
}

static uint64_t next_nonce(struct mn *mn)
{
	uint64_t n = 0;

	if (mn->next_nonce)
		return mn->next_nonce(mn->nonce_ctx);
	/* No provider (a test): still unique, though not persistent. */
	lisp_nonce64(&n);
	return n;
}

/* Leaves out of l[0..n) the RLOCs behind a NAT at map-server ms; returns
 * how many stay and counts those left out in *hidden. */
static unsigned without_natted(const struct mn *mn, unsigned ms, struct lisp_locator *l,
			       unsigned n, unsigned *hidden)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		if (mn_nat_hides(mn, ms, &l[i].addr.ip)) {
			(*hidden)++;
			continue;
		}
		l[k++] = l[i];
	}
	return k;
}

/* Builds the Map-Register for map-server r->ms into mn->tx. 0, -1 on
 * error, 1 with no RLOC to advertise, 2 when every one is behind a NAT. */
static int build(struct mn_reg *r, uint64_t nonce, size_t *len)
{
	struct mn *mn = r->mn;
	const struct mn_ms_conf *ms = &mn->conf.ms[r->ms];
	struct lisp_map_register *m = &mn->tx_reg;
	struct lisp_err err = { 0 };
	unsigned hidden = 0;
	char why[96];

	memset(m, 0, sizeof(*m));
	m->type = LISP_MAP_REGISTER;
	m->proxy_reply = ms->proxy_reply;
	m->want_notify = true;
	m->xtr_id_present = true;
	memcpy(m->xtr_id, mn->xtr_id, sizeof(m->xtr_id));
	m->site_id = mn->site_id;
	m->nonce = nonce;
	m->auth.key_id = 0;
	m->auth.alg_id = ms->alg;
	m->auth.len = 0;  /* the full digest, as deployed map-servers expect */
	for (unsigned i = 0; i < mn->conf.n_map; i++) {
		struct lisp_record *rec = &m->rec[m->n_rec];

		rec->n_loc = (uint8_t)without_natted(
			mn, r->ms, rec->loc,
			mn_our_locators(mn, i, NULL, rec->loc, LISP_MAX_LOCATORS), &hidden);
		if (rec->n_loc == 0)
			continue;  /* no RLOC of a family this EID uses */
		rec->ttl = mn->conf.map[i].ttl_min;
		rec->act = LISP_ACT_NO_ACTION;
		rec->authoritative = true;
		rec->eid = mn->conf.map[i].eid;
		m->n_rec++;
	}
	if (m->n_rec == 0)
		return hidden ? 2 : 1;
	if (lisp_map_register_encode(mn->tx, sizeof(mn->tx), len, m, ms->key, ms->key_len, &err)) {
		mn->ctr.reg_encode_errors++;
		snprintf(r->last_error, sizeof(r->last_error), "cannot build Map-Register: %s",
			 lisp_err_format(&err, why, sizeof(why)));
		r->state = MN_REG_FAILING;
		return -1;
	}
	return 0;
}

static void remember(struct mn_reg *r, uint64_t nonce)
{
	r->nonces[r->next_slot].nonce = nonce;
	r->nonces[r->next_slot].round = r->round;
	r->next_slot = (r->next_slot + 1) % MN_REG_NONCES;
}

static void send_register(struct mn_reg *r)
{
	struct mn *mn = r->mn;
	const struct mn_ms_conf *ms = &mn->conf.ms[r->ms];
	uint64_t nonce = next_nonce(mn);
	size_t len = 0;
	char a[LISP_ADDR_STRLEN];
	int rc = build(r, nonce, &len);

	if (rc > 0) {
		/* Nothing to advertise until an RLOC shows up (mn_set_rlocs) or
		 * NAT detection changes its mind. The registration machinery
		 * stays as it is; a round starts again then. */
		r->state = rc == 2 ? MN_REG_BEHIND_NAT : MN_REG_IDLE;
		r->awaiting = false;
		snprintf(r->last_error, sizeof(r->last_error), "%s",
			 rc == 2 ? "every RLOC is behind a NAT" : "no RLOC to register");
		mn->ctr.reg_behind_nat += rc == 2;
		ev_timer_cancel(mn->loop, &r->timer);
		return;
	}
	if (rc == 0) {
		remember(r, nonce);
		r->attempts++;
		r->sent++;
		mn->ctr.reg_sent++;
		/* Without an RLOC of the map-server's family the kernel would
		 * route the Map-Register into lmn (our EID default): not sent. */
		if (!mn_rloc_of(mn, ms->addr.afi)) {
			mn->ctr.reg_no_source++;
			snprintf(r->last_error, sizeof(r->last_error),
				 "no RLOC of the map-server's family");
		} else if (cp_io_send(mn->io, NULL, &ms->addr, LISP_CONTROL_PORT, mn->tx, len)) {
			mn->ctr.reg_send_errors++;
			snprintf(r->last_error, sizeof(r->last_error), "send failed");
		}
		log_debug1("mn: Map-Register to %s (attempt %u)",
			   lisp_ip_format(&ms->addr, a, sizeof(a)), r->attempts);
		if (r->attempts >= MN_REG_FAIL_AFTER && r->state != MN_REG_FAILING) {
			char why[96];

			/* A map-server refuses a wrong key silently: from here an
			 * unreachable map-server and a refused key look alike. */
			snprintf(why, sizeof(why), "no Map-Notify after %u Map-Registers "
				 "(map-server unreachable, or our key refused)", r->attempts);
			fail(r, why);
			lispd_log_rl(LISPD_LOG_WARN, "mn: map-server %s: %s", a, why);
		}
	}
	ev_timer_arm(mn->loop, &r->timer, r->retx_ms);
	r->retx_ms = r->retx_ms * 2 > mn->t.reg_retx_max_ms ? mn->t.reg_retx_max_ms
							    : r->retx_ms * 2;
}

static void start_round(struct mn_reg *r)
{
	struct mn *mn = r->mn;
	const struct tb_rate rate = {
		.tokens = 1, .period_ms = mn->t.reg_min_interval_ms, .burst = MN_REG_ROUND_BURST,
	};
	uint64_t now = mn_now(mn);

	/* A flapping link must not turn into a Map-Register storm: a few moves
	 * register at once, beyond that one round per interval, started when
	 * the next token is there and carrying the locators current then
	 * (rounds in between would be outdated at once). */
	if (!r->started) {
		r->started = true;
		tb_fill(&r->rounds, &rate, now);
	}
	if (!tb_take_now(&r->rounds, &rate, now)) {
		mn->ctr.reg_rate_limited++;
		r->awaiting = false;   /* the timer starts a round, not a retransmission */
		ev_timer_arm(mn->loop, &r->timer, (uint32_t)tb_wait_ms(&r->rounds, &rate));
		return;
	}
	r->round++;
	r->attempts = 0;
	r->awaiting = true;
	r->retx_ms = r->mn->t.reg_retx_first_ms;
	if (r->state == MN_REG_IDLE || r->state == MN_REG_BEHIND_NAT)
		r->state = MN_REG_PENDING;
	send_register(r);
}

static void on_timer(struct ev_timer *t, void *arg)
{
	struct mn_reg *r = arg;

	(void)t;
	if (r->awaiting)
		send_register(r);
	else
		start_round(r);
}

int mn_reg_setup(struct mn *mn)
{
	mn->n_reg = 0;
	mn->reg = NULL;
	if (mn->conf.n_ms == 0)
		return 0;
	mn->reg = calloc(mn->conf.n_ms, sizeof(*mn->reg));
	if (!mn->reg)
		return -1;
	mn->n_reg = mn->conf.n_ms;
	for (unsigned i = 0; i < mn->n_reg; i++) {
		mn->reg[i].mn = mn;
		mn->reg[i].ms = i;
		ev_timer_init(&mn->reg[i].timer, on_timer, &mn->reg[i]);
	}
	return 0;
}

unsigned mn_reg_save(const struct mn *mn, struct mn_reg_hist *out)
{
	for (unsigned i = 0; i < mn->n_reg; i++) {
		const struct mn_reg *r = &mn->reg[i];

		out[i].addr = mn->conf.ms[r->ms].addr;
		out[i].sent = r->sent;
		out[i].notifies = r->notifies;
		out[i].auth_failures = r->auth_failures;
		out[i].last_ok_ms = r->last_ok_ms;
	}
	return mn->n_reg;
}

void mn_reg_restore(struct mn *mn, const struct mn_reg_hist *h, unsigned n)
{
	for (unsigned i = 0; i < mn->n_reg; i++) {
		struct mn_reg *r = &mn->reg[i];

		for (unsigned k = 0; k < n; k++) {
			if (!lisp_ip_equal(&h[k].addr, &mn->conf.ms[r->ms].addr))
				continue;
			r->sent = h[k].sent;
			r->notifies = h[k].notifies;
			r->auth_failures = h[k].auth_failures;
			r->last_ok_ms = h[k].last_ok_ms;
			break;
		}
	}
}

void mn_reg_start_all(struct mn *mn)
{
	for (unsigned i = 0; i < mn->n_reg; i++)
		start_round(&mn->reg[i]);
}

void mn_reg_start(struct mn *mn, unsigned i)
{
	start_round(&mn->reg[i]);
}

void mn_reg_teardown(struct mn *mn)
{
	for (unsigned i = 0; i < mn->n_reg; i++)
		ev_timer_cancel(mn->loop, &mn->reg[i].timer);
	free(mn->reg);
	mn->reg = NULL;
	mn->n_reg = 0;
}

/* The map-server with an outstanding (current round) or earlier nonce. */
static struct mn_reg *by_nonce(struct mn *mn, uint64_t nonce, bool *current)
{
	for (unsigned i = 0; i < mn->n_reg; i++) {
		struct mn_reg *r = &mn->reg[i];

		for (unsigned k = 0; k < MN_REG_NONCES; k++) {
			if (r->nonces[k].nonce != nonce || nonce == 0)
				continue;
			*current = r->awaiting && r->nonces[k].round == r->round;
			return r;
		}
	}
	return NULL;
}

static struct mn_reg *by_addr(struct mn *mn, const struct lisp_ip *src)
{
	for (unsigned i = 0; i < mn->n_reg; i++)
		if (lisp_ip_equal(&mn->conf.ms[mn->reg[i].ms].addr, src))
			return &mn->reg[i];
	return NULL;
}

static void accept_notify(struct mn_reg *r)
{
	struct mn *mn = r->mn;
	char a[LISP_ADDR_STRLEN];

	if (r->state != MN_REG_REGISTERED)
		log_info("mn: registered with map-server %s",
			 lisp_ip_format(&mn->conf.ms[r->ms].addr, a, sizeof(a)));
	mn->ctr.notify_accepted++;
	r->notifies++;
	r->state = MN_REG_REGISTERED;
	r->awaiting = false;
	r->last_error[0] = '\0';
	r->last_ok_ms = mn_now(mn);
	ev_timer_arm(mn->loop, &r->timer, mn->t.reg_period_ms);
	mn_smr_release(mn);
}

static void send_ack(struct mn_reg *r, const struct lisp_map_register *notify,
		     const struct lisp_ip *src, uint16_t sport, const struct lisp_ip *dst)
{
	struct mn *mn = r->mn;
	const struct mn_ms_conf *ms = &mn->conf.ms[r->ms];
	struct lisp_map_register *ack = &mn->tx_reg;
	size_t len = 0;

	*ack = *notify;
	ack->type = LISP_MAP_NOTIFY_ACK;
	/* Same algorithm and length as the Notify; the encoder recomputes it. */
	memset(ack->auth.data, 0, sizeof(ack->auth.data));
	if (lisp_map_register_encode(mn->tx, sizeof(mn->tx), &len, ack, ms->key, ms->key_len,
				     NULL)) {
		mn->ctr.reg_encode_errors++;
		return;
	}
	if (cp_io_send(mn->io, dst && dst->afi ? dst : NULL, src, sport, mn->tx, len)) {
		mn->ctr.reg_send_errors++;
		return;
	}
	mn->ctr.notify_ack_sent++;
}

void mn_reg_on_notify(struct mn *mn, const struct lisp_ip *src, uint16_t sport,
		      const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct lisp_map_register *n = &mn->rx.u.reg;
	struct lisp_err err = { 0 };
	char a[LISP_ADDR_STRLEN];
	bool current = false;
	struct mn_reg *r;
	const struct mn_ms_conf *ms;

	if (lisp_map_register_decode(buf, len, n, &err) || n->type != LISP_MAP_NOTIFY) {
		mn_rx_malformed(mn, &err, LISP_ERR_BAD_TYPE);
		return;
	}
	r = by_nonce(mn, n->nonce, &current);
	if (!r) {
		r = by_addr(mn, src);
		if (!r) {
			mn->ctr.notify_unknown++;
			lispd_log_rl(LISPD_LOG_WARN, "mn: Map-Notify from %s: not a map-server of ours",
				     lisp_ip_format(src, a, sizeof(a)));
			return;
		}
	}
	ms = &mn->conf.ms[r->ms];
	if (lisp_auth_verify(buf, len, ms->key, ms->key_len, &err)) {
		mn->ctr.notify_bad_auth++;
		r->auth_failures++;
		if (current)
			fail(r, "auth failed: Map-Notify does not verify with our key");
		lispd_log_rl(LISPD_LOG_WARN, "mn: Map-Notify from %s: authentication failed",
			     lisp_ip_format(src, a, sizeof(a)));
		return;
	}
	if (current) {
		accept_notify(r);
		return;
	}
	if (by_nonce(mn, n->nonce, &current)) {
		/* The ack of a round already acknowledged, or arriving late. */
		mn->ctr.notify_stale++;
		return;
	}
	mn->ctr.notify_unsolicited++;
	send_ack(r, n, src, sport, dst);
}
