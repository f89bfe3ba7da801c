/* Registration with each map-server: one Map-Register carrying every
 * database-mapping record (all our EIDs in one message, so one nonce and
 * one Map-Notify tell whether the whole site is registered), retransmitted
 * 1 s doubling to 60 s until an authenticated Map-Notify echoes an
 * outstanding nonce, then refreshed every 60 s. Unsolicited Map-Notifies
 * with valid auth are acknowledged. An RLOC NAT detection found behind a
 * NAT is not advertised to that map-server; with nothing left, nothing is
 * sent and the state says so. */
#ifndef MN_REGISTER_H
#define MN_REGISTER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evloop.h"
#include "lisp_addr.h"
#include "token_bucket.h"

struct mn;

enum mn_reg_state {
	MN_REG_IDLE = 0,     /* nothing to register (no RLOC) */
	MN_REG_PENDING,      /* sent, no Map-Notify yet */
	MN_REG_REGISTERED,   /* the last round was acknowledged */
	MN_REG_FAILING,      /* several tries unanswered, or auth failed */
	MN_REG_BEHIND_NAT,   /* every RLOC behind a NAT (natdetect.h): none advertised */
};

/* A round fails visibly after this many unanswered sends. */
#define MN_REG_FAIL_AFTER 3
/* Nonces remembered per map-server: the sends of the current round (each
 * retransmission takes a fresh, greater nonce, because a map-server drops a
 * nonce not greater than the last) and a few acknowledged ones before it. */
#define MN_REG_NONCES 16

/* New registration rounds (moves) sent at once before the rate limit. */
#define MN_REG_ROUND_BURST 3

struct mn_reg {
	struct mn *mn;
	unsigned ms;                 /* index into conf.ms */
	enum mn_reg_state state;
	struct ev_timer timer;       /* retransmission or next refresh */
	bool awaiting;               /* a round is not acknowledged yet */
	uint32_t retx_ms;
	unsigned attempts;           /* sends in the current round */
	uint32_t round;
	struct {
		uint64_t nonce;
		uint32_t round;
	} nonces[MN_REG_NONCES];
	unsigned next_slot;
	char last_error[96];
	uint64_t sent, notifies, auth_failures;
	uint64_t last_ok_ms;         /* 0 = never */
	/* Token bucket of new rounds (MN_REG_ROUND_BURST deep, one token per
	 * reg_min_interval_ms); full at the first round. */
	bool started;
	struct tbucket rounds;
};

/* What a map-server's registration has seen, kept across a reload for a
 * map-server that stays (same address): the counters only ever grow, and
 * the last success is still true. */
struct mn_reg_hist {
	struct lisp_ip addr;
	uint64_t sent, notifies, auth_failures;
	uint64_t last_ok_ms;
};

/* (Re)creates one mn_reg per configured map-server, idle. */
int mn_reg_setup(struct mn *mn);
/* Before a reload: the history of each current map-server into out (room
 * for MN_MAX_MS); returns how many. */
unsigned mn_reg_save(const struct mn *mn, struct mn_reg_hist *out);
/* After mn_reg_setup on the new configuration: gives each map-server found
 * in h its history back. */
void mn_reg_restore(struct mn *mn, const struct mn_reg_hist *h, unsigned n);
/* Starts a fresh round at every map-server (new nonce, backoff reset). */
void mn_reg_start_all(struct mn *mn);
/* The same at one map-server, reg[i]. */
void mn_reg_start(struct mn *mn, unsigned i);
void mn_reg_teardown(struct mn *mn);
/* A Map-Notify (buf is the whole LISP message). */
void mn_reg_on_notify(struct mn *mn, const struct lisp_ip *src, uint16_t sport,
		      const struct lisp_ip *dst, const uint8_t *buf, size_t len);
const char *mn_reg_state_name(enum mn_reg_state s);

#endif
