/* The Map-Server role's entry points: construction from the configuration,
 * dispatch of received control messages, reload, and the replay-state sweep. */
#include "ms/ms_priv.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

static void apply_timing(struct ms_timing *t, const struct ms_timing *in)
{
	if (in)
		*t = *in;
	else
		memset(t, 0, sizeof(*t));
	if (!t->reg_lifetime_ms)
		t->reg_lifetime_ms = 180000;
	if (!t->ttl_unit_ms)
		t->ttl_unit_ms = 60000;
	if (!t->nonce_window_ms)
		t->nonce_window_ms = 600000;
	if (!t->xtr_state_ms)
		t->xtr_state_ms = 86400000;
	if (!t->sweep_ms)
		t->sweep_ms = 60000;
}

static void sweep(struct ev_timer *t, void *arg)
{
	struct ms *ms = arg;

	ms_replay_sweep(&ms->replay, ev_now_ms(ms->loop), ms->timing.xtr_state_ms,
			ms->timing.nonce_window_ms);
	ev_timer_arm(ms->loop, t, ms->timing.sweep_ms);
}

struct ms *ms_new_timed(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io,
			const struct ms_timing *timing)
{
	struct ms *ms;

	if (!cfg || cfg->mode != LISPD_MODE_MS) {
		log_err("ms: the configuration is not for operating-mode = MS");
		return NULL;
	}
	ms = calloc(1, sizeof(*ms));
	if (!ms)
		goto oom;
	ms->loop = loop;
	ms->io = io;
	apply_timing(&ms->timing, timing);
	ms_replay_init(&ms->replay);
	ev_timer_init(&ms->sweep, sweep, ms);
	ms->limits = cfg->ms_limits;
	if (ms_rl_init(&ms->rl, MS_RL_SOURCES, ms->limits.request_rate, ms->limits.request_burst,
		       ms->limits.request_rate_total, ev_now_ms(loop))) {
		free(ms);
		goto oom;
	}
	if (ms_rtrs_build(&ms->rtrs, cfg)) {
		ms_rl_free(&ms->rl);
		free(ms);
		goto oom;
	}
	if (ms_db_build(&ms->db, cfg)) {
		ms_rtrs_free(&ms->rtrs);
		ms_rl_free(&ms->rl);
		free(ms);
		goto oom;
	}
	if (ms_install_statics(ms, cfg)) {
		ms_free(ms);
		goto oom;
	}
	ev_timer_arm(loop, &ms->sweep, ms->timing.sweep_ms);
	log_info("ms: serving %u sites (%u static)", cfg->n_sites + cfg->n_static_sites,
		 cfg->n_static_sites);
	return ms;
oom:
	log_err("ms: out of memory");
	return NULL;
}

struct ms *ms_new(const struct lispd_config *cfg, struct ev_loop *loop, struct cp_io *io)
{
	return ms_new_timed(cfg, loop, io, NULL);
}

void ms_decode_failed(struct ms *ms, uint64_t *drop, const char *what, const struct lisp_ip *src,
		      const struct lisp_err *err)
{
	char a[LISP_ADDR_STRLEN], e[96];

	(*drop)++;
	rx_errs_add(&ms->rx_errs, err, LISP_ERR_TRUNCATED);
	lispd_log_rl(LISPD_LOG_WARN, "ms: %s from %s: %s", what, lisp_ip_format(src, a, sizeof(a)),
		     lisp_err_format(err, e, sizeof(e)));
}

int ms_send(struct ms *ms, const struct lisp_ip *src, const struct lisp_ip *dst, uint16_t dport,
	    const uint8_t *buf, size_t len)
{
	if (cp_io_send(ms->io, src, dst, dport, buf, len) == 0)
		return 0;
	ms->ctr.send_failed++;
	return -1;
}

void ms_on_control(void *arg, const struct lisp_ip *src, uint16_t sport,
		   const struct lisp_ip *dst, const uint8_t *buf, size_t len)
{
	struct ms *ms = arg;

	ms->ctr.rx_packets++;
	switch (lisp_msg_type(buf, len)) {
	case LISP_MAP_REGISTER:
		ms_handle_register(ms, src, sport, dst, buf, len, NULL);
		break;
	case LISP_ECM:
		ms_handle_ecm(ms, src, sport, dst, buf, len);
		break;
	case LISP_INFO:
		ms_handle_info(ms, src, sport, dst, buf, len);
		break;
	case LISP_MAP_REQUEST:
		/* As OOR: a Map-Resolver is reached through ECMs only. */
		ms->ctr.drop_direct_map_request++;
		break;
	default:
		ms->ctr.drop_other_type++;
		break;
	}
}

int ms_reload(void *arg, const struct lispd_config *cfg)
{
	struct ms *ms = arg;
	struct ms_rtrs rtrs;
	uint64_t dropped;

	if (!cfg || cfg->mode != LISPD_MODE_MS) {
		log_err("ms: reload: the configuration is not for operating-mode = MS");
		return -1;
	}
	dropped = ms->ctr.reload_dropped;
	if (ms_rtrs_build(&rtrs, cfg) || ms_db_reload(ms, cfg)) {
		ms_rtrs_free(&rtrs);
		log_err("ms: reload: out of memory; the old sites stay");
		return -1;
	}
	ms_rtrs_free(&ms->rtrs);
	ms->rtrs = rtrs;
	/* New bounds apply from now on: registrations over a lowered bound
	 * stay until they expire, new ones are refused. */
	ms->limits = cfg->ms_limits;
	ms_rl_set(&ms->rl, ms->limits.request_rate, ms->limits.request_burst,
		  ms->limits.request_rate_total);
	log_info("ms: reloaded: %u sites (%u static), %zu registrations kept, %llu dropped",
		 cfg->n_sites + cfg->n_static_sites, cfg->n_static_sites, ms->n_regs,
		 (unsigned long long)(ms->ctr.reload_dropped - dropped));
	return 0;
}

void ms_free(struct ms *ms)
{
	if (!ms)
		return;
	ev_timer_cancel(ms->loop, &ms->sweep);
	ms_reg_free_all(ms);
	ms_db_free(&ms->db);
	ms_replay_free(&ms->replay);
	ms_rl_free(&ms->rl);
	ms_rtrs_free(&ms->rtrs);
	free(ms);
}
